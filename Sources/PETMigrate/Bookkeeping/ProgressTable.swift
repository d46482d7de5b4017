/// `pet_migration_progress`: one row per queued data step (`backfill`, `copy_rows`), holding
/// where its work stands. The cursor advances in the same transaction as the chunk it covers,
/// which is what makes every chunk apply exactly once whatever happens to the process.
extension Bookkeeping {
    static let progress = TableDefinition(name: "pet_migration_progress", columns: [
        versionColumn,
        ColumnDefinition(name: "step", type: .integer),
        ColumnDefinition(name: "op", type: .string, length: 20),
        ColumnDefinition(name: "source_table", type: .string, length: 64),
        ColumnDefinition(name: "target_table", type: .string, length: 64),
        ColumnDefinition(name: "gates", type: .string, length: 20),
        ColumnDefinition(name: "status", type: .string, length: 20),
        ColumnDefinition(name: "paused", type: .integer, defaultValue: .number(DecimalNumber(0))),
        ColumnDefinition(name: "key_column", type: .string, length: 64, nullable: true),
        ColumnDefinition(name: "key_type", type: .string, length: 10, nullable: true),
        ColumnDefinition(name: "cursor_key", type: .text, nullable: true),
        ColumnDefinition(name: "upper_key", type: .text, nullable: true),
        ColumnDefinition(name: "rows_done", type: .bigint, defaultValue: .number(DecimalNumber(0))),
        ColumnDefinition(name: "rows_written", type: .bigint, defaultValue: .number(DecimalNumber(0))),
        ColumnDefinition(name: "rows_estimated", type: .bigint, nullable: true),
        ColumnDefinition(name: "chunk_size", type: .integer, nullable: true),
        ColumnDefinition(name: "rows_per_second", type: .double, nullable: true),
        ColumnDefinition(name: "throttle", type: .text, nullable: true),
        ColumnDefinition(name: "last_error", type: .text, nullable: true),
        ColumnDefinition(name: "started_at", type: .datetime, nullable: true),
        ColumnDefinition(name: "updated_at", type: .datetime),
        ColumnDefinition(name: "finished_at", type: .datetime, nullable: true),
    ], primaryKey: ["version", "step"])

    private static let progressColumns = """
        version, step, op, source_table, target_table, gates, status, paused, key_column, key_type, cursor_key, upper_key,
        rows_done, rows_written, rows_estimated, chunk_size, rows_per_second, throttle, last_error, started_at, updated_at, finished_at
        """

    /// Queues the data steps of a migration being applied, inside the transaction that
    /// registers it: registered and queued are one fact.
    func queue(_ migration: Migration) throws(DatabaseError) {
        for (offset, step) in migration.steps.enumerated() {
            let tables: (source: String, target: String)
            switch step {
            case .backfill(let backfill): tables = (backfill.table, backfill.table)
            case .copyRows(let copy): tables = (copy.source, copy.target)
            default: continue
            }
            try driver.execute("""
                INSERT INTO \(q(progressTable)) (version, step, op, source_table, target_table, gates, status, paused, rows_done, rows_written, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, 0, ?)
                """, [.text(migration.version), .integer(Int64(offset + 1)), .text(step.op), .text(prefix + tables.source),
                      .text(prefix + tables.target), .text((migration.gates ?? .everything).rawValue),
                      .text(DataWorkItem.Status.queued.rawValue), .text(Clock.now())])
        }
    }

    /// Every data step not finished yet, in the order they run (version, then step); none
    /// before the table exists.
    func unfinishedWork() throws(DatabaseError) -> [DataWorkItem] {
        try driver.queryIfTableExists("SELECT \(Self.progressColumns) FROM \(q(progressTable)) WHERE status <> ? ORDER BY version, step",
                                      [.text(DataWorkItem.Status.done.rawValue)]).map(DataWorkItem.init(row:))
    }

    /// The unfinished work and the most recently finished steps, for status.
    func workForStatus(finishedLimit: Int = 10) throws(DatabaseError) -> [DataWorkItem] {
        let finished = try driver.queryIfTableExists("SELECT \(Self.progressColumns) FROM \(q(progressTable)) WHERE status = ? ORDER BY finished_at DESC, version DESC, step DESC LIMIT \(finishedLimit)",
                                                     [.text(DataWorkItem.Status.done.rawValue)]).map(DataWorkItem.init(row:))
        return finished.reversed() + (try unfinishedWork())
    }

    /// Writes everything about an item except its cursor and counts (which only `advance`
    /// moves): its status, key, estimate, throttle and error.
    func update(_ item: DataWorkItem) throws(DatabaseError) {
        try driver.execute("""
            UPDATE \(q(progressTable)) SET status = ?, key_column = ?, key_type = ?, upper_key = ?, rows_estimated = ?, chunk_size = ?,
                   rows_per_second = ?, throttle = ?, last_error = ?, started_at = ?, finished_at = ?, updated_at = ?
            WHERE version = ? AND step = ?
            """, [.text(item.status.rawValue), sql(item.keyColumn), sql(item.keyType?.rawValue), sql(item.upperKey),
                  item.rowsEstimated.map(SQLValue.integer) ?? .null, sql(item.chunkSize), item.rowsPerSecond.map(SQLValue.real) ?? .null,
                  sql(item.throttle), sql(item.lastError), sql(item.startedAt), sql(item.finishedAt), .text(Clock.now()),
                  .text(item.version), .integer(Int64(item.step))])
    }

