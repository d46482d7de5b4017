import CSQLite
import Foundation
import Testing
@testable import PETMigrate

/// The judge of data steps' row expressions (`RowExpressionJudge`): an adversarial corpus per
/// dialect that must be refused, each for the reason it names, and expressions that must be
/// accepted and really evaluate — on the MariaDB test server, and on SQLite both through
/// `sqliteRefusal` and by running them.
@Suite struct RowExpressionJudgeTests {
    /// The row every accepted expression is evaluated over.
    static let rowColumns = ["id", "name", "total", "note"]
    static let rowQuery = "(SELECT 1 AS id, 'x' AS name, 12.5 AS total, NULL AS note) AS r"

    struct Refused: CustomStringConvertible, Sendable {
        var expression: String
        /// A fragment the reason must contain (case-insensitive): the offending thing.
        var mentions: String
        /// SQLite only: refused only once the real columns are known (`sqliteRefusal`).
        var needsColumns = false
        var description: String { expression.count > 60 ? String(expression.prefix(60)) + "…" : expression }
    }

    static let longExpression = Array(repeating: "total", count: 700).joined(separator: " + ")

    static let refusedMariaDB: [Refused] = [
        Refused(expression: "", mentions: "is empty"),
        Refused(expression: "  \n\t ", mentions: "is empty"),
        Refused(expression: longExpression, mentions: "at most 4096"),
        Refused(expression: "SLEEP(1)", mentions: "calls SLEEP, which is not a read-only row function"),
        Refused(expression: "sleep (1)", mentions: "calls sleep"),
        Refused(expression: "/*!50000 SLEEP(1)*/", mentions: "executable comment"),
        Refused(expression: "1 /*M!100000 + SLEEP(1)*/", mentions: "executable comment"),
        Refused(expression: "sl/**/eep(1)", mentions: "comment"),
        Refused(expression: "total /* a harmless note */", mentions: "comment"),
        Refused(expression: "total -- WHERE pk > ?", mentions: "comment"),
        Refused(expression: "total # )", mentions: "comment"),
        Refused(expression: "total--", mentions: "comment"),
        Refused(expression: "total\u{0}+ SLEEP(1)", mentions: "NUL"),
        Refused(expression: "`SLEEP`(1)", mentions: "quoted name SLEEP"),
        Refused(expression: "`sleep` (1)", mentions: "quoted name sleep"),
        Refused(expression: "(SELECT user_pass FROM wp_users LIMIT 1)", mentions: "subquery (SELECT)"),
        Refused(expression: "COALESCE(note, (((select 1))))", mentions: "subquery (select)"),
        Refused(expression: "total IN (SELECT id FROM wp_users)", mentions: "subquery (SELECT)"),
        Refused(expression: "EXISTS(SELECT 1)", mentions: "subquery (EXISTS)"),
        Refused(expression: "VALUES(total)", mentions: "subquery (VALUES)"),
        Refused(expression: "total UNION SELECT user_pass FROM wp_users", mentions: "UNION"),
        Refused(expression: "@a:=1", mentions: "variable (@a)"),
        Refused(expression: "@@hostname", mentions: "variable (@@hostname)"),
        Refused(expression: "total := 1", mentions: ":="),
        Refused(expression: "total; DROP TABLE wp_users", mentions: "contains ;"),
        Refused(expression: "BENCHMARK(100000000, MD5('x'))", mentions: "calls BENCHMARK"),
        Refused(expression: "get_lock('pet', 10)", mentions: "calls get_lock"),
        Refused(expression: "RELEASE_LOCK('pet')", mentions: "calls RELEASE_LOCK"),
        Refused(expression: "LOAD_FILE('/etc/passwd')", mentions: "calls LOAD_FILE"),
        Refused(expression: "NAME_CONST('a', 1)", mentions: "calls NAME_CONST"),
        Refused(expression: "RAND()", mentions: "calls RAND"),
        Refused(expression: "UUID()", mentions: "calls UUID"),
        Refused(expression: "CONNECTION_ID()", mentions: "calls CONNECTION_ID"),
        Refused(expression: "DATE_ADD(NOW(), INTERVAL 1 DAY)", mentions: "calls NOW"),
        Refused(expression: "SYSDATE()", mentions: "calls SYSDATE"),
        Refused(expression: "CURRENT_TIMESTAMP", mentions: "clock or the session (CURRENT_TIMESTAMP)"),
        Refused(expression: "CURRENT_USER", mentions: "CURRENT_USER"),
        Refused(expression: "UNIX_TIMESTAMP()", mentions: "UNIX_TIMESTAMP with 0 arguments, which reads the clock"),
        Refused(expression: "LAST_INSERT_ID()", mentions: "calls LAST_INSERT_ID"),
        Refused(expression: "DATABASE()", mentions: "calls DATABASE"),
        Refused(expression: "pet_stored_function(total)", mentions: "calls pet_stored_function"),
        Refused(expression: "NEXTVAL(pet_sequence)", mentions: "calls NEXTVAL"),
        Refused(expression: "NEXT VALUE FOR pet_sequence", mentions: "VALUE stands where"),
        Refused(expression: "ＳＬＥＥＰ(1)", mentions: "outside ASCII"),
        Refused(expression: "\u{405}LEEP(1)", mentions: "outside ASCII"),
        Refused(expression: "total\u{A0}+ 1", mentions: "outside ASCII"),
        Refused(expression: "1) OR (1=1", mentions: "unbalanced parentheses"),
        Refused(expression: "((total)", mentions: "unbalanced parentheses"),
        Refused(expression: String(repeating: "(", count: 70) + "1" + String(repeating: ")", count: 70), mentions: "deeper than 64"),
        Refused(expression: "wp_users.user_pass", mentions: "qualified name (wp_users.user_pass)"),
        Refused(expression: "pet_test.wp_users.id", mentions: "qualified name"),
        Refused(expression: "`wp_users`.`id`", mentions: "qualified name"),
        Refused(expression: "pet_test.SLEEP(1)", mentions: "qualified name"),
        Refused(expression: "id = ?", mentions: "placeholder (?)"),
        Refused(expression: "id = :id", mentions: "placeholder (:id)"),
        Refused(expression: "$x", mentions: "$"),
        Refused(expression: "{prefix}pet_projects", mentions: "{prefix}"),
        Refused(expression: "CONCAT('{prefix}', name)", mentions: "{prefix}"),
        Refused(expression: "CHAR(83,76,69,69,80) USING latin1", mentions: "USING stands where"),
        Refused(expression: "CHAR(SLEEP(1) USING utf8mb4)", mentions: "calls SLEEP"),
        Refused(expression: "CONVERT(SLEEP(1), CHAR)", mentions: "calls SLEEP"),
        Refused(expression: "CAST(total AS CHAR CHARACTER SET utf8mb4)", mentions: "SET"),
        Refused(expression: "CONCAT('SLEEP(', id, ')') INTO OUTFILE '/tmp/x'", mentions: "INTO"),
        Refused(expression: "CASE WHEN total THEN SLEEP(1) END", mentions: "calls SLEEP"),
        Refused(expression: "IF(total > 1, BENCHMARK(1, 1), 0)", mentions: "calls BENCHMARK"),
        Refused(expression: "total AS x", mentions: "AS stands where"),
        Refused(expression: "total x", mentions: "x stands where"),
        Refused(expression: "_binary'abc'", mentions: "'abc' stands where"),
        Refused(expression: "MATCH(name) AGAINST ('x')", mentions: "calls MATCH"),
        Refused(expression: "INTERVAL(1, 2)", mentions: "calls INTERVAL"),
        Refused(expression: "DEFAULT(total)", mentions: "calls DEFAULT"),
        Refused(expression: "INSERT('abc', 1, 1, 'x')", mentions: "INSERT"),
        Refused(expression: "REPEAT('x', 100000000)", mentions: "calls REPEAT"),
        Refused(expression: "JSON_TABLE(note, '$' COLUMNS(a INT PATH '$'))", mentions: "calls JSON_TABLE"),
        Refused(expression: "total \\N", mentions: "backslash"),
        Refused(expression: "'unterminated", mentions: "not closed"),
        Refused(expression: "'it\\'s", mentions: "not closed"),
        Refused(expression: "total = 1 ORDER BY id", mentions: "ORDER"),
        Refused(expression: "total FOR UPDATE", mentions: "UPDATE"),
        Refused(expression: "1abc", mentions: "neither a number nor a column name"),
        Refused(expression: "name COLLATE", mentions: "COLLATE needs"),
        Refused(expression: "total IS 5", mentions: "IS must be followed"),
        Refused(expression: "DATE_ADD(total, INTERVAL 1 FORTNIGHT)", mentions: "needs a unit"),
        Refused(expression: "CAST(total AS JSON)", mentions: "JSON is not"),
        Refused(expression: "`a``b`", mentions: "not a column name"),
        Refused(expression: "total ->> '$.a'", mentions: "JSON operator"),
        Refused(expression: "ROW_NUMBER() OVER ()", mentions: "OVER"),
        Refused(expression: "KILL", mentions: "KILL"),
    ]

