import CMariaDB

/// How to reach a MariaDB (or MySQL) server. The password is kept out of every description.
public struct MariaDBEndpoint: Sendable {
    public var host: String
    public var port: Int
    /// A Unix socket; with host "localhost" the client uses it (or its default) and ignores the port.
    public var socket: String?
    public var user: String
    public var password: String
    public var database: String

    public init(host: String = "localhost", port: Int = 3306, socket: String? = nil, user: String, password: String, database: String) {
        self.host = host
        self.port = port
        self.socket = socket
        self.user = user
        self.password = password
        self.database = database
    }

    /// Where the server is, for messages: never the password.
    public var displayName: String {
        let place = host == "localhost" ? "localhost (socket \(socket ?? "default"))" : "\(host):\(port)"
        return "database \(database) on \(place) as \(user)"
    }
}

/// `mysql_library_init` once per process, on first use (never at module start-up: php-fpm
/// forks its workers after that).
private let mariadbLibraryReady: Bool = mysql_server_init(0, nil, nil) == 0

/// MariaDB, production: DDL commits implicitly, so a migration is made atomic by a journal
/// and compensation (see `JournalAtomicity`); the migration lock is `GET_LOCK`.
public final class MariaDBDriver: DatabaseDriver, SQLDefinitionRendering {
    public let dialect = DialectName.mariadb
    public let schemaChangesAreTransactional = false
    private var connection: UnsafeMutablePointer<MYSQL>?
    private let endpoint: MariaDBEndpoint
    /// How long the session waits for a row or metadata lock outside chunks (a migration's DDL).
    private let lockWaitTimeoutSeconds: Int

    /// Rows changed by the last statement.
    var affectedRows: UInt64 {
        guard let connection else { return 0 }
        return mysql_affected_rows(connection)
    }

    /// Server error numbers the engine tells apart.
    enum ServerError {
        static let lockWaitTimeout: UInt32 = 1205
        static let noSuchTable: UInt32 = 1146
        static let algorithmNotSupported: UInt32 = 1845
        static let algorithmNotSupportedReason: UInt32 = 1846
        static let accessDenied: UInt32 = 1045
        static let unknownDatabase: UInt32 = 1049
        static let serverGone: UInt32 = 2006
        static let connectionLost: UInt32 = 2013
        /// A deadlock, or on Galera a certification conflict with another node's write.
        static let deadlock: UInt32 = 1213
        /// A Galera node that is not part of the primary component.
        static let wsrepNotReady: UInt32 = 1047
    }

    public init(endpoint: MariaDBEndpoint, connectTimeoutSeconds: Int = 5, lockWaitTimeoutSeconds: Int = 10) throws(DatabaseError) {
        self.endpoint = endpoint
        self.lockWaitTimeoutSeconds = max(1, lockWaitTimeoutSeconds)
        guard mariadbLibraryReady, let mysql = mysql_init(nil) else {
            throw DatabaseError(.connection, message: "the MariaDB client library could not be initialised")
        }
        var timeout = UInt32(clamping: connectTimeoutSeconds)
        mysql_optionsv_timeout(mysql, &timeout)
        let charsetInHandshake = mysql_options_charset(mysql, "utf8mb4") == 0
        let socket = endpoint.socket.flatMap { $0.isEmpty ? nil : $0 }
        let connected = mysql_real_connect(mysql, endpoint.host, endpoint.user, endpoint.password, endpoint.database,
                                           UInt32(clamping: endpoint.port), socket, 0)
        guard connected != nil else {
            let code = mysql_errno(mysql)
            let reason = String(cString: mysql_error(mysql))
            mysql_close(mysql)
            let advice: String
            switch code {
            case ServerError.accessDenied: advice = "check the database user and password"
            case ServerError.unknownDatabase: advice = "check the database name"
            default: advice = "check that the server is running and the host, port or socket is right"
            }
            throw DatabaseError(.connection, code: Int32(truncatingIfNeeded: code),
                                message: "cannot connect to \(endpoint.displayName): \(Self.withoutPassword(reason, endpoint.password)) (\(advice))")
        }
        connection = mysql
        if !charsetInHandshake, mysql_set_character_set(mysql, "utf8mb4") != 0 {
            throw lastError()
        }
        // The session is pinned so that SQL means at run time what the judge read at load
        // time, whatever the server's defaults: `"` quotes strings and `\` escapes in them
        // (no ANSI_QUOTES, no NO_BACKSLASH_ESCAPES), strict (a value that does not fit is an
        // error, never silently cut), no engine substitution, autocommit (the engine opens
        // its own transactions). Every metadata-lock wait is bounded: the server's default is
        // a day, during which every reader of the table queues behind the ALTER. `SET NAMES`
        // (in the same round trip) gives the connection the server's own default collation
        // for utf8mb4, as before; the handshake already chose the character set.
        try execute("SET NAMES utf8mb4, SESSION autocommit = 1, SESSION sql_mode = '\(Self.pinnedSQLMode)', SESSION lock_wait_timeout = \(max(1, lockWaitTimeoutSeconds)), SESSION innodb_lock_wait_timeout = \(max(1, lockWaitTimeoutSeconds))")
    }

