/// Refuses raw SQL that could destroy data or schema.
///
/// The text is tokenized the way the servers read it — comments and quoted strings and
/// identifiers removed, MariaDB's executable comments (`/*! … */`) kept as code — so that
/// neither case, comments, nor a second statement after a `;` can hide a destructive one.
/// It errs on the side of refusing: an author can always express a non-destructive change
/// so that it passes, while a missed DROP cannot be undone.
enum DestructiveSQLCheck {
    /// Why the SQL is refused, or nil if it is acceptable.
    static func reason(in sql: String) -> String? {
        for statement in SQLTokenizer.statements(in: sql) {
            if let reason = reason(inStatement: statement.tokens) { return reason }
        }
        return nil
    }

    private static func reason(inStatement tokens: [SQLTokenizer.Token]) -> String? {
        guard let first = tokens.first?.word else { return nil }
        let words = tokens.map { $0.word ?? "" }
        for (position, word) in words.enumerated() {
            switch word {
            case "DROP": return "it contains DROP (removing tables, columns or indexes is never done by a migration)"
            case "TRUNCATE": return "it contains TRUNCATE (deleting rows is never done by a migration)"
            case "RENAME": return "it contains RENAME (renaming breaks code that still uses the old name; add a new structure alongside)"
            case "DELETE":
                // `ON DELETE CASCADE` in a foreign key clause names an action, it deletes nothing now.
                if position > 0, words[position - 1] == "ON" { continue }
                return "it contains DELETE (deleting rows is never done by a migration)"
            case "REPLACE":
                // REPLACE(…) is the string function; REPLACE INTO and CREATE OR REPLACE destroy rows.
                if position + 1 < tokens.count, tokens[position + 1].isOpenParenthesis { continue }
                return "it contains REPLACE (REPLACE INTO and CREATE OR REPLACE delete existing data)"
            default: break
            }
        }
        if first == "ALTER" {
            for word in ["CHANGE", "MODIFY"] where words.contains(word) {
                return "it contains ALTER … \(word) (changing a column's type can lose data; add a new column instead)"
            }
        }
        return nil
    }
}

/// Splits SQL into statements of tokens, skipping comments and the contents of quotes.
enum SQLTokenizer {
    struct Token: Equatable {
        /// An upper-cased bare word, or nil for any other token.
        var word: String?
        var isOpenParenthesis = false
    }

    struct Statement {
        /// The statement's own text, without the `;` that ends it.
        var text: String
        var tokens: [Token]
    }

    /// The statements of a SQL text as strings, split on `;` outside quotes and comments,
    /// so a multi-statement `sql` step runs statement by statement on every dialect.
    static func split(_ sql: String) -> [String] {
        statements(in: sql).map(\.text)
    }

    static func statements(in sql: String) -> [Statement] {
        let bytes = Array(sql.utf8)
        var statements: [Statement] = []
        var current: [Token] = []
        var statementStart = 0
        var index = 0
        func finishStatement(at end: Int) {
            if !current.isEmpty {
                statements.append(Statement(text: String(decoding: bytes[statementStart..<min(end, bytes.count)], as: UTF8.self), tokens: current))
            }
            current = []
        }
        while index < bytes.count {
            let byte = bytes[index]
            let next: UInt8 = index + 1 < bytes.count ? bytes[index + 1] : 0
            switch byte {
            case UInt8(ascii: "-") where next == UInt8(ascii: "-"), UInt8(ascii: "#"):
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
            case UInt8(ascii: "/") where next == UInt8(ascii: "*"):
                let third: UInt8 = index + 2 < bytes.count ? bytes[index + 2] : 0
                if third == UInt8(ascii: "!") || third == UInt8(ascii: "M") {
                    // Executable comment: MariaDB runs what is inside, so it is read as code.
                    index += 3
                    while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") { index += 1 }
                } else {
                    index += 2
                    while index + 1 < bytes.count, !(bytes[index] == UInt8(ascii: "*") && bytes[index + 1] == UInt8(ascii: "/")) { index += 1 }
                    index += 2
                }
            case UInt8(ascii: "*") where next == UInt8(ascii: "/"):
                index += 2 // the end of an executable comment
            case UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "`"):
                let quote = byte
                index += 1
                while index < bytes.count {
                    if bytes[index] == UInt8(ascii: "\\"), quote != UInt8(ascii: "`") { index += 2; continue }
                    if bytes[index] == quote {
                        if index + 1 < bytes.count, bytes[index + 1] == quote { index += 2; continue }
                        break
                    }
                    index += 1
                }
                index += 1
                current.append(Token(word: nil))
            case UInt8(ascii: "["):
                // SQLite also quotes identifiers in brackets.
                while index < bytes.count, bytes[index] != UInt8(ascii: "]") { index += 1 }
                index += 1
                current.append(Token(word: nil))
            case UInt8(ascii: ";"):
                finishStatement(at: index)
                index += 1
                statementStart = index
            case UInt8(ascii: "("):
                current.append(Token(word: nil, isOpenParenthesis: true))
                index += 1
            case _ where isWordByte(byte):
                let start = index
                while index < bytes.count, isWordByte(bytes[index]) { index += 1 }
                current.append(Token(word: String(decoding: bytes[start..<index], as: UTF8.self).uppercased()))
            case 0x20, 0x09, 0x0A, 0x0D:
                index += 1
            default:
                current.append(Token(word: nil))
                index += 1
            }
        }
        finishStatement(at: bytes.count)
        return statements
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "$")
            || byte >= 0x80
    }
}
