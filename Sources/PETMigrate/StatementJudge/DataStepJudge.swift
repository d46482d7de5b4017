/// Judges the `backfill` and `copy_rows` steps of a set before anything runs: they write only
/// what migrations of the set create (never a column or a table that held data before), and
/// every expression is a read-only expression over one source row (`RowExpressionJudge`).
///
/// Works on logical names (before the prefix) and on what the set declares, so `lint` on a
/// developer's machine refuses what a site would. What only the site can tell — the columns
/// of a table the set does not create, its primary key — is checked when the migration is
/// applied (`StepRunner.prepareBackgroundWork`), before it is registered.
enum DataStepJudge {
    /// The columns of every table the set creates, as far as the migrations so far declare.
    private struct DeclaredTables {
        var columns: [String: [ColumnDefinition]] = [:]
        var primaryKeys: [String: [String]] = [:]
        var createdIn: [String: String] = [:]
        var addedColumns: Set<String> = []

        mutating func record(_ step: MigrationStep, version: String) {
            switch step {
            case .createTable(let table):
                columns[table.name] = table.columns
                primaryKeys[table.name] = table.primaryKey
                createdIn[table.name] = version
            case .addColumn(let table, let column):
                addedColumns.insert("\(table).\(column.name)")
                if columns[table] != nil, !(columns[table]!.contains { $0.name == column.name }) { columns[table]!.append(column) }
            default:
                break
            }
        }

        /// A column a backfill may set: one the set adds with `add_column`, or any column of a
        /// table this same migration creates. A column of a table an earlier migration created
        /// holds the site's data by now; it is source data, never overwritten.
        func isOwned(table: String, column: String, version: String) -> Bool {
            createdIn[table] == version || addedColumns.contains("\(table).\(column)")
        }
    }

    static func problems(in set: MigrationSet) -> [MigrationProblem] {
        var problems: [MigrationProblem] = []
        var declared = DeclaredTables()
        var flags: [String: String] = [:]
        for migration in set.migrations {
            for (offset, step) in migration.steps.enumerated() {
                declared.record(step, version: migration.version)
                let reasons: [String]
                switch step {
                case .backfill(let backfill): reasons = Self.problems(of: backfill, declared: declared, version: migration.version)
                case .copyRows(let copy):
                    reasons = Self.problems(of: copy, declared: declared) + Self.cutoverProblems(of: copy, declared: declared, flags: flags)
                    if let flag = copy.cutover, flags[flag] == nil { flags[flag] = "\(migration.identifier) step \(offset + 1)" }
                default: reasons = []
                }
                problems += reasons.map {
                    MigrationProblem(.invalidStep, file: migration.file, version: migration.version, step: offset + 1, reason: $0)
                }
            }
        }
        return problems
    }

    private static func problems(of backfill: BackfillStep, declared: DeclaredTables, version: String) -> [String] {
        var reasons: [String] = []
        for mapping in backfill.assignments where !declared.isOwned(table: backfill.table, column: mapping.column, version: version) {
            reasons.append("backfill sets \(backfill.table).\(mapping.column), which no migration of this set adds (at or before this one); a backfill fills only new columns, so that source data is preserved: add the column with add_column first")
        }
        let columns = declared.columns[backfill.table]?.map(\.name)
        reasons += expressionProblems(backfill.assignments.map { ("set.\($0.column)", $0.value) } + condition(backfill.condition),
                                      readableColumns: columns)
        return reasons
    }

    private static func problems(of copy: CopyRowsStep, declared: DeclaredTables) -> [String] {
        var reasons: [String] = []
        guard let targetColumns = declared.columns[copy.target] else {
            return ["copy_rows copies into \(copy.target), which no migration of this set creates (at or before this one); rows are copied only into a new table, so that data that existed before is never touched: create it with create_table first"]
        }
        for mapping in copy.columns where !targetColumns.contains(where: { $0.name == mapping.column }) {
            reasons.append("copy_rows sets column \(mapping.column), which table \(copy.target) does not have (it has \(targetColumns.map(\.name).joined(separator: ", ")))")
        }
        let mapped = Set(copy.columns.map(\.column))
        for column in targetColumns where !column.nullable && column.effectiveDefault == nil && !column.autoIncrement && !mapped.contains(column.name) {
            reasons.append("copy_rows does not set \(copy.target).\(column.name), which is NOT NULL without a default: every copied row would be refused; map it in \"columns\"")
        }
        reasons += expressionProblems(copy.columns.map { ("columns.\($0.column)", $0.value) } + condition(copy.condition),
                                      readableColumns: declared.columns[copy.source]?.map(\.name))
        return reasons
    }

