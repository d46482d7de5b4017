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
///
/// Only regular files inside the directory are read. A FIFO would block `open` and `read`
/// forever (and with them every activation and status check of the site), a device such as
/// `/dev/zero` never ends, and a symbolic link out of the folder reads something nobody
/// reviewed as a migration: each is refused by name before any byte is read. What `stat`
/// says is not trusted either: the file is opened without blocking and without following a
/// link, checked again with `fstat` on the open descriptor, and read to at most one byte
/// more than the limit, so a file that changes under the engine can neither block it nor
/// make it allocate without bound.
public struct DirectoryMigrationSource: MigrationSource {
    public let directory: String
    /// The largest migration file read; a bigger one is refused.
    public let maximumFileSize: Int

    public static let defaultMaximumFileSize = 16 * 1024 * 1024

    public init(directory: String, maximumFileSize: Int = DirectoryMigrationSource.defaultMaximumFileSize) {
        self.directory = directory
        self.maximumFileSize = max(0, maximumFileSize)
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
        // Each entry is looked up relative to the open directory: the kernel walks one path
        // component per file instead of the folder's whole path again (in a WordPress
        // install, seven or more), which was most of a warm no-op's system time.
        let folderDescriptor = dirfd(stream)
        var folder: String?? = .none  // resolved once, and only if a symbolic link needs it
        let limit = maximumFileSize
        return names.map { name in
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            let inspected = Self.inspect(name, at: folderDescriptor, path: path) {
                if case .some(let resolved) = folder { return resolved }
                let resolved = Self.realPath(directory)
                folder = .some(resolved)
                return resolved
            }
            switch inspected {
            case .failure(let error):
                return MigrationSourceEntry(fileName: name) { .failure(error) }
            case .success(let file):
                return MigrationSourceEntry(fileName: name, fingerprint: file.fingerprint) {
                    Self.readBounded(file.path, limit: limit)
                }
            }
        }
    }

    /// A migration file that `lstat`/`stat` say may be read: its path to open (a link inside
    /// the folder resolved) and its fingerprint.
    private struct RegularFile {
        var path: String
        var fingerprint: [Int]
    }

    /// Decides from the directory entry alone whether it may be read, so that a FIFO or a
    /// device is refused without ever being opened.
    private static func inspect(_ name: String, at folderDescriptor: Int32, path: String,
                                folder: () -> String?) -> Result<RegularFile, MigrationSourceError> {
        var info = stat()
        guard fstatat(folderDescriptor, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
            return .failure(MigrationSourceError("the file cannot be read (check its permissions)"))
        }
        var target = path
        if (info.st_mode & S_IFMT) == S_IFLNK {
            guard let folder = folder(), let resolved = realPath(path) else {
                return .failure(MigrationSourceError("it is a symbolic link whose target does not exist or cannot be reached"))
            }
            guard resolved.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/") else {
                return .failure(MigrationSourceError("it is a symbolic link to \(resolved), outside the migrations folder; only files inside the folder are read"))
            }
            guard stat(resolved, &info) == 0 else { return .failure(MigrationSourceError("the file cannot be read (check its permissions)")) }
            target = resolved
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: return .failure(MigrationSourceError("it is a directory, not a migration file"))
        default: return .failure(MigrationSourceError("it is \(kindName(info.st_mode)), not a regular file; a migration must be a regular file"))
        }
        // ctime changes on every write, even one that puts mtime back; the inode changes
        // when an editor or a deploy replaces the file. Device and inode numbers are
        // unsigned and may use every bit: they are kept as bit patterns, never converted.
        let fingerprint = [Int(truncatingIfNeeded: info.st_dev), Int(truncatingIfNeeded: info.st_ino), Int(truncatingIfNeeded: info.st_size),
                           Int(truncatingIfNeeded: info.st_mtim.tv_sec), Int(truncatingIfNeeded: info.st_mtim.tv_nsec),
                           Int(truncatingIfNeeded: info.st_ctim.tv_sec), Int(truncatingIfNeeded: info.st_ctim.tv_nsec)]
        return .success(RegularFile(path: target, fingerprint: fingerprint))
    }

    private static func kindName(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: return "a FIFO (named pipe)"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        case S_IFLNK: return "a symbolic link"
        default: return "a special file"
        }
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Reads at most `limit` bytes; one byte more means the file is too large, whatever
    /// `stat` said before. `O_NONBLOCK` keeps a FIFO swapped in after the check from
    /// blocking `open`; `O_NOFOLLOW` refuses a link swapped in; `fstat` on the descriptor
    /// checks what was actually opened.
    static func readBounded(_ path: String, limit: Int) -> Result<[UInt8], MigrationSourceError> {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ELOOP { return .failure(MigrationSourceError("it was replaced by a symbolic link while being read")) }
            return .failure(MigrationSourceError("the file cannot be read (check its permissions)"))
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return .failure(MigrationSourceError("the file cannot be read (check its permissions)")) }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            return .failure(MigrationSourceError("it is \(kindName(info.st_mode)), not a regular file; a migration must be a regular file"))
        }
        // Read straight into storage sized by what fstat says, plus one byte to see the end
        // (or that the file grew): never a zero-filled buffer, which cost more than parsing a
        // small file.
        var capacity = min(limit + 1, max(0, Int(info.st_size)) + 1)
        var storage = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 1)
        defer { storage.deallocate() }
        var count = 0
        while count <= limit {
            if count == capacity {
                let grown = min(limit + 1, capacity * 2 + 4096)
                let larger = UnsafeMutableRawPointer.allocate(byteCount: grown, alignment: 1)
                larger.copyMemory(from: storage, byteCount: count)
                storage.deallocate()
                storage = larger
                capacity = grown
            }
            let received = read(descriptor, storage + count, capacity - count)
            if received < 0 {
                if errno == EINTR { continue }
                return .failure(MigrationSourceError("the file could not be read completely"))
            }
            if received == 0 { break }
            count += received
        }
        let bytes = Array(UnsafeRawBufferPointer(start: storage, count: count))
        guard bytes.count <= limit else {
            return .failure(MigrationSourceError("the file is larger than \(sizeText(limit)); a migration file is never that big"))
        }
        return .success(bytes)
    }

    private static func sizeText(_ bytes: Int) -> String {
        bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0 ? "\(bytes / (1024 * 1024)) MiB" : "\(bytes) bytes"
    }
}
