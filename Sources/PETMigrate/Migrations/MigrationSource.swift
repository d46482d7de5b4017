#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where migrations come from. The engine only needs the files' names and bytes; keeping
/// that behind a protocol (as golang-migrate's `source` does) lets tests and other hosts
/// supply migrations without a directory.
public protocol MigrationSource: Sendable {
    /// A description for messages, e.g. the directory path.
    var location: String { get }
    /// Every entry the source holds, in no particular order.
    func entries() throws(MigrationSourceError) -> [MigrationSourceEntry]
}

public struct MigrationSourceEntry: Sendable {
    public var fileName: String
    /// Identifies this version of the entry's content (for a file: device, inode, size and
    /// change times), so that an unchanged file need not be read and parsed again. Nil when
    /// the source cannot tell; such entries are always read.
    public var fingerprint: [Int]?
    /// Reads the bytes, or says why they cannot be read.
    public var read: @Sendable () -> Result<[UInt8], MigrationSourceError>

    public init(fileName: String, fingerprint: [Int]? = nil, read: @escaping @Sendable () -> Result<[UInt8], MigrationSourceError>) {
        self.fileName = fileName
        self.fingerprint = fingerprint
        self.read = read
    }
}

public struct MigrationSourceError: Error, Sendable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
}

/// Migrations as `VERSION_NAME.json` files in one directory. Hidden files (`.gitkeep`,
/// editors' swap files) are ignored; anything else that is not a migration file is an error,
/// because a misnamed migration that silently never runs is worse than a refusal.
public struct DirectoryMigrationSource: MigrationSource {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    public var location: String { directory }

    public func entries() throws(MigrationSourceError) -> [MigrationSourceEntry] {
        guard let stream = opendir(directory) else {
            if errno == ENOENT { throw MigrationSourceError("the migrations directory \(directory) does not exist") }
            if errno == ENOTDIR { throw MigrationSourceError("\(directory) is not a directory") }
            throw MigrationSourceError("the migrations directory \(directory) cannot be read (check its permissions)")
        }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            // Read d_name as the C string it is: the bytes after its NUL are not initialised.
            let name = withUnsafePointer(to: &entry.pointee.d_name) { field in
                UnsafeRawPointer(field).withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if !name.hasPrefix(".") { names.append(name) }
        }
        return names.map { name in
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            var info = stat()
            guard stat(path, &info) == 0 else {
                return MigrationSourceEntry(fileName: name) { .failure(MigrationSourceError("the file cannot be read (check its permissions)")) }
            }
            // ctime changes on every write, even one that puts mtime back; the inode changes
            // when an editor or a deploy replaces the file.
            let fingerprint = [Int(info.st_dev), Int(info.st_ino), Int(info.st_size), info.st_mtim.tv_sec, info.st_mtim.tv_nsec,
                               info.st_ctim.tv_sec, info.st_ctim.tv_nsec]
            let isDirectory = (info.st_mode & S_IFMT) == S_IFDIR
            let size = Int(info.st_size)
            return MigrationSourceEntry(fileName: name, fingerprint: isDirectory ? nil : fingerprint) {
                isDirectory ? .failure(MigrationSourceError("it is a directory, not a migration file")) : Self.read(path, size: size)
            }
        }
    }

    private static func read(_ path: String, size: Int) -> Result<[UInt8], MigrationSourceError> {
        guard size <= 16 * 1024 * 1024 else { return .failure(MigrationSourceError("the file is larger than 16 MiB")) }
        guard let file = fopen(path, "rb") else { return .failure(MigrationSourceError("the file cannot be read (check its permissions)")) }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count > 0 { bytes.append(contentsOf: buffer[0..<count]) }
            if count < buffer.count {
                if ferror(file) != 0 { return .failure(MigrationSourceError("the file could not be read completely")) }
                break
            }
        }
        return .success(bytes)
    }
}