    /// A copy with a cut-over is kept in step row by row, both ways, so each target row must
    /// be found by the source row's key and the other way round: the target's primary key is
    /// one column copied unchanged from a source column (the source's primary key, checked
    /// when the migration is applied). The reverse expressions read the target row.
    private static func cutoverProblems(of copy: CopyRowsStep, declared: DeclaredTables, flags: [String: String]) -> [String] {
        guard let flag = copy.cutover else { return [] }
        var reasons: [String] = []
        if let earlier = flags[flag] {
            reasons.append("cut-over flag \(flag) is already declared by \(earlier); each flag switches one copy")
        }
        guard let targetColumns = declared.columns[copy.target] else { return reasons }
        let key = declared.primaryKeys[copy.target] ?? []
        guard key.count == 1, let keyColumn = key.first else {
            return reasons + ["copy_rows with a cut-over needs \(copy.target) to have a one-column primary key copied unchanged from the source's key (e.g. \"columns\": {\"id\": \"id\"}); it has \(key.isEmpty ? "none" : "a key of \(key.count) columns")"]
        }
        guard let sourceKey = copy.plainCopies.first(where: { $0.target == keyColumn })?.source else {
            return reasons + ["copy_rows with a cut-over keeps \(copy.target) in step with \(copy.source) row by row by their key, so \"columns\".\(keyColumn) (the primary key of \(copy.target)) must be the source's key column unchanged, e.g. \"\(keyColumn)\": \"id\""]
        }
        if copy.reverse.contains(where: { $0.column == sourceKey }) {
            reasons.append("\"reverse\".\(sourceKey) would compute the source's key; the reverse sync takes it from \(copy.target).\(keyColumn) unchanged")
        }
        reasons += expressionProblems(copy.reverse.map { ("reverse.\($0.column)", $0.value) }, readableColumns: targetColumns.map(\.name),
                                      readTable: "the new table \(copy.target)")
        return reasons
    }

    private static func condition(_ condition: DialectSQL?) -> [(String, DialectSQL)] {
        condition.map { [("where", $0)] } ?? []
    }

    /// Each expression judged on both dialects; when the set declares the source table, the
    /// columns it reads must be among that table's (SQLite's own parser checks that too).
    private static func expressionProblems(_ expressions: [(key: String, value: DialectSQL)], readableColumns: [String]?,
                                           readTable: String = "the source table") -> [String] {
        var reasons: [String] = []
        for (key, expression) in expressions {
            for dialect in DialectName.allCases {
                let text = expression.text(for: dialect)
                if let refusal = RowExpressionJudge.refusal(of: text, dialect: dialect) {
                    reasons.append("the \(dialect.rawValue) expression of \"\(key)\" (\(text)) is refused: \(refusal)")
                    continue
                }
                guard let readableColumns else { continue }
                let known = Set(readableColumns.map { $0.lowercased() })
                if let unknown = RowExpressionJudge.columnReferences(in: text, dialect: dialect).first(where: { !known.contains($0.lowercased()) }) {
                    reasons.append("the \(dialect.rawValue) expression of \"\(key)\" (\(text)) reads column \(unknown), which \(readTable) does not have (it has \(readableColumns.joined(separator: ", ")))")
                } else if dialect == .sqlite, let refusal = RowExpressionJudge.sqliteRefusal(of: text, columns: readableColumns) {
                    reasons.append("the sqlite expression of \"\(key)\" (\(text)) is refused by SQLite: \(refusal)")
                }
            }
        }
        return reasons
    }
}
