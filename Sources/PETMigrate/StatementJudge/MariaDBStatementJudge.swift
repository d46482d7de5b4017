/// Classifies MariaDB statements against `StatementRole`'s allow-list, from the tokens of
/// `MariaDBLexer`. It recognises a few exact shapes and refuses everything else, including
/// words inside an allowed shape that would change what it does (`IGNORE`, `DUPLICATE`,
/// `INTO` in a `SELECT`, user variables, functions with side effects).
enum MariaDBStatementJudge {
    /// Judges the text (with `{prefix}` already substituted) statement by statement.
    static func judge(_ text: String, role: StatementRole, prefix: String) throws(StatementRefusal) -> [JudgedStatement] {
        let statements: [MariaDBLexer.Statement]
        do {
            statements = try MariaDBLexer.statements(text)
        } catch {
            throw StatementRefusal(statement: nil, reason: error.reason)
        }
        guard !statements.isEmpty else { throw StatementRefusal(statement: nil, reason: "the text holds no statement") }
        if role == .probe, statements.count > 1 {
            throw StatementRefusal(statement: 2, reason: "row_exists is exactly one SELECT")
        }
        var judged: [JudgedStatement] = []
        for (offset, statement) in statements.enumerated() {
            do throws(Refusal) {
                var reader = Reader(tokens: statement.tokens, prefix: prefix)
                try reader.refuseHiddenWords()
                let shape = try reader.shape(for: role)
                judged.append(JudgedStatement(shape: shape.shape, creates: shape.creates, text: statement.text))
            } catch {
                throw StatementRefusal(statement: offset + 1, reason: error.reason)
            }
        }
        return judged
    }

    typealias Refusal = JudgeRefusal

    /// Words refused wherever they stand (outside strings and quoted identifiers), because
    /// inside an allowed shape they destroy data, change the server or escape the judge.
    static let refusedWords: [String: String] = {
        var words: [String: String] = [:]
        for word in ["DROP", "TRUNCATE", "DELETE"] { words[word] = "it contains \(word) (removing data or structures is never done by a migration)" }
        words["RENAME"] = "it contains RENAME (renaming breaks code that still uses the old name; add a new structure alongside)"
        words["REPLACE"] = "it contains REPLACE (REPLACE INTO and OR REPLACE delete existing rows or objects)"
        for word in ["CHANGE", "MODIFY", "CONVERT"] { words[word] = "it contains \(word) (changing a column's type or a table's character set can lose data; add a new column instead)" }
        words["IGNORE"] = "it contains IGNORE (errors would silently drop rows or values)"
        words["DUPLICATE"] = "it contains ON DUPLICATE KEY UPDATE (it overwrites existing rows)"
        for word in ["DISCARD", "IMPORT", "TABLESPACE", "PARTITION", "PARTITIONING"] {
            words[word] = "it contains \(word), which is not among the allowed ALTER TABLE … ADD forms"
        }
        for word in ["INTO", "OUTFILE", "DUMPFILE", "LOAD_FILE"] { words[word] = "it contains \(word) (statements read and write only the database's own tables)" }
        for word in ["SLEEP", "BENCHMARK", "GET_LOCK", "RELEASE_LOCK", "RELEASE_ALL_LOCKS", "IS_FREE_LOCK", "IS_USED_LOCK",
                     "MASTER_POS_WAIT", "MASTER_GTID_WAIT", "NEXTVAL", "SETVAL", "LASTVAL", "NEXT", "PREVIOUS", "SYS_EXEC", "SYS_EVAL"] {
            words[word] = "it calls \(word), which has side effects beyond the statement"
        }
        for word in ["LOCK", "UNLOCK", "SHARE", "SKIP", "NOWAIT"] { words[word] = "it contains \(word) (locking is the engine's business)" }
        for word in ["TRIGGER", "EVENT", "VIEW", "PROCEDURE", "FUNCTION", "DEFINER", "SERVER", "USER", "ROLE", "DATABASE", "SCHEMA",
                     "TEMPORARY", "SEQUENCE", "DIRECTORY", "CONNECTION", "EXECUTE", "PREPARE", "CALL", "HANDLER", "GRANT", "REVOKE",
                     "DELAYED", "LOW_PRIORITY", "HIGH_PRIORITY", "SQL_LOG_BIN", "GLOBAL", "SESSION"] {
            words[word] = "it contains \(word), which a migration may not use"
        }
        return words
    }()

