import Synchronization

/// Judges every raw SQL text of a migration set before anything runs, on both dialects,
/// with the site's prefix substituted — so `lint` on a developer's machine refuses exactly
/// what a site would.
///
/// - MariaDB texts are read by `MariaDBLexer` and classified by `MariaDBStatementJudge`.
/// - SQLite texts are judged by SQLite itself: the whole set is applied, in order, to a
///   scratch in-memory database, each statement prepared under the authorizer
///   (`SQLiteStatementJudge`). A statement SQLite cannot parse against the schema that the
///   set builds is refused too, so raw SQL on SQLite can use only the set's own tables.
/// Then, on both: data statements write only what the set owns (`SchemaOwnership`), and a
/// schema step's `applied_if` names an object that its own statements create.
public enum MigrationSetJudge {
    public static func problems(in set: MigrationSet, prefix: String) -> [MigrationProblem] {
        guard set.migrations.contains(where: { $0.steps.contains { step in
            if case .sql = step { return true }
            return step.isBackgroundStep
        } }) else {
            return []
        }
        let key = JudgedSets.Key(prefix: prefix, checksums: set.migrations.map(\.checksum))
        if JudgedSets.shared.contains(key) { return [] }
        var problems = judgeMariaDB(set, prefix: prefix)
        problems += judgeSQLite(set, prefix: prefix)
        problems += DataStepJudge.problems(in: set)
        if problems.isEmpty { JudgedSets.shared.insert(key) }
        return problems
    }

    /// The role of a `sql` step's text, from how its effect is detected.
    static func role(of condition: AppliedCondition) -> StatementRole {
        if case .rowExists = condition { return .data }
        return .schema
    }

    private static func problem(_ migration: Migration, step: Int, dialect: DialectName, _ reason: String) -> MigrationProblem {
        MigrationProblem(.destructive, file: migration.file, version: migration.version, step: step,
                         reason: "the \(dialect.rawValue) SQL \(reason)")
    }

    /// The object named by a schema step's `applied_if`, by physical name.
    private static func detectedObject(_ condition: AppliedCondition, prefix: String, dialect: DialectName) -> SchemaObject? {
        switch condition {
        case .tableExists(let table): return .table(prefix + table)
        case .columnExists(let table, let column): return .column(table: prefix + table, column: column)
        case .indexExists(let table, let index):
            let physical = prefix + table
            return .index(table: physical, index: dialect == .sqlite ? "\(physical)__\(index)" : index)
        case .rowExists: return nil
        }
    }

    /// What a declarative step creates, by physical name.
    private static func declaredObjects(_ step: MigrationStep, prefix: String) -> [SchemaObject] {
        switch step {
        case .createTable(let table): return [.table(prefix + table.name)]
        case .addColumn(let table, let column): return [.column(table: prefix + table, column: column.name)]
        case .addIndex, .sql, .backfill, .copyRows: return []
        }
    }

    /// Checks that hold for both dialects once a step's statements are judged.
    private static func stepProblem(_ judged: [JudgedStatement], condition: AppliedCondition, version: String,
                                    ownership: SchemaOwnership, prefix: String, dialect: DialectName) -> String? {
        for (offset, statement) in judged.enumerated() {
            if let reason = ownership.refusal(of: statement.shape, version: version) {
                return "is refused at statement \(offset + 1): \(reason)"
            }
        }
        if let detected = detectedObject(condition, prefix: prefix, dialect: dialect),
           !judged.contains(where: { $0.creates.contains(detected) }) {
            return "does not create the \(detected.description) that its applied_if names, so a re-run could not tell whether it took effect"
        }
        return nil
    }

    private static func judgeMariaDB(_ set: MigrationSet, prefix: String) -> [MigrationProblem] {
        var problems: [MigrationProblem] = []
        var ownership = SchemaOwnership()
        for migration in set.migrations {
            for (offset, step) in migration.steps.enumerated() {
                for object in declaredObjects(step, prefix: prefix) { ownership.record(object, version: migration.version) }
                guard case .sql(let sql, let condition) = step else { continue }
                do throws(StatementRefusal) {
                    if case .rowExists(let query) = condition {
                        _ = try judgeText(query.mariadb, role: .probe, prefix: prefix, dialect: .mariadb)
                    }
                    let judged = try judgeText(sql.mariadb, role: role(of: condition), prefix: prefix, dialect: .mariadb)
                    for object in judged.flatMap(\.creates) { ownership.record(object, version: migration.version) }
                    if let reason = stepProblem(judged, condition: condition, version: migration.version, ownership: ownership,
                                                prefix: prefix, dialect: .mariadb) {
                        problems.append(problem(migration, step: offset + 1, dialect: .mariadb, reason))
                    }
                } catch {
                    problems.append(problem(migration, step: offset + 1, dialect: .mariadb, error.description))
                }
            }
        }
        return problems
    }

