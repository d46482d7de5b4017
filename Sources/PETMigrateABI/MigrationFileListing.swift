import PETMigrate
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `pet_migrate_files` reports: the migration files the engine would read, named by the
/// engine's own rule, each with the fingerprint the engine itself uses to tell whether a file
/// changed, and one fingerprint of the whole listing.
///
/// A host (the WordPress plugin) calls this on ordinary requests to notice a deployment, so it
/// must stay cheap: it lists the directory and stats each entry (through the engine's own
/// `DirectoryMigrationSource`), and never opens, reads or parses a file.
struct MigrationFileListing {
    struct File {
        var fileName: String
        var version: String?
        var name: String?
        var fingerprint: [Int]?
        /// The fingerprint as reported (and hashed): computed once.
        var fingerprintText: String
    }

    var result: ResultCode
    var message: String
    /// Every file, in file-name order (kept only when the report lists them).
    var files: [File] = []
    var reportsFiles = true
    var fileCount = 0
    var fingerprint = ""
    var newestVersion: String?
    /// Nanoseconds since the epoch.
    var newestChange: Int?
    var problems: [(kind: String, file: String?, version: String?, reason: String)] = []

    /// The last configuration text this process parsed, and its result. A host asks on every
    /// request with the same text (a PHP worker serves many requests), and parsing JSON costs
    /// more than listing a directory; the parse is pure, so its answer can be kept.
    private static let lastConfiguration = Mutex<(text: String, configuration: EngineConfiguration)?>(nil)

    static func configuration(_ config: UnsafePointer<CChar>?) throws(ConfigurationError) -> EngineConfiguration {
        guard let config, let text = String(validatingCString: config) else { return try parse(config, needsDatabase: false) }
        if let cached = lastConfiguration.withLock({ $0 }), cached.text == text { return cached.configuration }
        let configuration = try parse(config, needsDatabase: false)
        lastConfiguration.withLock { $0 = (text: text, configuration: configuration) }
        return configuration
    }

    static func make(_ configuration: EngineConfiguration) -> MigrationFileListing {
        let source = DirectoryMigrationSource(directory: configuration.migrationsDirectory)
        let entries: [MigrationSourceEntry]
        do {
            entries = try source.entries()
        } catch {
            return MigrationFileListing(result: .config, message: error.reason, problems: [(kind: "unreadable", file: nil, version: nil, reason: error.reason)])
        }
        var listing = MigrationFileListing(result: .ok, message: "")
        listing.reportsFiles = configuration.reportFiles
        listing.fileCount = entries.count
        var fileByVersion: [String: String] = [:]
        var hash = ListingHash()
        for entry in entries.sorted(by: { $0.fileName < $1.fileName }) {
            let parsed = MigrationFileName(entry.fileName)
            hash.mix(fileName: entry.fileName, fingerprint: entry.fingerprint)
            if let change = Self.newestChange(entry.fingerprint) { listing.newestChange = max(listing.newestChange ?? change, change) }
            if let version = parsed?.version, version > (listing.newestVersion ?? "") { listing.newestVersion = version }
            if listing.reportsFiles {
                listing.files.append(File(fileName: entry.fileName, version: parsed?.version, name: parsed?.name, fingerprint: entry.fingerprint,
                                          fingerprintText: Self.text(entry.fingerprint)))
            }
            guard let parsed else {
                listing.problems.append((kind: "file_name", file: entry.fileName, version: nil,
                                         reason: "the name does not follow the rule: \(MigrationFileName.rule)"))
                continue
            }
            if entry.fingerprint == nil {
                listing.problems.append((kind: "unreadable", file: entry.fileName, version: parsed.version, reason: "it is not a regular file"))
            }
            if let other = fileByVersion[parsed.version] {
                listing.problems.append((kind: "duplicate_version", file: entry.fileName, version: parsed.version,
                                         reason: "version \(parsed.version) is also used by \(other)"))
            }
            fileByVersion[parsed.version] = entry.fileName
        }
        listing.fingerprint = hash.text
        if listing.problems.isEmpty {
            listing.message = "\(entries.count) migration file(s) in \(configuration.migrationsDirectory)"
        } else {
            listing.result = .invalid
            listing.message = "\(listing.problems.count) file(s) in \(configuration.migrationsDirectory) cannot be migrations"
        }
        return listing
    }

    /// A file's newest change (modification or status change, whichever is later), in
    /// nanoseconds since the epoch, or nil when unknown.
    private static func newestChange(_ fingerprint: [Int]?) -> Int? {
        guard let f = fingerprint, f.count >= 7 else { return nil }
        let modified = f[3].multipliedReportingOverflow(by: 1_000_000_000)
        let changed = f[5].multipliedReportingOverflow(by: 1_000_000_000)
        guard !modified.overflow, !changed.overflow else { return nil }
        return max(modified.partialValue &+ f[4], changed.partialValue &+ f[6])
    }

    /// One fingerprint of the whole listing (FNV-1a, 64 bits, over each file's name and its
    /// fingerprint as text, in file-name order): it changes when a file is added, removed,
    /// renamed, replaced or written, whatever the file system's clock resolution. The text is
    /// hashed digit by digit as it would be written, never built: with `report_files` false
    /// nothing per file is allocated, and the value is the same either way.
    private struct ListingHash {
        private var hash: UInt64 = 0xcbf2_9ce4_8422_2325