    static let refusedSQLite: [Refused] = [
        Refused(expression: "", mentions: "is empty"),
        Refused(expression: "\n ", mentions: "is empty"),
        Refused(expression: longExpression, mentions: "at most 4096"),
        Refused(expression: "randomblob(10)", mentions: "calls randomblob, which is not a read-only row function"),
        Refused(expression: "random()", mentions: "calls random"),
        Refused(expression: "load_extension('x')", mentions: "calls load_extension"),
        Refused(expression: "LOAD_EXTENSION ('/tmp/evil.so')", mentions: "calls LOAD_EXTENSION"),
        Refused(expression: "sqlite_version()", mentions: "calls sqlite_version"),
        Refused(expression: "changes()", mentions: "calls changes"),
        Refused(expression: "last_insert_rowid()", mentions: "calls last_insert_rowid"),
        Refused(expression: "zeroblob(1000000000)", mentions: "calls zeroblob"),
        Refused(expression: "fts3_tokenizer('simple')", mentions: "calls fts3_tokenizer"),
        Refused(expression: "typeof(total) || sqlite_source_id()", mentions: "calls sqlite_source_id"),
        Refused(expression: "CASE WHEN 1 THEN random() END", mentions: "calls random"),
        Refused(expression: "iif(total > 1, randomblob(1), 0)", mentions: "calls randomblob"),
        Refused(expression: "(SELECT 1)", mentions: "subquery (SELECT)"),
        Refused(expression: "total IN (SELECT id FROM wp_users)", mentions: "subquery (SELECT)"),
        Refused(expression: "EXISTS (SELECT 1)", mentions: "subquery (EXISTS)"),
        Refused(expression: "printf('%s', (VALUES(1)))", mentions: "subquery (VALUES)"),
        Refused(expression: "id IN wp_users", mentions: "IN needs a parenthesized list"),
        Refused(expression: "total; DROP TABLE wp_users", mentions: "contains ;"),
        Refused(expression: "total -- x", mentions: "comment"),
        Refused(expression: "rand/**/omblob(1)", mentions: "comment"),
        Refused(expression: "'x'\u{0}; DROP TABLE wp_users", mentions: "NUL"),
        Refused(expression: "total\u{B}+ 1", mentions: "stands where"),
        Refused(expression: "total /* unterminated", mentions: "not closed"),
        Refused(expression: "'unterminated", mentions: "not closed"),
        Refused(expression: "x'41", mentions: "not closed"),
        Refused(expression: "[randomblob", mentions: "not closed"),
        Refused(expression: "@a", mentions: "variable (@a)"),
        Refused(expression: "id = :id", mentions: "placeholder (:id)"),
        Refused(expression: "id = ?1", mentions: "placeholder (?)"),
        Refused(expression: "id = $id", mentions: "$id"),
        Refused(expression: "id = #id", mentions: "placeholder (#id)"),
        Refused(expression: "main.wp_users", mentions: "qualified name (main.wp_users)"),
        Refused(expression: "\"main\".\"sqlite_master\"", mentions: "qualified name"),
        Refused(expression: "\"sqlite_master\"", mentions: "not a column of the row", needsColumns: true),
        Refused(expression: "\"nme\" = 'x'", mentions: "quotes the name nme", needsColumns: true),
        Refused(expression: "printf('%s', nme)", mentions: "no such column: nme", needsColumns: true),
        Refused(expression: "rowid", mentions: "not a column of the row", needsColumns: true),
        Refused(expression: "datetime('now')", mentions: "datetime('now'), which reads the clock"),
        Refused(expression: "unixepoch(' NOW ')", mentions: "reads the clock"),
        Refused(expression: "date()", mentions: "date with 0 arguments, which reads the clock"),
        Refused(expression: "strftime('%s')", mentions: "strftime with 1 argument"),
        Refused(expression: "max(total)", mentions: "aggregates every row"),
        Refused(expression: "count(*)", mentions: "calls count"),
        Refused(expression: "sum(total)", mentions: "calls sum"),
        Refused(expression: "group_concat(name)", mentions: "calls group_concat"),
        Refused(expression: "CURRENT_TIMESTAMP", mentions: "clock or the session (CURRENT_TIMESTAMP)"),
        Refused(expression: "row_number() OVER ()", mentions: "OVER"),
        Refused(expression: "raise(ABORT, 'x')", mentions: "calls raise"),
        Refused(expression: "`randomblob`(1)", mentions: "quoted name randomblob"),
        Refused(expression: "[randomblob](1)", mentions: "quoted name randomblob"),
        Refused(expression: "\"random\"()", mentions: "quoted name random"),
        Refused(expression: "ｒａｎｄｏｍ()", mentions: "outside ASCII"),
        Refused(expression: "json_each('[1]')", mentions: "calls json_each"),
        Refused(expression: "total -> '$.a'", mentions: "JSON operator ->"),
        Refused(expression: "1) OR (1=1", mentions: "unbalanced parentheses"),
        Refused(expression: "total AS x", mentions: "AS stands where"),
        Refused(expression: "total x", mentions: "x stands where"),
        Refused(expression: "name COLLATE", mentions: "COLLATE needs"),
        Refused(expression: "CAST(total AS)", mentions: "type name"),
        Refused(expression: "name MATCH 'x'", mentions: "MATCH stands where"),
        Refused(expression: "name REGEXP 'x'", mentions: "REGEXP stands where"),
        Refused(expression: "12abc", mentions: "neither a number nor a column name"),
        Refused(expression: "1.5.5", mentions: "neither a number nor a column name"),
        Refused(expression: "total + {prefix}x", mentions: "{prefix}"),
        Refused(expression: "total IS NOT DISTINCT FROM note", mentions: "FROM"),
        Refused(expression: "'a' || (WITH t AS (SELECT 1) SELECT * FROM t)", mentions: "subquery (WITH)"),
        Refused(expression: "name = 'x' COLLATE NOCASE; ATTACH 'x' AS y", mentions: "contains ;"),
        Refused(expression: "DATE '2026-01-01'", mentions: "'2026-01-01' stands where"),
        Refused(expression: "PRAGMA", mentions: "PRAGMA"),
        Refused(expression: "INTERVAL 1 DAY", mentions: "1 stands where"),
    ]