    /// Reads one statement's tokens front to back.
    struct Reader {
        let tokens: [MariaDBLexer.Token]
        let prefix: String
        var position = 0

        init(tokens: [MariaDBLexer.Token], prefix: String) {
            self.tokens = tokens
            self.prefix = prefix
        }

        var current: MariaDBLexer.Token? { position < tokens.count ? tokens[position] : nil }
        var atEnd: Bool { position >= tokens.count }

        func word(at index: Int) -> String? { index < tokens.count ? tokens[index].upper : nil }

        mutating func accept(_ word: String) -> Bool {
            guard current?.isWord(word) == true else { return false }
            position += 1
            return true
        }

        mutating func acceptSymbol(_ symbol: String) -> Bool {
            guard current?.isSymbol(symbol) == true else { return false }
            position += 1
            return true
        }

        mutating func expect(_ word: String, _ context: String) throws(Refusal) {
            guard accept(word) else { throw Refusal("expected \(word) \(context), found \(found)") }
        }

        var found: String {
            guard let current else { return "the end of the statement" }
            return current.kind == .string ? "a string" : "\"\(current.text)\""
        }

        /// Words and symbols that no allowed shape needs, wherever they stand.
        func refuseHiddenWords() throws(Refusal) {
            for (index, token) in tokens.enumerated() {
                if token.kind == .symbol {
                    switch token.text {
                    case "@", "@@": throw Refusal("it uses a user or system variable (@), which would carry state between statements or change the server")
                    case ":=": throw Refusal("it assigns a variable (:=)")
                    case "?": throw Refusal("it contains a placeholder (?), which nothing would fill")
                    default: continue
                    }
                }
                guard let upper = token.upper else { continue }
                let previous = index > 0 ? tokens[index - 1].upper : nil
                let next = index + 1 < tokens.count ? tokens[index + 1] : nil
                switch upper {
                case "DELETE" where previous == "ON", "UPDATE" where previous == "ON":
                    continue // a foreign key's ON DELETE / ON UPDATE action, not a statement
                case "REPLACE" where next?.isSymbol("(") == true, "CONVERT" where next?.isSymbol("(") == true:
                    continue // the string functions REPLACE(…) and CONVERT(…)
                case "INTO" where index == 1 && tokens[0].isWord("INSERT"):
                    continue
                case "LOCK" where index > 0 && (tokens[0].isWord("ALTER") || tokens[0].isWord("CREATE")):
                    continue // ALTER TABLE … LOCK=NONE, CREATE INDEX … LOCK=NONE (checked by the shape)
                case "UPDATE" where index > 0:
                    throw Refusal("it contains UPDATE inside another statement (FOR UPDATE, ON DUPLICATE KEY UPDATE …)")
                default:
                    if let reason = MariaDBStatementJudge.refusedWords[upper] { throw Refusal(reason) }
                }
            }
        }

