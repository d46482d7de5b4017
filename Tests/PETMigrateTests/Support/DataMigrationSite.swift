import Foundation
@testable import PETMigrate
#if canImport(Glibc)
import Glibc
#endif

/// The orders site of the data-migration tests: `orders` (M1) with rows, then a backfill of a
/// new column (M2), a copy into a new table (M3) and an index on that table (M4), written as
/// an author would write them.
enum OrdersMigrations {
    static let m1 = ("2026_01_01_0001_orders.json", """
        {"steps":[{"op":"create_table","table":"orders","columns":[
          {"name":"id","type":"bigint","auto_increment":true},
          {"name":"total","type":"string","length":20},
          {"name":"status","type":"string","length":20}],"primary_key":["id"]}]}
        """)
    static let m2 = ("2026_01_02_0001_cents.json", """
        {"gates":"writes","steps":[
          {"op":"add_column","table":"orders","column":{"name":"total_cents","type":"bigint","nullable":true}},
          {"op":"backfill","table":"orders","set":{"total_cents":{"sqlite":"\(cents(.sqlite))","mariadb":"\(cents(.mariadb))"}},
           "where":"status <> 'trash'"}]}
        """)
    static let m3 = ("2026_01_03_0001_orders_v2.json", """
        {"gates":"nothing","steps":[
          {"op":"create_table","table":"orders_v2","columns":[
            {"name":"id","type":"bigint"},{"name":"cents","type":"bigint","nullable":true},
            {"name":"state","type":"string","length":20}],"primary_key":["id"]},
          {"op":"copy_rows","from":"orders","to":"orders_v2","columns":{
            "id":"id","cents":{"sqlite":"\(cents(.sqlite))","mariadb":"\(cents(.mariadb))"},"state":"UPPER(status)"}}]}
        """)
    /// One more copy like M3's, into `orders_copyN`: more work of the same kind for a test whose
    /// runs must outlast a number of kills on a fast engine.
    static func extraCopy(_ number: Int) -> (String, String) {
        ("2026_02_\(String(format: "%02d", number))_0001_orders_copy\(number).json", """
            {"gates":"nothing","steps":[
              {"op":"create_table","table":"orders_copy\(number)","columns":[
                {"name":"id","type":"bigint"},{"name":"cents","type":"bigint","nullable":true},
                {"name":"state","type":"string","length":20}],"primary_key":["id"]},
              {"op":"copy_rows","from":"orders","to":"orders_copy\(number)","columns":{
                "id":"id","cents":{"sqlite":"\(cents(.sqlite))","mariadb":"\(cents(.mariadb))"},"state":"UPPER(status)"}}]}
            """)
    }
    static let m4 = ("2026_01_04_0001_orders_v2_state.json", """
        {"steps":[{"op":"add_index","table":"orders_v2","index":{"name":"state","columns":["state"]}}]}
        """)

    /// The value both data steps compute from a row's `total` (text such as "12.34").
    static func cents(_ dialect: DialectName, table alias: String? = nil) -> String {
        let total = alias.map { "\($0).total" } ?? "total"
        switch dialect {
        case .sqlite: return "CAST(ROUND(CAST(\(total) AS REAL) * 100) AS INTEGER)"
        case .mariadb: return "ROUND(\(total) * 100)"
        }
    }
}

/// One site for a data-migration test: a fresh database, a migrations directory, and the
/// real `pet-migrate` command run against them as child processes.
final class DataMigrationSite {
    let dialect: DialectName
    let database: TestDatabase
    let migrations: MigrationDirectory
    let prefix = "wp_"

    init(_ dialect: DialectName) throws {
        self.dialect = dialect
        database = try TestDatabase(dialect)
        migrations = try MigrationDirectory()
    }

    func write(_ file: (String, String)) throws {
        try migrations.write(file.0, file.1)
    }

    var sqlitePath: String? {
        if case .sqlite(let path) = database.configurationDatabase { return path }
        return nil
    }

    /// `--database …` and the password, as an operator passes them.
    var databaseArguments: (arguments: [String], environment: [String: String]) {
        switch database.configurationDatabase {
        case .sqlite(let path):
            return (["--database", "sqlite:\(path)"], [:])
        case .mariadb(let endpoint):
            return (["--database", "mariadb://\(endpoint.user)@\(endpoint.host):\(endpoint.port)/\(endpoint.database)"],
                    ["PET_DB_PASSWORD": endpoint.password])
        }
    }

    func arguments(_ command: String, _ extra: [String]) -> [String] {
        [command] + databaseArguments.arguments + ["--prefix", prefix, "--migrations", migrations.path, "--format", "json"] + extra
    }

