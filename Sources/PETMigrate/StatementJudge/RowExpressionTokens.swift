/// One token of a row expression, the same shape for both dialects, so that one grammar
/// (`RowExpressionParser`) judges both.
struct RowExpressionToken: Equatable {
    enum Kind: Equatable {
        /// A bare word: keyword, function name or column name, as written.
        case word
        /// A quoted name (`` `x` `` on MariaDB; `"x"`, `` `x` `` or `[x]` on SQLite), unquoted.
        case quotedName
        /// A string literal as written, quotes included.
        case string
        case number
        /// An operator or punctuation: `(`, `,`, `<=>`, `||` …
        case symbol
    }

    var kind: Kind
    var text: String
    /// Byte offsets of the token in the expression.
    var start: Int
    var end: Int

    var upper: String { text.uppercased() }
    func isWord(_ word: String) -> Bool { kind == .word && upper == word }
    func isSymbol(_ symbol: String) -> Bool { kind == .symbol && text == symbol }
}

/// Why a row expression is refused: a fragment that reads after "the mariadb expression …".
struct RowExpressionRefusal: Error, Equatable {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}

/// Reads an expression with its dialect's own lexer (`MariaDBLexer`, `SQLiteLexer`) into
/// `RowExpressionToken`s, refusing what is never part of a row expression whatever the
/// grammar around it: comments (an expression is spliced into the engine's statement, where
/// `--` or `#` would hide the rest of it), `;`, variables and placeholders, qualified names,
/// non-ASCII names (look-alikes of keywords), statement words and unbalanced parentheses.
enum RowExpressionLexing {
    /// Deeper nesting is refused: no real expression needs it, and the judge recurses.
    static let maximumDepth = 64

    static func tokens(_ expression: String, dialect: DialectName) throws(RowExpressionRefusal) -> [RowExpressionToken] {
        let bytes = Array(expression.utf8)
        let tokens = dialect == .mariadb ? try mariadbTokens(bytes) : try sqliteTokens(bytes)
        try refuseNonExpressionTokens(tokens, dialect: dialect)
        return tokens
    }

    // MARK: The dialects' lexers

    private static func mariadbTokens(_ bytes: [UInt8]) throws(RowExpressionRefusal) -> [RowExpressionToken] {
        let lexed: [(MariaDBLexer.Token, Int)]
        do {
            lexed = try MariaDBLexer.tokenize(bytes)
        } catch {
            throw RowExpressionRefusal("cannot be read with certainty: \(error.reason)")
        }
        try refuseComments(bytes, lexed.map { $0.0.offset..<$0.1 })
        var tokens: [RowExpressionToken] = []
        for (token, end) in lexed {
            var converted = RowExpressionToken(kind: .symbol, text: token.text, start: token.offset, end: end)
            switch token.kind {
            case .word:
                converted.kind = token.text.first?.isNumber == true ? .number : .word
                if converted.kind == .number, !isMariaDBPrefixedNumber(token.text) {
                    throw RowExpressionRefusal("contains \(token.text), which is neither a number nor a column name")
                }
            case .quotedIdentifier: converted.kind = .quotedName
            case .string: converted.kind = .string
            case .number: converted.kind = .number
            case .symbol:
                // The lexer reads `<=>` as `<=` and `>`.
                if token.text == ">", let last = tokens.last, last.isSymbol("<="), last.end == token.offset {
                    tokens[tokens.count - 1].text = "<=>"
                    tokens[tokens.count - 1].end = end
                    continue
                }
            }
            tokens.append(converted)
        }
        return tokens
    }

    /// `0x1F` and `0b101`, which MariaDB's lexer returns as words.
    private static func isMariaDBPrefixedNumber(_ text: String) -> Bool {
        let lower = Array(text.lowercased().utf8)
        guard lower.count > 2, lower[0] == UInt8(ascii: "0") else { return false }
        let digits = lower[2...]
        switch lower[1] {
        case UInt8(ascii: "x"): return digits.allSatisfy { isHexDigit($0) }
        case UInt8(ascii: "b"): return digits.allSatisfy { $0 == UInt8(ascii: "0") || $0 == UInt8(ascii: "1") }
        default: return false
        }
    }

    /// SQLite's operators of two or three characters, which `SQLiteLexer` returns one
    /// character at a time.
    private static let sqliteOperators = ["->>", "->", "||", "<<", ">>", "<=", ">=", "==", "!=", "<>"]

