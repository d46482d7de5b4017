/// Judged migration sets already loaded in this process, by directory, prefix and listing.
///
/// A PHP worker answers many activation and status calls for the same site; with hundreds of
/// migrations, even with every file's parse cached (`ParsedMigrationCache`), matching 500
/// names against the cache, sorting them, checking prefixed names and judging the set again
/// cost more than the database round trip. The listing — every file's name and fingerprint
/// (device, inode, size, modification and status-change times in nanoseconds) — changes when
/// any file is added, removed, renamed, replaced or written, and the status-change time
/// cannot be set back by anyone but the kernel; a set judged valid for an identical listing
/// and prefix is the same set, judged the same way. The cache lives in the process's memory
/// only: nothing another process (or a file on disk) says is trusted. Only valid sets are
/// kept; an invalid set is loaded and judged again until it is fixed.
enum JudgedSetCache {
    /// More sites than one worker serves.
    static let shared = ProcessCache<Key, MigrationSet>(capacity: 64)

    struct Key: Hashable, Sendable {
        var directory: String
        var prefix: String
        var listing: [Listed]
    }

    struct Listed: Hashable, Sendable {
        var fileName: String
        var fingerprint: [Int]
    }

    /// The key of a listing, or nil when an entry has no fingerprint (it must be read).
    static func key(directory: String, prefix: String, entries: [MigrationSourceEntry]) -> Key? {
        var listing: [Listed] = []
        listing.reserveCapacity(entries.count)
        for entry in entries {
            guard let fingerprint = entry.fingerprint else { return nil }
            listing.append(Listed(fileName: entry.fileName, fingerprint: fingerprint))
        }
        // Kept in the order the directory listed them, unsorted: an unchanged directory
        // lists in the same order, and one that lists the same files in another order only
        // misses the cache (it is loaded and judged again), never matches a different set.
        return Key(directory: directory, prefix: prefix, listing: listing)
    }
}

/// Entries already listed, served again (so a directory is listed once per load).
struct ListedMigrationSource: MigrationSource {
    let location: String
    let listed: [MigrationSourceEntry]

    func entries() throws(MigrationSourceError) -> [MigrationSourceEntry] { listed }
}