    static let pinnedSQLMode = "STRICT_TRANS_TABLES,STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ZERO_DATE,NO_ZERO_IN_DATE,NO_ENGINE_SUBSTITUTION"

    deinit { close() }

    public func close() {
        if let connection {
            mysql_close(connection)
            self.connection = nil
        }
    }

    /// Server messages do not contain the password, but a message is scrubbed anyway before
    /// it leaves the driver: a credential in a notice or an event is unrecoverable.
    static func withoutPassword(_ message: String, _ password: String) -> String {
        guard password.count >= 3 else { return message }
        return message.replacing(password, with: "********")
    }

    private func lastError() -> DatabaseError {
        guard let connection else { return DatabaseError(.connection, message: "the MariaDB connection is closed") }
        let code = mysql_errno(connection)
        let message = Self.withoutPassword(String(cString: mysql_error(connection)), endpoint.password)
        let kind: DatabaseError.Kind
        switch code {
        case ServerError.lockWaitTimeout: kind = .lockWaitTimeout
        case ServerError.noSuchTable: kind = .missingTable
        case ServerError.serverGone, ServerError.connectionLost, ServerError.wsrepNotReady: kind = .connection
        case ServerError.deadlock: kind = .busy
        default: kind = .statement
        }
        return DatabaseError(kind, code: Int32(truncatingIfNeeded: code), message: message)
    }

    // MARK: Statements

    public func execute(_ sql: String, _ parameters: [SQLValue]) throws(DatabaseError) {
        _ = try run(sql, parameters)
    }

    public func query(_ sql: String, _ parameters: [SQLValue]) throws(DatabaseError) -> [[SQLValue]] {
        try run(sql, parameters)
    }

    /// A warning is a failure here: strict mode makes a bad value an error in `UPDATE … SET`,
    /// but `INSERT … SELECT` writes 0 for it without a word; a plain SELECT evaluating the same
    /// expressions warns ("Truncated incorrect DOUBLE value"). So the chunk's expressions are
    /// evaluated first and any warning, of either statement, fails the chunk: the runner rolls
    /// it back and narrows it down to the row, which is never copied with a wrong value.
    public func executeChunk(_ chunk: ChunkSQL) throws -> Int64 {
        if let evaluation = chunk.evaluation {
            _ = try query(evaluation)
            try failOnWarnings()
        }
        let changed = try executeCountingChanges(chunk.apply, [])
        try failOnWarnings()
        return changed
    }

