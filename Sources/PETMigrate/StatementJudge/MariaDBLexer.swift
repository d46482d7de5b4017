/// Reads SQL text the way MariaDB's own lexer (`sql_lex.cc`) reads it, for a session that
/// PET pins (see `MariaDBDriver`): `sql_mode` without `ANSI_QUOTES` and without
/// `NO_BACKSLASH_ESCAPES`, so `"` quotes strings and `\` escapes inside them.
///
/// The rules that a hand-written tokenizer usually gets wrong, and that an attacker uses:
/// - `--` starts a comment only before whitespace, a control character or the end
///   (`--x` is two minus signs and `x`);
/// - `#` comments run to the end of the line;
/// - `/*! … */` and `/*M! … */` are *code* (executable comments); `/*M(*/` is a plain comment.
///   PET refuses executable comments outright: what they run depends on the server's version;
/// - strings end at an unescaped quote: `'x\'` is not closed, `'x'''` is;
/// - identifiers may start with a digit and contain `$` and any non-ASCII byte.
/// Anything the lexer is not certain about (an unterminated string or comment, a NUL, a
/// backslash or brace outside a string) is an error: the judge refuses rather than guesses.
struct MariaDBLexer {
    struct Token: Equatable {
        enum Kind: Equatable {
            /// A bare word: keyword, function or identifier. `upper` holds it upper-cased.
            case word
            /// A `` `quoted` `` identifier; `text` is its name, unquoted.
            case quotedIdentifier
            /// A string literal; `text` is the literal as written, quotes included.
            case string
            case number
            /// Punctuation and operators, one or two characters (`(`, `,`, `;`, `:=`, `@` …).
            case symbol
        }

        var kind: Kind
        var text: String
        /// Byte offset of the token in the text.
        var offset: Int

        var upper: String? { kind == .word ? text.uppercased() : nil }
        func isSymbol(_ symbol: String) -> Bool { kind == .symbol && text == symbol }
        func isWord(_ word: String) -> Bool { kind == .word && text.uppercased() == word }
    }

    struct Statement {
        var tokens: [Token]
        /// The statement's own text, from its first token to the end of its last.
        var text: String
    }

    struct Failure: Error, Equatable {
        var reason: String
    }

    /// The statements of the text (split at `;` tokens), each with at least one token.
    static func statements(_ text: String) throws(Failure) -> [Statement] {
        let bytes = Array(text.utf8)
        let tokens = try tokenize(bytes)
        var statements: [Statement] = []
        var current: [Token] = []
        var lastEnd = 0
        func finish() {
            if let first = current.first {
                statements.append(Statement(tokens: current, text: String(decoding: bytes[first.offset..<lastEnd], as: UTF8.self)))
            }
            current = []
        }
        for (token, end) in tokens {
            if token.isSymbol(";") {
                finish()
            } else {
                current.append(token)
                lastEnd = end
            }
        }
        finish()
        return statements
    }

