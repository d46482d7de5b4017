import Foundation
import Testing
@testable import PETMigrate

/// The behaviour every dialect must share (as golang-migrate's `database/testing`): each
/// test runs against a real SQLite file and a real MariaDB database.
@Suite struct EngineConformanceTests {
    @Test(arguments: DialectName.allCases)
    func appliesPendingMigrationsAndRegistersThem(_ dialect: DialectName) throws {
        let database = try TestDatabase(dialect)
        let directory = try MigrationDirectory.firstRelease()
        try directory.write("2026_02_11_0001_add_status.json", Fixtures.addStatus)

        let report = database.engine(directory).activate()
        #expect(report.result == .ok, "\(report.message)")
        #expect(report.newlyApplied == ["2026_02_10_0001", "2026_02_11_0001"])
        #expect(report.schemaVersion == "2026_02_11_0001")

        let driver = try database.connect()
        defer { driver.close() }
        #expect(try driver.columnNames(of: "wp_pet_migrations") == ["version", "name", "applied_at", "checksum"])
        let rows = try driver.query("SELECT version, name, checksum FROM wp_pet_migrations ORDER BY version")
        #expect(rows.map { $0[0].text } == ["2026_02_10_0001", "2026_02_11_0001"])
        #expect(rows.map { $0[1].text } == ["create_projects", "add_status"])
        #expect(rows.allSatisfy { $0[2].text?.count == 64 })
        #expect(try driver.columnNames(of: "wp_pet_projects") == ["id", "title", "status"])
        #expect(try driver.indexExists(driver.physicalIndexName("title", table: "wp_pet_projects"), on: "wp_pet_projects"))
        let events = try driver.query("SELECT event, version FROM wp_pet_migration_events ORDER BY id").map { "\($0[0].text!) \($0[1].text!)" }
        #expect(events == ["started 2026_02_10_0001", "completed 2026_02_10_0001", "started 2026_02_11_0001", "completed 2026_02_11_0001"])
    }

    @Test(arguments: DialectName.allCases)
    func reactivationChangesNothing(_ dialect: DialectName) throws {
        let database = try TestDatabase(dialect)
        let directory = try MigrationDirectory.bundled()
        #expect(database.engine(directory).activate().result == .ok)
        let before = try database.snapshot()
        let again = database.engine(directory).activate()
        #expect(again.result == .ok)
        #expect(again.newlyApplied.isEmpty)
        #expect(try database.snapshot() == before)
    }

    @Test(arguments: DialectName.allCases)
    func appliesToItsOwnPrefixOnly(_ dialect: DialectName) throws {
        let database = try TestDatabase(dialect)
        let directory = try MigrationDirectory.firstRelease()
        #expect(database.engine(directory, prefix: "wp_").activate().result == .ok)
        #expect(database.engine(directory, prefix: "wp_2_").activate().newlyApplied == ["2026_02_10_0001"])
        let driver = try database.connect()
        defer { driver.close() }
        #expect(try driver.tableExists("wp_2_pet_projects"))
        #expect(try driver.tableExists("wp_2_pet_migrations"))
    }

    @Test(arguments: DialectName.allCases)
    func aFailingMigrationLeavesTheSchemaExactlyAsBefore(_ dialect: DialectName) throws {
        let database = try TestDatabase(dialect)
        let directory = try MigrationDirectory.firstRelease()
        #expect(database.engine(directory).activate().result == .ok)
        let driver = try database.connect()
        try driver.execute("INSERT INTO wp_pet_projects (title) VALUES ('kept'), ('also kept')")
        driver.close()
        let before = try database.snapshot(excludingBookkeeping: true)
        let registryBefore = try database.snapshot().tables["wp_pet_migrations"]

        try directory.write("2026_02_11_0001_fails_at_three.json", Fixtures.failsAtStepThree)
        let report = database.engine(directory).activate()

        #expect(report.result == .maintenance)
        #expect(report.error?.step == 3)
        #expect(report.error?.version == "2026_02_11_0001")
        #expect(report.error?.file == "2026_02_11_0001_fails_at_three.json")
        #expect(report.message.contains("failed at step 3 (add_index)"))
        #expect(report.message.contains("table wp_pet_no_such_table does not exist"))
        #expect(report.message.contains("maintenance"))
        #expect(try database.snapshot(excludingBookkeeping: true) == before)
        #expect(try database.snapshot().tables["wp_pet_migrations"] == registryBefore)

        let status = database.engine(directory).status()
        #expect(status.result == .maintenance)
        #expect(status.mode == .maintenance)
        #expect(status.state?.lastErrorVersion == "2026_02_11_0001")
        #expect(status.state?.lastErrorStep == 3)
        #expect(status.pending.map(\.version) == ["2026_02_11_0001"])
        let events = database.engine(directory).events().events ?? []
        #expect(events.first?.kind == "failed")
        #expect(events.first?.message.contains("step 3") == true)
    }