        mutating func shape(for role: StatementRole) throws(Refusal) -> (shape: JudgedStatement.Shape, creates: [SchemaObject]) {
            guard let first = current?.upper else {
                throw Refusal("it does not start with a keyword (found \(found)); allowed here: \(role.allowedShapes)")
            }
            switch (role, first) {
            case (.schema, "CREATE"):
                position += 1
                if accept("TABLE") { return try createTable() }
                let unique = accept("UNIQUE") || accept("FULLTEXT") || accept("SPATIAL")
                if accept("INDEX") { return try createIndex() }
                throw Refusal("CREATE \(unique ? "UNIQUE " : "")\(current?.text.uppercased() ?? "") is not allowed; allowed here: \(role.allowedShapes)")
            case (.schema, "ALTER"):
                position += 1
                _ = accept("ONLINE")
                try expect("TABLE", "after ALTER")
                return try alterTableAdd()
            case (.data, "INSERT"):
                position += 1
                try expect("INTO", "after INSERT")
                let table = try tableName()
                guard current?.isSymbol("(") == true || current?.isWord("VALUES") == true || current?.isWord("VALUE") == true
                        || current?.isWord("SELECT") == true || current?.isWord("SET") == true else {
                    throw Refusal("INSERT INTO \(table) continues with \(found); expected a column list, VALUES, SELECT or SET")
                }
                return (.insert(table: table), [])
            case (.data, "UPDATE"):
                position += 1
                let table = try tableName()
                try expect("SET", "after UPDATE \(table) (one table, no alias, no join)")
                return (.update(table: table, columns: try assignedColumns(of: table)), [])
            case (.probe, "SELECT"):
                return (.select, [])
            default:
                throw Refusal("\(first) is not allowed here; allowed: \(role.allowedShapes)")
            }
        }

        /// An unqualified table name that carries the site's prefix.
        mutating func tableName() throws(Refusal) -> String {
            let name = try identifier("a table name")
            if current?.isSymbol(".") == true {
                throw Refusal("the table \(name).… is qualified with a database name; a migration works on its own site's tables only")
            }
            guard name.hasPrefix(prefix) else {
                throw Refusal("the table \(name) does not carry the site's prefix (write {prefix}\(name))")
            }
            return name
        }

        mutating func identifier(_ what: String) throws(Refusal) -> String {
            guard let token = current, token.kind == .word || token.kind == .quotedIdentifier else {
                throw Refusal("expected \(what), found \(found)")
            }
            position += 1
            return token.text
        }

        /// Skips a balanced `( … )` group starting at the current token.
        mutating func skipParentheses() throws(Refusal) {
            guard acceptSymbol("(") else { throw Refusal("expected (, found \(found)") }
            var depth = 1
            while let token = current, depth > 0 {
                if token.isSymbol("(") { depth += 1 }
                if token.isSymbol(")") { depth -= 1 }
                position += 1
            }
            guard depth == 0 else { throw Refusal("a parenthesis is not closed") }
        }

        mutating func acceptIfNotExists() -> Bool {
            guard current?.isWord("IF") == true, word(at: position + 1) == "NOT", word(at: position + 2) == "EXISTS" else { return false }
            position += 3
            return true
        }

        /// `CREATE TABLE [IF NOT EXISTS] name ( … ) [table options]`.
        mutating func createTable() throws(Refusal) -> (shape: JudgedStatement.Shape, creates: [SchemaObject]) {
            _ = acceptIfNotExists()
            let table = try tableName()
            guard current?.isSymbol("(") == true else {
                throw Refusal("CREATE TABLE \(table) must be followed by its column definitions in parentheses (no LIKE, no SELECT)")
            }
            let definitions = position
            try skipParentheses()
            if tokens[definitions..<position].contains(where: { $0.isWord("SELECT") }) || word(at: definitions + 1) == "LIKE" {
                throw Refusal("CREATE TABLE \(table) copies another table (SELECT or LIKE); declare its columns")
            }
            try tableOptions(of: table)
            return (.createTable(table: table), [.table(table)])
        }

