import Testing
@testable import PETMigrate

/// `Bookkeeping.overview` reads the registry, the state row and whether the journal holds
/// anything in two statements; each combination is read back as it is in the tables, on both
/// dialects: before any table exists, tables without a state row (a first activation that
/// crashed before writing it), and a state row with and without journal rows.
@Suite struct BookkeepingOverviewTests {
    @Test(arguments: DialectName.allCases)
    func readsWhatTheTablesHold(_ dialect: DialectName) throws {
        let database = try TestDatabase(dialect)
        let driver = try database.connect()
        defer { driver.close() }
        let bookkeeping = Bookkeeping(driver: driver, prefix: "wp_")

        let before = try bookkeeping.overview()
        #expect(before.applied.isEmpty && before.state == nil && !before.hasJournal, "no tables yet")

        try bookkeeping.ensureTables(SchemaCatalog(driver: driver, prefix: "wp_"))
        let journalRow = "INSERT INTO wp_pet_migration_journal (version, step, object_kind, table_name, status, recorded_at) VALUES ('2026_01_02_0001', 1, 'table', 'wp_x', 'intent', '2026-01-01 00:00:00')"
        try driver.execute(journalRow)
        let noState = try bookkeeping.overview()
        #expect(noState.state == nil, "tables but no state row")
        #expect(noState.hasJournal, "the journal row is seen without a state row")
        try driver.execute("DELETE FROM wp_pet_migration_journal")
        #expect(try !bookkeeping.overview().hasJournal)

        // Registry rows inserted out of order come back sorted; the state row as written.
        for version in ["2026_01_03_0001", "2026_01_01_0001", "2026_01_02_0001"] {
            try bookkeeping.register(AppliedMigration(version: version, name: "m", appliedAt: "2026-01-01 00:00:00", checksum: String(repeating: "a", count: 64)))
        }
        let state = MigrationState(mode: .maintenance, schemaVersion: "2026_01_03_0001", targetVersion: "2026_01_04_0001",
                                   currentVersion: "2026_01_04_0001", currentStep: 2, lastError: "it's broken", lastErrorKind: "ddl",
                                   lastErrorVersion: "2026_01_04_0001", lastErrorStep: 2, progress: nil, startedAt: "2026-01-01 00:00:00")
        try bookkeeping.insertState(state)
        try bookkeeping.write(state)
        let clean = try bookkeeping.overview()
        #expect(clean.applied.map(\.version) == ["2026_01_01_0001", "2026_01_02_0001", "2026_01_03_0001"])
        var read = try #require(clean.state)
        read.updatedAt = nil
        #expect(read == state)
        #expect(!clean.hasJournal)
        try driver.execute(journalRow)
        try driver.execute(journalRow)
        #expect(try bookkeeping.overview().hasJournal, "two journal rows with a state row")
    }
}
