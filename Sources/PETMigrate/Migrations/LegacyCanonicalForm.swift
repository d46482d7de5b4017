/// The canonical form of releases before 0.2, frozen: sites registered their migrations with
/// checksums computed this way, and upgrading the engine must not turn those rows into
/// "checksum mismatch" alarms.
///
/// It differs from `CanonicalForm` in two ways only: numbers were `Double`s, printed without
/// a fraction when integral (below 2^53) and as Swift prints a `Double` otherwise; and an
/// explicit `"default": null` was kept as such. A `sql` step's text is the raw text, as
/// written. Never change this file: it must give exactly the checksums already stored.
enum LegacyCanonicalForm {
    static func checksum(description: String, steps: [MigrationStep]) -> String {
        SHA256Hex.of(JSONWriter.serialize(json(description: description, steps: steps)))
    }

    static func json(description: String, steps: [MigrationStep]) -> JSONValue {
        ["format": 1, "description": .string(description), "steps": .array(steps.map(json))]
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
            return ["op": "sql", "sqlite": .string(sql.sqlite), "mariadb": .string(sql.mariadb), "applied_if": json(condition)]
        case .backfill, .copyRows:
            // Data steps came after 0.1: no registry row holds a legacy checksum for them.
            return CanonicalForm.json(step)
        }
    }

    static func json(_ column: ColumnDefinition) -> JSONValue {
        let defaultValue: JSONValue
        switch column.defaultValue {
        case .none: defaultValue = ["none": true]
        case .some(.null): defaultValue = ["value": .null]
        case .some(.bool(let flag)): defaultValue = ["value": .bool(flag)]
        case .some(.number(let number)): defaultValue = ["value": .number(JSONNumber(verbatim: doubleText(number.doubleValue)))]
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
        case .rowExists(let query): return ["row_exists": ["sqlite": .string(query.sqlite), "mariadb": .string(query.mariadb)]]
        }
    }

    /// How the old `JSONWriter` printed a number. The `Double` is the one the old parser
    /// read: `DecimalNumber.doubleValue` rounds the same exact value the same way.
    static func doubleText(_ number: Double) -> String {
        if number.rounded() == number, abs(number) < 9_007_199_254_740_992 {
            return String(Int64(number))
        }
        return "\(number)"
    }
}