    private static func sqliteTokens(_ bytes: [UInt8]) throws(RowExpressionRefusal) -> [RowExpressionToken] {
        let (lexed, unterminated) = SQLiteLexer.positionedTokens(String(decoding: bytes, as: UTF8.self))
        if unterminated {
            throw RowExpressionRefusal("cannot be read with certainty: a string, quoted name or comment is not closed")
        }
        try refuseComments(bytes, lexed.map(\.range))
        var tokens: [RowExpressionToken] = []
        var index = 0
        while index < lexed.count {
            let (token, range) = lexed[index]
            let first = bytes[range.lowerBound]
            let startsNumber = isDigit(first) || (first == UInt8(ascii: ".") && range.upperBound < bytes.count && isDigit(bytes[range.upperBound]))
            if token.kind != .string && token.kind != .quotedIdentifier && startsNumber {
                let end = try sqliteNumberEnd(bytes, from: range.lowerBound)
                while index < lexed.count, lexed[index].range.upperBound <= end { index += 1 }
                if index < lexed.count, lexed[index].range.lowerBound < end {
                    throw RowExpressionRefusal("contains \(String(decoding: bytes[range.lowerBound..<lexed[index].range.upperBound], as: UTF8.self)), which is neither a number nor a column name")
                }
                tokens.append(RowExpressionToken(kind: .number, text: String(decoding: bytes[range.lowerBound..<end], as: UTF8.self), start: range.lowerBound, end: end))
                continue
            }
            switch token.kind {
            case .word:
                tokens.append(RowExpressionToken(kind: .word, text: token.text, start: range.lowerBound, end: range.upperBound))
            case .quotedIdentifier:
                tokens.append(RowExpressionToken(kind: .quotedName, text: token.text, start: range.lowerBound, end: range.upperBound))
            case .string:
                tokens.append(RowExpressionToken(kind: .string, text: token.text, start: range.lowerBound, end: range.upperBound))
            case .other:
                // The longest operator that starts here, made of adjacent one-character tokens.
                let rest = bytes[range.lowerBound..<min(range.lowerBound + 3, bytes.count)]
                let symbol = sqliteOperators.first { rest.starts(with: Array($0.utf8)) } ?? token.text
                let end = range.lowerBound + symbol.utf8.count
                while index < lexed.count, lexed[index].range.upperBound <= end { index += 1 }
                tokens.append(RowExpressionToken(kind: .symbol, text: symbol, start: range.lowerBound, end: end))
                continue
            }
            index += 1
        }
        return tokens
    }

    /// The end of the number SQLite's tokenizer reads at `start` (`tokenize.c`): digits, a
    /// fraction, an exponent, or `0x` and hex digits. A name character right after it makes
    /// the token illegal in SQLite; the judge refuses it.
    private static func sqliteNumberEnd(_ bytes: [UInt8], from start: Int) throws(RowExpressionRefusal) -> Int {
        func byte(_ at: Int) -> UInt8 { at < bytes.count ? bytes[at] : 0 }
        var index = start
        if byte(index) == UInt8(ascii: "0"), byte(index + 1) | 0x20 == UInt8(ascii: "x"), isHexDigit(byte(index + 2)) {
            index += 2
            while isHexDigit(byte(index)) { index += 1 }
        } else {
            while isDigit(byte(index)) { index += 1 }
            if byte(index) == UInt8(ascii: ".") {
                index += 1
                while isDigit(byte(index)) { index += 1 }
            }
            if byte(index) | 0x20 == UInt8(ascii: "e"),
               isDigit(byte(index + 1)) || ((byte(index + 1) == UInt8(ascii: "+") || byte(index + 1) == UInt8(ascii: "-")) && isDigit(byte(index + 2))) {
                index += 2
                while isDigit(byte(index)) { index += 1 }
            }
        }
        if index < bytes.count, MariaDBLexer.isIdentifierByte(bytes[index]) || bytes[index] == UInt8(ascii: ".") {
            var end = index
            while end < bytes.count, MariaDBLexer.isIdentifierByte(bytes[end]) || bytes[end] == UInt8(ascii: ".") { end += 1 }
            throw RowExpressionRefusal("contains \(String(decoding: bytes[start..<end], as: UTF8.self)), which is neither a number nor a column name")
        }
        return index
    }

