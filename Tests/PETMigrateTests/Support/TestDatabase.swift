import Foundation
@testable import PETMigrate

/// A real database for one test: a fresh SQLite file, or a fresh database on the MariaDB
/// test server (`scripts/mariadb-test-server.sh`), dropped again when the test is done.
final class TestDatabase {
    let dialect: DialectName
    let configurationDatabase: EngineConfiguration.Database
    private let cleanup: () -> Void
    let name: String

    init(_ dialect: DialectName) throws {
        self.dialect = dialect
        let unique = "pet_t_\(UInt32.random(in: 0...UInt32.max))"
        name = unique
        switch dialect {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(unique)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            configurationDatabase = .sqlite(path: directory.appendingPathComponent("site.db").path)
            cleanup = { try? FileManager.default.removeItem(at: directory) }
        case .mariadb:
            let server = try MariaDBTestServer.fromEnvironment()
            let admin = try MariaDBDriver(endpoint: server.endpoint(database: server.database))
            try admin.execute("CREATE DATABASE `\(unique)`")
            admin.close()
            configurationDatabase = .mariadb(server.endpoint(database: unique))
            cleanup = {
                if let admin = try? MariaDBDriver(endpoint: server.endpoint(database: server.database)) {
                    try? admin.execute("DROP DATABASE IF EXISTS `\(unique)`")
                    admin.close()
                }
            }
        }
    }

    deinit { cleanup() }

    /// A new connection of the engine's own driver, for setting up and inspecting.
    func connect(create: Bool = true) throws -> DatabaseDriver {
        switch configurationDatabase {
        case .sqlite(let path): return try SQLiteDriver(path: path, create: create)
        case .mariadb(let endpoint): return try MariaDBDriver(endpoint: endpoint)
        }
    }

    func configuration(migrations: MigrationDirectory, prefix: String = "wp_", lockTimeoutSeconds: Int = 2) -> EngineConfiguration {
        EngineConfiguration(database: configurationDatabase, prefix: prefix, migrationsDirectory: migrations.path, lockTimeoutSeconds: lockTimeoutSeconds)
    }

    func engine(_ migrations: MigrationDirectory, prefix: String = "wp_", lockTimeoutSeconds: Int = 2) -> MigrationEngine {
        MigrationEngine(configuration: configuration(migrations: migrations, prefix: prefix, lockTimeoutSeconds: lockTimeoutSeconds))
    }

    /// Everything a migration could change: every table's definition (columns, indexes)
    /// and every row of every table. Two equal snapshots mean "exactly as before".
    func snapshot(excludingBookkeeping: Bool = false) throws -> SchemaSnapshot {
        let driver = try connect(create: false)
        defer { driver.close() }
        var tables: [String: String] = [:]
        let tableNames: [String]
        switch dialect {
        case .sqlite:
            tableNames = try driver.query("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").compactMap { $0.first?.text }
        case .mariadb:
            tableNames = try driver.query("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME").compactMap { $0.first?.text }
        }
        for table in tableNames where !(excludingBookkeeping && table.contains("pet_migration")) {
            var description: [String] = []
            switch dialect {
            case .sqlite:
                description += try driver.query("SELECT type, name, sql FROM sqlite_schema WHERE tbl_name = ? ORDER BY type, name", [.text(table)]).map { row in row.map { $0.text ?? "NULL" }.joined(separator: "|") }
            case .mariadb:
                description += try driver.query("SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION", [.text(table)]).map { row in row.map { $0.text ?? "NULL" }.joined(separator: "|") }
                description += try driver.query("SELECT INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY INDEX_NAME, SEQ_IN_INDEX", [.text(table)]).map { row in row.map { $0.text ?? "NULL" }.joined(separator: "|") }
            }
            let rows = try driver.query("SELECT * FROM \(driver.quoteIdentifier(table))").map { row in row.map { $0.text ?? "NULL" }.joined(separator: "|") }.sorted()
            tables[table] = (description + ["rows:"] + rows).joined(separator: "\n")
        }
        return SchemaSnapshot(tables: tables)
    }
}

struct SchemaSnapshot: Equatable, CustomStringConvertible {
    var tables: [String: String]
    var tableNames: [String] { tables.keys.sorted() }
    var description: String { tables.keys.sorted().map { "== \($0)\n\(tables[$0]!)" }.joined(separator: "\n") }
}

/// Connection settings of the MariaDB test server, from `scripts/mariadb-test-server.sh env`.
struct MariaDBTestServer {
    var host: String
    var port: Int
    var socket: String?
    var user: String
    var password: String
    var database: String

    static func fromEnvironment() throws -> MariaDBTestServer {
        let environment = ProcessInfo.processInfo.environment
        guard let user = environment["PET_TEST_MARIADB_USER"], let database = environment["PET_TEST_MARIADB_DATABASE"] else {
            throw TestSetupError("the MariaDB tests need the test server: run `scripts/mariadb-test-server.sh start` and `eval \"$(scripts/mariadb-test-server.sh env)\"` first")
        }
        return MariaDBTestServer(host: environment["PET_TEST_MARIADB_HOST"] ?? "127.0.0.1",
                                 port: Int(environment["PET_TEST_MARIADB_PORT"] ?? "3306") ?? 3306,
                                 socket: environment["PET_TEST_MARIADB_SOCKET"], user: user,
                                 password: environment["PET_TEST_MARIADB_PASSWORD"] ?? "", database: database)
    }

    func endpoint(database: String) -> MariaDBEndpoint {
        MariaDBEndpoint(host: host, port: port, socket: socket, user: user, password: password, database: database)
    }
}

struct TestSetupError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A temporary migrations directory that tests fill with files.
final class MigrationDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("pet_m_\(UInt32.random(in: 0...UInt32.max))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func write(_ fileName: String, _ contents: String) throws -> MigrationDirectory {
        try contents.write(toFile: path + "/" + fileName, atomically: true, encoding: .utf8)
        return self
    }

    func remove(_ fileName: String) throws {
        try FileManager.default.removeItem(atPath: path + "/" + fileName)
    }

    /// A directory holding the tests' first release: `Fixtures.createProjects`.
    static func firstRelease() throws -> MigrationDirectory {
        try MigrationDirectory().write("2026_02_10_0001_create_projects.json", Fixtures.createProjects)
    }

    /// The plugin's real migrations, copied.
    static func bundled() throws -> MigrationDirectory {
        let directory = try MigrationDirectory()
        let source = repositoryRoot + "/php/migrations"
        for name in try FileManager.default.contentsOfDirectory(atPath: source) where name.hasSuffix(".json") {
            try FileManager.default.copyItem(atPath: source + "/" + name, toPath: directory.path + "/" + name)
        }
        return directory
    }
}

let repositoryRoot: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path