    private func failOnWarnings() throws(DatabaseError) {
        guard let connection, mysql_warning_count(connection) > 0 else { return }
        guard let first = try query("SHOW WARNINGS").first(where: { $0.first?.text != "Note" }) else { return }
        let message = first.count > 2 ? first[2].text ?? "a warning" : "a warning"
        throw DatabaseError(.statement, code: Int32(first.count > 1 ? first[1].integer ?? 0 : 0), message: message)
    }

    public func columnsRequiringValue(of table: String) throws(DatabaseError) -> [String] {
        try query("""
            SELECT COLUMN_NAME FROM information_schema.COLUMNS
            WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND IS_NULLABLE = 'NO' AND COLUMN_DEFAULT IS NULL
              AND EXTRA NOT LIKE '%auto_increment%' AND EXTRA NOT LIKE '%GENERATED%' ORDER BY ORDINAL_POSITION
            """, [.text(table)]).compactMap { $0.first?.text }
    }

    public func estimatedRowCount(of table: String) throws(DatabaseError) -> Int64? {
        // The statistics' estimate: an exact COUNT(*) reads the whole table (0.3 s a million rows).
        try query("SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?", [.text(table)]).first?.first?.integer
    }

    public func executeCountingChanges(_ sql: String, _ parameters: [SQLValue]) throws(DatabaseError) -> Int64 {
        _ = try run(sql, parameters)
        return Int64(clamping: affectedRows)
    }

