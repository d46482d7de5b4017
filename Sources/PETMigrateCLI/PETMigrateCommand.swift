import ArgumentParser
import PETMigrate
#if canImport(Glibc)
import Glibc
#endif

@main
struct PETMigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pet-migrate",
        abstract: "Applies PET's database migrations: all or nothing, never losing data.",
        discussion: """
            Exit codes follow the engine's result codes: 0 PET_OK, 1 PET_PENDING, 2 PET_LOCKED, \
            3 PET_MAINTENANCE, 4 PET_INVALID, 5 PET_CONFIG. A usage error (an unknown command or \
            option, a missing or malformed value) is a bad configuration too: exit 5, never 64.
            A MariaDB password is read from the environment variable PET_DB_PASSWORD; it never \
            needs to be on the command line and never appears in any output.
            """,
        version: PETMigrateVersion.string,
        subcommands: [Activate.self, Status.self, Resume.self, Pause.self, Verify.self, Cutover.self, Events.self, Lint.self])

    /// ArgumentParser exits 64 (EX_USAGE) on a usage error; the documented exit codes are the
    /// result codes, and scripts (and WP-CLI wrappers) branch on them, so a usage error
    /// answers PET_CONFIG (5) like every other bad setting. `--help` and `--version` still
    /// exit 0.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            guard exitCode(for: error) != .success else { exit(withError: error) }
            let message = fullMessage(for: error)
            let line = "PET_CONFIG: bad usage: \(message)\n"
            _ = line.withCString { write(STDERR_FILENO, $0, strlen($0)) }
            Glibc.exit(ResultCode.config.rawValue)
        }
    }
}

/// Options every command that reaches a database shares.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "sqlite:PATH, or mariadb://USER@HOST[:PORT]/DATABASE[?socket=PATH]; the password comes from PET_DB_PASSWORD.",
        valueName: "database"))
    var database: String = "sqlite:pet.db"

    @Option(help: "The site's table prefix.")
    var prefix: String = "wp_"

    @Option(help: "The directory of VERSION_NAME.json migration files.")
    var migrations: String = "migrations"

    @Option(help: "Seconds to wait for the migration lock before giving up with PET_LOCKED.")
    var lockTimeout: Int = 5

    @Option(help: "Output format: table or json.")
    var format: OutputFormat = .table

    @Option(help: "Seconds a schema change waits for a table in use before failing cleanly (MariaDB).")
    var ddlLockWait: Int = 10

    @Option(help: "Seconds the migration lock outlives its last renewal (MariaDB): how long other nodes wait for a holder that died.")
    var lockLease: Int = 60

    /// POINT:ACTION[:STEP[:VERSION]]; only honoured with PET_MIGRATE_TEST_FAULTS=1 (crash tests).
    @Option(help: .hidden)
    var testFault: [String] = []

    /// The engine configuration, validated by the rules every entry point shares
    /// (`EngineConfiguration.validate`), or a PET_CONFIG report and exit 5, so scripts see
    /// the same code for a bad setting as the library gives.
    func configuration() throws -> EngineConfiguration {
        let configuration: EngineConfiguration
        do {
            configuration = try engineConfiguration()
        } catch let error as ValidationError {
            try finish(Report(result: .config, message: "bad configuration: \(error.message)"), format: format)
        }
        do {
            try configuration.validate()
        } catch {
            try finish(Report(result: .config, message: error.reason), format: format)
        }
        return configuration
    }

    private func engineConfiguration() throws -> EngineConfiguration {
        var configuration = EngineConfiguration(database: try DatabaseURL.parse(database, password: passwordFromEnvironment()), prefix: prefix,
                                                migrationsDirectory: migrations, lockTimeoutSeconds: lockTimeout, ddlLockWaitSeconds: ddlLockWait,
                                                testFaults: try testFault.map(Self.parseFault))
        configuration.lockLeaseSeconds = lockLease
        return configuration
    }

    private static func parseFault(_ text: String) throws -> FaultInjector.Fault {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2, let point = FaultInjector.Point(rawValue: parts[0]), let action = FaultInjector.Action(rawValue: parts[1]) else {
            throw ValidationError("--test-fault takes POINT:ACTION[:STEP[:VERSION]]")
        }
        let step = parts.count > 2 && !parts[2].isEmpty ? Int(parts[2]) : nil
        return FaultInjector.Fault(point: point, version: parts.count > 3 ? parts[3] : nil, step: step, action: action)
    }

    private func passwordFromEnvironment() -> String {
        getenv("PET_DB_PASSWORD").map { String(cString: $0) } ?? ""
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json
}

/// One line per migration on standard error, so that long runs show where they are while
/// standard output stays the report alone (parseable with --format json).
func showProgress(_ progress: MigrationEngine.Progress) {
    let line = "[\(progress.position)/\(progress.count)] applying \(progress.migration)\n"
    _ = line.withCString { write(STDERR_FILENO, $0, strlen($0)) }
}

/// Prints the report and exits with its result code.
func finish(_ report: Report, format: OutputFormat) throws -> Never {
    switch format {
    case .json: print(JSONWriter.serialize(report.json))
    case .table: print(ReportPrinter.text(for: report))
    }
    fflush(nil)
    exit(report.result.rawValue)
}

struct Activate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Validate the migrations and apply every pending one, in order.")
    @OptionGroup var options: DatabaseOptions

    func run() throws {
        try finish(MigrationEngine(configuration: options.configuration()).activate(progress: showProgress), format: options.format)
    }
}

