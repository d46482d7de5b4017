import Foundation
import Testing
@testable import PETMigrate

/// How allowed raw SQL runs: statement by statement as each dialect reads it, every object a
/// schema statement creates journalled (so a failure removes all of it), never an object
/// that existed before.
@Suite struct RawSQLExecutionTests {
    /// A raw schema step creating two tables and an index, then a step that fails.
    static func twoTablesThenFailure(failing: Bool) -> String {
        let failingStep = failing
            ? #"{"op": "add_index", "table": "pet_no_such_table", "index": {"name": "x", "columns": ["x"]}}"#
            : #"{"op": "add_index", "table": "pet_b", "index": {"name": "x", "columns": ["x"]}}"#
        return #"""
            {"steps": [
              {"op": "sql",
               "sqlite": "CREATE TABLE {prefix}pet_a (id INTEGER PRIMARY KEY); CREATE TABLE {prefix}pet_b (id INTEGER PRIMARY KEY, x INTEGER); CREATE INDEX {prefix}pet_b__bx ON {prefix}pet_b (x)",
               "mariadb": "CREATE TABLE {prefix}pet_a (id INT PRIMARY KEY); CREATE TABLE {prefix}pet_b (id INT PRIMARY KEY, x INT); CREATE INDEX bx ON {prefix}pet_b (x); ALTER TABLE {prefix}pet_projects ADD COLUMN pet_flag INT NULL, ADD INDEX pet_flag (pet_flag)",
               "applied_if": {"table_exists": "pet_b"}},
              \#(failingStep)
            ]}
            """#
    }

    @Test(arguments: DialectName.allCases)
    func aFailedMigrationRemovesEveryObjectItsRawSQLCreated(_ dialect: DialectName) throws {
        let database = try TestDatabase(dialect)
        let directory = try MigrationDirectory.firstRelease()
        #expect(database.engine(directory).activate().result == .ok)
        let before = try database.snapshot(excludingBookkeeping: true)

        try directory.write("2026_02_11_0001_raw_tables.json", Self.twoTablesThenFailure(failing: true))
        let failed = database.engine(directory).activate()
        #expect(failed.result == .maintenance, "\(failed.message)")
        #expect(failed.error?.step == 2)
        #expect(try database.snapshot(excludingBookkeeping: true) == before, "a table, column or index of the raw step was left behind")

        // The fixed file applies: nothing of the failed attempt is in its way.
        try directory.write("2026_02_11_0001_raw_tables.json", Self.twoTablesThenFailure(failing: false))
        let fixed = database.engine(directory).activate()
        #expect(fixed.result == .ok, "\(fixed.message)")
        let driver = try database.connect()
        defer { driver.close() }
        #expect(try driver.tableExists("wp_pet_a") && driver.tableExists("wp_pet_b"))
    }

    @Test(arguments: DialectName.allCases)
    func anObjectThatExistedBeforeIsNeverRemoved(_ dialect: DialectName) throws {
        let database = try TestDatabase(dialect)
        let directory = try MigrationDirectory.firstRelease()
        #expect(database.engine(directory).activate().result == .ok)
        let setup = try database.connect()
        // Created by hand, not by a migration: `IF NOT EXISTS` leaves it, compensation must too.
        try setup.execute("CREATE TABLE wp_pet_a (id INTEGER PRIMARY KEY)")
        try setup.execute("INSERT INTO wp_pet_a (id) VALUES (7)")
        setup.close()
        let before = try database.snapshot(excludingBookkeeping: true)
        try directory.write("2026_02_11_0001_if_not_exists.json", #"""
            {"steps": [
              {"op": "sql", "sqlite": "CREATE TABLE IF NOT EXISTS {prefix}pet_a (id INTEGER PRIMARY KEY); CREATE TABLE {prefix}pet_c (id INTEGER PRIMARY KEY)",
               "mariadb": "CREATE TABLE IF NOT EXISTS {prefix}pet_a (id INT PRIMARY KEY); CREATE TABLE {prefix}pet_c (id INT PRIMARY KEY)",
               "applied_if": {"table_exists": "pet_c"}},
              {"op": "add_index", "table": "pet_no_such_table", "index": {"name": "x", "columns": ["x"]}}
            ]}
            """#)
        let failed = database.engine(directory).activate()
        #expect(failed.result == .maintenance, "\(failed.message)")
        #expect(try database.snapshot(excludingBookkeeping: true) == before)
    }

    @Test(arguments: DialectName.allCases)
    func theJudgeRunsAgainAtRunTime(_ dialect: DialectName) throws {
        // A runner given a statement the load-time judge never saw still refuses it.
        let database = try TestDatabase(dialect)
        let directory = try MigrationDirectory.firstRelease()
        #expect(database.engine(directory).activate().result == .ok)
        let driver = try database.connect()
        defer { driver.close() }
        let before = try database.snapshot()
        #expect(throws: StatementRefusal.self) {
            _ = try driver.runJudged("DROP TABLE {prefix}pet_projects", role: .schema, prefix: "wp_") { _ in }
        }
        #expect(throws: StatementRefusal.self) {
            _ = try driver.runJudged("SELECT 1 FROM {prefix}pet_projects; DELETE FROM {prefix}pet_projects", role: .probe, prefix: "wp_") { _ in }
        }
        #expect(try database.snapshot() == before)
    }

    @Test func theMariaDBSessionIsPinned() throws {
        let database = try TestDatabase(.mariadb)
        let driver = try database.connect()
        defer { driver.close() }
        let row = try driver.query("SELECT @@SESSION.sql_mode, @@SESSION.autocommit, @@character_set_client")[0]
        let modes = Set((row[0].text ?? "").split(separator: ",").map(String.init))
        #expect(modes.contains("STRICT_ALL_TABLES") && modes.contains("NO_ENGINE_SUBSTITUTION"))
        #expect(!modes.contains("ANSI_QUOTES") && !modes.contains("NO_BACKSLASH_ESCAPES"))
        #expect(row[1].text == "1")
        #expect(row[2].text == "utf8mb4")
    }
}

@Suite struct SQLTextChecksumTests {
    static func migration(_ sqlite: String, _ mariadb: String) -> String {
        let quote: (String) -> String = { text in
            String(decoding: try! JSONSerialization.data(withJSONObject: [text]), as: UTF8.self).dropFirst().dropLast().description
        }
        return #"{"steps": [{"op": "sql", "sqlite": \#(quote(sqlite)), "mariadb": \#(quote(mariadb)), "applied_if": {"table_exists": "pet_m"}}]}"#
    }

    static func checksum(_ sqlite: String, _ mariadb: String) throws -> String {
        let directory = try MigrationDirectory().write("2026_02_10_0001_m.json", migration(sqlite, mariadb))
        let set = try MigrationSet.load(from: DirectoryMigrationSource(directory: directory.path)).get()
        return set.migrations[0].checksum
    }

    @Test func reflowingAndCommentsDoNotChangeTheChecksum() throws {
        let original = try Self.checksum("CREATE TABLE {prefix}pet_m (id INTEGER PRIMARY KEY)", "CREATE TABLE {prefix}pet_m (id INT PRIMARY KEY)")
        let reflowed = try Self.checksum("CREATE TABLE {prefix}pet_m (\n  id INTEGER PRIMARY KEY -- the key\n)",
                                         "CREATE TABLE {prefix}pet_m\r\n(id INT /* key */ PRIMARY KEY) # done")
        #expect(original == reflowed)
    }

    @Test func literalsAndWordsDoChangeIt() throws {
        let original = try Self.checksum("CREATE TABLE {prefix}pet_m (id INTEGER PRIMARY KEY, s TEXT DEFAULT 'a b')", "CREATE TABLE {prefix}pet_m (id INT PRIMARY KEY)")
        #expect(try Self.checksum("CREATE TABLE {prefix}pet_m (id INTEGER PRIMARY KEY, s TEXT DEFAULT 'a  b')", "CREATE TABLE {prefix}pet_m (id INT PRIMARY KEY)") != original)
        #expect(try Self.checksum("CREATE TABLE {prefix}pet_m (id INTEGER PRIMARY KEY, s TEXT DEFAULT 'a b')", "CREATE TABLE {prefix}pet_m (id BIGINT PRIMARY KEY)") != original)
        // `--x` is code in MariaDB (two minus signs), so it counts there.
        #expect(try Self.checksum("CREATE TABLE {prefix}pet_m (id INTEGER PRIMARY KEY, s TEXT DEFAULT 'a b')", "CREATE TABLE {prefix}pet_m (id INT PRIMARY KEY) --x") != original)
    }
}