    /// Runs one statement. Parameters replace `?` placeholders as escaped literals; the
    /// engine's own SQL is the only SQL with placeholders, and it has none inside quotes.
    private func run(_ sql: String, _ parameters: [SQLValue]) throws(DatabaseError) -> [[SQLValue]] {
        guard let connection else { throw DatabaseError(.connection, message: "the MariaDB connection is closed") }
        var text = parameters.isEmpty ? sql : try bind(sql, parameters)
        let status = text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { mysql_real_query(connection, $0.baseAddress, UInt($0.count)) }
        }
        guard status == 0 else { throw lastError() }
        guard let result = mysql_store_result(connection) else {
            if mysql_field_count(connection) != 0 { throw lastError() }
            return []
        }
        defer { mysql_free_result(result) }
        let columnCount = Int(mysql_num_fields(result))
        var rows: [[SQLValue]] = []
        while let row = mysql_fetch_row(result) {
            let lengths = mysql_fetch_lengths(result)
            var values: [SQLValue] = []
            values.reserveCapacity(columnCount)
            for column in 0..<columnCount {
                if let field = row[column], let lengths {
                    let buffer = UnsafeRawBufferPointer(start: field, count: Int(lengths[column]))
                    values.append(.text(String(decoding: buffer, as: UTF8.self)))
                } else {
                    values.append(.null)
                }
            }
            rows.append(values)
        }
        return rows
    }

    private func bind(_ sql: String, _ parameters: [SQLValue]) throws(DatabaseError) -> String {
        var pieces = sql.split(separator: "?", omittingEmptySubsequences: false)
        guard pieces.count == parameters.count + 1 else {
            throw DatabaseError(.statement, message: "internal error: \(parameters.count) parameters for \(pieces.count - 1) placeholders")
        }
        var text = String(pieces.removeFirst())
        for (value, piece) in zip(parameters, pieces) {
            text += literal(value)
            text += piece
        }
        return text
    }

    public func literal(_ value: SQLValue) -> String {
        switch value {
        case .null: return "NULL"
        case .integer(let number): return String(number)
        case .real(let number): return "\(number)"
        case .text(let string):
            guard let connection else { return stringLiteral(string) }
            let bytes = Array(string.utf8)
            var escaped = [CChar](repeating: 0, count: bytes.count * 2 + 1)
            let length = bytes.withUnsafeBufferPointer { source in
                source.withMemoryRebound(to: CChar.self) { from in
                    mysql_real_escape_string(connection, &escaped, from.baseAddress, UInt(bytes.count))
                }
            }
            let escapedBytes = escaped.prefix(Int(length)).map { UInt8(bitPattern: $0) }
            return "'" + String(decoding: escapedBytes, as: UTF8.self) + "'"
        }
    }

    public func runJudged(_ text: String, role: StatementRole, prefix: String,
                          beforeEach: (JudgedStatement) throws -> Void) throws -> [[SQLValue]] {
        var rows: [[SQLValue]] = []
        for statement in try MigrationSetJudge.judgeText(text, role: role, prefix: prefix, dialect: .mariadb) {
            try beforeEach(statement)
            rows += try query(statement.text)
        }
        return rows
    }

    // MARK: Names and introspection

    public func quoteIdentifier(_ name: String) -> String {
        "`" + name.replacingASCII("`", with: "``") + "`"
    }

    public func physicalIndexName(_ index: String, table: String) -> String {
        index
    }

    public func tableExists(_ table: String) throws(DatabaseError) -> Bool {
        !(try query("SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?", [.text(table)])).isEmpty
    }

    public func columnNames(of table: String) throws(DatabaseError) -> [String] {
        try query("SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION",
                  [.text(table)]).compactMap { $0.first?.text }
    }

    public func indexExists(_ index: String, on table: String) throws(DatabaseError) -> Bool {
        !(try query("SELECT 1 FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND INDEX_NAME = ? LIMIT 1",
                    [.text(table), .text(index)])).isEmpty
    }

    public func primaryKey(of table: String) throws(DatabaseError) -> [KeyColumn] {
        try query("""
            SELECT k.COLUMN_NAME, c.DATA_TYPE IN ('tinyint', 'smallint', 'mediumint', 'int', 'bigint')
            FROM information_schema.KEY_COLUMN_USAGE k JOIN information_schema.COLUMNS c
              ON c.TABLE_SCHEMA = k.TABLE_SCHEMA AND c.TABLE_NAME = k.TABLE_NAME AND c.COLUMN_NAME = k.COLUMN_NAME
            WHERE k.TABLE_SCHEMA = DATABASE() AND k.TABLE_NAME = ? AND k.CONSTRAINT_NAME = 'PRIMARY' ORDER BY k.ORDINAL_POSITION
            """, [.text(table)]).map { KeyColumn(name: $0[0].text ?? "", isInteger: $0[1].integer == 1) }
    }

    public func describeTables(withPrefix prefix: String) throws(DatabaseError) -> [String: TableShape] {
        let pattern = SQLValue.text(likePattern(forPrefix: prefix))
        return tableShapes(try query("""
            SELECT TABLE_NAME, 'c', COLUMN_NAME, ORDINAL_POSITION FROM information_schema.COLUMNS
            WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE ?
            UNION ALL
            SELECT TABLE_NAME, 'i', INDEX_NAME, 0 FROM information_schema.STATISTICS
            WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE ?
            ORDER BY 1, 2, 4
            """, [pattern, pattern]))
    }

    // MARK: DDL

    func columnType(_ column: ColumnDefinition) -> String {
        switch column.type {
        case .integer: return "INT"
        case .bigint: return "BIGINT"
        case .string: return "VARCHAR(\(column.length ?? 255))"
        case .text, .json: return "LONGTEXT"
        case .decimal: return "DECIMAL(\(column.precision ?? 10),\(column.scale ?? 0))"
        case .boolean: return "TINYINT(1)"
        case .datetime: return "DATETIME"
        case .date: return "DATE"
        case .blob: return "LONGBLOB"
        case .double: return "DOUBLE"
        }
    }

    func stringLiteral(_ text: String) -> String {
        // Unless NO_BACKSLASH_ESCAPES is set, MariaDB reads a backslash as an escape.
        "'" + text.replacingASCII("\\", with: "\\\\").replacingASCII("'", with: "''") + "'"
    }

    public func createTableStatements(_ table: TableDefinition, physicalName: String, ifNotExists: Bool) -> [String] {
        var parts = table.columns.map { column in
            columnDefinition(column) + (column.autoIncrement ? " AUTO_INCREMENT" : "")
        }
        parts.append("PRIMARY KEY (\(columnList(table.primaryKey)))")
        for index in table.indexes {
            parts.append("\(index.unique ? "UNIQUE " : "")KEY \(quoteIdentifier(index.name)) (\(columnList(index.columns)))")
        }
        // Indexes go into the CREATE itself: one atomic statement instead of several.
        return ["CREATE TABLE \(ifNotExists ? "IF NOT EXISTS " : "")\(quoteIdentifier(physicalName)) (\(parts.joined(separator: ", "))) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"]
    }

    public func addColumnStatement(_ column: ColumnDefinition, table: String) -> String {
        "ALTER TABLE \(quoteIdentifier(table)) ADD COLUMN \(columnDefinition(column))"
    }

    public func addIndexStatement(_ index: IndexDefinition, table: String) -> String {
        "ALTER TABLE \(quoteIdentifier(table)) ADD \(index.unique ? "UNIQUE " : "")INDEX \(quoteIdentifier(index.name)) (\(columnList(index.columns)))"
    }

    public func executeSchemaChange(_ statement: String, kind: SchemaChangeKind) throws(DatabaseError) {
        let online: [String]
        switch kind {
        case .addColumn: online = [", ALGORITHM=INSTANT", ", ALGORITHM=INPLACE, LOCK=NONE"]
        case .addIndex: online = [", ALGORITHM=INPLACE, LOCK=NONE"]
        }
        for clause in online {
            do {
                try execute(statement + clause)
                return
            } catch {
                // 1845/1846: the algorithm or lock level is not supported for this change;
                // the server refused before doing anything, so the next form may be tried.
                let code = UInt32(bitPattern: error.code)
                guard code == ServerError.algorithmNotSupported || code == ServerError.algorithmNotSupportedReason else { throw error }
            }
        }
        try execute(statement)
    }

    public func dropIndexStatement(_ index: String, table: String) -> String {
        "ALTER TABLE \(quoteIdentifier(table)) DROP INDEX \(quoteIdentifier(index))"
    }

    // MARK: Transactions and the lock

    public func begin() throws(DatabaseError) { try execute("START TRANSACTION") }

    public func acquireMigrationLock(_ request: MigrationLockRequest, timeoutSeconds: Int) throws(DatabaseError) -> Bool {
        try MariaDBLeaseLock(driver: self, request: request).acquire(timeoutSeconds: timeoutSeconds)
    }

    public func renewMigrationLock(_ request: MigrationLockRequest) throws(DatabaseError) {
        try MariaDBLeaseLock(driver: self, request: request).renew()
    }

    public func releaseMigrationLock(_ request: MigrationLockRequest, commit: Bool) throws(DatabaseError) {
        try? rollback() // an open transaction of a failed step must not carry the release
        try MariaDBLeaseLock(driver: self, request: request).release()
    }

    public func isMigrationLockHeld(_ request: MigrationLockRequest) throws(DatabaseError) -> Bool? {
        try MariaDBLeaseLock(driver: self, request: request).isHeld()
    }

    // MARK: Replicas and clusters

    /// The server's own state decides: `read_only` (whatever the user's privileges: MariaDB
    /// lets `READ ONLY ADMIN` write anyway), a replication source configured, and on Galera a
    /// schema upgrade method other than TOI (RSU changes one node's schema only).
    public func writeRefusal() throws(DatabaseError) -> String? {
        // The wsrep settings are read from information_schema, which answers NULL where the
        // server has no Galera support (MySQL, a MariaDB built without wsrep), instead of
        // `@@wsrep_on`, which would be an error there.
        let settings = try query("""
            SELECT @@read_only,
                   (SELECT VARIABLE_VALUE FROM information_schema.SESSION_VARIABLES WHERE VARIABLE_NAME = 'WSREP_ON'),
                   (SELECT VARIABLE_VALUE FROM information_schema.SESSION_VARIABLES WHERE VARIABLE_NAME = 'WSREP_OSU_METHOD')
            """).first ?? []
        if settings.first?.integer == 1 {
            return "the server is read-only (read_only=ON): PET never migrates a read-only server or a replica; point the configuration at the primary"
        }
        if let source = try replicationSource() {
            return "the server is a replica of \(source): PET never writes to a replica (replication would stop when the primary migrates); point the configuration at the primary"
        }
        if settings.count == 3, settings[1].text?.uppercased() == "ON", let method = settings[2].text, method.uppercased() != "TOI" {
            return "this Galera node uses wsrep_OSU_method=\(method): schema changes would reach this node only. Set wsrep_OSU_method=TOI (the default) and try again"
        }
        return nil
    }

    // MARK: Background work

    /// The runner's claim is the migration lock itself, tried once: one process at a time
    /// either migrates or runs chunks, on every node of a cluster, and a dead holder's claim
    /// lapses as the lock's does (at once on its own server, after the lease elsewhere).
    public func claimBackgroundWork(_ request: MigrationLockRequest) throws(DatabaseError) -> Bool {
        try acquireMigrationLock(request, timeoutSeconds: 0)
    }

    public func releaseBackgroundWork(_ request: MigrationLockRequest) throws(DatabaseError) {
        try releaseMigrationLock(request, commit: true)
    }

    public func prepareForChunks(lockWaitSeconds seconds: Int) throws(DatabaseError) {
        let bounded = max(1, seconds)
        // READ COMMITTED: `INSERT … SELECT` then reads the source without locking its rows,
        // so the site's writers to the source never wait for a copy chunk.
        try execute("SET SESSION innodb_lock_wait_timeout = \(bounded), SESSION lock_wait_timeout = \(bounded)")
        try execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED")
    }

    public func endChunks() throws(DatabaseError) {
        try execute("SET SESSION innodb_lock_wait_timeout = \(lockWaitTimeoutSeconds), SESSION lock_wait_timeout = \(lockWaitTimeoutSeconds), SESSION tx_isolation = @@GLOBAL.tx_isolation")
    }

    /// InnoDB grants a row lock to the waiters in order: no gap is needed between chunks.
    public var writersPollForTheLock: Bool { false }

    public func threadsRunning() throws(DatabaseError) -> Int? {
        try query("SHOW GLOBAL STATUS LIKE 'Threads_running'").first.flatMap { $0.count > 1 ? $0[1].integer.map { Int($0) } : nil }
    }

    public func lagWarning() throws(DatabaseError) -> String? {
        try replicationSource().map { "this server is a replica of \($0): what it shows may lag behind the primary" }
    }

    /// The primary this server replicates from (`host:port`), if any. Without the privilege
    /// to ask (`SLAVE MONITOR`), `read_only` is the only signal left.
    private func replicationSource() throws(DatabaseError) -> String? {
        guard let connection else { throw DatabaseError(.connection, message: "the MariaDB connection is closed") }
        let sql = "SHOW ALL REPLICAS STATUS"
        guard mysql_real_query(connection, sql, UInt(sql.utf8.count)) == 0 else {
            let error = lastError()
            if error.code == 1227 || error.code == 1045 { return nil }
            throw error
        }
        guard let result = mysql_store_result(connection) else { return nil }
        defer { mysql_free_result(result) }
        guard let row = mysql_fetch_row(result), let fields = mysql_fetch_fields(result) else { return nil }
        // SHOW answers by column name; the source is in Master_Host and Master_Port.
        var source: [String: String] = [:]
        for index in 0..<Int(mysql_num_fields(result)) {
            let name = String(cString: fields[index].name)
            if name == "Master_Host" || name == "Master_Port" { source[name] = row[index].map { String(cString: $0) } ?? "?" }
        }
        return "\(source["Master_Host"] ?? "another server"):\(source["Master_Port"] ?? "?")"
    }
}
