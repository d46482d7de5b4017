/// What a host asks the engine to work on: parsed from the JSON configuration of the C ABI
/// (see `include/pet_migrate.h`), or built directly by the CLI and tests.
public struct EngineConfiguration: Sendable {
    public enum Database: Sendable {
        case sqlite(path: String)
        case mariadb(MariaDBEndpoint)
    }

    public var database: Database?
    public var prefix: String
    public var migrationsDirectory: String
    /// Bounded wait for the migration lock, then `PET_LOCKED`.
    public var lockTimeoutSeconds: Int
    /// Bounded wait for a table's metadata lock before a schema change gives up (MariaDB).
    public var ddlLockWaitSeconds: Int
    /// How long the migration lock stays taken after its holder last renewed it (MariaDB):
    /// how long other nodes wait for a holder that died without a word.
    public var lockLeaseSeconds: Int = 60
    public var eventsLimit: Int
    /// Honoured only when the process environment enables test faults; see `FaultInjector`.
    public var testFaults: [FaultInjector.Fault]

    public init(database: Database?, prefix: String = "wp_", migrationsDirectory: String, lockTimeoutSeconds: Int = 5,
                ddlLockWaitSeconds: Int = 10, eventsLimit: Int = 50, testFaults: [FaultInjector.Fault] = []) {
        self.database = database
        self.prefix = prefix
        self.migrationsDirectory = migrationsDirectory
        self.lockTimeoutSeconds = lockTimeoutSeconds
        self.ddlLockWaitSeconds = ddlLockWaitSeconds
        self.eventsLimit = eventsLimit
        self.testFaults = testFaults
    }
}

/// The configuration cannot be used; nothing was done.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

extension EngineConfiguration {
    /// Parses the ABI's configuration JSON. `needsDatabase: false` is for lint, which never
    /// touches a database.
    public static func parse(json text: String, needsDatabase: Bool = true) throws(ConfigurationError) -> EngineConfiguration {
        let root: JSONValue
        do {
            root = try JSONParser.parse(text)
        } catch {
            throw ConfigurationError("the configuration is not valid JSON: \(error.description)")
        }
        do throws(DecodingFailure) {
            let fields = try FieldReader(root, what: "the configuration", allowedKeys: [
                "database", "prefix", "migrations_dir", "lock_timeout_seconds", "ddl_lock_wait_seconds", "lock_lease_seconds", "events_limit", "test_faults",
            ])
            guard let directory = try fields.string("migrations_dir"), !directory.isEmpty else {
                throw DecodingFailure("\"migrations_dir\" is missing: the directory of the migration files")
            }
            let prefix = try fields.string("prefix") ?? "wp_"
            guard Identifier.isValidPrefix(prefix) else {
                throw DecodingFailure("\"prefix\" may contain only letters, digits and underscores (at most 32), like a WordPress table prefix")
            }
            var configuration = EngineConfiguration(database: nil, prefix: prefix, migrationsDirectory: directory)
            if let seconds = try fields.int("lock_timeout_seconds") {
                guard (0...3600).contains(seconds) else { throw DecodingFailure("\"lock_timeout_seconds\" must be from 0 to 3600") }
                configuration.lockTimeoutSeconds = seconds
            }
            if let seconds = try fields.int("ddl_lock_wait_seconds") {
                guard (1...3600).contains(seconds) else { throw DecodingFailure("\"ddl_lock_wait_seconds\" must be from 1 to 3600") }
                configuration.ddlLockWaitSeconds = seconds
            }
            if let seconds = try fields.int("lock_lease_seconds") {
                guard (2...3600).contains(seconds) else { throw DecodingFailure("\"lock_lease_seconds\" must be from 2 to 3600") }
                configuration.lockLeaseSeconds = seconds
            }
            if let limit = try fields.int("events_limit") {
                guard (1...10000).contains(limit) else { throw DecodingFailure("\"events_limit\" must be from 1 to 10000") }
                configuration.eventsLimit = limit
            }
            for fault in try fields.array("test_faults") ?? [] {
                configuration.testFaults.append(try FaultInjector.Fault.parse(fault))
            }
            if let database = try fields.value("database") {
                configuration.database = try parseDatabase(database)
            } else if needsDatabase {
                throw DecodingFailure("\"database\" is missing (for example {\"driver\": \"sqlite\", \"path\": \"/path/site.db\"})")
            }
            return configuration
        } catch {
            throw ConfigurationError("bad configuration: \(error.reason)")
        }
    }

    private static func parseDatabase(_ value: JSONValue) throws(DecodingFailure) -> Database {
        guard let driver = value["driver"]?.stringValue else {
            throw DecodingFailure("\"database\" needs a \"driver\": \"sqlite\" or \"mariadb\"")
        }
        switch driver {
        case "sqlite":
            let fields = try FieldReader(value, what: "\"database\"", allowedKeys: ["driver", "path"])
            guard let path = try fields.string("path"), !path.isEmpty else { throw DecodingFailure("a sqlite database needs a \"path\"") }
            return .sqlite(path: path)
        case "mariadb", "mysql":
            let fields = try FieldReader(value, what: "\"database\"", allowedKeys: ["driver", "host", "port", "socket", "user", "password", "name"])
            guard let user = try fields.string("user"), !user.isEmpty else { throw DecodingFailure("a mariadb database needs a \"user\"") }
            guard let name = try fields.string("name"), !name.isEmpty else { throw DecodingFailure("a mariadb database needs a \"name\"") }
            let port = try fields.int("port") ?? 3306
            guard (1...65535).contains(port) else { throw DecodingFailure("\"port\" must be from 1 to 65535") }
            return .mariadb(MariaDBEndpoint(host: try fields.string("host") ?? "localhost", port: port, socket: try fields.string("socket"),
                                            user: user, password: try fields.string("password") ?? "", database: name))
        default:
            throw DecodingFailure("unknown database driver \"\(driver)\" (expected \"sqlite\" or \"mariadb\")")
        }
    }
}