    static let acceptedMariaDB: [String] = [
        "ROUND(total * 100)",
        "CAST(ROUND(total * 100) AS SIGNED INTEGER)",
        "name <> 'trash'",
        "CONCAT(name, '-', id)",
        "COALESCE(note, 'none')",
        "IFNULL(note, name)",
        "CASE WHEN total > 10 THEN 'big' WHEN total > 1 THEN 'small' ELSE 'tiny' END",
        "CASE name WHEN 'x' THEN 1 ELSE 0 END",
        "note IS NULL AND id BETWEEN 1 AND 10",
        "name IN ('x', 'y') OR name NOT LIKE 'x!%' ESCAPE '!'",
        "DATE_FORMAT(DATE_ADD('2026-01-31', INTERVAL id DAY), '%Y-%m-%d')",
        "TIMESTAMPDIFF(DAY, '2026-01-01', '2026-02-01') DIV 7",
        "TIMESTAMPADD(MONTH, id, '2026-01-31')",
        "CONVERT(name USING utf8mb4) COLLATE utf8mb4_bin",
        "CONVERT(total, DECIMAL(10,2))",
        "CAST(total AS CHAR(10))",
        "CAST('2026-01-01' AS DATE)",
        "JSON_UNQUOTE(JSON_EXTRACT(JSON_OBJECT('n', name, 't', total), '$.n'))",
        "JSON_VALUE('{\"a\": 1}', '$.a')",
        "SHA2(CONCAT_WS('|', id, name), 256)",
        "LPAD(HEX(CRC32(name)), 8, '0')",
        "GREATEST(total, 0) - LEAST(id, 5) MOD 3",
        "UNIX_TIMESTAMP('2026-01-01 00:00:00') + id",
        "FROM_UNIXTIME(86400 * id, '%Y')",
        "REPLACE(UPPER(TRIM(name)), 'X', 'Y')",
        "BINARY name = 'x'",
        "x'41' = 'A' AND b'1' = 1 AND 0x41 = 'A'",
        "DATE '2026-01-01' + INTERVAL 1 MONTH",
        "NOT (total >= 12.5e0) XOR note IS NOT NULL",
        "CHAR(83, 76 USING utf8mb4)",
        "`total` * -1 + ~0 >> 60",
        "IF(note <=> NULL, SUBSTRING(name, 1, 1), NULL)",
        "CONCAT('SLEEP(', id, '); DROP TABLE x -- ')",
        "name REGEXP '^x' AND name NOT RLIKE 'y' && !(id != 1)",
        "N'\u{FC}' <> name",
        "STR_TO_DATE('31.01.2026', '%d.%m.%Y')",
        "MD5(name) = MD5('x') AND SHA1(name) IS NOT NULL",
        "name IS TRUE OR note IS UNKNOWN",
    ]

