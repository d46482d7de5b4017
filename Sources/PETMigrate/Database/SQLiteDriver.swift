import CSQLite
#if canImport(Glibc)
import Glibc
#endif

/// SQLite, the embedded default: DDL is transactional, so a migration is atomic by a
/// savepoint, and the migration lock is the write transaction (`BEGIN IMMEDIATE`).
public final class SQLiteDriver: DatabaseDriver, SQLDefinitionRendering {
    public let dialect = DialectName.sqlite
    public let schemaChangesAreTransactional = true
    private var handle: OpaquePointer?
    private let path: String
    private var busyTimeoutMilliseconds: Int32 = 0
    /// The descriptor holding the background runner's claim, or -1.
    private var runnerClaim: Int32 = -1

    /// Opens the database file. With `create: false` (status and events, which never write)
    /// a missing file is not created: an empty in-memory database stands for it, which is
    /// exactly what a database that was never migrated looks like.
    /// `busyTimeoutMilliseconds` bounds waits for SQLite's file locks outside the migration
    /// lock (the switch to WAL on first use, checkpoints), so concurrent processes queue
    /// briefly instead of failing.
    public init(path: String, create: Bool = true, busyTimeoutMilliseconds: Int = 2000) throws(DatabaseError) {
        self.path = path
        var db: OpaquePointer?
        var flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX
        var target = path
        if create {
            flags |= SQLITE_OPEN_CREATE
        } else if access(path, F_OK) != 0 {
            target = ":memory:"
        }
        let status = sqlite3_open_v2(target, &db, flags, nil)
        guard status == SQLITE_OK, let db else {
            let reason = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(db)
            throw DatabaseError(.connection, code: status, message: "cannot open the SQLite database \(path): \(reason)")
        }
        handle = db
        self.busyTimeoutMilliseconds = Int32(clamping: busyTimeoutMilliseconds)
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, self.busyTimeoutMilliseconds)
        // WAL lets status and the site's readers go on while a migration holds the write lock.
        if create {
            _ = try? query("PRAGMA journal_mode=WAL")
        }
        try execute("PRAGMA foreign_keys=ON")
    }

    deinit { close() }

    public func close() {
        try? releaseBackgroundWork(MigrationLockRequest(prefix: ""))
        if let handle {
            sqlite3_close_v2(handle)
            self.handle = nil
        }
    }

    private var db: OpaquePointer {
        get throws(DatabaseError) {
            guard let handle else { throw DatabaseError(.connection, message: "the SQLite database \(path) is closed") }
            return handle
        }
    }

    private func error(_ status: Int32, _ sql: String? = nil) -> DatabaseError {
        let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(status))
        let primary = status & 0xFF
        let kind: DatabaseError.Kind
        if primary == SQLITE_BUSY || primary == SQLITE_LOCKED {
            kind = .busy
        } else if primary == SQLITE_ERROR, message.hasPrefix("no such table") {
            kind = .missingTable
        } else {
            kind = .statement
        }
        return DatabaseError(kind, code: status, message: message)
    }

    // MARK: Statements

    public func execute(_ sql: String, _ parameters: [SQLValue]) throws(DatabaseError) {
        _ = try run(sql, parameters, collect: false)
    }

    public func query(_ sql: String, _ parameters: [SQLValue]) throws(DatabaseError) -> [[SQLValue]] {
        try run(sql, parameters, collect: true)
    }

    public func executeCountingChanges(_ sql: String, _ parameters: [SQLValue]) throws(DatabaseError) -> Int64 {
        _ = try run(sql, parameters, collect: false)
        return sqlite3_changes64(try db)
    }

    /// SQLite's conversions never fail (`CAST('abc' AS REAL)` is 0, by its documented rules),
    /// so there is nothing to evaluate first; a bad value stops a chunk only through a
    /// constraint (NOT NULL, CHECK) of the target.
    public func executeChunk(_ chunk: ChunkSQL) throws -> Int64 {
        try runStatements(chunk.apply) { review in
            if let reason = chunk.check.refusal(of: review) { throw StatementRefusal(statement: review.number, reason: "the chunk statement is refused: \(reason)") }
        }
        return sqlite3_changes64(try db)
    }

    /// Exact: counting a SQLite table walks its smallest index, milliseconds for a million rows.
    public func columnsRequiringValue(of table: String) throws(DatabaseError) -> [String] {
        // `hidden` 0 leaves out generated columns; an INTEGER PRIMARY KEY alone is the rowid.
        let columns = try query("SELECT name, \"notnull\", dflt_value IS NULL, pk, upper(type) FROM pragma_table_xinfo(?) WHERE hidden = 0 ORDER BY cid", [.text(table)])
        let keyColumns = columns.filter { ($0[3].integer ?? 0) > 0 }
        return columns.compactMap { row in
            let isRowid = keyColumns.count == 1 && (row[3].integer ?? 0) == 1 && row[4].text == "INTEGER"
            guard row[1].integer == 1, row[2].integer == 1, !isRowid else { return nil }
            return row[0].text
        }
    }

    public func estimatedRowCount(of table: String) throws(DatabaseError) -> Int64? {
        try query("SELECT COUNT(*) FROM \(quoteIdentifier(table))").first?.first?.integer
    }

    public func literal(_ value: SQLValue) -> String {
        switch value {
        case .null: return "NULL"
        case .integer(let number): return String(number)
        case .real(let number): return "\(number)"
        case .text(let text): return "'" + text.replacingASCII("'", with: "''") + "'"
        }
    }

    private func run(_ sql: String, _ parameters: [SQLValue], collect: Bool) throws(DatabaseError) -> [[SQLValue]] {
        let db = try db
        var statement: OpaquePointer?
        var prepared = sqlite3_prepare_v2(db, sql, -1, &statement, nil)
        // Another connection changed the schema (another site prefix migrating the same
        // file) while this one compiled: SQLite retries that once inside prepare, and says
        // SQLITE_SCHEMA when it happened again. The statement is compiled afresh against the
        // new schema; nothing ran, so trying again is always safe.
        var attempts = 1
        while prepared & 0xFF == SQLITE_SCHEMA, attempts < Self.schemaRetryLimit {
            sqlite3_finalize(statement)
            statement = nil
            attempts += 1
            prepared = sqlite3_prepare_v2(db, sql, -1, &statement, nil)
        }
        guard prepared == SQLITE_OK, let statement else { throw error(prepared, sql) }
        defer { sqlite3_finalize(statement) }
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        for (offset, value) in parameters.enumerated() {
            let position = Int32(offset + 1)
            switch value {
            case .null: sqlite3_bind_null(statement, position)
            case .integer(let number): sqlite3_bind_int64(statement, position, number)
            case .real(let number): sqlite3_bind_double(statement, position, number)
            case .text(let text): sqlite3_bind_text(statement, position, text, -1, transient)
            }
        }
        return try rows(of: statement, collect: collect)
    }

    /// Steps a prepared statement to its end, collecting its rows if asked.
    private func rows(of statement: OpaquePointer, collect: Bool) throws(DatabaseError) -> [[SQLValue]] {
        var rows: [[SQLValue]] = []
        while true {
            let status = sqlite3_step(statement)
            if status == SQLITE_DONE { break }
            guard status == SQLITE_ROW else { throw error(status) }
            guard collect else { continue }
            let count = sqlite3_column_count(statement)
            var row: [SQLValue] = []
            row.reserveCapacity(Int(count))
            for column in 0..<count {
                switch sqlite3_column_type(statement, column) {
                case SQLITE_NULL: row.append(.null)
                case SQLITE_INTEGER: row.append(.integer(sqlite3_column_int64(statement, column)))
                case SQLITE_FLOAT: row.append(.real(sqlite3_column_double(statement, column)))
                default:
                    if let text = sqlite3_column_text(statement, column) {
                        row.append(.text(String(cString: text)))
                    } else {
                        row.append(.null)
                    }
                }
            }
            rows.append(row)
        }
        return rows
    }

    /// Runs a text of several statements one at a time, by walking `sqlite3_prepare_v2`'s
    /// tail, so that what runs is exactly what SQLite parsed (a separate splitter would read
    /// `'C:\'` differently from SQLite and skip or merge statements). Each statement is
    /// prepared with an authorizer that records every action it asks for; `review` sees them
    /// before the statement runs and throws to refuse it.
    @discardableResult
    func runStatements(_ text: String, review: (SQLiteStatementReview) throws -> Void) throws -> [[SQLValue]] {
        let db = try db
        let bytes = Array(text.utf8) + [0]
        let recorder = AuthorizerRecorder()
        let context = Unmanaged.passUnretained(recorder).toOpaque()
        sqlite3_set_authorizer(db, { context, code, first, second, third, fourth in
            guard let context else { return SQLITE_DENY }
            let recorder = Unmanaged<AuthorizerRecorder>.fromOpaque(context).takeUnretainedValue()
            recorder.actions.append(SQLiteStatementReview.Action(code: code, arguments: [first, second, third, fourth].map { $0.map { String(cString: $0) } }))
            return SQLITE_OK
        }, context)
        defer { sqlite3_set_authorizer(db, nil, nil) }
        var collected: [[SQLValue]] = []
        try withExtendedLifetime(recorder) {
            try bytes.withUnsafeBufferPointer { buffer in
                try buffer.withMemoryRebound(to: CChar.self) { characters in
                    guard let base = characters.baseAddress else { return }
                    var cursor = base
                    var number = 0
                    while cursor.pointee != 0 {
                        recorder.actions = []
                        var statement: OpaquePointer?
                        var tail: UnsafePointer<CChar>?
                        var status = sqlite3_prepare_v2(db, cursor, -1, &statement, &tail)
                        var attempts = 1 // SQLITE_SCHEMA: compiled again, as in `run`
                        while status & 0xFF == SQLITE_SCHEMA, attempts < Self.schemaRetryLimit {
                            sqlite3_finalize(statement)
                            statement = nil
                            recorder.actions = []
                            attempts += 1
                            status = sqlite3_prepare_v2(db, cursor, -1, &statement, &tail)
                        }
                        guard status == SQLITE_OK else {
                            let failure = error(status)
                            throw DatabaseError(failure.kind, code: status, message: "SQLite cannot read statement \(number + 1): \(failure.message)")
                        }
                        let start = cursor
                        cursor = tail ?? UnsafePointer(base + (bytes.count - 1))
                        guard let statement else { continue } // only whitespace or comments
                        defer { sqlite3_finalize(statement) }
                        number += 1
                        let length = start.distance(to: cursor)
                        let statementText = String(decoding: UnsafeRawBufferPointer(start: start, count: length), as: UTF8.self)
                        try review(SQLiteStatementReview(number: number, text: statementText, actions: recorder.actions,
                                                         parameterCount: Int(sqlite3_bind_parameter_count(statement)),
                                                         isReadOnly: sqlite3_stmt_readonly(statement) != 0))
                        collected += try rows(of: statement, collect: true)
                    }
                }
            }
        }
        return collected
    }

    public func runJudged(_ text: String, role: StatementRole, prefix: String,
                          beforeEach: (JudgedStatement) throws -> Void) throws -> [[SQLValue]] {
        if let reason = PrefixPlaceholder.problem(in: text) { throw StatementRefusal(statement: nil, reason: reason) }
        return try runStatements(PrefixPlaceholder.substitute(text, prefix: prefix)) { review in
            try beforeEach(SQLiteStatementJudge.judge(review, role: role, prefix: prefix))
        }
    }

    // MARK: Names and introspection

    public func quoteIdentifier(_ name: String) -> String {
        "\"" + name.replacingASCII("\"", with: "\"\"") + "\""
    }

    public func physicalIndexName(_ index: String, table: String) -> String {
        // Index names are global to a SQLite database, so they carry their table's name.
        "\(table)__\(index)"
    }

    public func tableExists(_ table: String) throws(DatabaseError) -> Bool {
        !(try query("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?", [.text(table)])).isEmpty
    }

    public func columnNames(of table: String) throws(DatabaseError) -> [String] {
        try query("SELECT name FROM pragma_table_info(?) ORDER BY cid", [.text(table)]).compactMap { $0.first?.text }
    }

    public func indexExists(_ index: String, on table: String) throws(DatabaseError) -> Bool {
        !(try query("SELECT 1 FROM sqlite_schema WHERE type = 'index' AND name = ? AND tbl_name = ?",
                    [.text(index), .text(table)])).isEmpty
    }

    /// Integer keys by SQLite's own affinity rule: a declared type containing "INT".
    public func primaryKey(of table: String) throws(DatabaseError) -> [KeyColumn] {
        try query("SELECT name, upper(type) LIKE '%INT%' FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk", [.text(table)]).map {
            KeyColumn(name: $0[0].text ?? "", isInteger: $0[1].integer == 1)
        }
    }

    public func describeTables(withPrefix prefix: String) throws(DatabaseError) -> [String: TableShape] {
        let pattern = SQLValue.text(likePattern(forPrefix: prefix))
        return tableShapes(try query("""
            SELECT m.name, 'c', p.name, p.cid FROM sqlite_schema m, pragma_table_info(m.name) p
            WHERE m.type = 'table' AND m.name LIKE ? ESCAPE '\\'
            UNION ALL
            SELECT tbl_name, 'i', name, 0 FROM sqlite_schema WHERE type = 'index' AND tbl_name LIKE ? ESCAPE '\\'
            ORDER BY 1, 2, 4
            """, [pattern, pattern]))
    }

    // MARK: DDL

    func columnType(_ column: ColumnDefinition) -> String {
        switch column.type {
        case .integer, .bigint, .boolean: return "INTEGER"
        case .string: return "VARCHAR(\(column.length ?? 255))"
        case .text, .json, .datetime, .date: return "TEXT"
        case .decimal: return "NUMERIC(\(column.precision ?? 10),\(column.scale ?? 0))"
        case .blob: return "BLOB"
        case .double: return "REAL"
        }
    }

    public func createTableStatements(_ table: TableDefinition, physicalName: String, ifNotExists: Bool) -> [String] {
        var parts: [String] = []
        let autoIncrement = table.columns.first(where: \.autoIncrement)
        for column in table.columns {
            if column.autoIncrement {
                // SQLite's rowid alias: the only form of auto-increment it has.
                parts.append("\(quoteIdentifier(column.name)) INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL")
            } else {
                parts.append(columnDefinition(column))
            }
        }
        if autoIncrement == nil {
            parts.append("PRIMARY KEY (\(columnList(table.primaryKey)))")
        }
        let create = "CREATE TABLE \(ifNotExists ? "IF NOT EXISTS " : "")\(quoteIdentifier(physicalName)) (\(parts.joined(separator: ", ")))"
        return [create] + table.indexes.map { addIndexStatement($0, table: physicalName, ifNotExists: ifNotExists) }
    }

    public func addColumnStatement(_ column: ColumnDefinition, table: String) -> String {
        "ALTER TABLE \(quoteIdentifier(table)) ADD COLUMN \(columnDefinition(column))"
    }

    public func addIndexStatement(_ index: IndexDefinition, table: String) -> String {
        addIndexStatement(index, table: table, ifNotExists: false)
    }

    func addIndexStatement(_ index: IndexDefinition, table: String, ifNotExists: Bool) -> String {
        "CREATE \(index.unique ? "UNIQUE " : "")INDEX \(ifNotExists ? "IF NOT EXISTS " : "")\(quoteIdentifier(physicalIndexName(index.name, table: table))) ON \(quoteIdentifier(table)) (\(columnList(index.columns)))"
    }

    public func executeSchemaChange(_ statement: String, kind: SchemaChangeKind) throws(DatabaseError) {
        try execute(statement)
    }

    public func dropIndexStatement(_ index: String, table: String) -> String {
        "DROP INDEX \(quoteIdentifier(index))"
    }

    // MARK: Transactions and the lock

    public func begin() throws(DatabaseError) { try execute("BEGIN") }

    /// How often a statement is compiled again after the schema changed under it.
    static let schemaRetryLimit = 20

    /// A wait of 0 seconds tries `BEGIN IMMEDIATE` once: busy means another process holds
    /// the lock, which is `false` here and `PET_LOCKED` for the caller, never an error.
    public func acquireMigrationLock(_ request: MigrationLockRequest, timeoutSeconds: Int) throws(DatabaseError) -> Bool {
        let db = try db
        sqlite3_busy_timeout(db, Self.milliseconds(seconds: timeoutSeconds))
        defer { sqlite3_busy_timeout(db, busyTimeoutMilliseconds) }
        do {
            try execute("BEGIN IMMEDIATE")
            return true
        } catch {
            if error.kind == .busy { return false }
            throw error
        }
    }

    /// Seconds as SQLite's busy timeout, saturating instead of overflowing.
    static func milliseconds(seconds: Int) -> Int32 {
        let (product, overflow) = max(0, seconds).multipliedReportingOverflow(by: 1000)
        return overflow ? Int32.max : Int32(clamping: product)
    }

    /// The lock is this connection's write transaction: it cannot be lost while held.
    public func renewMigrationLock(_ request: MigrationLockRequest) throws(DatabaseError) {}

    public func releaseMigrationLock(_ request: MigrationLockRequest, commit: Bool) throws(DatabaseError) {
        guard let handle, sqlite3_get_autocommit(handle) == 0 else { return }
        try execute(commit ? "COMMIT" : "ROLLBACK")
    }

    public func isMigrationLockHeld(_ request: MigrationLockRequest) throws(DatabaseError) -> Bool? {
        nil
    }

    // MARK: Background work

    /// The runner's claim is an exclusive `flock` on `DATABASE-pet-runner`, taken without
    /// waiting. The kernel releases it when the descriptor closes — when the call ends, and
    /// when the process dies however it dies — so a killed runner never leaves a stale lock,
    /// and the next runner needs no lease to expire. (`flock`, not `fcntl`: two connections of
    /// one process, as threads of a PHP worker have, exclude each other too.)
    public func claimBackgroundWork(_ request: MigrationLockRequest) throws(DatabaseError) -> Bool {
        guard runnerClaim < 0 else { return true }
        let descriptor = open(path + "-pet-runner", O_RDWR | O_CREAT | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else {
            throw DatabaseError(.connection, message: "cannot open the runner's lock file \(path)-pet-runner: \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let failure = errno
            Glibc.close(descriptor)
            if failure == EWOULDBLOCK { return false }
            throw DatabaseError(.connection, message: "cannot lock \(path)-pet-runner: \(String(cString: strerror(failure)))")
        }
        runnerClaim = descriptor
        return true
    }

    public func releaseBackgroundWork(_ request: MigrationLockRequest) throws(DatabaseError) {
        guard runnerClaim >= 0 else { return }
        Glibc.close(runnerClaim) // closing the descriptor drops the lock
        runnerClaim = -1
    }

    /// A chunk waits for another writer at most this long (SQLite's busy timeout), then is
    /// retried smaller.
    public func prepareForChunks(lockWaitSeconds seconds: Int) throws(DatabaseError) {
        sqlite3_busy_timeout(try db, Self.milliseconds(seconds: seconds))
    }

    public func endChunks() throws(DatabaseError) {
        sqlite3_busy_timeout(try db, busyTimeoutMilliseconds)
    }

    public var writersPollForTheLock: Bool { true }

    /// SQLite has no server whose load could be measured.
    public func threadsRunning() throws(DatabaseError) -> Int? { nil }

    /// A local file is never a replica.
    public func writeRefusal() throws(DatabaseError) -> String? { nil }

    public func lagWarning() throws(DatabaseError) -> String? { nil }
}

/// Collects what SQLite's authorizer reports while one statement is prepared.
private final class AuthorizerRecorder {
    var actions: [SQLiteStatementReview.Action] = []
}