        /// Table options that change nothing but the new table's own storage.
        mutating func tableOptions(of table: String) throws(Refusal) {
            while current != nil {
                if acceptSymbol(",") { continue }
                _ = accept("DEFAULT")
                guard let option = current?.upper else { throw Refusal("unexpected \(found) after the columns of \(table)") }
                switch option {
                case "ENGINE":
                    position += 1
                    _ = acceptSymbol("=")
                    guard accept("INNODB") else {
                        throw Refusal("ENGINE=\(current?.text ?? "") is refused: PET tables are InnoDB (other engines lose rows or transactions)")
                    }
                case "CHARSET", "COLLATE", "ROW_FORMAT":
                    position += 1
                    _ = acceptSymbol("=")
                    _ = try identifier("a value")
                case "CHARACTER":
                    position += 1
                    try expect("SET", "after CHARACTER")
                    _ = acceptSymbol("=")
                    _ = try identifier("a character set")
                case "COMMENT":
                    position += 1
                    _ = acceptSymbol("=")
                    guard current?.kind == .string else { throw Refusal("COMMENT takes a string") }
                    position += 1
                case "AUTO_INCREMENT":
                    position += 1
                    _ = acceptSymbol("=")
                    guard current?.kind == .number else { throw Refusal("AUTO_INCREMENT takes a number") }
                    position += 1
                default:
                    throw Refusal("the table option \(option) is not allowed (allowed: ENGINE=InnoDB, CHARSET, COLLATE, COMMENT, AUTO_INCREMENT, ROW_FORMAT)")
                }
            }
        }

        /// `CREATE [UNIQUE] INDEX [IF NOT EXISTS] name [USING …] ON table ( … ) [ALGORITHM …] [LOCK …]`.
        mutating func createIndex() throws(Refusal) -> (shape: JudgedStatement.Shape, creates: [SchemaObject]) {
            _ = acceptIfNotExists()
            let index = try identifier("an index name")
            if accept("USING") { _ = try identifier("an index type") }
            try expect("ON", "after the index name")
            let table = try tableName()
            try skipParentheses()
            try onlineClauses()
            return (.createIndex(table: table, index: index), [.index(table: table, index: index)])
        }

        /// Index options and `ALGORITHM`/`LOCK` clauses until the end.
        mutating func onlineClauses() throws(Refusal) {
            while let token = current {
                if acceptSymbol(",") { continue }
                switch token.upper {
                case "ALGORITHM", "LOCK", "KEY_BLOCK_SIZE":
                    position += 1
                    _ = acceptSymbol("=")
                    guard let value = current, value.kind == .word || value.kind == .number else { throw Refusal("\(token.text) takes a value") }
                    position += 1
                case "COMMENT":
                    position += 1
                    guard current?.kind == .string else { throw Refusal("COMMENT takes a string") }
                    position += 1
                case "USING":
                    position += 1
                    _ = try identifier("an index type")
                default:
                    throw Refusal("\(found) is not allowed after the index's columns (allowed: ALGORITHM, LOCK, COMMENT, USING)")
                }
            }
        }

        /// `ALTER TABLE name ADD … [, ADD …] [, ALGORITHM=…] [, LOCK=…]`.
        mutating func alterTableAdd() throws(Refusal) -> (shape: JudgedStatement.Shape, creates: [SchemaObject]) {
            let table = try tableName()
            var creates: [SchemaObject] = []
            repeat {
                guard let word = current?.upper else { throw Refusal("expected ADD after ALTER TABLE \(table), found \(found)") }
                switch word {
                case "ADD":
                    position += 1
                    creates += try addition(to: table)
                case "ALGORITHM", "LOCK":
                    position += 1
                    _ = acceptSymbol("=")
                    _ = try identifier("a value for \(word)")
                default:
                    throw Refusal("ALTER TABLE \(table) \(current?.text ?? "") is not allowed: ALTER TABLE may only ADD columns and named indexes (with ALGORITHM and LOCK clauses)")
                }
            } while acceptSymbol(",")
            guard atEnd else { throw Refusal("unexpected \(found) in ALTER TABLE \(table)") }
            guard !creates.isEmpty else { throw Refusal("ALTER TABLE \(table) adds nothing") }
            return (.alterTableAdd(table: table), creates)
        }