    @Test(arguments: DialectName.allCases)
    func maintenanceLastsUntilAnActivationSucceeds(_ dialect: DialectName) throws {
        let database = try TestDatabase(dialect)
        let directory = try MigrationDirectory.firstRelease()
        try directory.write("2026_02_11_0001_fails_at_three.json", Fixtures.failsAtStepThree)
        #expect(database.engine(directory).activate().result == .maintenance)
        #expect(database.engine(directory).activate().result == .maintenance)
        #expect(database.engine(directory).status().result == .maintenance)

        // The author ships a fix: the failing migration had never been applied, so it may change.
        try directory.write("2026_02_11_0001_fails_at_three.json", Fixtures.failsAtStepThree.replacingOccurrences(of: "pet_no_such_table", with: "pet_projects"))
        let fixed = database.engine(directory).activate()
        #expect(fixed.result == .ok, "\(fixed.message)")
        #expect(fixed.newlyApplied == ["2026_02_11_0001"])
        #expect(database.engine(directory).status().result == .ok)
        #expect(database.engine(directory).status().mode == .ready)
    }

    @Test(arguments: DialectName.allCases)
    func earlierMigrationsOfTheSameRunStayApplied(_ dialect: DialectName) throws {
        let database = try TestDatabase(dialect)
        let directory = try MigrationDirectory.firstRelease()
        try directory.write("2026_02_11_0001_fails_at_three.json", Fixtures.failsAtStepThree)
        let report = database.engine(directory).activate()
        #expect(report.result == .maintenance)
        #expect(report.newlyApplied == ["2026_02_10_0001"])
        #expect(report.applied.map(\.version) == ["2026_02_10_0001"])
        let driver = try database.connect()
        defer { driver.close() }
        #expect(try driver.tableExists("wp_pet_projects"))
        #expect(try !driver.tableExists("wp_pet_notes"))
        #expect(try driver.columnNames(of: "wp_pet_projects") == ["id", "title"])
    }

    @Test(arguments: DialectName.allCases)
    func aSiteSkippingVersionsGetsEveryPendingMigrationInOrder(_ dialect: DialectName) throws {
        let database = try TestDatabase(dialect)
        let directory = try MigrationDirectory.firstRelease()
        #expect(database.engine(directory).activate().result == .ok)
        // Three releases later: the index depends on the column of the release before it.
        try directory.write("2026_04_01_0001_add_status.json", Fixtures.addStatus)
        try directory.write("2026_05_01_0001_add_status_index.json", Fixtures.addStatusIndex)
        try directory.write("2026_06_01_0001_create_tasks.json", Fixtures.createTasks)
        let report = database.engine(directory).activate()
        #expect(report.result == .ok, "\(report.message)")
        #expect(report.newlyApplied == ["2026_04_01_0001", "2026_05_01_0001", "2026_06_01_0001"])

        let fresh = try TestDatabase(dialect)
        #expect(fresh.engine(directory).activate().result == .ok)
        #expect(try fresh.snapshot(excludingBookkeeping: true) == database.snapshot(excludingBookkeeping: true))
    }

    @Test(arguments: DialectName.allCases)
    func guardsSkipObjectsThatAlreadyExistAndRefuseMismatches(_ dialect: DialectName) throws {
        let database = try TestDatabase(dialect)
        let directory = try MigrationDirectory.firstRelease()
        let driver = try database.connect()
        defer { driver.close() }
        // A stray table of the same name but another shape, e.g. from an old plugin: never touched.
        try driver.execute("CREATE TABLE wp_pet_projects (legacy_id INTEGER NOT NULL PRIMARY KEY)")
        try driver.execute("INSERT INTO wp_pet_projects (legacy_id) VALUES (7)")
        let before = try database.snapshot()
        let report = database.engine(directory).activate()
        #expect(report.result == .maintenance)
        #expect(report.error?.kind == "table_mismatch")
        #expect(report.message.contains("wp_pet_projects already exists"))
        #expect(try database.snapshot(excludingBookkeeping: true) == before)
    }

    @Test(arguments: DialectName.allCases)
    func aHeldLockMeansLockedAndNothingChanged(_ dialect: DialectName) throws {
        let database = try TestDatabase(dialect)
        let directory = try MigrationDirectory.firstRelease()
        let configuration = database.configuration(migrations: directory, lockTimeoutSeconds: 1)
        let holder = try database.connect()
        defer { holder.close() }
        let claim = MigrationLockRequest(prefix: configuration.prefix)
        #expect(try holder.acquireMigrationLock(claim, timeoutSeconds: 0))
        let before = try database.snapshot()

        let started = ContinuousClock.now
        let report = MigrationEngine(configuration: configuration).activate()
        let waited = ContinuousClock.now - started
        #expect(report.result == .locked)
        #expect(report.message.contains("Another process is migrating"))
        #expect(waited >= .milliseconds(900) && waited < .seconds(5))

        let statusStarted = ContinuousClock.now
        let status = MigrationEngine(configuration: configuration).status()
        #expect(ContinuousClock.now - statusStarted < .milliseconds(500), "status waited for the lock")
        #expect([.locked, .pending].contains(status.result))
        #expect(try database.snapshot() == before)
        try holder.releaseMigrationLock(claim, commit: false)
        #expect(MigrationEngine(configuration: configuration).activate().result == .ok)
    }

