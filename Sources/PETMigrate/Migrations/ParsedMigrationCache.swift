import Synchronization

/// Valid migrations already parsed in this process, by file and fingerprint.
///
/// A PHP worker checks for pending migrations on every activation and upgrade check; with
/// hundreds of migration files, reading, parsing and hashing each of them every time would
/// dominate that path. A file whose fingerprint (inode, size, change times) is unchanged has
/// the same content, so its parsed form and checksum are reused. Only valid migrations are
/// cached: an invalid file is read again until it is fixed.
final class ParsedMigrationCache: Sendable {
    static let shared = ParsedMigrationCache()

    /// More files than any plugin ships, so a long-lived process cannot grow without bound.
    private static let capacity = 20_000
    struct Key: Hashable {
        var location: String
        var fileName: String
        var fingerprint: [Int]
    }

    private let entries = Mutex<[Key: Migration]>([:])

    func migration(for key: Key) -> Migration? {
        entries.withLock { $0[key] }
    }

    func store(_ migration: Migration, for key: Key) {
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = migration
        }
    }
}