        /// One `ADD …` of an ALTER TABLE, up to the next top-level comma.
        mutating func addition(to table: String) throws(Refusal) -> [SchemaObject] {
            switch current?.upper {
            case "INDEX", "KEY", "UNIQUE", "FULLTEXT", "SPATIAL", "CONSTRAINT":
                var name: String?
                if accept("CONSTRAINT") {
                    if current?.isWord("UNIQUE") != true { name = try identifier("a constraint name") }
                    guard current?.isWord("UNIQUE") == true else {
                        throw Refusal("ALTER TABLE \(table) ADD CONSTRAINT … \(found): only UNIQUE constraints may be added by ALTER TABLE (declare foreign keys and checks in CREATE TABLE)")
                    }
                }
                let unique = accept("UNIQUE")
                if !accept("INDEX"), !accept("KEY"), !unique, !accept("FULLTEXT"), !accept("SPATIAL") {
                    throw Refusal("unexpected \(found) in ALTER TABLE \(table) ADD")
                }
                _ = accept("INDEX") || accept("KEY")
                _ = acceptIfNotExists()
                if current?.isSymbol("(") != true, !(current?.isWord("USING") ?? false) { name = try identifier("an index name") }
                guard let name else {
                    throw Refusal("ALTER TABLE \(table) adds an index without a name; name it, so that the engine knows what it creates")
                }
                if accept("USING") { _ = try identifier("an index type") }
                try skipParentheses()
                try skipToComma()
                return [.index(table: table, index: name)]
            case "PRIMARY":
                throw Refusal("ALTER TABLE \(table) ADD PRIMARY KEY is not allowed (declare the primary key in CREATE TABLE)")
            case "FOREIGN", "CHECK", "PERIOD", "SYSTEM":
                throw Refusal("ALTER TABLE \(table) ADD \(current?.text ?? "") is not allowed: ALTER TABLE may only ADD columns and named indexes")
            default:
                _ = accept("COLUMN")
                _ = acceptIfNotExists()
                if acceptSymbol("(") {
                    // ADD COLUMN (a INT, b INT): names at the start of each item.
                    var columns: [SchemaObject] = []
                    repeat {
                        columns.append(.column(table: table, column: try identifier("a column name")))
                        try skipDefinitionItem()
                    } while acceptSymbol(",")
                    guard acceptSymbol(")") else { throw Refusal("expected ) after the added columns, found \(found)") }
                    return columns
                }
                let column = try identifier("a column name")
                try skipToComma()
                return [.column(table: table, column: column)]
            }
        }

        /// Skips tokens (and balanced parentheses) up to a top-level comma or the end.
        mutating func skipToComma() throws(Refusal) {
            while let token = current, !token.isSymbol(",") {
                if token.isSymbol("(") { try skipParentheses() } else if token.isSymbol(")") {
                    throw Refusal("unbalanced parenthesis")
                } else { position += 1 }
            }
        }

        /// Skips one item of a parenthesised list, up to its comma or closing parenthesis.
        mutating func skipDefinitionItem() throws(Refusal) {
            while let token = current, !token.isSymbol(","), !token.isSymbol(")") {
                if token.isSymbol("(") { try skipParentheses() } else { position += 1 }
            }
        }

        /// The columns of `SET a = …, b = …` up to WHERE, ORDER BY, LIMIT or the end.
        mutating func assignedColumns(of table: String) throws(Refusal) -> [String] {
            var columns: [String] = []
            repeat {
                var column = try identifier("a column name")
                if acceptSymbol(".") {
                    guard column == table else { throw Refusal("SET \(column).… names another table than \(table)") }
                    column = try identifier("a column name")
                }
                guard acceptSymbol("=") else { throw Refusal("expected = after SET \(column), found \(found)") }
                columns.append(column)
                while let token = current, !token.isSymbol(","), !token.isWord("WHERE"), !token.isWord("LIMIT") {
                    if token.isSymbol("(") { try skipParentheses() } else { position += 1 }
                }
            } while acceptSymbol(",")
            return columns
        }
    }
}