    @Test(arguments: DialectName.allCases)
    func concurrentActivationsApplyEachMigrationOnce(_ dialect: DialectName) async throws {
        let database = try TestDatabase(dialect)
        let directory = try MigrationDirectory.firstRelease()
        try directory.write("2026_02_11_0001_add_status.json", Fixtures.addStatus)
        try directory.write("2026_02_12_0001_create_tasks.json", Fixtures.createTasks)
        let configuration = database.configuration(migrations: directory, lockTimeoutSeconds: 10)
        let results = await withTaskGroup(of: Report.self) { group in
            for _ in 0..<6 {
                group.addTask { MigrationEngine(configuration: configuration).activate() }
            }
            return await group.reduce(into: [Report]()) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0.result == .ok || $0.result == .locked }, "\(results.map(\.message))")
        let applied = results.flatMap(\.newlyApplied)
        #expect(applied.sorted() == ["2026_02_10_0001", "2026_02_11_0001", "2026_02_12_0001"])
        let driver = try database.connect()
        defer { driver.close() }
        #expect(try driver.query("SELECT COUNT(*) FROM wp_pet_migrations").first?.first?.integer == 3)
        #expect(try driver.query("SELECT COUNT(*) FROM wp_pet_migration_events WHERE event = 'started'").first?.first?.integer == 3)
    }

    @Test(arguments: DialectName.allCases)
    func statusIsReadOnly(_ dialect: DialectName) throws {
        let database = try TestDatabase(dialect)
        let directory = try MigrationDirectory.bundled()
        let before = try database.snapshot()
        let status = database.engine(directory).status()
        #expect(status.result == .pending)
        #expect(status.pending.count >= 1)
        #expect(status.message.contains("pending"))
        #expect(try database.snapshot() == before)
        if case .sqlite(let path) = database.configurationDatabase {
            #expect(!FileManager.default.fileExists(atPath: path), "status created the database file")
        }
    }

    @Test(arguments: DialectName.allCases)
    func stringDefaultsKeepQuotesAndBackslashes(_ dialect: DialectName) throws {
        let database = try TestDatabase(dialect)
        let directory = try MigrationDirectory.firstRelease()
        try directory.write("2026_02_11_0001_add_note.json", #"""
            {"steps": [{"op": "add_column", "table": "pet_projects",
                        "column": {"name": "note", "type": "string", "length": 40, "default": "it's C:\\temp\\n"}}]}
            """#)
        #expect(database.engine(directory).activate().result == .ok)
        let driver = try database.connect()
        defer { driver.close() }
        try driver.execute("INSERT INTO wp_pet_projects (title) VALUES ('x')")
        #expect(try driver.query("SELECT note FROM wp_pet_projects").first?.first?.text == #"it's C:\temp\n"#)
    }

    @Test(arguments: DialectName.allCases)
    func rawSQLStepsRunOnceAndUseThePrefix(_ dialect: DialectName) throws {
        let database = try TestDatabase(dialect)
        let directory = try MigrationDirectory.firstRelease()
        try directory.write("2026_02_11_0001_seed.json", """
            {"steps": [{"op": "sql",
              "sqlite": "INSERT INTO {prefix}pet_projects (title) VALUES ('Inbox'); INSERT INTO {prefix}pet_projects (title) VALUES ('it''s; fine')",
              "mariadb": "INSERT INTO {prefix}pet_projects (title) VALUES ('Inbox'); INSERT INTO {prefix}pet_projects (title) VALUES ('it''s; fine')",
              "applied_if": {"row_exists": {"sqlite": "SELECT 1 FROM {prefix}pet_projects WHERE title = 'Inbox'",
                                            "mariadb": "SELECT 1 FROM {prefix}pet_projects WHERE title = 'Inbox'"}}}]}
            """)
        #expect(database.engine(directory).activate().result == .ok)
        let driver = try database.connect()
        defer { driver.close() }
        #expect(try driver.query("SELECT title FROM wp_pet_projects ORDER BY id").map { $0[0].text } == ["Inbox", "it's; fine"])
    }

    @Test(arguments: DialectName.allCases)
    func anUnreachableDatabaseIsAConfigurationErrorWithoutTheSecret(_ dialect: DialectName) throws {
        let directory = try MigrationDirectory.bundled()
        let database: EngineConfiguration.Database
        switch dialect {
        case .sqlite: database = .sqlite(path: "/nonexistent-dir/site.db")
        case .mariadb:
            let server = try MariaDBTestServer.fromEnvironment()
            var endpoint = server.endpoint(database: server.database)
            endpoint.password = "Sup3r-Secret-Pw"
            database = .mariadb(endpoint)
        }
        let engine = MigrationEngine(configuration: EngineConfiguration(database: database, migrationsDirectory: directory.path))
        // A SQLite file that does not exist yet is, for status, a database never migrated.
        let reports = dialect == .sqlite ? [engine.activate()] : [engine.activate(), engine.status(), engine.events()]
        for report in reports {
            #expect(report.result == .config)
            #expect(report.message.contains("cannot"))
            #expect(!JSONWriter.serialize(report.json).contains("Sup3r-Secret-Pw"))
        }
    }
}
