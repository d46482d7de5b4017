import PETMigrate

extension FuzzTargets {
    /// A migration file's bytes through everything the engine does with them before any
    /// database: JSON parse, decode, validation, canonical form and both checksums, the set's
    /// prefix checks, and planning against a registry (empty, the same file, another
    /// checksum) — the path every activation and `lint` takes.
    public static let loader = FuzzTarget(name: "loader", seedDirectories: ["php/migrations", "Tests/WordPress/fixtures/migrations"]) { bytes in
        let source = InMemoryMigrationSource(files: ["2026_01_01_0001_fuzz.json": bytes])
        for prefix in ["wp_", "", String(repeating: "p", count: 32)] {
            guard case .success(let set) = MigrationSet.load(from: source, prefix: prefix) else { continue }
            _ = set.plan(applied: [])
            for migration in set.migrations {
                for checksum in [migration.checksum, migration.legacyChecksum, String(repeating: "0", count: 64)] {
                    _ = set.plan(applied: [AppliedMigration(version: migration.version, name: migration.name,
                                                            appliedAt: "2026-01-01 00:00:00", checksum: checksum)])
                }
            }
        }
    }
}

/// Files held in memory, for fuzzing and replaying without touching the file system.
struct InMemoryMigrationSource: MigrationSource {
    let files: [String: [UInt8]]
    var location: String { "memory" }

    func entries() throws(MigrationSourceError) -> [MigrationSourceEntry] {
        files.map { name, bytes in MigrationSourceEntry(fileName: name) { .success(bytes) } }
    }
}
