import CSQLite

extension RowExpressionJudge {
    /// Judges a SQLite row expression against the columns of its real table: the judge's own
    /// checks (`refusal`), then SQLite's. Prepares `SELECT (<expr>) FROM <scratch table with
    /// these columns>` in a private in-memory SQLite database under an authorizer that allows
    /// only SQLITE_SELECT (one), SQLITE_READ of these columns and SQLITE_FUNCTION of
    /// allow-listed names, and returns why not (SQLite's own message for a parse error or an
    /// unknown column) or nil.
    ///
    /// Why SQLite's parser: it is the only reader that is certain to read the text as SQLite
    /// will when the engine runs it. Why the columns: SQLite reads a double-quoted name that
    /// names no column as a string, so `"nme"` would silently be the text 'nme'; the judge
    /// refuses a quoted name that is not one of `columns`.
    static func sqliteRefusal(of expression: String, columns: [String]) -> String? {
        let analysis: RowExpressionAnalysis
        do {
            analysis = try analyze(expression, dialect: .sqlite)
        } catch {
            return error.reason
        }
        let known = Set(columns.map { $0.lowercased() })
        if let name = analysis.quotedNames.first(where: { !known.contains($0.lowercased()) }) {
            return "quotes the name \(name), which is not a column of the row (SQLite would read \"\(name)\" as a string; write strings in single quotes)"
        }
        return SQLiteRowExpressionCheck.preparedRefusal(of: expression, columns: columns)
    }
}

/// Prepares a row expression in a scratch SQLite database, never on the site's own.
enum SQLiteRowExpressionCheck {
    /// The scratch table that stands for the row.
    static let scratchTable = "pet_row"

    /// Every function SQLite's authorizer may report: the allow-list (which includes `like`
    /// and `glob`, the functions behind the LIKE and GLOB operators).
    static let authorizedFunctions = Set(RowExpressionVocabulary.functionGroups.flatMap(\.sqlite))

    /// SQLite's verdict alone (the judge's own checks are the caller's).
    static func preparedRefusal(of expression: String, columns: [String]) -> String? {
        var handle: OpaquePointer?
        let status = sqlite3_open_v2(":memory:", &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil)
        guard status == SQLITE_OK, let db = handle else {
            sqlite3_close(handle)
            return "cannot be checked: SQLite cannot open a scratch database (code \(status))"
        }
        defer { sqlite3_close_v2(db) }
        var declared: [String] = []
        var seen: Set<String> = []
        for column in columns where seen.insert(column.lowercased()).inserted { declared.append(column) }
        // A table needs a column; this one is not in `columns`, so reading it is refused below.
        if declared.isEmpty { declared = ["pet_row_has_no_columns"] }
        let create = "CREATE TABLE \(scratchTable) (\(declared.map(quoted).joined(separator: ", ")))"
        guard sqlite3_exec(db, create, nil, nil, nil) == SQLITE_OK else {
            return "cannot be checked: SQLite cannot create the scratch table (\(String(cString: sqlite3_errmsg(db))))"
        }
        let recorder = ExpressionAuthorizer(columns: Set(columns.map { $0.lowercased() }))
        sqlite3_set_authorizer(db, { context, code, first, second, _, _ in
            guard let context else { return SQLITE_DENY }
            let recorder = Unmanaged<ExpressionAuthorizer>.fromOpaque(context).takeUnretainedValue()
            return recorder.authorize(code, first.map { String(cString: $0) }, second.map { String(cString: $0) })
        }, Unmanaged.passUnretained(recorder).toOpaque())
        defer { sqlite3_set_authorizer(db, nil, nil) }
        // On lines of their own, in parentheses: the expression is one value.
        let text = "SELECT (\n\(expression)\n) FROM \(scratchTable)"
        return withExtendedLifetime(recorder) { () -> String? in
            var statement: OpaquePointer?
            var tail: UnsafePointer<CChar>?
            let bytes = Array(text.utf8)
            let prepared = bytes.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { characters -> (Int32, Bool) in
                    let status = sqlite3_prepare_v2(db, characters.baseAddress, Int32(characters.count), &statement, &tail)
                    let consumed = tail.map { characters.baseAddress!.distance(to: $0) } ?? characters.count
                    let rest = bytes[min(consumed, bytes.count)...]
                    return (status, rest.allSatisfy(RowExpressionLexing.isSpace))
                }
            }
            defer { sqlite3_finalize(statement) }
            if let denial = recorder.denial { return denial }
            guard prepared.0 == SQLITE_OK, let statement else {
                return "cannot be read by SQLite: \(String(cString: sqlite3_errmsg(db)))"
            }
            guard prepared.1 else { return "contains more than one statement" }
            if sqlite3_bind_parameter_count(statement) > 0 { return "has a placeholder that nothing would fill" }
            guard sqlite3_column_count(statement) == 1 else { return "is not one value" }
            return nil
        }
    }

    private static func quoted(_ name: String) -> String {
        "\"" + name.replacingASCII("\"", with: "\"\"") + "\""
    }
}

/// The authorizer of the scratch statement: one SELECT, reads of the row's columns, allowed
/// functions; the first other action is denied and remembered as the reason.
private final class ExpressionAuthorizer {
    let columns: Set<String>
    var denial: String?
    var selects = 0

    init(columns: Set<String>) { self.columns = columns }

    func authorize(_ code: Int32, _ first: String?, _ second: String?) -> Int32 {
        switch code {
        case SQLITE_SELECT:
            selects += 1
            if selects == 1 { return SQLITE_OK }
            return deny("contains a subquery")
        case SQLITE_READ:
            // An empty column name: the row is read, but none of its columns (`SELECT 1 FROM t`).
            if first == SQLiteRowExpressionCheck.scratchTable, let column = second, column.isEmpty || columns.contains(column.lowercased()) {
                return SQLITE_OK
            }
            return deny("reads \(second ?? "?"), which is not a column of the row")
        case SQLITE_FUNCTION:
            let name = second ?? "?"
            if SQLiteRowExpressionCheck.authorizedFunctions.contains(name.lowercased()) { return SQLITE_OK }
            return deny("calls \(name), which is not a read-only row function")
        default:
            return deny("asks SQLite for action \(code), which an expression over one row never needs")
        }
    }

    private func deny(_ reason: String) -> Int32 {
        if denial == nil { denial = reason }
        return SQLITE_DENY
    }
}
