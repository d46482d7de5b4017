import CSQLite

/// What SQLite's own parser and authorizer reported for one statement, before it runs.
///
/// `SQLiteDriver.runStatements` fills it: it prepares the text one statement at a time by
/// walking `sqlite3_prepare_v2`'s tail (never a separate splitter), with an authorizer
/// (`sqlite3_set_authorizer`, as GRDB's `StatementAuthorizer`) that records every action the
/// statement asks for — tables and columns read, written, created or altered.
struct SQLiteStatementReview {
    struct Action: Equatable {
        var code: Int32
        /// The authorizer's four arguments (see the table in `sqlite3.h`).
        var arguments: [String?]
    }

    /// 1-based within the text.
    var number: Int
    var text: String
    var actions: [Action]
    var parameterCount: Int
    var isReadOnly: Bool
}

/// Judges a `SQLiteStatementReview` against `StatementRole`'s allow-list by action code.
enum SQLiteStatementJudge {
    /// SQLite's schema table, which CREATE and ALTER write as part of their own work.
    private static let schemaTables: Set<String> = ["sqlite_master", "sqlite_schema", "sqlite_temp_master", "sqlite_temp_schema"]
    /// Functions that reach outside the database (or are SQLite's internals).
    private static let refusedFunctions: Set<String> = ["load_extension", "readfile", "writefile", "edit", "fts3_tokenizer"]

    static func judge(_ review: SQLiteStatementReview, role: StatementRole, prefix: String) throws(StatementRefusal) -> JudgedStatement {
        do throws(JudgeRefusal) {
            let (shape, creates) = try classify(review, role: role, prefix: prefix)
            return JudgedStatement(shape: shape, creates: creates, text: review.text)
        } catch {
            throw StatementRefusal(statement: review.number, reason: error.reason)
        }
    }

    private typealias Refusal = JudgeRefusal

    private static func classify(_ review: SQLiteStatementReview, role: StatementRole, prefix: String) throws(Refusal) -> (JudgedStatement.Shape, [SchemaObject]) {
        if review.parameterCount > 0 {
            throw Refusal("it has a parameter (?, :name, @name, $name or #name) that nothing would fill")
        }
        let tokens = SQLiteLexer.tokens(review.text)
        for (index, token) in tokens.enumerated() where token.isWord("REPLACE") {
            if index + 1 < tokens.count, tokens[index + 1].text == "(" { continue }
            throw Refusal("it contains REPLACE (REPLACE INTO, OR REPLACE and ON CONFLICT REPLACE delete existing rows)")
        }
        let first = tokens.first?.upper ?? ""
        var shape: JudgedStatement.Shape?
        var creates: [SchemaObject] = []
        var updatedColumns: [String] = []
        var touchedSchemaTable: String?
        func owned(_ table: String?) throws(Refusal) -> String {
            guard let table, table.hasPrefix(prefix) else {
                throw Refusal("the table \(table ?? "?") does not carry the site's prefix (write {prefix}\(table ?? ""))")
            }
            return table
        }
        func requireRole(_ needed: StatementRole, _ what: String) throws(Refusal) {
            guard role == needed else { throw Refusal("\(what) is not allowed here; allowed: \(role.allowedShapes)") }
        }
        for action in review.actions {
            let arguments = action.arguments
            if [SQLITE_INSERT, SQLITE_UPDATE, SQLITE_READ].contains(action.code), schemaTables.contains(arguments[0] ?? "") {
                // SQLite's own bookkeeping of a CREATE or ALTER (checked below); refused anywhere else.
                touchedSchemaTable = arguments[0]
                continue
            }
            switch action.code {
            case SQLITE_CREATE_TABLE:
                try requireRole(.schema, "CREATE TABLE")
                guard first == "CREATE" else { throw Refusal("it creates a table but does not start with CREATE") }
                let table = try owned(arguments[0])
                shape = .createTable(table: table)
                creates.append(.table(table))
            case SQLITE_CREATE_INDEX:
                try requireRole(.schema, "CREATE INDEX")
                let table = try owned(arguments[1])
                let index = arguments[0] ?? ""
                shape = .createIndex(table: table, index: index)
                creates.append(.index(table: table, index: index))
            case SQLITE_ALTER_TABLE:
                try requireRole(.schema, "ALTER TABLE")
                let table = try owned(arguments[1])
                let column = try addedColumn(tokens, table: table)
                shape = .alterTableAdd(table: table)
                creates.append(.column(table: table, column: column))
            case SQLITE_INSERT:
                try requireRole(.data, "INSERT")
                guard first == "INSERT", tokens.count > 1, tokens[1].isWord("INTO") else {
                    throw Refusal("an INSERT must start with INSERT INTO (no WITH, no OR … conflict clause)")
                }
                shape = .insert(table: try owned(arguments[0]))
            case SQLITE_UPDATE:
                try requireRole(.data, "UPDATE")
                if case .insert = shape {
                    throw Refusal("it contains ON CONFLICT … DO UPDATE (it overwrites existing rows)")
                }
                guard first == "UPDATE", tokens.count > 2, tokens[2].isWord("SET") else {
                    throw Refusal("an UPDATE must read UPDATE table SET … (no WITH, no OR … conflict clause, no alias)")
                }
                let table = try owned(arguments[0])
                updatedColumns.append(arguments[1] ?? "")
                shape = .update(table: table, columns: updatedColumns)
            case SQLITE_READ:
                continue // reading is harmless; what is written is judged above
            case SQLITE_SELECT:
                if role == .schema { throw Refusal("a schema statement may not contain a SELECT (CREATE TABLE … AS SELECT copies data)") }
                if shape == nil, role == .probe { shape = .select }
            case SQLITE_FUNCTION:
                let name = (arguments[1] ?? "").lowercased()
                if refusedFunctions.contains(name) || name.hasPrefix("sqlite_") {
                    throw Refusal("it calls \(name)(), which reaches outside the statement")
                }
            case SQLITE_REINDEX:
                // CREATE INDEX builds its own index; any other REINDEX is refused.
                guard case .createIndex(_, let index)? = shape, arguments[0] == index else {
                    throw Refusal("REINDEX is not allowed")
                }
            default:
                throw Refusal("SQLite reports that it \(actionDescription(action.code)), which a migration may not do")
            }
        }
        if let touchedSchemaTable {
            switch shape {
            case .createTable?, .createIndex?, .alterTableAdd?: break
            default: throw Refusal("it touches SQLite's schema table \(touchedSchemaTable)")
            }
        }
        guard let shape else {
            throw Refusal("SQLite reports no action that the allow-list knows (allowed here: \(role.allowedShapes))")
        }
        if role == .probe {
            guard review.isReadOnly, shape == .select else { throw Refusal("row_exists must be one read-only SELECT") }
        }
        if case .select = shape, role != .probe { throw Refusal("a SELECT alone changes nothing; allowed here: \(role.allowedShapes)") }
        return (shape, creates)
    }