    /// Runs `pet-migrate COMMAND` to its end.
    @discardableResult
    func cli(_ command: String, _ extra: [String] = [], environment: [String: String] = [:]) throws -> CLIResult {
        try spawn(command, extra, environment: environment).wait()
    }

    /// Starts `pet-migrate COMMAND` and returns at once.
    func spawn(_ command: String, _ extra: [String] = [], environment: [String: String] = [:]) throws -> CLIRun {
        try CLIRun(arguments: arguments(command, extra), environment: databaseArguments.environment.merging(environment) { _, new in new })
    }

    /// A short-lived connection of the engine's own driver (closed after `body`), so the test
    /// never holds a lock the runner needs.
    func withConnection<T>(_ body: (DatabaseDriver) throws -> T) throws -> T {
        let driver = try database.connect(create: false)
        defer { driver.close() }
        return try body(driver)
    }

    func scalar(_ sql: String) throws -> SQLValue {
        try withConnection { try $0.query(sql, []).first?.first ?? .null }
    }

    func integer(_ sql: String) throws -> Int64 {
        try scalar(sql).integer ?? -1
    }

    func execute(_ sql: String) throws {
        try withConnection { try $0.execute(sql, []) }
    }

    // MARK: Rows

    /// Inserts `count` orders with ids 1…count: totals "1.01" … "10000.99" (never zero),
    /// statuses new / paid / trash / shipped in turn (a quarter are trash).
    func seedOrders(count: Int) throws {
        let started = Clock.monotonicSeconds()
        switch dialect {
        case .sqlite:
            try execute("""
                WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < \(count))
                INSERT INTO wp_orders (id, total, status)
                SELECT x, printf('%d.%02d', 1 + x % 10000, x % 100),
                       CASE x % 4 WHEN 0 THEN 'new' WHEN 1 THEN 'paid' WHEN 2 THEN 'trash' ELSE 'shipped' END FROM s
                """)
        case .mariadb:
            try execute("""
                INSERT INTO wp_orders (id, total, status)
                SELECT seq, CONCAT(1 + seq % 10000, '.', LPAD(seq % 100, 2, '0')), ELT(1 + seq % 4, 'new', 'paid', 'trash', 'shipped')
                FROM seq_1_to_\(count)
                """)
        }
        print("[\(dialect)] seeded \(count) orders in \(Self.ms(Clock.monotonicSeconds() - started)) ms")
    }

    /// A checksum of every source column of every order (id, total, status): on MariaDB two
    /// CRC32 per row (of the columns in two orders and separators) summed and XORed by the
    /// server; on SQLite (no hash function) an FNV-1a over the ordered dump, in pages.
    func sourceChecksum() throws -> String {
        let started = Clock.monotonicSeconds()
        defer { print("[\(dialect)] source checksum in \(Self.ms(Clock.monotonicSeconds() - started)) ms") }
        switch dialect {
        case .mariadb:
            let row = try withConnection {
                try $0.query("""
                    SELECT COUNT(*), SUM(CRC32(CONCAT_WS('|', id, total, status))), BIT_XOR(CRC32(CONCAT_WS('/', status, total, id))),
                           SUM(LENGTH(total) + LENGTH(status)) FROM wp_orders
                    """, []).first ?? []
            }
            return row.map { $0.text ?? "NULL" }.joined(separator: "/")
        case .sqlite:
            return try withConnection { driver in
                var hash: UInt64 = 0xcbf2_9ce4_8422_2325
                var rows = 0
                var last: Int64 = Int64.min
                while true {
                    let page = try driver.query("SELECT id, total, status FROM wp_orders WHERE id > ? ORDER BY id LIMIT 100000", [.integer(last)])
                    if page.isEmpty { break }
                    for row in page {
                        for byte in (row.map { $0.text ?? "\u{0}" }.joined(separator: "|") + "\n").utf8 {
                            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
                        }
                    }
                    rows += page.count
                    last = page.last?.first?.integer ?? last
                }
                return "\(rows)/\(String(hash, radix: 16))"
            }
        }
    }

    /// Orders whose `total_cents` differs from what M2 must have set (the expression for rows
    /// not in the trash, NULL for the trash): zero when the backfill is exactly right.
    func backfillMismatches() throws -> Int64 {
        let differs = dialect == .sqlite ? "total_cents IS NOT (\(OrdersMigrations.cents(dialect)))" : "NOT (total_cents <=> (\(OrdersMigrations.cents(dialect))))"
        return try integer("SELECT COUNT(*) FROM wp_orders WHERE (status <> 'trash' AND \(differs)) OR (status = 'trash' AND total_cents IS NOT NULL)")
    }

