/// A value bound to, or read from, a SQL statement.
public enum SQLValue: Equatable, Sendable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

    public var text: String? {
        switch self {
        case .text(let value): return value
        case .integer(let value): return String(value)
        case .real(let value): return String(value)
        case .null: return nil
        }
    }

    public var double: Double? {
        switch self {
        case .real(let value): return value
        case .integer(let value): return Double(value)
        case .text(let value): return Double(value)
        case .null: return nil
        }
    }

    public var integer: Int64? {
        switch self {
        case .integer(let value): return value
        case .text(let value): return Int64(value)
        case .real(let value): return Int64(exactly: value)
        case .null: return nil
        }
    }
}

/// A failure reported by the database. `message` never contains credentials: drivers build
/// it from the server's error text, which does not echo passwords.
public struct DatabaseError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        /// The database cannot be reached or opened: a configuration problem.
        case connection
        /// The migration lock is held by another process.
        case busy
        /// A metadata lock or row lock wait ran out (MariaDB `lock_wait_timeout`).
        case lockWaitTimeout
        /// The statement names a table that does not exist.
        case missingTable
        case statement
    }

    public var kind: Kind
    public var code: Int32
    public var message: String

    public init(_ kind: Kind, code: Int32 = 0, message: String) {
        self.kind = kind
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

/// A primary key column, and whether its values are integers (compared as numbers) or not
/// (compared as text, in the column's collation).
public struct KeyColumn: Equatable, Sendable {
    public var name: String
    public var isInteger: Bool
}

/// What an `ALTER TABLE` does, which decides how online it can run.
public enum SchemaChangeKind: Sendable {
    case addColumn, addIndex
}

/// How the engine reaches one database dialect: one protocol, one implementation per
/// dialect (as golang-migrate's database drivers), so that the engine never asks which
/// dialect it talks to. Every method works on physical names (prefix applied).
public protocol DatabaseDriver: AnyObject {
    var dialect: DialectName { get }

    /// Whether DDL takes part in transactions. It decides how a migration is made atomic:
    /// by a savepoint, or by a journal and compensation.
    var schemaChangesAreTransactional: Bool { get }

    func execute(_ sql: String, _ parameters: [SQLValue]) throws(DatabaseError)
    func query(_ sql: String, _ parameters: [SQLValue]) throws(DatabaseError) -> [[SQLValue]]
    /// Runs a writing statement and returns the rows it changed (the server's count).
    func executeCountingChanges(_ sql: String, _ parameters: [SQLValue]) throws(DatabaseError) -> Int64
    /// Runs one chunk of a data step and returns the rows it changed. SQLite judges the
    /// statement by its authorizer first (`ChunkStatementCheck`); MariaDB runs it as the
    /// lexer judged its expressions at load.
    func executeChunk(_ chunk: ChunkSQL) throws -> Int64
    /// A value as a literal of this dialect's SQL, for the statements of data steps: they embed
    /// authors' expressions, in which a `?` is text, never a placeholder.
    func literal(_ value: SQLValue) -> String

    /// Runs the statements of a migration's raw SQL one at a time, each judged by the
    /// dialect's own judge against `role` right before it runs (`{prefix}` substituted);
    /// `beforeEach` sees what each statement will create, so the journal can record it first.
    /// Returns the rows the statements produced (a `row_exists` probe reads them).
    func runJudged(_ text: String, role: StatementRole, prefix: String,
                   beforeEach: (JudgedStatement) throws -> Void) throws -> [[SQLValue]]

    func quoteIdentifier(_ name: String) -> String
    /// The physical name of a migration's index on a physical table.
    func physicalIndexName(_ index: String, table: String) -> String

    // MARK: Introspection, for guards (check before create) and verification.
    func tableExists(_ table: String) throws(DatabaseError) -> Bool
    func columnNames(of table: String) throws(DatabaseError) -> [String]
    func indexExists(_ index: String, on table: String) throws(DatabaseError) -> Bool
    /// Every table whose name starts with `prefix`, with its columns (in order) and index
    /// names, in one round trip: what `SchemaCatalog` reads once per activation.
    func describeTables(withPrefix prefix: String) throws(DatabaseError) -> [String: TableShape]
    /// About how many rows a table has, cheaply (for progress and ETA, never for decisions).
    func estimatedRowCount(of table: String) throws(DatabaseError) -> Int64?
    /// The columns an INSERT must give a value: NOT NULL, no default, not generated and not
    /// filled by the table itself (auto-increment, SQLite's rowid key).
    func columnsRequiringValue(of table: String) throws(DatabaseError) -> [String]
    /// The columns of a table's primary key, in key order; empty when it has none.
    func primaryKey(of table: String) throws(DatabaseError) -> [KeyColumn]

    // MARK: DDL for the portable steps.
    /// `CREATE TABLE` and the statements creating its indexes, in order.
    func createTableStatements(_ table: TableDefinition, physicalName: String, ifNotExists: Bool) -> [String]
    func addColumnStatement(_ column: ColumnDefinition, table: String) -> String
    func addIndexStatement(_ index: IndexDefinition, table: String) -> String
    /// Runs an `ALTER TABLE` of a step, as online as the dialect allows: MariaDB first asks
    /// for `ALGORITHM=INSTANT` (a column) or `INPLACE, LOCK=NONE` (an index), so readers and
    /// writers of a large table are not blocked, and falls back when the server says no.
    func executeSchemaChange(_ statement: String, kind: SchemaChangeKind) throws(DatabaseError)
    func dropTableStatement(_ table: String) -> String
    func dropColumnStatement(_ column: String, table: String) -> String
    func dropIndexStatement(_ index: String, table: String) -> String

    // MARK: Transactions.
    func begin() throws(DatabaseError)
    func commit() throws(DatabaseError)
    func rollback() throws(DatabaseError)
    func savepoint(_ name: String) throws(DatabaseError)
    func rollbackToSavepoint(_ name: String) throws(DatabaseError)
    func releaseSavepoint(_ name: String) throws(DatabaseError)

    // MARK: The migration lock.
    /// Takes the lock that makes this process the only one migrating this database and
    /// prefix, waiting at most `timeoutSeconds` (0: one try). Returns false when another
    /// process holds it. On SQLite the lock is the write transaction itself: everything until
    /// `releaseMigrationLock(commit:)` is one transaction. On MariaDB it is a row with an
    /// owner and a lease (`MariaDBLeaseLock`), which holds across a Galera cluster.
    func acquireMigrationLock(_ request: MigrationLockRequest, timeoutSeconds: Int) throws(DatabaseError) -> Bool
    /// Extends the lock's lease; throws `.busy` when the lock is no longer this attempt's.
    func renewMigrationLock(_ request: MigrationLockRequest) throws(DatabaseError)
    /// Releases the lock; `commit: false` discards what a transactional lock covered.
    func releaseMigrationLock(_ request: MigrationLockRequest, commit: Bool) throws(DatabaseError)
    /// Whether another process holds the lock right now, without waiting or taking it;
    /// nil where the dialect cannot tell without taking it.
    func isMigrationLockHeld(_ request: MigrationLockRequest) throws(DatabaseError) -> Bool?

    /// Why this server must not be written by a migration (a read-only server, a replica, a
    /// Galera node that would change its schema alone), or nil when it may.
    func writeRefusal() throws(DatabaseError) -> String?

    /// Why the schema this server shows may lag behind (a replica), or nil.
    func lagWarning() throws(DatabaseError) -> String?

    // MARK: Background work.
    /// Takes the claim that makes this process the only runner of background work for this
    /// database and prefix, without waiting. It lapses by itself when its holder dies (never
    /// a stale lock): on SQLite a lock on a file beside the database, which the kernel drops
    /// with the process; on MariaDB the migration lock's row, whose holder is checked alive.
    func claimBackgroundWork(_ request: MigrationLockRequest) throws(DatabaseError) -> Bool
    func releaseBackgroundWork(_ request: MigrationLockRequest) throws(DatabaseError)
    /// Limits this session's waits for row and metadata locks while it runs chunks, so a
    /// chunk that meets a busy row gives up quickly and is retried smaller; on MariaDB also
    /// reads at READ COMMITTED, so copying never locks source rows.
    func prepareForChunks(lockWaitSeconds seconds: Int) throws(DatabaseError)
    /// Undoes `prepareForChunks` before migrations run on the same connection (`resume`
    /// applies those that waited behind the work it finished): their statements wait for
    /// locks as long as the connection was opened to wait (`ddl_lock_wait_seconds`), not a
    /// chunk's second or two, and read at the server's isolation level again.
    func endChunks() throws(DatabaseError)
    /// Whether other writers wait for the write lock by polling (SQLite's busy handler) rather
    /// than in a queue the lock grants in order (InnoDB): then the runner leaves a gap after
    /// each chunk, or a polling writer could miss the moments between chunks again and again.
    var writersPollForTheLock: Bool { get }
    /// The server's count of statements running right now, or nil where it has none.
    func threadsRunning() throws(DatabaseError) -> Int?

    func close()
}

/// Standard SQL that both dialects accept as it is; a driver overrides what differs.
extension DatabaseDriver {
    public func commit() throws(DatabaseError) { try execute("COMMIT") }
    public func rollback() throws(DatabaseError) { try execute("ROLLBACK") }
    public func savepoint(_ name: String) throws(DatabaseError) { try execute("SAVEPOINT \(quoteIdentifier(name))") }
    public func rollbackToSavepoint(_ name: String) throws(DatabaseError) { try execute("ROLLBACK TO SAVEPOINT \(quoteIdentifier(name))") }
    public func releaseSavepoint(_ name: String) throws(DatabaseError) { try execute("RELEASE SAVEPOINT \(quoteIdentifier(name))") }

    public func dropTableStatement(_ table: String) -> String {
        "DROP TABLE \(quoteIdentifier(table))"
    }

    public func dropColumnStatement(_ column: String, table: String) -> String {
        "ALTER TABLE \(quoteIdentifier(table)) DROP COLUMN \(quoteIdentifier(column))"
    }
}

extension DatabaseDriver {
    /// The rows of a query on one of the engine's own tables, or none when that table does
    /// not exist yet: one round trip instead of an existence check and a query, on the path
    /// every activation pays.
    func queryIfTableExists(_ sql: String, _ parameters: [SQLValue] = []) throws(DatabaseError) -> [[SQLValue]] {
        do {
            return try query(sql, parameters)
        } catch where error.kind == .missingTable {
            return []
        }
    }

    public func execute(_ sql: String) throws(DatabaseError) {
        try execute(sql, [])
    }

    /// `prefix%` for LIKE, with `_` (a LIKE wildcard, common in prefixes) escaped by `\`.
    func likePattern(forPrefix prefix: String) -> String {
        prefix.replacingASCII("_", with: "\\_") + "%"
    }

    /// Folds rows of (table, "c" or "i", name) into table shapes.
    func tableShapes(_ rows: [[SQLValue]]) -> [String: TableShape] {
        var shapes: [String: TableShape] = [:]
        for row in rows {
            guard let table = row[0].text, let kind = row[1].text, let name = row[2].text else { continue }
            if kind == "c" {
                shapes[table, default: TableShape(columns: [], indexes: [])].columns.append(name)
            } else {
                shapes[table, default: TableShape(columns: [], indexes: [])].indexes.insert(name)
            }
        }
        return shapes.filter { !$0.value.columns.isEmpty }
    }

    public func query(_ sql: String) throws(DatabaseError) -> [[SQLValue]] {
        try query(sql, [])
    }
}
