import Foundation
import Testing
@testable import PETMigrate

/// One validation of the configuration, in the type itself: whatever builds it (the ABI's
/// JSON, the CLI, a test), a bad prefix or number is PET_CONFIG before anything runs, and
/// nothing traps.
@Suite struct ConfigurationValidationTests {
    static let injectedPrefix = "t0 (a); DELETE FROM wp_posts; CREATE TABLE wp_"

    @Test(arguments: DialectName.allCases)
    func anEngineBuiltDirectlyRefusesABadPrefixAndChangesNothing(_ dialect: DialectName) throws {
        let database = try TestDatabase(dialect)
        let directory = try MigrationDirectory.bundled()
        let before = try database.snapshot()
        for prefix in [Self.injectedPrefix, "wp-", "wp_é", String(repeating: "a", count: 33)] {
            let engine = database.engine(directory, prefix: prefix)
            for report in [engine.activate(), engine.status(), engine.events(), engine.lint()] {
                #expect(report.result == .config, "\(prefix): \(report.message)")
                #expect(report.message.contains("table prefix"), "\(report.message)")
            }
        }
        #expect(try database.snapshot() == before)
    }

    @Test func numbersOutOfRangeAreRefusedNotTrapped() {
        let directory = "/nonexistent"
        let cases: [(EngineConfiguration, String)] = [
            (EngineConfiguration(database: .sqlite(path: "/tmp/x.db"), migrationsDirectory: directory, lockTimeoutSeconds: .max), "--lock-timeout"),
            (EngineConfiguration(database: .sqlite(path: "/tmp/x.db"), migrationsDirectory: directory, lockTimeoutSeconds: -1), "--lock-timeout"),
            (EngineConfiguration(database: .sqlite(path: "/tmp/x.db"), migrationsDirectory: directory, ddlLockWaitSeconds: .min), "--ddl-lock-wait"),
            (EngineConfiguration(database: .sqlite(path: "/tmp/x.db"), migrationsDirectory: directory, eventsLimit: 0), "--limit"),
            (EngineConfiguration(database: .mariadb(MariaDBEndpoint(port: 70000, user: "u", password: "", database: "d")), migrationsDirectory: directory), "port"),
            (EngineConfiguration(database: .mariadb(MariaDBEndpoint(user: "u", password: "a\u{0}b", database: "d")), migrationsDirectory: directory), "NUL"),
            (EngineConfiguration(database: .sqlite(path: ""), migrationsDirectory: directory), "path"),
        ]
        for (configuration, expected) in cases {
            let report = MigrationEngine(configuration: configuration).activate()
            #expect(report.result == .config)
            #expect(report.message.contains(expected), "\(report.message)")
        }
    }

