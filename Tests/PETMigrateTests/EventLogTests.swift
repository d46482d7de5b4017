import Testing
@testable import PETMigrate

/// The audit log keeps every event except old `progress` events: a migration keeps its newest
/// `Bookkeeping.progressEventsKept`, whatever else the table holds.
@Suite struct EventLogTests {
    @Test(arguments: DialectName.allCases)
    func progressEventsAreBoundedPerMigrationAndNothingElseIsPruned(_ dialect: DialectName) throws {
        let database = try TestDatabase(dialect)
        let driver = try database.connect()
        defer { driver.close() }
        let bookkeeping = Bookkeeping(driver: driver, prefix: "wp_")
        try bookkeeping.ensureTables(SchemaCatalog(driver: driver, prefix: "wp_"))
        let long = "2026_01_01_0001", short = "2026_01_02_0001"
        try bookkeeping.record(.started, version: long, message: "started")
        for index in 1...250 {
            try bookkeeping.record(.progress, version: long, message: "long \(index)")
            if index <= 5 { try bookkeeping.record(.progress, version: short, message: "short \(index)") }
        }
        try bookkeeping.record(.completed, version: long, message: "completed")
        try bookkeeping.record(.progress, version: nil, message: "no version")

        func messages(_ sql: String) throws -> [String] {
            try driver.query(sql).compactMap { $0.first?.text }
        }
        let kept = try messages("SELECT message FROM wp_pet_migration_events WHERE event = 'progress' AND version = '\(long)' ORDER BY id")
        #expect(kept.count == Bookkeeping.progressEventsKept)
        #expect(kept.first == "long 151" && kept.last == "long 250", "the newest are kept: \(kept.first ?? "-") … \(kept.last ?? "-")")
        #expect(try messages("SELECT message FROM wp_pet_migration_events WHERE version = '\(short)' ORDER BY id") == (1...5).map { "short \($0)" })
        #expect(try messages("SELECT event FROM wp_pet_migration_events WHERE event <> 'progress' ORDER BY id") == ["started", "completed"])
        #expect(try messages("SELECT message FROM wp_pet_migration_events WHERE version IS NULL") == ["no version"])
    }
}