    /// MariaDB text, placeholder checked and substituted, judged statement by statement.
    static func judgeText(_ text: String, role: StatementRole, prefix: String, dialect: DialectName) throws(StatementRefusal) -> [JudgedStatement] {
        if let reason = PrefixPlaceholder.problem(in: text) { throw StatementRefusal(statement: nil, reason: reason) }
        return try MariaDBStatementJudge.judge(PrefixPlaceholder.substitute(text, prefix: prefix), role: role, prefix: prefix)
    }

    private static func judgeSQLite(_ set: MigrationSet, prefix: String) -> [MigrationProblem] {
        let scratch: SQLiteDriver
        do {
            scratch = try SQLiteDriver(path: ":memory:")
        } catch {
            return [MigrationProblem(.unreadable, file: nil, reason: "the SQLite judge could not open a scratch database: \(error.message)")]
        }
        defer { scratch.close() }
        var problems: [MigrationProblem] = []
        var ownership = SchemaOwnership()
        for migration in set.migrations {
            for (offset, step) in migration.steps.enumerated() {
                do {
                    switch step {
                    case .createTable(let table):
                        for statement in scratch.createTableStatements(table, physicalName: prefix + table.name, ifNotExists: true) {
                            try scratch.execute(statement)
                        }
                    case .addColumn(let table, let column):
                        // Tables the set does not create are not in the scratch database: raw
                        // SQL on SQLite cannot use them, so their columns do not matter here.
                        if try scratch.tableExists(prefix + table), !(try scratch.columnNames(of: prefix + table).contains(column.name)) {
                            try scratch.execute(scratch.addColumnStatement(column, table: prefix + table))
                        }
                    case .addIndex(let table, let index):
                        if try scratch.tableExists(prefix + table) {
                            try scratch.execute(scratch.addIndexStatement(index, table: prefix + table, ifNotExists: true))
                        }
                    case .sql, .backfill, .copyRows:
                        break
                    }
                } catch {
                    continue // a declarative step that does not fit the scratch schema is the site's business at run time
                }
                for object in declaredObjects(step, prefix: prefix) { ownership.record(object, version: migration.version) }
                guard case .sql(let sql, let condition) = step else { continue }
                do {
                    if case .rowExists(let query) = condition {
                        _ = try scratch.runJudged(query.sqlite, role: .probe, prefix: prefix) { _ in }
                    }
                    var judged: [JudgedStatement] = []
                    _ = try scratch.runJudged(sql.sqlite, role: role(of: condition), prefix: prefix) { statement in
                        judged.append(statement)
                        for object in statement.creates { ownership.record(object, version: migration.version) }
                        if let reason = ownership.refusal(of: statement.shape, version: migration.version) {
                            throw StatementRefusal(statement: judged.count, reason: reason)
                        }
                    }
                    if let reason = stepProblem(judged, condition: condition, version: migration.version, ownership: ownership,
                                                prefix: prefix, dialect: .sqlite) {
                        problems.append(problem(migration, step: offset + 1, dialect: .sqlite, reason))
                    }
                } catch let refusal as StatementRefusal {
                    problems.append(problem(migration, step: offset + 1, dialect: .sqlite, refusal.description))
                } catch let error as DatabaseError {
                    var reason = "is refused: \(error.message)"
                    if error.message.contains("no such table") {
                        reason += " (on SQLite, raw SQL may use only the tables that the set's own migrations create)"
                    }
                    problems.append(problem(migration, step: offset + 1, dialect: .sqlite, reason))
                } catch {
                    problems.append(problem(migration, step: offset + 1, dialect: .sqlite, "is refused: \(error)"))
                }
            }
        }
        return problems
    }
}

/// Sets already judged valid in this process, by prefix and checksums: the judge replays the
/// whole set, which a PHP worker must not pay on every upgrade check.
final class JudgedSets: Sendable {
    static let shared = JudgedSets()

    struct Key: Hashable {
        var prefix: String
        var checksums: [String]
    }

    private static let capacity = 256
    private let keys = Mutex<Set<Key>>([])

    func contains(_ key: Key) -> Bool { keys.withLock { $0.contains(key) } }

    func insert(_ key: Key) {
        keys.withLock { keys in
            if keys.count >= Self.capacity { keys.removeAll(keepingCapacity: true) }
            keys.insert(key)
        }
    }
}
