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
    /// Background work (`resume`): how long one call may run chunks; nil runs until done.
    public var budgetMilliseconds: Int? = nil
    /// The duration a chunk aims at; row locks a chunk holds last about this long.
    public var chunkTargetMilliseconds: Int = 200
    /// Chunks wait while the server runs more statements than this at once (MariaDB).
    public var maxThreadsRunning: Int = 25
    /// Replicas whose lag holds the work (MariaDB), and the bound.
    public var replicas: [MariaDBEndpoint] = []
    public var maxReplicaLagMilliseconds: Int = 1000
    /// Whether `resume` also continues work an operator paused (the CLI's `resume` does; a
    /// scheduled runner does not, so a pause holds until a person lifts it).
    public var resumePaused: Bool = false
    /// Whether `resume` applies migrations itself: pending ones before the work, and those that
    /// waited behind it once it is done. A caller that closes its own features while schema
    /// steps run (WordPress) says false and applies them with `activate`: `resume` then stops
    /// when the work they waited behind is done and reports them pending (`PET_PENDING`). It
    /// still recovers an interrupted migration or retries a failed one, as `activate` would.
    public var resumeAppliesMigrations: Bool = true
    /// Whether reports list every applied migration (`applied`); `applied_count` is always there.
    public var reportApplied: Bool = true
    /// Whether `pet_migrate_files` lists every file (`files`); its fingerprint, newest version
    /// and problems are always there.
    public var reportFiles: Bool = true
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

extension EngineConfiguration {
    /// The ranges of the numeric settings, in one place for the JSON, the CLI and the checks.
    public static let lockTimeoutRange = 0...3600
    public static let ddlLockWaitRange = 1...3600
    public static let lockLeaseRange = 2...3600
    public static let eventsLimitRange = 1...10000
    public static let budgetRange = 1...86_400_000
    public static let chunkTargetRange = 10...10_000
    public static let maxThreadsRunningRange = 1...100_000
    public static let maxReplicaLagRange = 100...3_600_000

    /// Every rule a configuration must follow, whoever built it: the ABI's JSON, the CLI's
    /// options or a test. The engine checks it before any other work, so no entry point can
    /// hand it a prefix that would be spliced into SQL, or a number that overflows.
    /// `needsDatabase: false` is for lint.
    public func validate(needsDatabase: Bool = true) throws(ConfigurationError) {
        if let problem = problem(needsDatabase: needsDatabase) { throw ConfigurationError("bad configuration: \(problem)") }
    }

    /// The first rule the configuration breaks, as a sentence naming the setting.
    public func problem(needsDatabase: Bool = true) -> String? {
        guard Identifier.isValidPrefix(prefix) else {
            return "the table prefix (\"prefix\", --prefix) may contain only letters, digits and underscores, at most 32 of them, like a WordPress table prefix"
        }
        guard !migrationsDirectory.isEmpty else { return "\"migrations_dir\" is empty: give the directory of the migration files" }
        guard !migrationsDirectory.utf8.contains(0) else { return "\"migrations_dir\" contains a NUL character" }
        guard Self.lockTimeoutRange.contains(lockTimeoutSeconds) else {
            return "the migration lock wait (\"lock_timeout_seconds\", --lock-timeout) must be from \(Self.lockTimeoutRange.lowerBound) to \(Self.lockTimeoutRange.upperBound) seconds (0: try the lock once)"
        }
        guard Self.ddlLockWaitRange.contains(ddlLockWaitSeconds) else {
            return "the schema change wait (\"ddl_lock_wait_seconds\", --ddl-lock-wait) must be from \(Self.ddlLockWaitRange.lowerBound) to \(Self.ddlLockWaitRange.upperBound) seconds"
        }
        guard Self.lockLeaseRange.contains(lockLeaseSeconds) else {
            return "the migration lock's lease (\"lock_lease_seconds\", --lock-lease) must be from \(Self.lockLeaseRange.lowerBound) to \(Self.lockLeaseRange.upperBound) seconds"
        }
        guard Self.eventsLimitRange.contains(eventsLimit) else {
            return "the number of events (\"events_limit\", --limit) must be from \(Self.eventsLimitRange.lowerBound) to \(Self.eventsLimitRange.upperBound)"
        }
        if let budget = budgetMilliseconds, !Self.budgetRange.contains(budget) {
            return "the time budget (\"budget_ms\", --budget-ms) must be from \(Self.budgetRange.lowerBound) to \(Self.budgetRange.upperBound) milliseconds"
        }
        guard Self.chunkTargetRange.contains(chunkTargetMilliseconds) else {
            return "the chunk duration target (\"chunk_target_ms\", --chunk-target-ms) must be from \(Self.chunkTargetRange.lowerBound) to \(Self.chunkTargetRange.upperBound) milliseconds"
        }
        guard Self.maxThreadsRunningRange.contains(maxThreadsRunning) else {
            return "\"max_threads_running\" (--max-threads-running) must be from \(Self.maxThreadsRunningRange.lowerBound) to \(Self.maxThreadsRunningRange.upperBound)"
        }
        guard Self.maxReplicaLagRange.contains(maxReplicaLagMilliseconds) else {
            return "\"max_replica_lag_ms\" must be from \(Self.maxReplicaLagRange.lowerBound) to \(Self.maxReplicaLagRange.upperBound) milliseconds"
        }
        if !replicas.isEmpty, case .sqlite = database {
            return "\"replicas\" apply to a mariadb database only"
        }
        for replica in replicas {
            if let problem = Self.endpointProblem(replica, what: "replica") { return problem }
        }
        switch database {
        case nil:
            if needsDatabase { return "\"database\" is missing (for example {\"driver\": \"sqlite\", \"path\": \"/path/site.db\"})" }
        case .sqlite(let path):
            guard !path.isEmpty else { return "a sqlite database needs a \"path\"" }
            guard !path.utf8.contains(0) else { return "the sqlite \"path\" contains a NUL character" }
        case .mariadb(let endpoint):
            if let problem = Self.endpointProblem(endpoint, what: "mariadb database") { return problem }
        }
        return nil
    }