    /// Source rows without their exact copy in `orders_v2` (or another copy made like it),
    /// plus copies without a source row: zero when the copy is exactly right.
    func copyMismatches(into table: String = "orders_v2") throws -> Int64 {
        let expected = OrdersMigrations.cents(dialect, table: "o")
        let differs = dialect == .sqlite ? "v.cents IS NOT (\(expected))" : "NOT (v.cents <=> (\(expected)))"
        return try integer("""
            SELECT (SELECT COUNT(*) FROM wp_orders o LEFT JOIN wp_\(table) v ON v.id = o.id
                    WHERE v.id IS NULL OR \(differs) OR v.state <> UPPER(o.status))
                 + (SELECT COUNT(*) FROM wp_\(table) v WHERE NOT EXISTS (SELECT 1 FROM wp_orders o WHERE o.id = v.id))
            """)
    }

    /// Rows the data steps have done, over every step (the cursor's counts).
    func rowsDone() throws -> Int64 {
        try integer("SELECT COALESCE(SUM(rows_done), 0) FROM wp_pet_migration_progress")
    }

    static func ms(_ seconds: Double) -> Int { Int((seconds * 1000).rounded()) }
}

/// Figures of a run, printed by the tests.
func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    let index = min(sorted.count - 1, max(0, Int((p * Double(sorted.count)).rounded(.up)) - 1))
    return sorted[index]
}

/// What a finished `pet-migrate` child did: its exit (or SIGKILL), standard output (the JSON
/// report alone) and standard error apart, and its wall time.
struct CLIResult {
    var exitCode: Int32
    var killed: Bool
    var stdout: String
    var stderr: String
    var seconds: Double

    var report: JSONValue? {
        try? JSONParser.parse(stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    var message: String { report?["message"]?.stringValue ?? "" }

    /// The report's `work` items.
    var work: [JSONValue] {
        if case .array(let items)? = report?["work"] { return items }
        return []
    }

    var summary: String { "exit \(exitCode)\(killed ? " (SIGKILL)" : ""): \(stdout)\(stderr.isEmpty ? "" : "\nstderr: \(stderr)")" }
}

/// `pet-migrate` running as a child process, which a test may kill with SIGKILL. Output goes
/// to files, so a child never blocks on a full pipe while nobody reads it.
final class CLIRun {
    let process = Process()
    let started: Double
    private let directory: URL

    init(arguments: [String], environment: [String: String]) throws {
        guard FileManager.default.isExecutableFile(atPath: ChildProcess.binary) else {
            throw TestSetupError("\(ChildProcess.binary) is missing: run `swift build` before `swift test`")
        }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("pet_cli_\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: directory.appendingPathComponent("out").path, contents: nil)
        _ = FileManager.default.createFile(atPath: directory.appendingPathComponent("err").path, contents: nil)
        process.executableURL = URL(fileURLWithPath: ChildProcess.binary)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardOutput = try FileHandle(forWritingTo: directory.appendingPathComponent("out"))
        process.standardError = try FileHandle(forWritingTo: directory.appendingPathComponent("err"))
        started = Clock.monotonicSeconds()
        try process.run()
    }

    deinit {
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        try? FileManager.default.removeItem(at: directory)
    }

    var isRunning: Bool { process.isRunning }

    /// SIGKILL, as `kill -9`: the process gets no chance to clean anything up.
    func killHard() {
        Glibc.kill(process.processIdentifier, SIGKILL)
    }

    func wait() -> CLIResult {
        process.waitUntilExit()
        let seconds = Clock.monotonicSeconds() - started
        let killed = process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL
        let out = (try? String(contentsOf: directory.appendingPathComponent("out"), encoding: .utf8)) ?? ""
        let err = (try? String(contentsOf: directory.appendingPathComponent("err"), encoding: .utf8)) ?? ""
        return CLIResult(exitCode: process.terminationStatus, killed: killed, stdout: out, stderr: err, seconds: seconds)
    }
}

/// Sleeps the calling thread (tests pace child processes with it).
func sleepFor(seconds: Double) {
    guard seconds > 0 else { return }
    usleep(useconds_t(seconds * 1_000_000))
}

/// Polls `condition` every 20 ms until it holds or `seconds` pass; returns whether it held.
func waitUntil(seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Clock.monotonicSeconds() + seconds
    while Clock.monotonicSeconds() < deadline {
        if try condition() { return true }
        usleep(20_000)
    }
    return try condition()
}