struct Resume: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the background data work (and anything pending first: an interrupted run is undone, a failed migration retried).",
        discussion: """
            Without --budget-ms it runs until the work is done, with a progress bar on a terminal \
            (plain lines otherwise); with it, one slice of at most that long, then exit 1 \
            (PET_PENDING) while work remains. It also continues work an operator paused.
            """)
    @OptionGroup var options: DatabaseOptions
    @Option(help: "Milliseconds this call may spend on chunks; it stops before the next chunk would overrun it.")
    var budgetMs: Int?
    @Option(help: "Milliseconds a chunk aims to take (row locks last about this long).")
    var chunkTargetMs: Int = 200
    @Option(help: "Chunks wait while the server runs more statements than this (MariaDB Threads_running).")
    var maxThreadsRunning: Int = 25

    func run() throws {
        var configuration = try options.configuration()
        configuration.budgetMilliseconds = budgetMs
        configuration.chunkTargetMilliseconds = chunkTargetMs
        configuration.maxThreadsRunning = maxThreadsRunning
        configuration.resumePaused = true
        if let problem = configuration.problem() { try finish(Report(result: .config, message: "bad configuration: \(problem)"), format: options.format) }
        let bar = ProgressLine()
        let report = MigrationEngine(configuration: configuration).resume(progress: bar.show)
        bar.end()
        try finish(report, format: options.format)
    }
}

struct Pause: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Hold the background data work: a running runner stops before its next chunk; scheduled runners leave it until `resume`.")
    @OptionGroup var options: DatabaseOptions

    func run() throws {
        try finish(MigrationEngine(configuration: options.configuration()).pause(), format: options.format)
    }
}

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check each finished copy with a cut-over flag against its source, range by range, and repair ranges that differ.",
        discussion: """
            Prints the ranges checked, the mismatches found and the mismatches repaired. Exit 0 \
            when every flag checked passed; 1 (PET_PENDING) while a copy still runs, a pass goes \
            on at the next call (--budget-ms) or a range still differs after its repair \
            (error kind verification_failed).
            """)
    @OptionGroup var options: DatabaseOptions
    @Argument(help: "Only this flag (default: every flag not yet switched on).")
    var flag: String?
    @Option(help: "Milliseconds this call may spend; the pass goes on from where it stopped at the next call.")
    var budgetMs: Int?

    func run() throws {
        var configuration = try options.configuration()
        configuration.budgetMilliseconds = budgetMs
        if let problem = configuration.problem() { try finish(Report(result: .config, message: "bad configuration: \(problem)"), format: options.format) }
        try finish(MigrationEngine(configuration: configuration).verify(flag: flag), format: options.format)
    }
}

struct Cutover: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Switch a cut-over flag: on (for --percent of keys), off, or finalize (end the reversible window).",
        discussion: """
            `on` is refused while the copy runs, before verification has passed, or when the \
            sync triggers are missing; it starts the reverse sync, so `off` loses no write made \
            to the new table. `finalize` (only when fully on) removes the sync triggers; it never \
            drops a table or a column. Each switch is an event naming who made it.
            """)
    @OptionGroup var options: DatabaseOptions
    @Argument(help: "The flag's name, as the copy_rows step declares it.")
    var flag: String
    @Argument(help: "on, off or finalize.")
    var action: CutoverRequest.Action
    @Option(help: "With on: the share of keys (1-100) that see the flag on; a stable hash of the key the host passes decides which.")
    var percent: Int?
    @Option(help: "Who switches, for the audit log (default: this user, host and process).")
    var actor: String?

    func run() throws {
        if percent != nil, action != .on { try finish(Report(result: .config, message: "--percent applies only to `on`."), format: options.format) }
        let request = CutoverRequest(flag: flag, action: action, percent: percent ?? 100, actor: actor ?? Self.defaultActor())
        try finish(MigrationEngine(configuration: options.configuration()).cutover(request), format: options.format)
    }

    /// `pet-migrate as USER on HOST (pid N)`.
    static func defaultActor() -> String {
        var host = [CChar](repeating: 0, count: 256)
        gethostname(&host, host.count - 1)
        let user = getenv("SUDO_USER").map { String(cString: $0) } ?? getenv("USER").map { String(cString: $0) } ?? "uid \(getuid())"
        return "pet-migrate as \(user) on \(String(cString: host)) (pid \(getpid()))"
    }
}

extension CutoverRequest.Action: ExpressibleByArgument {}

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show where the schema stands. Read-only: never waits for the migration lock.")
    @OptionGroup var options: DatabaseOptions

    func run() throws {
        try finish(MigrationEngine(configuration: options.configuration()).status(), format: options.format)
    }
}

struct Events: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the newest entries of the migration audit log.")
    @OptionGroup var options: DatabaseOptions
    @Option(help: "How many events to show.")
    var limit: Int = 50

    func run() throws {
        var configuration = try options.configuration()
        configuration.eventsLimit = limit
        try finish(MigrationEngine(configuration: configuration).events(), format: options.format)
    }
}

struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Validate a migrations directory without any database (for plugin authors' CI).")
    @Option(help: "The directory of VERSION_NAME.json migration files.")
    var migrations: String = "migrations"
    @Option(help: "The longest table prefix a site may use: table names are checked with it against the 64-character limit.")
    var prefix: String = "wp_"
    @Option(help: "Output format: table or json.")
    var format: OutputFormat = .table

    func run() throws {
        let configuration = EngineConfiguration(database: nil, prefix: prefix, migrationsDirectory: migrations)
        try finish(MigrationEngine(configuration: configuration).lint(), format: format)
    }
}
