/// What the judge learned from an expression it accepted.
struct RowExpressionAnalysis: Equatable {
    /// The columns it reads, de-duplicated without regard to case (both dialects compare
    /// column names so), in order of first appearance, as first written.
    var columns: [String] = []
    /// The names it quotes, which SQLite reads as strings when no such column exists.
    var quotedNames: [String] = []
}

/// Reads a row expression by a small grammar — operands joined by operators — in which every
/// word has one known role: an allow-listed function before `(`, a keyword at the one place
/// the grammar expects it (`CASE … END`, `IS NULL`, `CAST(… AS type)`, `INTERVAL n DAY`,
/// `COLLATE name` …), or a column name. Whatever else it meets is refused, so that an alias,
/// a clause (`FROM`, `ORDER BY`), a second value or a word with a meaning the grammar does
/// not know never reaches the server. It checks shape and roles, not types: the server or
/// SQLite's parser (`sqliteRefusal`) says whether the expression really evaluates.
struct RowExpressionParser {
    private let tokens: [RowExpressionToken]
    private let dialect: DialectName
    private var position = 0
    private var depth = 0
    private var analysis = RowExpressionAnalysis()
    private var seenColumns: Set<String> = []

    static func parse(_ tokens: [RowExpressionToken], dialect: DialectName) throws(RowExpressionRefusal) -> RowExpressionAnalysis {
        var parser = RowExpressionParser(tokens: tokens, dialect: dialect)
        try parser.expression()
        if let token = parser.peek() { throw parser.unexpected(token) }
        return parser.analysis
    }

    private init(tokens: [RowExpressionToken], dialect: DialectName) {
        self.tokens = tokens
        self.dialect = dialect
    }

    private var isMariaDB: Bool { dialect == .mariadb }

    private func peek(_ ahead: Int = 0) -> RowExpressionToken? {
        position + ahead < tokens.count ? tokens[position + ahead] : nil
    }

    private func peekWord(_ word: String) -> Bool { peek()?.isWord(word) == true }
    private func peekSymbol(_ symbol: String) -> Bool { peek()?.isSymbol(symbol) == true }

    private mutating func advance(_ count: Int = 1) { position += count }

    private func unexpected(_ token: RowExpressionToken) -> RowExpressionRefusal {
        RowExpressionRefusal("cannot be read as one value: \(token.text) stands where an operator, a comma or the end belongs (an alias, a clause or a missing operator is not part of a row expression)")
    }

    private mutating func expect(symbol: String) throws(RowExpressionRefusal) {
        guard peekSymbol(symbol) else {
            throw RowExpressionRefusal("cannot be read as one value: expected \(symbol) \(peek().map { "before \($0.text)" } ?? "at the end")")
        }
        advance()
    }

    private mutating func expect(word: String, after: String) throws(RowExpressionRefusal) {
        guard peekWord(word) else {
            throw RowExpressionRefusal("cannot be read as one value: \(after) needs \(word) \(peek().map { "before \($0.text)" } ?? "at the end")")
        }
        advance()
    }

    // MARK: Expressions and operators

    private mutating func expression() throws(RowExpressionRefusal) {
        depth += 1
        defer { depth -= 1 }
        if depth > RowExpressionLexing.maximumDepth {
            throw RowExpressionRefusal("nests deeper than \(RowExpressionLexing.maximumDepth) levels")
        }
        try operand()
        while let token = peek() {
            if try postfix(token) { continue }
            guard isBinaryOperator(token) else { return }
            advance()
            try operand()
        }
    }

    private static let binarySymbols: Set<String> = ["=", "<", ">", "<=", ">=", "<>", "!=", "+", "-", "*", "/", "%", "||", "&", "|", "<<", ">>"]
    private static let binaryWords: Set<String> = ["AND", "OR", "LIKE", "BETWEEN", "ESCAPE"]

    private func isBinaryOperator(_ token: RowExpressionToken) -> Bool {
        switch token.kind {
        case .symbol:
            return Self.binarySymbols.contains(token.text) || (isMariaDB ? ["<=>", "&&", "^"] : ["=="]).contains(token.text)
        case .word:
            return Self.binaryWords.contains(token.upper) || (isMariaDB ? ["XOR", "DIV", "MOD", "REGEXP", "RLIKE"] : ["GLOB"]).contains(token.upper)
        default:
            return false
        }
    }