    private static func endpointProblem(_ endpoint: MariaDBEndpoint, what: String) -> String? {
        guard !endpoint.user.isEmpty else { return "a \(what) needs a \"user\"" }
        guard !endpoint.database.isEmpty else { return "a \(what) needs a \"name\"" }
        guard endpoint.database.unicodeScalars.count <= Identifier.maximumLength else {
            return "the \(what) \"name\" is longer than \(Identifier.maximumLength) characters"
        }
        guard (1...65535).contains(endpoint.port) else { return "\"port\" must be from 1 to 65535" }
        // The client library reads C strings: a NUL would silently cut a setting short
        // (a password cut short is a different password).
        let fields = [("host", endpoint.host), ("user", endpoint.user), ("password", endpoint.password),
                      ("name", endpoint.database), ("socket", endpoint.socket ?? "")]
        if let (key, _) = fields.first(where: { $0.1.utf8.contains(0) }) {
            return "the \(what) \"\(key)\" contains a NUL character"
        }
        return nil
    }
}

/// The configuration cannot be used; nothing was done.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

extension EngineConfiguration {
    /// Parses the ABI's configuration JSON and validates it (`validate`). `needsDatabase:
    /// false` is for lint, which never touches a database.
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
                "budget_ms", "chunk_target_ms", "max_threads_running", "replicas", "max_replica_lag_ms", "resume_paused",
                "report_applied", "report_files", "resume_applies_migrations",
            ])
            guard let directory = try fields.string("migrations_dir"), !directory.isEmpty else {
                throw DecodingFailure("\"migrations_dir\" is missing: the directory of the migration files")
            }
            let prefix = try fields.string("prefix") ?? "wp_"
            var configuration = EngineConfiguration(database: nil, prefix: prefix, migrationsDirectory: directory)
            if let seconds = try fields.int("lock_timeout_seconds") { configuration.lockTimeoutSeconds = seconds }
            if let seconds = try fields.int("ddl_lock_wait_seconds") { configuration.ddlLockWaitSeconds = seconds }
            if let seconds = try fields.int("lock_lease_seconds") { configuration.lockLeaseSeconds = seconds }
            if let limit = try fields.int("events_limit") { configuration.eventsLimit = limit }
            configuration.budgetMilliseconds = try fields.int("budget_ms")
            if let target = try fields.int("chunk_target_ms") { configuration.chunkTargetMilliseconds = target }
            if let bound = try fields.int("max_threads_running") { configuration.maxThreadsRunning = bound }
            if let lag = try fields.int("max_replica_lag_ms") { configuration.maxReplicaLagMilliseconds = lag }
            if let resume = try fields.bool("resume_paused") { configuration.resumePaused = resume }
            if let applies = try fields.bool("resume_applies_migrations") { configuration.resumeAppliesMigrations = applies }
            if let listed = try fields.bool("report_applied") { configuration.reportApplied = listed }
            if let listed = try fields.bool("report_files") { configuration.reportFiles = listed }
            for replica in try fields.array("replicas") ?? [] {
                guard case .mariadb(let endpoint) = try parseDatabase(replica, defaultDriver: "mariadb") else {
                    throw DecodingFailure("every server in \"replicas\" must be a mariadb server")
                }
                configuration.replicas.append(endpoint)
            }
            for fault in try fields.array("test_faults") ?? [] {
                configuration.testFaults.append(try FaultInjector.Fault.parse(fault))
            }
            if let database = try fields.value("database") {
                configuration.database = try parseDatabase(database)
            }
            if let problem = configuration.problem(needsDatabase: needsDatabase) { throw DecodingFailure(problem) }
            return configuration
        } catch {
            throw ConfigurationError("bad configuration: \(error.reason)")
        }
    }

    private static func parseDatabase(_ value: JSONValue, defaultDriver: String? = nil) throws(DecodingFailure) -> Database {
        guard let driver = value["driver"]?.stringValue ?? defaultDriver else {
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
            return .mariadb(MariaDBEndpoint(host: try fields.string("host") ?? "localhost", port: port, socket: try fields.string("socket"),
                                            user: user, password: try fields.string("password") ?? "", database: name))
        default:
            throw DecodingFailure("unknown database driver \"\(driver)\" (expected \"sqlite\" or \"mariadb\")")
        }
    }
}