        private mutating func mix(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }

        /// The number's decimal digits, as `String(number)` writes them.
        private mutating func mix(_ number: Int) {
            if number < 0 { mix(UInt8(ascii: "-")) }
            let magnitude = number.magnitude
            var divisor: UInt = 1
            while magnitude / divisor >= 10 { divisor *= 10 }
            repeat {
                mix(UInt8(ascii: "0") + UInt8(magnitude / divisor % 10))
                divisor /= 10
            } while divisor > 0
        }

        mutating func mix(fileName: String, fingerprint: [Int]?) {
            for byte in fileName.utf8 { mix(byte) }
            mix(UInt8(0))
            if let fingerprint {
                for (position, number) in fingerprint.enumerated() {
                    if position > 0 { mix(UInt8(ascii: ":")) }
                    mix(number)
                }
            } else {
                mix(UInt8(ascii: "-"))
            }
            mix(UInt8(ascii: "\n"))
        }

        var text: String {
            let hex = String(hash, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }
    }

    private static func text(_ fingerprint: [Int]?) -> String {
        guard let fingerprint else { return "-" }
        var text = ""
        text.reserveCapacity(96)
        for (position, number) in fingerprint.enumerated() {
            if position > 0 { text.append(":") }
            text.append(String(number))
        }
        return text
    }

    /// The report as JSON text, written directly: it is asked for on every request, and a
    /// tree of dictionaries sorted at serialization costs more than the listing itself. Keys
    /// are written in sorted order, as JSONWriter writes every other report.
    var jsonText: String {
        var json = JSONBytes(capacity: 256 + files.count * 160)
        json.raw("{")
        json.key("engine_version", first: true); json.string(PETMigrateVersion.string)
        json.key("file_count"); json.string(nil, orNumber: fileCount)
        json.key("files")
        if !reportsFiles { json.raw("null") } else { json.raw("[") }
        for (position, file) in files.enumerated() {
            if position > 0 { json.raw(",") }
            json.raw("{"); json.key("file", first: true); json.string(file.fileName)
            json.key("fingerprint"); json.string(file.fingerprintText)
            json.key("name"); json.string(file.name)
            json.key("version"); json.string(file.version)
            json.raw("}")
        }
        if reportsFiles { json.raw("]") }
        json.key("fingerprint"); json.string(fingerprint)
        // Seconds as decimal text keep the nanoseconds a JSON number (a double) would round away.
        json.key("listed_at"); json.seconds(Self.now())
        json.key("message"); json.string(message)
        json.key("newest_change"); json.seconds(newestChange)
        json.key("newest_version"); json.string(newestVersion)
        json.key("problems"); json.raw("[")
        for (position, problem) in problems.enumerated() {
            if position > 0 { json.raw(",") }
            json.raw("{"); json.key("file", first: true); json.string(problem.file)
            json.key("kind"); json.string(problem.kind)
            json.key("reason"); json.string(problem.reason)
            json.key("step"); json.raw("null")
            json.key("version"); json.string(problem.version)
            json.raw("}")
        }
        json.raw("]")
        json.key("result"); json.string(nil, orNumber: Int(result.rawValue))
        json.key("result_name"); json.string(result.name)
        json.raw("}")
        return String(decoding: json.bytes, as: UTF8.self)
    }

    private static func now() -> Int {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return time.tv_sec * 1_000_000_000 + time.tv_nsec
    }
}

/// A JSON text under construction: bytes appended in place, strings escaped as JSON requires.
private struct JSONBytes {
    var bytes: [UInt8] = []

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func key(_ name: StaticString, first: Bool = false) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        bytes.append(UInt8(ascii: "\""))
        raw(name)
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    /// Nanoseconds since the epoch as "SECONDS.NNNNNNNNN" (a string), or null.
    mutating func seconds(_ value: Int?) {
        guard let value else { return raw("null") }
        let nanoseconds = max(0, value) // a file dated before 1970 counts as old, never as recent
        bytes.append(UInt8(ascii: "\""))
        digits(nanoseconds / 1_000_000_000, width: 1)
        bytes.append(UInt8(ascii: "."))
        digits(nanoseconds % 1_000_000_000, width: 9)
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func digits(_ number: Int, width: Int) {
        var reversed: [UInt8] = []
        var rest = number
        repeat {
            reversed.append(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        } while rest > 0 || reversed.count < width
        bytes.append(contentsOf: reversed.reversed())
    }

    mutating func string(_ text: String?, orNumber number: Int? = nil) {
        if let number { return bytes.append(contentsOf: String(number).utf8) }
        guard var text else { return raw("null") }
        bytes.append(UInt8(ascii: "\""))
        text.withUTF8 { utf8 in
            for byte in utf8 {
                switch byte {
                case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\\")); bytes.append(byte)
                case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\")); bytes.append(byte)
                case 0..<0x20:
                    let hex: StaticString = "0123456789abcdef"
                    raw("\\u00")
                    hex.withUTF8Buffer { digits in
                        bytes.append(digits[Int(byte >> 4)])
                        bytes.append(digits[Int(byte & 0xf)])
                    }
                default: bytes.append(byte)
                }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
