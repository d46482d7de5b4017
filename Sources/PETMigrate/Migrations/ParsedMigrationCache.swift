/// Valid migrations already parsed in this process, by file and fingerprint.
///
/// A PHP worker checks for pending migrations on every activation and upgrade check; with
/// hundreds of migration files, reading, parsing and hashing each of them every time would
/// dominate that path. A file whose fingerprint (inode, size, change times) is unchanged has
/// the same content, so its parsed form and checksum are reused. Only valid migrations are
/// cached: an invalid file is read again until it is fixed.
enum ParsedMigrationCache {
    /// More files than any plugin ships.
    static let shared = ProcessCache<Key, Migration>(capacity: 20_000)

    struct Key: Hashable, Sendable {
        var location: String
        var fileName: String
        var fingerprint: [Int]
    }
}
