/// The one place that says which SQL statements a migration may run, by where they appear.
///
/// An allow-list, not a block-list: a statement is run only when a judge that reads it as the
/// server does (SQLite's own parser and authorizer; `MariaDBLexer`) classifies it as one of
/// these shapes with certainty. Everything else — transaction control, `SET`, `PREPARE`,
/// `CALL`, `DO`, `LOCK`, `LOAD`, `HANDLER`, `GRANT`, users, stored programs, triggers, events,
/// views, `ATTACH`, `PRAGMA`, `INTO OUTFILE`, lossy `ALTER` forms — is refused when the set is
/// loaded, with file, step, statement number and reason.
public enum StatementRole: Sendable {
    /// A `sql` step whose `applied_if` names a table, column or index: it changes the schema.
    /// Allowed: `CREATE TABLE` (not `… SELECT`, `OR REPLACE` or `TEMPORARY`), `CREATE [UNIQUE]
    /// INDEX`, `ALTER TABLE … ADD` (named columns and indexes; `ALGORITHM`/`LOCK` clauses).
    case schema
    /// A `sql` step detected by `row_exists`: it writes rows. Allowed: `INSERT INTO` a table
    /// that a migration of the set creates (no `ON DUPLICATE KEY UPDATE`, no `ON CONFLICT … DO
    /// UPDATE`, no `REPLACE`, no `IGNORE`), `UPDATE … SET` of columns that the same migration
    /// creates. Source data is preserved: nothing that existed before the migration is changed.
    case data
    /// `applied_if.row_exists`: exactly one read-only `SELECT`.
    case probe

    var allowedShapes: String {
        switch self {
        case .schema: return "CREATE TABLE, CREATE [UNIQUE] INDEX and ALTER TABLE … ADD"
        case .data: return "INSERT INTO a table of the migration set and UPDATE … SET of columns this migration creates"
        case .probe: return "one read-only SELECT"
        }
    }
}

/// What a judge established about one statement it allowed.
public struct JudgedStatement: Equatable, Sendable {
    public enum Shape: Equatable, Sendable {
        case createTable(table: String)
        case createIndex(table: String, index: String)
        case alterTableAdd(table: String)
        case insert(table: String)
        case update(table: String, columns: [String])
        case select
    }

    public var shape: Shape
    /// Every schema object the statement creates, by physical name: journalled before it runs
    /// on MariaDB, so that compensation removes all of it.
    public var creates: [SchemaObject]
    /// The statement's text as it runs (prefix substituted).
    public var text: String
}

/// Why a judge refuses one statement, before the statement number is known.
struct JudgeRefusal: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}

/// A statement the allow-list refuses; `statement` is 1-based within the step's text.
struct StatementRefusal: Error, Equatable, Sendable {
    var statement: Int?
    var reason: String

    /// "is refused at statement 2: …", to follow "the mariadb SQL".
    var description: String {
        statement.map { "is refused at statement \($0): \(reason)" } ?? "is refused: \(reason)"
    }
}

/// What the set's own migrations create, which decides what a data statement may write.
struct SchemaOwnership: Sendable {
    /// Physical names of the tables that some migration of the set creates.
    var tables: Set<String> = []
    /// Per migration version: the tables it creates and the columns (`table.column`) it adds.
    var tablesByVersion: [String: Set<String>] = [:]
    var columnsByVersion: [String: Set<String>] = [:]

    mutating func record(_ object: SchemaObject, version: String) {
        switch object {
        case .table(let table):
            tables.insert(table)
            tablesByVersion[version, default: []].insert(table)
        case .column(let table, let column):
            columnsByVersion[version, default: []].insert("\(table).\(column)")
        case .index:
            break
        }
    }

    /// Why a data statement of migration `version` may not write what it writes, or nil.
    func refusal(of shape: JudgedStatement.Shape, version: String) -> String? {
        switch shape {
        case .insert(let table):
            guard tables.contains(table) else {
                return "INSERT INTO \(table): data steps insert only into tables that a migration of this set creates, so rows that existed before are never touched"
            }
        case .update(let table, let columns):
            if tablesByVersion[version]?.contains(table) == true { return nil }
            let added = columnsByVersion[version] ?? []
            if let column = columns.first(where: { !added.contains("\(table).\($0)") }) {
                return "UPDATE \(table) SET \(column): data steps update only columns that the same migration creates (source data is preserved; add a new column and fill it instead)"
            }
        default:
            return nil
        }
        return nil
    }
}
