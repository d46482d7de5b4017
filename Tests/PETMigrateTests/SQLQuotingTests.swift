import Testing
@testable import PETMigrate

/// The engine quotes names and literals itself (`replacingASCII`, chosen for speed); the
/// database is the judge of whether the quoting is right: every text comes back unchanged.
@Suite struct SQLQuotingTests {
    static let texts = ["", "plain", "'", "''", "it's", "'start", "end'", "a''b'c", "\\", "back\\slash\\'",
                        "é'ü'ß", "'日本'", "🙂'🙂", "\"", "a\"b\"\"", "`", "x`y``", "_%", "\u{0}'"]

    @Test func replacingASCIIMatchesASplitAndJoin() {
        for text in Self.texts {
            for (target, replacement) in [("'", "''"), ("\"", "\"\""), ("`", "``"), ("\\", "\\\\"), ("_", "\\_")] {
                let reference = text.split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
                #expect(text.replacingASCII(Unicode.Scalar(target)!, with: replacement) == reference, "\(text) with \(target)")
            }
        }
    }

    @Test(arguments: DialectName.allCases)
    func literalsAndIdentifiersRoundTrip(_ dialect: DialectName) throws {
        let database = try TestDatabase(dialect)
        let driver = try database.connect()
        defer { driver.close() }
        for text in Self.texts where !text.contains("\u{0}") {
            let rows = try driver.query("SELECT \(driver.literal(.text(text)))")
            #expect(rows.first?.first?.text == text, "literal \(text)")
        }
        // A column name holding the quote character itself.
        let table = driver.quoteIdentifier("wp_quote_test")
        let column = "a\(dialect == .sqlite ? "\"" : "`")b"
        try driver.execute("CREATE TABLE \(table) (\(driver.quoteIdentifier(column)) INTEGER)")
        try driver.execute("INSERT INTO \(table) VALUES (7)")
        #expect(try driver.query("SELECT \(driver.quoteIdentifier(column)) FROM \(table)").first?.first?.integer == 7)
    }
}
