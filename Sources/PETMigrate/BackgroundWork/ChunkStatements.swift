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

    private func range(after lower: String?, through upper: String) -> String {
        var conditions: [String] = []
        if let lower { conditions.append("\(q(key.name)) > \(keyLiteral(lower))") }
        conditions.append("\(q(key.name)) <= \(keyLiteral(upper))")
        return conditions.joined(separator: " AND ")
    }

    /// What a chunk of this step may write, for the SQLite authorizer's check.
    var check: ChunkStatementCheck {
        switch step {
        case .backfill(let backfill): return ChunkStatementCheck(table: prefix + backfill.table, updatedColumns: Set(backfill.assignments.map(\.column)))
        case .copyRows(let copy): return ChunkStatementCheck(table: prefix + copy.target, updatedColumns: nil)
        default: return ChunkStatementCheck(table: "", updatedColumns: [])
        }
    }

    /// The chunk `(lower, upper]`: its statement, and for a copy the evaluation of every
    /// expression over the chunk's source rows on its own. MariaDB converts a bad value in
    /// `INSERT … SELECT` to 0 without even a warning, but warns when a plain SELECT evaluates
    /// it; the runner evaluates first, so a copy stops at that row instead of writing 0.
    func chunk(after lower: String?, through upper: String) -> ChunkSQL {
        var evaluation: String?
        if case .copyRows(let copy) = step {
            let values = (copy.columns.map(\.value) + (copy.condition.map { [$0] } ?? [])).map { "(\($0.text(for: driver.dialect)))" }
            evaluation = "SELECT COUNT(CONCAT_WS('', \(values.joined(separator: ", ")))) FROM \(q(prefix + copy.source)) WHERE \(range(after: lower, through: upper))"
        }
        return ChunkSQL(apply: apply(after: lower, through: upper), evaluation: evaluation, check: check)
    }

    /// The number of source rows and the last key of the next chunk of at most `rows` rows.
    func bounds(after lower: String?, rows: Int) -> String {
        "SELECT COUNT(*), MAX(\(q(key.name))) FROM (SELECT \(q(key.name)) FROM \(q(sourceTable)) WHERE \(range(after: lower, through: upperKey)) ORDER BY \(q(key.name)) LIMIT \(max(1, rows))) AS pet_chunk"
    }

    /// The statement applying the chunk `(lower, upper]`.
    func apply(after lower: String?, through upper: String) -> String {
        let dialect = driver.dialect
        switch step {
        case .backfill(let backfill):
            let assignments = backfill.assignments.map { "\(q($0.column)) = (\($0.value.text(for: dialect)))" }.joined(separator: ", ")
            return "UPDATE \(q(prefix + backfill.table)) SET \(assignments) WHERE \(range(after: lower, through: upper))\(condition(backfill.condition))"
        case .copyRows(let copy):
            let columns = copy.columns.map { q($0.column) }.joined(separator: ", ")
            let values = copy.columns.map { "(\($0.value.text(for: dialect)))" }.joined(separator: ", ")
            return "INSERT INTO \(q(prefix + copy.target)) (\(columns)) SELECT \(values) FROM \(q(prefix + copy.source)) WHERE \(range(after: lower, through: upper))\(condition(copy.condition)) ORDER BY \(q(key.name))"
        default:
            return ""
        }
    }

    private func condition(_ condition: DialectSQL?) -> String {
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
