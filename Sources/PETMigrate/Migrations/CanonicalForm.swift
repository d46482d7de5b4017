import Crypto

/// The canonical form of a migration, from which its checksum is computed.
///
/// It is built from the decoded steps, not from the file's bytes: line endings (a CRLF
/// checkout), indentation, key order and spelled-out defaults (`"nullable": false`) do not
/// change it, while any change of meaning does. That is what makes a checksum mismatch a
/// real alarm rather than noise — the top complaint about Flyway's checksums.
///
/// Numbers are written as their exact plain decimal text (`DecimalNumber.plainText`), and an
/// explicit `"default": null` on a nullable column as no default. Releases before 0.2 wrote
/// numbers as `Double`s and kept the explicit null (`LegacyCanonicalForm`); the form stays
/// "format": 1 because wherever the meaning was never ambiguous — every integer (lengths,
/// precisions, integer defaults), every decimal whose `Double` prints as its own digits
/// (`1.5`, `0.25`), every file without an explicit null default — both forms are the same
/// text, so such files keep their checksum byte for byte. Where they differ, the registry
/// accepts either (`MigrationSet.plan`).
enum CanonicalForm {
    static func checksum(description: String, steps: [MigrationStep], gates: PendingWorkGate? = nil) -> String {
        SHA256Hex.of(JSONWriter.bytes(json(description: description, steps: steps, gates: gates)))
    }

    /// `gates` is written only when the migration has it, so files without data steps keep
    /// the checksum they had before it existed.
    static func json(description: String, steps: [MigrationStep], gates: PendingWorkGate? = nil) -> JSONValue {
        var members: [String: JSONValue] = ["format": 1, "description": .string(description), "steps": .array(steps.map(json))]
        if let gates { members["gates"] = .string(gates.rawValue) }
        return .object(members)
    }

    static func json(_ step: MigrationStep) -> JSONValue {
        switch step {
        case .createTable(let table):
            return ["op": "create_table", "table": .string(table.name), "columns": .array(table.columns.map(json)),
                    "primary_key": .array(table.primaryKey.map(JSONValue.string)), "indexes": .array(table.indexes.map(json))]
        case .addColumn(let table, let column):
            return ["op": "add_column", "table": .string(table), "column": json(column)]
        case .addIndex(let table, let index):
            return ["op": "add_index", "table": .string(table), "index": json(index)]
        case .sql(let sql, let condition):
            return ["op": "sql", "sqlite": .string(canonicalSQLite(sql.sqlite)), "mariadb": .string(canonicalMariaDB(sql.mariadb)),
                    "applied_if": json(condition)]
        case .backfill(let backfill):
            return ["op": "backfill", "table": .string(backfill.table), "set": json(backfill.assignments),
                    "where": backfill.condition.map(json) ?? .null]
        case .copyRows(let copy):
            var object: JSONValue = ["op": "copy_rows", "from": .string(copy.source), "to": .string(copy.target), "columns": json(copy.columns),
                                     "where": copy.condition.map(json) ?? .null]
            // Only when declared: a one-off copy keeps the checksum it had before cut-overs existed.
            if let cutover = copy.cutover, case .object(var members) = object {
                members["cutover"] = .string(cutover)
                members["reverse"] = json(copy.reverse)
                object = .object(members)
            }
            return object
        }
    }

    static func json(_ mappings: [ColumnMapping]) -> JSONValue {
        .object(Dictionary(uniqueKeysWithValues: mappings.map { ($0.column, json($0.value)) }))
    }

    /// An expression counts as its token stream per dialect, like raw SQL.
    static func json(_ expression: DialectSQL) -> JSONValue {
        ["sqlite": .string(canonicalSQLite(expression.sqlite)), "mariadb": .string(canonicalMariaDB(expression.mariadb))]
    }

    static func json(_ column: ColumnDefinition) -> JSONValue {
        let defaultValue: JSONValue
        switch column.effectiveDefault {
        case .none: defaultValue = ["none": true]
        case .some(.null): defaultValue = ["value": .null]
        case .some(.bool(let flag)): defaultValue = ["value": .bool(flag)]
        case .some(.number(let number)): defaultValue = ["value": .number(JSONNumber(verbatim: number.plainText))]
        case .some(.string(let text)): defaultValue = ["value": .string(text)]
        }
        return ["name": .string(column.name), "type": .string(column.type.rawValue), "length": .optional(column.length),
                "precision": .optional(column.precision), "scale": .optional(column.scale),
                "nullable": .bool(column.nullable), "default": defaultValue, "auto_increment": .bool(column.autoIncrement)]
    }

    static func json(_ index: IndexDefinition) -> JSONValue {
        ["name": .string(index.name), "columns": .array(index.columns.map(JSONValue.string)), "unique": .bool(index.unique)]
    }

    static func json(_ condition: AppliedCondition) -> JSONValue {
        switch condition {
        case .tableExists(let table): return ["table_exists": .string(table)]
        case .columnExists(let table, let column): return ["column_exists": ["table": .string(table), "column": .string(column)]]
        case .indexExists(let table, let index): return ["index_exists": ["table": .string(table), "index": .string(index)]]
        case .rowExists(let query):
            return ["row_exists": ["sqlite": .string(canonicalSQLite(query.sqlite)), "mariadb": .string(canonicalMariaDB(query.mariadb))]]
        }
    }

    /// SQL counts as the token stream its server executes: reflowing a released statement
    /// or editing a comment does not change the checksum; a literal, a word or an executable
    /// comment does. Each dialect is read by its own lexical rules.
    static func canonicalSQLite(_ text: String) -> String {
        SQLiteLexer.canonicalText(text)
    }

    static func canonicalMariaDB(_ text: String) -> String {
        MariaDBLexer.canonicalText(text) ?? text
    }
}