    /// `IS [NOT] NULL`, `[NOT] IN (…)`, `NOT LIKE` and its kin, `COLLATE name`, SQLite's
    /// `ISNULL`/`NOTNULL`/`NOT NULL`. False when the token is none of them.
    private mutating func postfix(_ token: RowExpressionToken) throws(RowExpressionRefusal) -> Bool {
        guard token.kind == .word else { return false }
        switch token.upper {
        case "IS":
            advance()
            if peekWord("NOT") { advance() }
            if isMariaDB {
                guard let word = peek(), word.kind == .word, ["NULL", "TRUE", "FALSE", "UNKNOWN"].contains(word.upper) else {
                    throw RowExpressionRefusal("cannot be read as one value: IS must be followed by NULL, TRUE, FALSE or UNKNOWN")
                }
                advance()
            } else {
                try operand()
            }
            return true
        case "IN":
            advance()
            try valueList(after: "IN")
            return true
        case "NOT":
            guard let next = peek(1), next.kind == .word else { throw unexpected(token) }
            let negatable: Set<String> = isMariaDB ? ["LIKE", "BETWEEN", "REGEXP", "RLIKE"] : ["LIKE", "BETWEEN", "GLOB"]
            if negatable.contains(next.upper) {
                advance(2)
                try operand()
            } else if next.upper == "IN" {
                advance(2)
                try valueList(after: "NOT IN")
            } else if !isMariaDB, next.upper == "NULL" {
                advance(2)
            } else {
                throw unexpected(token)
            }
            return true
        case "ISNULL" where !isMariaDB, "NOTNULL" where !isMariaDB:
            advance()
            return true
        case "COLLATE":
            advance()
            guard let name = peek(), name.kind == .word || name.kind == .quotedName || (isMariaDB && name.kind == .string) else {
                throw RowExpressionRefusal("cannot be read as one value: COLLATE needs a collation name")
            }
            advance()
            return true
        default:
            return false
        }
    }

    /// `( value, … )` after `IN`: a list of values, never a subquery or a table.
    private mutating func valueList(after: String) throws(RowExpressionRefusal) {
        guard peekSymbol("(") else {
            throw RowExpressionRefusal("cannot be read as one value: \(after) needs a parenthesized list of values")
        }
        advance()
        try expression()
        while peekSymbol(",") {
            advance()
            try expression()
        }
        try expect(symbol: ")")
    }

    // MARK: Operands

    private mutating func operand() throws(RowExpressionRefusal) {
        while let token = peek(), isPrefixOperator(token) { advance() }
        guard let token = peek() else {
            throw RowExpressionRefusal("cannot be read as one value: it ends where a value belongs")
        }
        switch token.kind {
        case .number, .string:
            advance()
        case .symbol where token.text == "(":
            advance()
            try expression()
            try expect(symbol: ")")
        case .quotedName:
            if peek(1)?.isSymbol("(") == true {
                throw RowExpressionRefusal("calls the quoted name \(token.text); a function is called by its bare name, and only the allowed ones")
            }
            record(column: token.text, quoted: true)
            advance()
        case .word:
            try word(token)
        default:
            throw RowExpressionRefusal("cannot be read as one value: \(token.text) stands where a value belongs")
        }
    }

    private func isPrefixOperator(_ token: RowExpressionToken) -> Bool {
        switch token.kind {
        case .symbol: return ["-", "+", "~"].contains(token.text) || (isMariaDB && token.text == "!")
        case .word: return token.upper == "NOT" || (isMariaDB && token.upper == "BINARY")
        default: return false
        }
    }

    private mutating func word(_ token: RowExpressionToken) throws(RowExpressionRefusal) {
        let upper = token.upper
        let next = peek(1)
        if next?.isSymbol("(") == true {
            try call(token)
            return
        }
        switch upper {
        case "TRUE", "FALSE", "NULL":
            advance()
            return
        case "CASE":
            try caseExpression()
            return
        case "INTERVAL" where isMariaDB:
            advance()
            try expression()
            try unit(after: "INTERVAL n")
            return
        default:
            break
        }
        if let next, next.kind == .string {
            // x'1F' (both), b'101' and N'text' (MariaDB): one literal, no space inside.
            let prefixes: Set<String> = isMariaDB ? ["X", "B", "N"] : ["X"]
            if prefixes.contains(upper), next.start == token.end {
                advance(2)
                return
            }
            if isMariaDB, ["DATE", "TIME", "TIMESTAMP"].contains(upper) {
                advance(2)
                return
            }
        }
        if RowExpressionVocabulary.clockAndSessionWords.contains(upper) {
            throw RowExpressionRefusal("reads the clock or the session (\(token.text)), which is not a deterministic function of the row")
        }
        if RowExpressionVocabulary.reservedWords(dialect).contains(upper) {
            throw RowExpressionRefusal("uses the keyword \(token.text) where a value belongs (quote it if it names a column)")
        }
        record(column: token.text, quoted: false)
        advance()
    }

    private mutating func record(column: String, quoted: Bool) {
        if quoted { analysis.quotedNames.append(column) }
        if seenColumns.insert(column.lowercased()).inserted { analysis.columns.append(column) }
    }

    private mutating func caseExpression() throws(RowExpressionRefusal) {
        advance()
        if !peekWord("WHEN") { try expression() }
        guard peekWord("WHEN") else {
            throw RowExpressionRefusal("cannot be read as one value: CASE needs WHEN")
        }
        while peekWord("WHEN") {
            advance()
            try expression()
            try expect(word: "THEN", after: "WHEN")
            try expression()
        }
        if peekWord("ELSE") {
            advance()
            try expression()
        }
        try expect(word: "END", after: "CASE")
    }

