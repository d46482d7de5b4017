import Testing
@testable import PETMigrate

@Suite struct DestructiveSQLCheckTests {
    @Test(arguments: [
        "DROP TABLE wp_posts",
        "drop table wp_posts",
        "ALTER TABLE x ADD y INT; DROP TABLE wp_posts",
        "ALTER TABLE x ADD y INT;\n-- harmless\n  truncate wp_posts",
        "/* a comment */ DELETE FROM wp_posts",
        "DELETE/**/FROM wp_posts",
        "UPDATE wp_posts SET a = 1; delete from wp_posts where 1",
        "RENAME TABLE a TO b",
        "ALTER TABLE a RENAME TO b",
        "ALTER TABLE a CHANGE b c INT",
        "ALTER TABLE a MODIFY b BIGINT",
        "ALTER TABLE a DROP COLUMN b",
        "ALTER TABLE a DROP INDEX b",
        "REPLACE INTO a VALUES (1)",
        "CREATE OR REPLACE TABLE a (x INT)",
        "SELECT 1; /*!50000 DROP TABLE wp_posts */",
        "INSERT INTO a SELECT 1 FROM b;DrOp/*x*/TABLE c",
        "ALTER TABLE `a` DROP `b`",
    ])
    func refuses(_ sql: String) {
        #expect(DestructiveSQLCheck.reason(in: sql) != nil, "\(sql) was accepted")
    }

    @Test(arguments: [
        "ALTER TABLE a ADD COLUMN b INT NULL",
        "INSERT INTO a (x) SELECT y FROM b",
        "UPDATE a SET title = REPLACE(title, 'x', 'y')",
        "UPDATE a SET note = 'DROP TABLE is just text here'",
        "UPDATE a SET note = \"don't delete\" -- DROP in a comment\n",
        "CREATE TABLE a (id INT, b INT, FOREIGN KEY (b) REFERENCES c(id) ON DELETE CASCADE)",
        "CREATE INDEX i ON `drop` (x)",
        "SELECT 1 /* DROP TABLE x */",
    ])
    func accepts(_ sql: String) {
        #expect(DestructiveSQLCheck.reason(in: sql) == nil, "\(sql) was refused: \(DestructiveSQLCheck.reason(in: sql) ?? "")")
    }

    @Test func splitsStatementsOutsideQuotesAndComments() {
        let statements = SQLTokenizer.split("INSERT INTO a VALUES ('x;y'); -- c;\nUPDATE a SET b = 1;;  ")
        #expect(statements.count == 2)
        #expect(statements[0] == "INSERT INTO a VALUES ('x;y')")
    }
}