    static let acceptedSQLite: [String] = [
        "CAST(ROUND(total * 100) AS INTEGER)",
        "name <> 'trash'",
        "name || '-' || id",
        "coalesce(note, 'none')",
        "ifnull(note, name)",
        "CASE WHEN total > 10 THEN 'big' ELSE 'small' END",
        "CASE name WHEN 'x' THEN 1 ELSE 0 END",
        "note IS NULL AND id BETWEEN 1 AND 10",
        "name IN ('x', 'y') OR name NOT LIKE 'x!%' ESCAPE '!'",
        "strftime('%Y-%m-%d', '2026-01-31', '+' || id || ' days')",
        "date('2026-01-31', '+1 month')",
        "julianday('2026-02-01') - julianday('2026-01-01')",
        "json_extract(json_object('n', name, 't', total), '$.n')",
        "iif(total > 1, upper(name), lower(name))",
        "printf('%08.2f', total)",
        "substr(name, 1, 1) GLOB 'x*'",
        "max(total, id) - min(total, id)",
        "\"total\" * -1 + ~0 >> 60",
        "[name] = 'X' COLLATE NOCASE",
        "x'41' = CAST('A' AS BLOB)",
        "typeof(note) == 'null' AND note ISNULL AND name NOTNULL AND name NOT NULL",
        "hex(name) || quote(total)",
        "0x1F + 1.5e3 + .5 + 2.",
        "instr(name, 'x') > 0 AND length(replace(name, 'x', '')) = 0",
        "abs(-total) % 7",
        "unixepoch('2026-01-01 00:00:00') + id",
        "CAST(total AS NUMERIC(10, 2))",
        "name IS NOT 'y'",
        "round(sqrt(power(total, 2)), 1)",
        "trim(name) || char(65) || 'SELECT 1; -- now'",
        "`note` IS NULL",
    ]

