/// SQLite's lexical rules (`tokenize.c`), for the two things SQLite's C API does not expose:
/// the words of one statement whose boundaries `sqlite3_prepare_v2` already fixed (the
/// authorizer cannot tell `ALTER TABLE … ADD` from `… RENAME`, nor `INSERT OR REPLACE` from
/// `INSERT`), and the token stream of a text for its checksum.
///
/// Unlike MariaDB: a backslash is an ordinary character, `--` always starts a comment, `#`
/// does not, and identifiers may be quoted with `"…"`, `` `…` `` or `[…]`.
enum SQLiteLexer {
    struct Token: Equatable {
        enum Kind: Equatable { case word, quotedIdentifier, string, other }
        var kind: Kind
        /// Words as written; quoted identifiers without their quotes.
        var text: String

        var upper: String? { kind == .word ? text.uppercased() : nil }
        func isWord(_ word: String) -> Bool { kind == .word && text.uppercased() == word }
    }

    static func tokens(_ text: String) -> [Token] {
        scan(Array(text.utf8)).map(\.token)
    }

    /// The token stream SQLite executes, for the checksum: comments and whitespace become one
    /// space where they separate two tokens, and nothing next to `(`, `)`, `,` and `;`.
    static func canonicalText(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        var previous: (token: Token, end: Int)?
        let tight = ["(", ")", ",", ";"]
        for (token, range) in scan(bytes) {
            if let previous, range.lowerBound > previous.end,
               !(previous.token.kind == .other && tight.contains(previous.token.text)),
               !(token.kind == .other && tight.contains(token.text)) {
                output.append(0x20)
            }
            output.append(contentsOf: bytes[range])
            previous = (token, range.upperBound)
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Tokens with the bytes each covers, for a judge that must see what lies between them
    /// (`RowExpressionJudge` refuses comments), and whether the text ends inside a string,
    /// quoted name or comment (SQLite reads an unclosed `/*` to the end without complaint).
    static func positionedTokens(_ text: String) -> (tokens: [(token: Token, range: Range<Int>)], unterminated: Bool) {
        var unterminated = false
        let tokens = scan(Array(text.utf8), unterminated: &unterminated)
        return (tokens, unterminated)
    }

    private static func isIdentifierByte(_ byte: UInt8) -> Bool {
        MariaDBLexer.isIdentifierByte(byte)
    }

    private static func scan(_ bytes: [UInt8]) -> [(token: Token, range: Range<Int>)] {
        var unterminated = false
        return scan(bytes, unterminated: &unterminated)
    }

    private static func scan(_ bytes: [UInt8], unterminated: inout Bool) -> [(token: Token, range: Range<Int>)] {
        var tokens: [(token: Token, range: Range<Int>)] = []
        var index = 0
        func byte(_ at: Int) -> UInt8 { at < bytes.count ? bytes[at] : 0 }
        func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
        while index < bytes.count {
            let start = index
            let current = bytes[index]
            switch current {
            case 0x20, 0x09, 0x0A, 0x0C, 0x0D:
                index += 1
            case UInt8(ascii: "-") where byte(index + 1) == UInt8(ascii: "-"):
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
            case UInt8(ascii: "/") where byte(index + 1) == UInt8(ascii: "*"):
                index += 2
                while index < bytes.count, !(bytes[index] == UInt8(ascii: "*") && byte(index + 1) == UInt8(ascii: "/")) { index += 1 }
                if index >= bytes.count { unterminated = true }
                index = min(index + 2, bytes.count)
            case UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "`"), UInt8(ascii: "["):
                let close = current == UInt8(ascii: "[") ? UInt8(ascii: "]") : current
                index += 1
                var content: [UInt8] = []
                var closed = false
                while index < bytes.count {
                    if bytes[index] == close {
                        if close != UInt8(ascii: "]"), byte(index + 1) == close { content.append(close); index += 2; continue }
                        index += 1
                        closed = true
                        break
                    }
                    content.append(bytes[index])
                    index += 1
                }
                if !closed { unterminated = true }
                let kind: Token.Kind = current == UInt8(ascii: "'") ? .string : .quotedIdentifier
                tokens.append((Token(kind: kind, text: kind == .string ? text(start..<index) : String(decoding: content, as: UTF8.self)), start..<index))
            case _ where isIdentifierByte(current):
                while index < bytes.count, isIdentifierByte(bytes[index]) { index += 1 }
                let isNumber = current >= UInt8(ascii: "0") && current <= UInt8(ascii: "9")
                tokens.append((Token(kind: isNumber ? .other : .word, text: text(start..<index)), start..<index))
            default:
                index += 1
                tokens.append((Token(kind: .other, text: text(start..<index)), start..<index))
            }
        }
        return tokens
    }
}