    /// `ALTER TABLE name ADD [COLUMN] column …`: the authorizer says ALTER TABLE for adding,
    /// renaming and dropping alike, so the words decide, within the statement SQLite parsed.
    private static func addedColumn(_ tokens: [SQLiteLexer.Token], table: String) throws(Refusal) -> String {
        guard tokens.count > 3, tokens[0].isWord("ALTER"), tokens[1].isWord("TABLE") else {
            throw Refusal("expected ALTER TABLE")
        }
        var index = 3
        if index < tokens.count, tokens[index].text == "." { index += 2 } // main.table
        guard index < tokens.count, tokens[index].isWord("ADD") else {
            throw Refusal("ALTER TABLE \(table) \(index < tokens.count ? tokens[index].text : "") is not allowed: ALTER TABLE may only ADD a column on SQLite")
        }
        index += 1
        if index < tokens.count, tokens[index].isWord("COLUMN") { index += 1 }
        guard index < tokens.count, tokens[index].kind == .word || tokens[index].kind == .quotedIdentifier else {
            throw Refusal("ALTER TABLE \(table) ADD needs a column name")
        }
        return tokens[index].text
    }

    private static func actionDescription(_ code: Int32) -> String {
        switch code {
        case SQLITE_DELETE: return "deletes rows (DELETE)"
        case SQLITE_DROP_TABLE, SQLITE_DROP_TEMP_TABLE: return "drops a table"
        case SQLITE_DROP_INDEX, SQLITE_DROP_TEMP_INDEX: return "drops an index"
        case SQLITE_DROP_TRIGGER, SQLITE_DROP_TEMP_TRIGGER: return "drops a trigger"
        case SQLITE_DROP_VIEW, SQLITE_DROP_TEMP_VIEW: return "drops a view"
        case SQLITE_CREATE_TRIGGER, SQLITE_CREATE_TEMP_TRIGGER: return "creates a trigger (code that would run on later writes)"
        case SQLITE_CREATE_VIEW, SQLITE_CREATE_TEMP_VIEW: return "creates a view"
        case SQLITE_CREATE_TEMP_TABLE, SQLITE_CREATE_TEMP_INDEX: return "creates a temporary object"
        case SQLITE_TRANSACTION: return "controls the transaction (BEGIN, COMMIT, ROLLBACK), which the engine owns"
        case SQLITE_SAVEPOINT: return "controls a savepoint, which the engine owns"
        case SQLITE_PRAGMA: return "runs a PRAGMA"
        case SQLITE_ATTACH: return "attaches another database"
        case SQLITE_DETACH: return "detaches a database"
        case SQLITE_ANALYZE: return "runs ANALYZE"
        case SQLITE_CREATE_VTABLE, SQLITE_DROP_VTABLE: return "creates or drops a virtual table"
        case SQLITE_RECURSIVE: return "runs a recursive query, which may not end"
        default: return "asks for action \(code)"
        }
    }
}