    // MARK: Refused

    @Test(arguments: refusedMariaDB)
    func refusedOnMariaDB(_ testCase: Refused) {
        let reason = RowExpressionJudge.refusal(of: testCase.expression, dialect: .mariadb)
        #expect(reason != nil, "accepted: \(testCase.expression)")
        #expect(reason?.lowercased().contains(testCase.mentions.lowercased()) == true, "\(testCase.expression): \(reason ?? "nil")")
        #expect(RowExpressionJudge.columnReferences(in: testCase.expression, dialect: .mariadb).isEmpty)
    }

    @Test(arguments: refusedSQLite)
    func refusedOnSQLite(_ testCase: Refused) {
        let withColumns = RowExpressionJudge.sqliteRefusal(of: testCase.expression, columns: Self.rowColumns)
        #expect(withColumns?.lowercased().contains(testCase.mentions.lowercased()) == true, "\(testCase.expression): \(withColumns ?? "nil")")
        if !testCase.needsColumns {
            let reason = RowExpressionJudge.refusal(of: testCase.expression, dialect: .sqlite)
            #expect(reason?.lowercased().contains(testCase.mentions.lowercased()) == true, "\(testCase.expression): \(reason ?? "nil")")
        }
    }

    @Test func theCorporaAreLargeEnough() {
        #expect(Self.refusedMariaDB.count >= 40 && Self.refusedSQLite.count >= 40)
        #expect(Self.acceptedMariaDB.count >= 15 && Self.acceptedSQLite.count >= 15)
        print("row expression corpus: \(Self.refusedMariaDB.count) refused and \(Self.acceptedMariaDB.count) accepted on MariaDB, \(Self.refusedSQLite.count) refused and \(Self.acceptedSQLite.count) accepted on SQLite")
    }