    /// Moves the cursor from `item.cursorKey` to `to` and adds the chunk's counts — inside the
    /// chunk's transaction. Returns false, changing nothing, when the cursor is no longer
    /// where this runner left it or an operator paused the work: the caller then rolls the
    /// chunk back, so no chunk is ever applied twice or after a pause.
    func advance(_ item: DataWorkItem, to key: String, rows: Int64, written: Int64, chunkSize: Int, rowsPerSecond: Double?) throws(DatabaseError) -> Bool {
        let changed = try driver.executeCountingChanges("""
            UPDATE \(q(progressTable)) SET cursor_key = ?, rows_done = rows_done + ?, rows_written = rows_written + ?, chunk_size = ?,
                   rows_per_second = ?, status = ?, throttle = NULL, last_error = NULL, updated_at = ?
            WHERE version = ? AND step = ? AND paused = 0 AND (cursor_key = ? OR (cursor_key IS NULL AND ? IS NULL))
            """, [.text(key), .integer(rows), .integer(written), .integer(Int64(chunkSize)), rowsPerSecond.map(SQLValue.real) ?? .null,
                  .text(DataWorkItem.Status.running.rawValue), .text(Clock.now()), .text(item.version), .integer(Int64(item.step)),
                  sql(item.cursorKey), sql(item.cursorKey)])
        return changed == 1
    }

    /// Pauses (or un-pauses) every unfinished item; returns how many.
    func setPaused(_ paused: Bool) throws(DatabaseError) -> Int64 {
        do {
            return try driver.executeCountingChanges("UPDATE \(q(progressTable)) SET paused = ?, updated_at = ? WHERE status <> ? AND paused = ?",
                                              [.integer(paused ? 1 : 0), .text(Clock.now()), .text(DataWorkItem.Status.done.rawValue), .integer(paused ? 0 : 1)])
        } catch where error.kind == .missingTable {
            return 0 // never activated since data steps exist: nothing is queued
        }
    }
}

/// One queued data step and where its work stands: a row of `pet_migration_progress`.
public struct DataWorkItem: Equatable, Sendable {
    public enum Status: String, Sendable {
        /// Queued with its migration; the key range is fixed when the runner first takes it.
        case queued
        case running
        /// A row failed on its own (a value the expression cannot convert): the work stops
        /// there, naming the key, until it is fixed and resumed.
        case failed
        case done
    }

    public enum KeyType: String, Sendable {
        case integer, text
    }

    public var version: String
    /// The migration's identifier (`VERSION_NAME`), filled in by the engine for reports.
    public var migration: String?
    public var step: Int
    public var op: String
    public var sourceTable: String
    public var targetTable: String
    public var gates: PendingWorkGate
    public var status: Status
    public var paused: Bool
    public var keyColumn: String?
    public var keyType: KeyType?
    /// The last key done (exclusive lower bound of the next chunk), nil before the first.
    public var cursorKey: String?
    /// The last key to do, fixed when the work starts; nil for an empty source.
    public var upperKey: String?
    public var rowsDone: Int64
    public var rowsWritten: Int64
    public var rowsEstimated: Int64?
    public var chunkSize: Int?
    public var rowsPerSecond: Double?
    /// Why the work is paused by the load checks right now, if it is.
    public var throttle: String?
    public var lastError: String?
    public var startedAt: String?
    public var updatedAt: String?
    public var finishedAt: String?

    init(row: [SQLValue]) {
        version = row[0].text ?? ""
        step = Int(row[1].integer ?? 0)
        op = row[2].text ?? ""
        sourceTable = row[3].text ?? ""
        targetTable = row[4].text ?? ""
        gates = PendingWorkGate(rawValue: row[5].text ?? "") ?? .everything
        status = Status(rawValue: row[6].text ?? "") ?? .queued
        paused = (row[7].integer ?? 0) != 0
        keyColumn = row[8].text
        keyType = row[9].text.flatMap(KeyType.init(rawValue:))
        cursorKey = row[10].text
        upperKey = row[11].text
        rowsDone = row[12].integer ?? 0
        rowsWritten = row[13].integer ?? 0
        rowsEstimated = row[14].integer
        chunkSize = row[15].integer.map { Int($0) }
        rowsPerSecond = row[16].double
        throttle = row[17].text
        lastError = row[18].text
        startedAt = row[19].text
        updatedAt = row[20].text
        finishedAt = row[21].text
    }

    /// Seconds left at the measured rate, when both are known.
    public var etaSeconds: Double? {
        guard status != .done, let rowsEstimated, let rowsPerSecond, rowsPerSecond > 0 else { return nil }
        return Double(max(0, rowsEstimated - rowsDone)) / rowsPerSecond
    }
}