    // MARK: What is refused in any dialect

    /// Both lexers skip only whitespace and comments; any other byte between tokens is a comment.
    private static func refuseComments(_ bytes: [UInt8], _ ranges: [Range<Int>]) throws(RowExpressionRefusal) {
        var previousEnd = 0
        for range in ranges + [bytes.count..<bytes.count] {
            if bytes[previousEnd..<range.lowerBound].contains(where: { !isSpace($0) }) {
                throw RowExpressionRefusal("contains a comment; an expression is spliced into the engine's statement, where a comment could hide the rest of it")
            }
            previousEnd = max(previousEnd, range.upperBound)
        }
    }

    private static func refuseNonExpressionTokens(_ tokens: [RowExpressionToken], dialect: DialectName) throws(RowExpressionRefusal) {
        var depth = 0
        for (index, token) in tokens.enumerated() {
            let next = index + 1 < tokens.count ? tokens[index + 1] : nil
            switch token.kind {
            case .word, .quotedName:
                if !token.text.utf8.allSatisfy({ $0 < 0x80 }) {
                    throw RowExpressionRefusal("contains the name \(token.text) with characters outside ASCII; names of functions and columns are plain ASCII (a look-alike of a keyword is never one)")
                }
                if token.text.contains("$") {
                    throw RowExpressionRefusal("has a placeholder or a name with $ (\(token.text)); an expression reads only its row's columns")
                }
                if token.kind == .quotedName {
                    if token.text.isEmpty || !token.text.utf8.allSatisfy(isNameByte) {
                        throw RowExpressionRefusal("quotes the name \(token.text.debugDescription), which is not a column name (letters, digits and _)")
                    }
                    continue
                }
                let word = token.upper
                if RowExpressionVocabulary.subqueryWords.contains(word) {
                    throw RowExpressionRefusal("contains a subquery (\(token.text))")
                }
                // `REPLACE(…)` and `TRUNCATE(…)` are also allowed functions.
                let isAllowedCall = next?.isSymbol("(") == true
                    && RowExpressionVocabulary.functions(dialect).contains(RowExpressionVocabulary.functionName(token.text, dialect: dialect))
                if RowExpressionVocabulary.statementWords.contains(word), !isAllowedCall {
                    throw RowExpressionRefusal("contains \(token.text), which belongs to a statement, not to an expression over one row")
                }
            case .symbol:
                switch token.text {
                case ";":
                    throw RowExpressionRefusal("contains ; (an expression is one value, never a second statement)")
                case "@", "@@":
                    let name = next.map { $0.kind == .word || $0.kind == .quotedName || $0.kind == .symbol ? $0.text : "" } ?? ""
                    throw RowExpressionRefusal("uses a variable (\(token.text)\(name)); an expression reads only its row's columns")
                case ":=":
                    throw RowExpressionRefusal("assigns a variable (:=)")
                case "?", ":", "#":
                    throw RowExpressionRefusal("has a placeholder (\(token.text)\(next?.kind == .word ? next!.text : "")) that nothing would fill")
                case "{", "}":
                    throw RowExpressionRefusal("contains a brace outside a string ({prefix} or an escape); an expression names no table")
                case ".":
                    let before = index > 0 ? tokens[index - 1].text : ""
                    throw RowExpressionRefusal("uses a qualified name (\(before).\(next?.text ?? "")); an expression reads only its own row's columns, by name")
                case "->", "->>":
                    throw RowExpressionRefusal("uses the JSON operator \(token.text); call the JSON functions instead")
                case "(":
                    depth += 1
                    if depth > maximumDepth { throw RowExpressionRefusal("nests parentheses deeper than \(maximumDepth) levels") }
                case ")":
                    depth -= 1
                    if depth < 0 { throw RowExpressionRefusal("has unbalanced parentheses (a ) closes more than was opened)") }
                default:
                    break
                }
            case .string, .number:
                break
            }
        }
        if depth != 0 { throw RowExpressionRefusal("has unbalanced parentheses (\(depth) ( not closed)") }
    }

    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
    private static func isHexDigit(_ byte: UInt8) -> Bool { isDigit(byte) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "f")) }
    private static func isNameByte(_ byte: UInt8) -> Bool { isDigit(byte) || byte == UInt8(ascii: "_") || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z")) }
}