    // MARK: Accepted, and really evaluated

    @Test func acceptedOnMariaDBAndEvaluatedByTheServer() throws {
        let driver = try Self.mariadb()
        defer { driver.close() }
        for expression in Self.acceptedMariaDB {
            #expect(RowExpressionJudge.refusal(of: expression, dialect: .mariadb) == nil, "\(expression): \(RowExpressionJudge.refusal(of: expression, dialect: .mariadb) ?? "")")
            #expect(Set(RowExpressionJudge.columnReferences(in: expression, dialect: .mariadb).map { $0.lowercased() }).isSubset(of: Self.rowColumns), "\(expression)")
            #expect(throws: Never.self, "\(expression)") { _ = try driver.query("SELECT \(expression) FROM \(Self.rowQuery)") }
        }
    }

    @Test func acceptedOnSQLiteAndEvaluatedBySQLite() throws {
        let driver = try SQLiteDriver(path: ":memory:")
        defer { driver.close() }
        for expression in Self.acceptedSQLite {
            #expect(RowExpressionJudge.refusal(of: expression, dialect: .sqlite) == nil, "\(expression): \(RowExpressionJudge.refusal(of: expression, dialect: .sqlite) ?? "")")
            #expect(RowExpressionJudge.sqliteRefusal(of: expression, columns: Self.rowColumns) == nil, "\(expression): \(RowExpressionJudge.sqliteRefusal(of: expression, columns: Self.rowColumns) ?? "")")
            #expect(throws: Never.self, "\(expression)") { _ = try driver.query("SELECT \(expression) FROM \(Self.rowQuery)") }
        }
    }

    @Test func acceptedExpressionsComputeWhatTheySay() throws {
        let driver = try Self.mariadb()
        defer { driver.close() }
        let value = try driver.query("SELECT CAST(ROUND(total * 100) AS SIGNED INTEGER), CONCAT('SLEEP(', id, ')') FROM \(Self.rowQuery)")
        #expect(value.first?.map(\.text) == ["1250", "SLEEP(1)"])
        let sqlite = try SQLiteDriver(path: ":memory:")
        defer { sqlite.close() }
        #expect(try sqlite.query("SELECT CAST(ROUND(total * 100) AS INTEGER), name || '-' || id FROM \(Self.rowQuery)").first?.map(\.text) == ["1250", "x-1"])
    }