    // MARK: Calls

    private mutating func call(_ token: RowExpressionToken) throws(RowExpressionRefusal) {
        let upper = token.upper
        if upper == "CAST" { return try cast() }
        if isMariaDB, upper == "CONVERT" { return try convert() }
        let name = RowExpressionVocabulary.functionName(token.text, dialect: dialect)
        guard RowExpressionVocabulary.functions(dialect).contains(name) else {
            throw RowExpressionRefusal("calls \(token.text), which is not a read-only row function")
        }
        advance(2)
        var arguments: [ArraySlice<RowExpressionToken>] = []
        if !peekSymbol(")") {
            if isMariaDB, RowExpressionVocabulary.unitFirstFunctions.contains(name) {
                let start = position
                try unit(after: "\(token.text)(")
                arguments.append(tokens[start..<position])
                try expect(symbol: ",")
            }
            while true {
                let start = position
                try expression()
                arguments.append(tokens[start..<position])
                if peekSymbol(",") {
                    advance()
                    continue
                }
                if isMariaDB, name == "CHAR", peekWord("USING") {
                    advance()
                    try charset()
                }
                break
            }
        }
        try expect(symbol: ")")
        if let rule = RowExpressionVocabulary.minimumArguments[dialect]?[name], arguments.count < rule.count {
            throw RowExpressionRefusal("calls \(token.text) with \(arguments.count) argument\(arguments.count == 1 ? "" : "s"), which \(rule.without); give it at least \(rule.count)")
        }
        if !isMariaDB, RowExpressionVocabulary.sqliteClockFunctions.contains(name),
           arguments.contains(where: { $0.count == 1 && $0.first!.kind == .string && Self.isNow($0.first!.text) }) {
            throw RowExpressionRefusal("calls \(token.text)('now'), which reads the clock")
        }
    }

    private static func isNow(_ literal: String) -> Bool {
        let content = literal.utf8.dropFirst().dropLast().filter { !RowExpressionLexing.isSpace($0) }
        return String(decoding: content, as: UTF8.self).lowercased() == "now"
    }

    private mutating func cast() throws(RowExpressionRefusal) {
        advance(2)
        try expression()
        try expect(word: "AS", after: "CAST(value")
        try typeName()
        try expect(symbol: ")")
    }

    /// MariaDB's `CONVERT(value, type)` and `CONVERT(value USING charset)`.
    private mutating func convert() throws(RowExpressionRefusal) {
        advance(2)
        try expression()
        if peekSymbol(",") {
            advance()
            try typeName()
        } else if peekWord("USING") {
            advance()
            try charset()
        } else {
            throw RowExpressionRefusal("cannot be read as one value: CONVERT needs , type or USING charset")
        }
        try expect(symbol: ")")
    }

    /// A target type: MariaDB's cast types (one or two, `SIGNED INTEGER`); on SQLite any
    /// type name, whose affinity SQLite derives from its words. Then `(n)` or `(p, s)`.
    private mutating func typeName() throws(RowExpressionRefusal) {
        var words = 0
        while let token = peek(), token.kind == .word, words < 2 {
            if isMariaDB {
                guard RowExpressionVocabulary.mariadbCastTypes.contains(token.upper) else { break }
            } else if RowExpressionVocabulary.reservedWords(.sqlite).contains(token.upper) {
                break
            }
            words += 1
            advance()
        }
        guard words > 0 else {
            throw RowExpressionRefusal("cannot be read as one value: \(peek().map { "\($0.text) is not" } ?? "missing") a type name that CAST and CONVERT accept here")
        }
        if peekSymbol("(") {
            advance()
            try typeSize()
            if peekSymbol(",") {
                advance()
                try typeSize()
            }
            try expect(symbol: ")")
        }
    }

    private mutating func typeSize() throws(RowExpressionRefusal) {
        if !isMariaDB, peekSymbol("-") || peekSymbol("+") { advance() }
        guard peek()?.kind == .number else {
            throw RowExpressionRefusal("cannot be read as one value: a type's size is a number")
        }
        advance()
    }

    private mutating func charset() throws(RowExpressionRefusal) {
        guard let name = peek(), name.kind == .word else {
            throw RowExpressionRefusal("cannot be read as one value: USING needs a character set name")
        }
        advance()
    }

    private mutating func unit(after: String) throws(RowExpressionRefusal) {
        guard let token = peek(), token.kind == .word, RowExpressionVocabulary.mariadbUnits.contains(token.upper) else {
            throw RowExpressionRefusal("cannot be read as one value: \(after) needs a unit (DAY, MONTH, SECOND …)\(peek().map { " where \($0.text) stands" } ?? "")")
        }
        advance()
    }
}
