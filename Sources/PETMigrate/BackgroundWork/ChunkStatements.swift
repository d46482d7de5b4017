/// The SQL of one data step's chunks, per dialect: a keyset walk over the source's primary
/// key (`key > last AND key <= chunk end`, never `OFFSET`), bounded above by the key fixed when
/// the work started. The authors' expressions are spliced in as judged, each in parentheses;
/// keys are written as literals of the dialect (an expression may hold a `?` in a string,
/// so these statements take no placeholders).
struct ChunkStatements {
    let driver: DatabaseDriver
    let step: MigrationStep
    let prefix: String
    let key: KeyColumn
    let upperKey: String
    /// For a copy kept in step by `SyncTriggers`: the target's key. The trigger of a write
    /// made after the work started may have written a row ahead of the cursor, so the chunk
    /// upserts (the row it reads is the latest: both are the same row then), and on MariaDB it
    /// first takes shared locks on the chunk's source rows (its evaluation does), so that a
    /// writer of a row in the chunk waits for the chunk or the chunk for it — never a stale
    /// row copied after its delete or update was synced. (SQLite runs one writer at a time;
    /// nothing interleaves with a chunk.)
    var syncedTargetKey: String? = nil

    private func q(_ name: String) -> String { driver.quoteIdentifier(name) }

    var sourceTable: String {
        switch step {
        case .backfill(let backfill): return prefix + backfill.table
        case .copyRows(let copy): return prefix + copy.source
        default: return ""
        }
    }

    func keyLiteral(_ key: String) -> String {
        if self.key.isInteger, let number = Int64(key) { return driver.literal(.integer(number)) }
        return driver.literal(.text(key))
    }

    /// `key > lower AND key <= upper`; without an upper bound, every key after `lower`
    /// (verification's last range, which catches target rows beyond the source's last key).
    func range(after lower: String?, through upper: String?, column: String? = nil) -> String {
        let name = q(column ?? key.name)
        var conditions: [String] = []
        if let lower { conditions.append("\(name) > \(keyLiteral(lower))") }
        if let upper { conditions.append("\(name) <= \(keyLiteral(upper))") }
        return conditions.isEmpty ? "1 = 1" : conditions.joined(separator: " AND ")
    }

    /// What a chunk of this step may write, for the SQLite authorizer's check.
    var check: ChunkStatementCheck {
        switch step {
        case .backfill(let backfill): return ChunkStatementCheck(table: prefix + backfill.table, updatedColumns: Set(backfill.assignments.map(\.column)))
        case .copyRows(let copy):
            return ChunkStatementCheck(table: prefix + copy.target, updatedColumns: nil,
                                       upsertedColumns: syncedTargetKey == nil ? [] : Set(copy.columns.map(\.column)),
                                       syncTriggers: syncedTargetKey == nil ? [] : copy.cutover.map { SyncTriggers.allNames(prefix: prefix, flag: $0) } ?? [])
        default: return ChunkStatementCheck(table: "", updatedColumns: [])
        }
    }

    /// The chunk `(lower, upper]`: its statement, and for a copy the evaluation of every
    /// expression over the chunk's source rows on its own. MariaDB converts a bad value in
    /// `INSERT … SELECT` to 0 without even a warning, but warns when a plain SELECT evaluates
    /// it; the runner evaluates first, so a copy stops at that row instead of writing 0.
    func chunk(after lower: String?, through upper: String?) -> ChunkSQL {
        var evaluation: String?
        if case .copyRows(let copy) = step {
            let values = (copy.columns.map(\.value) + (copy.condition.map { [$0] } ?? [])).map { "(\($0.text(for: driver.dialect)))" }
            evaluation = "SELECT COUNT(CONCAT_WS('', \(values.joined(separator: ", ")))) FROM \(q(prefix + copy.source)) WHERE \(range(after: lower, through: upper))"
            // Kept in step by triggers: the evaluation also takes the rows' shared locks, so
            // that the copy after it reads each row as last committed and no writer changes
            // one before the chunk commits (see `syncedTargetKey`).
            if syncedTargetKey != nil, driver.dialect == .mariadb { evaluation! += " LOCK IN SHARE MODE" }
        }
        return ChunkSQL(apply: apply(after: lower, through: upper), evaluation: evaluation, check: check)
    }

    /// The number of source rows and the last key of the next chunk of at most `rows` rows.
    /// `unbounded`: past the key fixed at the start too (verification walks the whole table).
    func bounds(after lower: String?, rows: Int, unbounded: Bool = false) -> String {
        "SELECT COUNT(*), MAX(\(q(key.name))) FROM (SELECT \(q(key.name)) FROM \(q(sourceTable)) WHERE \(range(after: lower, through: unbounded ? nil : upperKey)) ORDER BY \(q(key.name)) LIMIT \(max(1, rows))) AS pet_chunk"
    }

    /// The statement applying the chunk `(lower, upper]`.
    func apply(after lower: String?, through upper: String?) -> String {
        let dialect = driver.dialect
        switch step {
        case .backfill(let backfill):
            let assignments = backfill.assignments.map { "\(q($0.column)) = (\($0.value.text(for: dialect)))" }.joined(separator: ", ")
            return "UPDATE \(q(prefix + backfill.table)) SET \(assignments) WHERE \(range(after: lower, through: upper))\(condition(backfill.condition))"
        case .copyRows(let copy):
            let columns = copy.columns.map { q($0.column) }.joined(separator: ", ")
            let values = copy.columns.map { "(\($0.value.text(for: dialect)))" }.joined(separator: ", ")
            let insert = "INSERT INTO \(q(prefix + copy.target)) (\(columns)) SELECT \(values) FROM \(q(prefix + copy.source)) WHERE \(range(after: lower, through: upper))\(condition(copy.condition)) ORDER BY \(q(key.name))"
            guard let targetKey = syncedTargetKey else { return insert }
            return insert + driver.upsertClause(key: targetKey, columns: copy.columns.map(\.column))
        default:
            return ""
        }
    }

    func condition(_ condition: DialectSQL?) -> String {
        condition.map { " AND (\($0.text(for: driver.dialect)))" } ?? ""
    }

    /// Reads nothing and writes nothing, but makes the server resolve every name and
    /// expression of the step: run when the migration is applied, so that a misspelt
    /// column fails the migration (and is undone with it), not the first chunk hours later.
    func dryRun() -> String {
        let dialect = driver.dialect
        switch step {
        case .backfill(let backfill):
            let values = backfill.assignments.map { "(\($0.value.text(for: dialect)))" }.joined(separator: ", ")
            return "SELECT \(values) FROM \(q(prefix + backfill.table)) WHERE 1 = 0\(condition(backfill.condition))"
        case .copyRows(let copy):
            let values = copy.columns.map { "(\($0.value.text(for: dialect)))" }.joined(separator: ", ")
            return "SELECT \(values) FROM \(q(prefix + copy.source)) WHERE 1 = 0\(condition(copy.condition))"
        default:
            return "SELECT 1"
        }
    }
}
