/// The parts of DDL rendering that every dialect shares; each dialect supplies its types.
protocol SQLDefinitionRendering {
    func quoteIdentifier(_ name: String) -> String
    func columnType(_ column: ColumnDefinition) -> String
    /// A string as a SQL literal; dialects differ in what must be escaped.
    func stringLiteral(_ text: String) -> String
}

extension SQLDefinitionRendering {
    func columnList(_ names: [String]) -> String {
        names.map(quoteIdentifier).joined(separator: ", ")
    }

    /// `name TYPE [NOT] NULL [DEFAULT …]`; auto-increment is the dialect's own business.
    func columnDefinition(_ column: ColumnDefinition) -> String {
        var text = "\(quoteIdentifier(column.name)) \(columnType(column))"
        text += column.nullable ? " NULL" : " NOT NULL"
        if let defaultValue = column.effectiveDefault {
            text += " DEFAULT \(literal(defaultValue))"
        }
        return text
    }

    /// Standard SQL: quotes doubled. MariaDB also treats backslashes as escapes.
    func stringLiteral(_ text: String) -> String {
        "'" + text.replacingASCII("'", with: "''") + "'"
    }

    func literal(_ value: ColumnDefault) -> String {
        switch value {
        case .null: return "NULL"
        case .bool(let flag): return flag ? "1" : "0"
        // Digits, '-' and '.' only: the exact value, safe to splice into DDL.
        case .number(let number): return number.plainText
        case .string(let text): return stringLiteral(text)
        }
    }
}