    /// The token stream that the server executes, for the checksum: comments and whitespace
    /// become one space where they separate two tokens, and nothing next to `(`, `)`, `,` and
    /// `;` — except between a word and `(`, where MariaDB tells `COUNT(` from `COUNT (`.
    /// Nil when the text does not lex.
    static func canonicalText(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        guard let tokens = try? tokenize(bytes, placeholderIsIdentifier: true) else { return nil }
        var output: [UInt8] = []
        var previous: (token: Token, end: Int)?
        for (token, end) in tokens {
            if let previous, token.offset > previous.end {
                let tight = ["(", ")", ",", ";"]
                let separates = !(previous.token.kind == .symbol && tight.contains(previous.token.text))
                    && !(token.kind == .symbol && tight.contains(token.text) && !(token.text == "(" && previous.token.kind == .word))
                if separates { output.append(0x20) }
            }
            output.append(contentsOf: bytes[token.offset..<end])
            previous = (token, end)
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }

    /// Letters, digits, `_`, `$` and every byte of a non-ASCII character: the bytes of an
    /// unquoted identifier, in MariaDB and in SQLite alike.
    static func isIdentifierByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "$"), 0x80...0xFF:
            return true
        default:
            return false
        }
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// Tokens with the byte offset just past each. For the checksum, which is computed before
    /// the prefix is known, `{prefix}` may be part of an identifier; the judge reads the text
    /// with it substituted, where a brace is an error.
    static func tokenize(_ bytes: [UInt8], placeholderIsIdentifier: Bool = false) throws(Failure) -> [(Token, Int)] {
        let placeholder = Array(PrefixPlaceholder.token.utf8)
        var tokens: [(Token, Int)] = []
        var index = 0
        func byte(_ at: Int) -> UInt8 { at < bytes.count ? bytes[at] : 0 }
        func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
        while index < bytes.count {
            let current = bytes[index]
            let start = index
            if isSpace(current) {
                index += 1
                continue
            }
            if placeholderIsIdentifier, current == UInt8(ascii: "{"), bytes[index...].starts(with: placeholder) {
                index += placeholder.count
                while index < bytes.count, isIdentifierByte(bytes[index]) { index += 1 }
                tokens.append((Token(kind: .word, text: text(start..<index), offset: start), index))
                continue
            }
            switch current {
            case 0:
                throw Failure(reason: "the text contains a NUL character")
            case UInt8(ascii: "#"):
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
            case UInt8(ascii: "-") where byte(index + 1) == UInt8(ascii: "-")
                && (index + 2 >= bytes.count || byte(index + 2) <= 0x20 || byte(index + 2) == 0x7F):
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
            case UInt8(ascii: "/") where byte(index + 1) == UInt8(ascii: "*"):
                if byte(index + 2) == UInt8(ascii: "!") || (byte(index + 2) == UInt8(ascii: "M") && byte(index + 3) == UInt8(ascii: "!")) {
                    throw Failure(reason: "it contains an executable comment (/*! … */ or /*M! … */), whose meaning depends on the server's version")
                }
                index += 2
                while index + 1 < bytes.count, !(bytes[index] == UInt8(ascii: "*") && bytes[index + 1] == UInt8(ascii: "/")) { index += 1 }
                guard index + 1 < bytes.count else { throw Failure(reason: "a /* comment is not closed") }
                index += 2
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                index += 1
                var closed = false
                while index < bytes.count {
                    if bytes[index] == UInt8(ascii: "\\") { index += 2; continue }
                    if bytes[index] == 0 { throw Failure(reason: "a string contains a NUL character") }
                    if bytes[index] == current {
                        if byte(index + 1) == current { index += 2; continue }
                        closed = true
                        index += 1
                        break
                    }
                    index += 1
                }
                guard closed, index <= bytes.count else { throw Failure(reason: "a quoted string is not closed (MariaDB reads \\ as an escape inside strings)") }
                tokens.append((Token(kind: .string, text: text(start..<index), offset: start), index))
            case UInt8(ascii: "`"):
                index += 1
                var name: [UInt8] = []
                var closed = false
                while index < bytes.count {
                    if bytes[index] == UInt8(ascii: "`") {
                        if byte(index + 1) == UInt8(ascii: "`") { name.append(UInt8(ascii: "`")); index += 2; continue }
                        closed = true
                        index += 1
                        break
                    }
                    if bytes[index] == 0 { throw Failure(reason: "an identifier contains a NUL character") }
                    name.append(bytes[index])
                    index += 1
                }
                guard closed else { throw Failure(reason: "a `quoted` identifier is not closed") }
                tokens.append((Token(kind: .quotedIdentifier, text: String(decoding: name, as: UTF8.self), offset: start), index))
            case _ where isIdentifierByte(current):
                while index < bytes.count, isIdentifierByte(bytes[index]) { index += 1 }
                var word = Array(bytes[start..<index])
                if word.allSatisfy(isDigit) || (isDigit(word[0]) && isNumberWithExponent(word, next: byte(index), after: byte(index + 1))) {
                    // A number, with its fraction and exponent (`1.5e-3`).
                    if byte(index) == UInt8(ascii: "."), word.allSatisfy(isDigit) {
                        index += 1
                        while index < bytes.count, isIdentifierByte(bytes[index]) { index += 1 }
                    }
                    if (byte(index) == UInt8(ascii: "+") || byte(index) == UInt8(ascii: "-")),
                       let last = bytes[start..<index].last, last == UInt8(ascii: "e") || last == UInt8(ascii: "E"), isDigit(byte(index + 1)) {
                        index += 1
                        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
                    }
                    word = Array(bytes[start..<index])
                    tokens.append((Token(kind: .number, text: text(start..<index), offset: start), index))
                } else {
                    tokens.append((Token(kind: .word, text: text(start..<index), offset: start), index))
                }
            case UInt8(ascii: "."):
                if isDigit(byte(index + 1)), tokens.last.map({ $0.0.kind == .word || $0.0.kind == .quotedIdentifier }) != true {
                    index += 1
                    while index < bytes.count, isIdentifierByte(bytes[index]) { index += 1 }
                    tokens.append((Token(kind: .number, text: text(start..<index), offset: start), index))
                } else {
                    index += 1
                    tokens.append((Token(kind: .symbol, text: ".", offset: start), index))
                }
            case UInt8(ascii: "\\"):
                throw Failure(reason: "it contains a backslash outside a string")
            case UInt8(ascii: "{"), UInt8(ascii: "}"):
                throw Failure(reason: "it contains a brace outside a string (an unknown placeholder, or an ODBC escape)")
            case 0x01...0x1F, 0x7F:
                throw Failure(reason: "it contains a control character outside a string")
            default:
                // Two-character operators that matter to the judge; the rest one by one.
                let pair = text(start..<min(start + 2, bytes.count))
                if [":=", "<=", ">=", "<>", "!=", "||", "&&", "<<", ">>", "@@", "->"].contains(pair) {
                    index += 2
                    tokens.append((Token(kind: .symbol, text: pair, offset: start), index))
                } else {
                    index += 1
                    tokens.append((Token(kind: .symbol, text: text(start..<index), offset: start), index))
                }
            }
        }
        return tokens
    }

    /// `1e5`, `2E10`: digits then an exponent marker then digits (or a sign follows).
    private static func isNumberWithExponent(_ word: [UInt8], next: UInt8, after: UInt8) -> Bool {
        guard let marker = word.firstIndex(where: { !isDigit($0) }) else { return false }
        guard word[marker] == UInt8(ascii: "e") || word[marker] == UInt8(ascii: "E") else { return false }
        let rest = word[(marker + 1)...]
        if rest.isEmpty { return (next == UInt8(ascii: "+") || next == UInt8(ascii: "-")) && isDigit(after) }
        return rest.allSatisfy(isDigit)
    }
}