    @Test(arguments: [
        (#"{"migrations_dir": "/m", "lock_timeout_seconds": 9223372036854775807, "database": {"driver": "sqlite", "path": "x"}}"#, "--lock-timeout"),
        (#"{"migrations_dir": "/m", "lock_timeout_seconds": 9223372036854775808, "database": {"driver": "sqlite", "path": "x"}}"#, "must be a whole number"),
        (#"{"migrations_dir": "/m", "lock_timeout_seconds": 1e300, "database": {"driver": "sqlite", "path": "x"}}"#, "must be a whole number"),
        (#"{"migrations_dir": "/m", "lock_timeout_seconds": -1, "database": {"driver": "sqlite", "path": "x"}}"#, "from 0 to 3600"),
        (#"{"migrations_dir": "/m", "events_limit": 10001, "database": {"driver": "sqlite", "path": "x"}}"#, "from 1 to 10000"),
        (#"{"migrations_dir": "/m", "database": {"driver": "mariadb", "user": "u", "name": "n", "port": 1e20}}"#, "must be a whole number"),
        (#"{"migrations_dir": "/m", "database": {"driver": "mariadb", "user": "u", "name": "n", "port": 0}}"#, "\"port\" must be from 1 to 65535"),
    ])
    func theABIJSONIsHeldToTheSameRules(_ text: String, _ expected: String) {
        #expect {
            _ = try EngineConfiguration.parse(json: text)
        } throws: { error in
            (error as? ConfigurationError)?.reason.contains(expected) == true
        }
    }

    @Test func wholeNumbersAreReadExactly() throws {
        let configuration = try EngineConfiguration.parse(json: #"{"migrations_dir": "/m", "lock_timeout_seconds": 3.0e2, "events_limit": 10000, "database": {"driver": "sqlite", "path": "x"}}"#)
        #expect(configuration.lockTimeoutSeconds == 300)
        #expect(configuration.eventsLimit == 10000)
        #expect(JSONValue.number(JSONNumber(verbatim: "9223372036854775807")).integerValue == .max)
        #expect(JSONValue.number(JSONNumber(verbatim: "9223372036854775808")).integerValue == nil)
        #expect(JSONValue.number(JSONNumber(verbatim: "2.5")).integerValue == nil)
    }

    @Test func aNonASCIIDatabaseNameMigratesOnMariaDB() throws {
        let server = try MariaDBTestServer.fromEnvironment()
        // 6 + 40 characters, 86 bytes: the old lock name cut this inside a character and trapped.
        let databaseName = "pet_t_\(UInt16.random(in: 0...UInt16.max))_" + String(repeating: "é", count: 40)
        let admin = try MariaDBDriver(endpoint: server.endpoint(database: server.database))
        try admin.execute("CREATE DATABASE `\(databaseName)` CHARACTER SET utf8mb4")
        defer { try? admin.execute("DROP DATABASE IF EXISTS `\(databaseName)`"); admin.close() }
        let directory = try MigrationDirectory.firstRelease()
        let configuration = EngineConfiguration(database: .mariadb(server.endpoint(database: databaseName)), migrationsDirectory: directory.path)
        let report = MigrationEngine(configuration: configuration).activate()
        #expect(report.result == .ok, "\(report.message)")
        #expect(MigrationEngine(configuration: configuration).status().result == .ok)
    }

    @Test(arguments: DialectName.allCases)
    func aTableNameTooLongWithThePrefixIsRefusedNamingIt(_ dialect: DialectName) throws {
        let database = try TestDatabase(dialect)
        let longTable = "pet_" + String(repeating: "x", count: 36) // 40 characters: fine alone
        let directory = try MigrationDirectory.firstRelease()
        try directory.write("2026_02_11_0001_long.json", """
            {"steps": [{"op": "create_table", "table": "\(longTable)", "columns": [{"name": "id", "type": "integer"}], "primary_key": ["id"]}]}
            """)
        #expect(database.engine(directory, prefix: "wp_").activate().result == .ok)

        let before = try database.snapshot()
        let prefix = "site_with_a_rather_long_prefix_" // 31 characters: 71 with the table
        for report in [database.engine(directory, prefix: prefix).activate(), database.engine(directory, prefix: prefix).status(),
                       MigrationEngine(configuration: EngineConfiguration(database: nil, prefix: prefix, migrationsDirectory: directory.path)).lint()] {
            #expect(report.result == .invalid, "\(report.message)")
            #expect(report.error?.file == "2026_02_11_0001_long.json")
            #expect(report.error?.step == 1)
            #expect(report.error?.reason.contains("\(prefix)\(longTable)") == true, "\(report.error?.reason ?? "")")
            #expect(report.error?.reason.contains("71 characters") == true)
        }
        #expect(try database.snapshot() == before)
    }

    @Test(arguments: DialectName.allCases)
    func aLockWaitOfZeroTriesOnceAndAnswersLocked(_ dialect: DialectName) async throws {
        let database = try TestDatabase(dialect)
        let directory = try MigrationDirectory.firstRelease()
        try directory.write("2026_02_11_0001_add_status.json", Fixtures.addStatus)
        try directory.write("2026_02_12_0001_create_tasks.json", Fixtures.createTasks)
        let configuration = database.configuration(migrations: directory, lockTimeoutSeconds: 0)
        let results = await withTaskGroup(of: Report.self) { group in
            for _ in 0..<16 {
                group.addTask { MigrationEngine(configuration: configuration).activate() }
            }
            return await group.reduce(into: [Report]()) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0.result == .ok || $0.result == .locked }, "\(results.filter { $0.result != .ok && $0.result != .locked }.map(\.message))")
        #expect(results.contains { $0.result == .ok })
        let applied = results.flatMap(\.newlyApplied)
        #expect(applied.sorted() == ["2026_02_10_0001", "2026_02_11_0001", "2026_02_12_0001"])
        let final = MigrationEngine(configuration: configuration).activate()
        #expect(final.result == .ok && final.newlyApplied.isEmpty, "\(final.message)")
    }

    @Test func twoPrefixesMigratingOneSQLiteFileAtOnce() async throws {
        for _ in 0..<3 {
            let database = try TestDatabase(.sqlite)
            let directory = try MigrationDirectory.firstRelease()
            try directory.write("2026_02_11_0001_add_status.json", Fixtures.addStatus)
            try directory.write("2026_02_12_0001_create_tasks.json", Fixtures.createTasks)
            let prefixes = ["wp_", "wp_2_", "wp_3_", "wp_4_"]
            let results = await withTaskGroup(of: (String, Report).self) { group in
                for prefix in prefixes {
                    for _ in 0..<3 {
                        let configuration = database.configuration(migrations: directory, prefix: prefix, lockTimeoutSeconds: 20)
                        group.addTask { (prefix, MigrationEngine(configuration: configuration).activate()) }
                    }
                }
                return await group.reduce(into: [(String, Report)]()) { $0.append($1) }
            }
            let failures = results.filter { $0.1.result != .ok }
            #expect(failures.isEmpty, "\(failures.map { "\($0.0): \($0.1.result.name) \($0.1.message)" })")
            for prefix in prefixes {
                let applied = results.filter { $0.0 == prefix }.flatMap(\.1.newlyApplied)
                #expect(applied.sorted() == ["2026_02_10_0001", "2026_02_11_0001", "2026_02_12_0001"], "\(prefix)")
            }
        }
    }
}