    // MARK: Column references

    @Test func columnReferencesAreTheRowsColumnsOnly() {
        #expect(RowExpressionJudge.columnReferences(in: "CONCAT(name, '-', `id`, Name) + TIMESTAMPDIFF(DAY, created_at, updated_at) + CAST(total AS DECIMAL(10,2)) + DATE_ADD(d, INTERVAL n DAY)", dialect: .mariadb)
                == ["name", "id", "created_at", "updated_at", "total", "d", "n"])
        #expect(RowExpressionJudge.columnReferences(in: "CASE status WHEN 'a' THEN TRUE ELSE NULL END + CONVERT(title USING utf8mb4) COLLATE utf8mb4_bin + CHAR(65 USING latin1) + x'41'", dialect: .mariadb)
                == ["status", "title"])
        #expect(RowExpressionJudge.columnReferences(in: "DATE '2026-01-01' + INTERVAL 1 DAY + BINARY Title + CONVERT(price, SIGNED INTEGER)", dialect: .mariadb) == ["Title", "price"])
        #expect(RowExpressionJudge.columnReferences(in: "CAST(total AS INTEGER) + \"id\" + [note] + coalesce(x, 'NULL') COLLATE NOCASE", dialect: .sqlite)
                == ["total", "id", "note", "x"])
        #expect(RowExpressionJudge.columnReferences(in: "CAST(a AS VARYING CHARACTER(10)) || b NOT NULL || c ISNULL || d IS NOT e", dialect: .sqlite) == ["a", "b", "c", "d", "e"])
        #expect(RowExpressionJudge.columnReferences(in: "SLEEP(a)", dialect: .mariadb).isEmpty)
        #expect(RowExpressionJudge.columnReferences(in: "1 + 2", dialect: .sqlite).isEmpty)
    }

    // MARK: The lists are true of the real engines

    /// Every MariaDB function on the allow-list exists on the server, and some call of it is
    /// both accepted by the judge and evaluated by the server.
    @Test func everyMariaDBFunctionExistsOnTheServer() throws {
        let driver = try Self.mariadb()
        defer { driver.close() }
        let special = [
            "DATE_ADD": "DATE_ADD('2026-01-01', INTERVAL 1 DAY)", "DATE_SUB": "DATE_SUB('2026-01-01', INTERVAL 1 DAY)",
            "TIMESTAMPADD": "TIMESTAMPADD(DAY, 1, '2026-01-01')", "TIMESTAMPDIFF": "TIMESTAMPDIFF(DAY, '2026-01-01', '2026-02-01')",
        ]
        for name in RowExpressionVocabulary.functionGroups.flatMap(\.mariadb) {
            let calls = special[name].map { [$0] } ?? ["", "'2'", "'2', '1'", "'2', '1', '1'"].map { "\(name)(\($0))" }
            let working = calls.first { call in
                RowExpressionJudge.refusal(of: call, dialect: .mariadb) == nil && (try? driver.query("SELECT \(call) FROM \(Self.rowQuery)")) != nil
            }
            #expect(working != nil, "\(name): no call of it is accepted and evaluated")
        }
    }

    @Test func everySQLiteFunctionPreparesWithTheSystemSQLite() throws {
        let driver = try SQLiteDriver(path: ":memory:")
        defer { driver.close() }
        for name in RowExpressionVocabulary.functionGroups.flatMap(\.sqlite) {
            let working = ["name", "total, 2", "'2026-01-01', 'x', 'y'", "'[1]'", "'a', 1", "'[1]', '$'"].map { "\(name)(\($0))" }.first { call in
                RowExpressionJudge.sqliteRefusal(of: call, columns: Self.rowColumns) == nil && (try? driver.query("SELECT \(call) FROM \(Self.rowQuery)")) != nil
            }
            #expect(working != nil, "\(name): no call of it is accepted and evaluated")
        }
    }

    /// Every keyword of the server that the judge takes for a bare column name, the server
    /// reads as that column too (where a value stands, and after an operator).
    @Test func everyMariaDBKeywordTheJudgeReadsAsAColumnIsOneOnTheServer() throws {
        let driver = try Self.mariadb()
        defer { driver.close() }
        let words = try driver.query("SELECT WORD FROM information_schema.KEYWORDS").compactMap { $0.first?.text }
        #expect(words.count > 500)
        var columns = 0
        for word in words where RowExpressionJudge.refusal(of: word, dialect: .mariadb) == nil {
            guard RowExpressionJudge.columnReferences(in: word, dialect: .mariadb) == [word] else { continue }
            columns += 1
            let row = try? driver.query("SELECT \(word), 1 + \(word), (\(word)) FROM (SELECT 7 AS `\(word)`) AS r").first?.map(\.text)
            #expect(row == ["7", "8", "7"], "\(word) is not read as a column by the server")
        }
        #expect(columns > 300)
    }

    @Test func everySQLiteKeywordTheJudgeReadsAsAColumnIsOneInSQLite() throws {
        let driver = try SQLiteDriver(path: ":memory:")
        defer { driver.close() }
        var columns = 0
        for index in 0..<sqlite3_keyword_count() {
            var name: UnsafePointer<CChar>?
            var length: Int32 = 0
            guard sqlite3_keyword_name(index, &name, &length) == SQLITE_OK, let name else { continue }
            let word = String(decoding: UnsafeRawBufferPointer(start: name, count: Int(length)), as: UTF8.self)
            guard RowExpressionJudge.refusal(of: word, dialect: .sqlite) == nil,
                  RowExpressionJudge.columnReferences(in: word, dialect: .sqlite) == [word] else { continue }
            columns += 1
            let row = try? driver.query("SELECT \(word), 1 + \(word), (\(word)) FROM (SELECT 7 AS \"\(word)\") AS r").first?.map(\.text)
            #expect(row == ["7", "8", "7"], "\(word) is not read as a column by SQLite")
        }
        #expect(columns > 50)
    }

    // MARK: The guide

    /// `php/MIGRATIONS.md` lists exactly the functions the code allows, group by group.
    @Test func theGuideListsTheAllowedFunctions() throws {
        let guide = try String(contentsOfFile: repositoryRoot + "/php/MIGRATIONS.md", encoding: .utf8)
        let section = try #require(guide.components(separatedBy: "## Expressions in data steps").dropFirst().first, "the guide has no section on expressions")
        for group in RowExpressionVocabulary.functionGroups {
            let row = try #require(section.components(separatedBy: "\n").first { $0.hasPrefix("| \(group.name) |") }, "no row for \(group.name)")
            let cells = row.components(separatedBy: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            #expect(Self.names(in: cells[2]) == group.mariadb, "\(group.name), MariaDB")
            #expect(Self.names(in: cells[3]) == group.sqlite, "\(group.name), SQLite")
        }
        func listed(after start: String) throws -> Set<String> {
            let line = try #require(section.components(separatedBy: "\n").first { $0.hasPrefix(start) }, "no line \(start)")
            return Set(Self.names(in: try #require(line.components(separatedBy: "): ").last)))
        }
        #expect(try listed(after: "MariaDB's `CAST` and `CONVERT` types") == RowExpressionVocabulary.mariadbCastTypes)
        #expect(try listed(after: "MariaDB's units") == RowExpressionVocabulary.mariadbUnits)
    }

    static func names(in text: String) -> [String] {
        text.components(separatedBy: "`").enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
    }

    static func mariadb() throws -> MariaDBDriver {
        let server = try MariaDBTestServer.fromEnvironment()
        return try MariaDBDriver(endpoint: server.endpoint(database: server.database))
    }
}
