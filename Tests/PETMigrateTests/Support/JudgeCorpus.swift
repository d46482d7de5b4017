import Foundation

/// The adversarial corpus of the statement judge: every hole reported against the old
/// block-list, its variants, and the legitimate statements the allow-list must keep running.
///
/// Each case is the second migration of a site whose first release creates `pet_audit`
/// (rows in it) and which also holds tables no migration created (`wp_posts`, `wp_users`,
/// with rows). A refused case must be refused by `lint` and by `activate` with the database
/// exactly as before; an accepted case must run every statement (its `verify` query says so).
struct JudgeCase: CustomStringConvertible, Sendable {
    enum Role: Sendable {
        /// A schema `sql` step whose applied_if is `table_exists` of the given table.
        case schema(detects: String)
        /// A schema step detected by a column of pet_audit.
        case schemaColumn(String)
        /// A data step (applied_if row_exists with an always-empty probe), after a step that
        /// creates `pet_things` and adds `pet_audit.note_v2`.
        case data
        /// The text is the row_exists probe itself (of a harmless data step).
        case probe
    }

    var name: String
    var sqlite: String
    var mariadb: String
    var role: Role
    var accepted: Bool
    /// For accepted cases: a query (both dialects) and the rows it must return, one string
    /// per row with values joined by `|`.
    var verify: (query: String, rows: [String])?

    var description: String { name }

    static func refused(_ name: String, _ role: Role, _ sql: String, mariadb: String? = nil) -> JudgeCase {
        JudgeCase(name: name, sqlite: sql, mariadb: mariadb ?? sql, role: role, accepted: false, verify: nil)
    }

    static func accepted(_ name: String, _ role: Role, _ sql: String, mariadb: String? = nil, verify: String, _ rows: [String]) -> JudgeCase {
        JudgeCase(name: name, sqlite: sql, mariadb: mariadb ?? sql, role: role, accepted: true, verify: (verify, rows))
    }

    /// The migration file of the case.
    var migration: String {
        func quoted(_ text: String) -> String {
            let data = try! JSONSerialization.data(withJSONObject: [text], options: [])
            let array = String(decoding: data, as: UTF8.self)
            return String(array.dropFirst().dropLast())
        }
        let emptyProbe = #"{"row_exists": {"sqlite": "SELECT 1 FROM {prefix}pet_audit WHERE id < 0", "mariadb": "SELECT 1 FROM {prefix}pet_audit WHERE id < 0"}}"#
        let setup = """
            {"op": "create_table", "table": "pet_things", "columns": [{"name": "id", "type": "bigint", "auto_increment": true},
             {"name": "note", "type": "string", "length": 191, "nullable": true}], "primary_key": ["id"]},
            {"op": "add_column", "table": "pet_audit", "column": {"name": "note_v2", "type": "string", "length": 191, "nullable": true}},
            """
        let step: String
        switch role {
        case .schema(let table):
            step = #"{"op": "sql", "sqlite": \#(quoted(sqlite)), "mariadb": \#(quoted(mariadb)), "applied_if": {"table_exists": "\#(table)"}}"#
        case .schemaColumn(let column):
            step = #"{"op": "sql", "sqlite": \#(quoted(sqlite)), "mariadb": \#(quoted(mariadb)), "applied_if": {"column_exists": {"table": "pet_audit", "column": "\#(column)"}}}"#
        case .data:
            return #"{"steps": [\#(setup) {"op": "sql", "sqlite": \#(quoted(sqlite)), "mariadb": \#(quoted(mariadb)), "applied_if": \#(emptyProbe)}]}"#
        case .probe:
            step = #"{"op": "sql", "sqlite": "INSERT INTO {prefix}pet_things (note) VALUES ('p')", "mariadb": "INSERT INTO {prefix}pet_things (note) VALUES ('p')", "applied_if": {"row_exists": {"sqlite": \#(quoted(sqlite)), "mariadb": \#(quoted(mariadb))}}}"#
            return #"{"steps": [\#(setup) \#(step)]}"#
        }
        return #"{"steps": [\#(step)]}"#
    }

    static let firstRelease = """
        {"steps": [{"op": "create_table", "table": "pet_audit",
          "columns": [{"name": "id", "type": "bigint", "auto_increment": true},
                      {"name": "note", "type": "string", "length": 191, "nullable": true}],
          "primary_key": ["id"]}]}
        """

    static let all: [JudgeCase] = refusedSchema + refusedData + refusedProbe + refusedLexical + acceptedCases

    static let refusedSchema: [JudgeCase] = [
        .refused("trigger hidden by a backslash SQLite does not read as an escape", .schema(detects: "pet_m"),
                 #"CREATE TABLE {prefix}pet_m (id INTEGER PRIMARY KEY); CREATE TRIGGER {prefix}t AFTER INSERT ON {prefix}pet_audit BEGIN SELECT 'x\'; DELETE FROM {prefix}pet_audit; SELECT 'y'; END"#,
                 mariadb: "CREATE TABLE {prefix}pet_m (id INT PRIMARY KEY); CREATE TRIGGER {prefix}t AFTER INSERT ON {prefix}pet_audit FOR EACH ROW DELETE FROM {prefix}pet_audit"),
        .refused("COMMIT inside a step", .schema(detects: "pet_m"), "CREATE TABLE {prefix}pet_m (id INT PRIMARY KEY); COMMIT"),
        .refused("ROLLBACK and BEGIN inside a step", .schema(detects: "pet_m"), "CREATE TABLE {prefix}pet_m (id INT PRIMARY KEY); ROLLBACK; BEGIN"),
        .refused("SAVEPOINT inside a step", .schema(detects: "pet_m"), "SAVEPOINT x; CREATE TABLE {prefix}pet_m (id INT PRIMARY KEY)"),
        .refused("DML in a schema step", .schema(detects: "pet_m"), "CREATE TABLE {prefix}pet_m (id INT PRIMARY KEY); UPDATE {prefix}posts SET post_title = 'x'"),
        .refused("INSERT in a schema step", .schema(detects: "pet_m"), "CREATE TABLE {prefix}pet_m (id INT PRIMARY KEY); INSERT INTO {prefix}pet_m (id) VALUES (1)"),
        .refused("executable comment /*M!*/ before DROP", .schema(detects: "pet_m"), "CREATE TABLE {prefix}pet_m (id INTEGER PRIMARY KEY); /*M!*/ DROP TABLE {prefix}pet_audit"),
        .refused("/*M(*/ is a plain comment before DROP", .schema(detects: "pet_m"), "CREATE TABLE {prefix}pet_m (id INT PRIMARY KEY); /*M(*/DROP TABLE {prefix}pet_audit"),
        .refused("versioned executable comment", .schema(detects: "pet_m"), "CREATE TABLE {prefix}pet_m (id INT PRIMARY KEY) /*!50700 , x INT */"),
        .refused("MariaDB executable comment with version", .schema(detects: "pet_m"), "CREATE TABLE {prefix}pet_m (id INT PRIMARY KEY) /*M!100100 ENGINE=BLACKHOLE */"),
        .refused("EXECUTE IMMEDIATE", .schema(detects: "pet_m"), "CREATE TABLE {prefix}pet_m (id INT PRIMARY KEY); EXECUTE IMMEDIATE 'DROP TABLE {prefix}pet_audit'"),
        .refused("PREPARE … FROM and EXECUTE", .schema(detects: "pet_m"), "CREATE TABLE {prefix}pet_m (id INT PRIMARY KEY); PREPARE s FROM 'DROP TABLE {prefix}pet_audit'; EXECUTE s"),
        .refused("CREATE PROCEDURE and CALL", .schema(detects: "pet_m"), "CREATE TABLE {prefix}pet_m (id INT PRIMARY KEY); CREATE PROCEDURE {prefix}p() DELETE FROM {prefix}pet_audit; CALL {prefix}p()"),
        .refused("CREATE EVENT", .schema(detects: "pet_m"), "CREATE TABLE {prefix}pet_m (id INT PRIMARY KEY); CREATE EVENT {prefix}e ON SCHEDULE EVERY 1 SECOND DO DELETE FROM {prefix}pet_audit"),
        .refused("CREATE FUNCTION", .schema(detects: "pet_m"), "CREATE TABLE {prefix}pet_m (id INT PRIMARY KEY); CREATE FUNCTION {prefix}f() RETURNS INT RETURN 1"),
        .refused("CREATE VIEW", .schema(detects: "pet_m"), "CREATE TABLE {prefix}pet_m (id INT PRIMARY KEY); CREATE VIEW {prefix}v AS SELECT 1"),
        .refused("ALTER IGNORE TABLE ADD UNIQUE", .schemaColumn("x"), "ALTER IGNORE TABLE {prefix}pet_audit ADD UNIQUE INDEX u (note)"),
        .refused("DISCARD TABLESPACE", .schemaColumn("x"), "ALTER TABLE {prefix}pet_audit DISCARD TABLESPACE"),
        .refused("ENGINE=BLACKHOLE on a new table", .schema(detects: "pet_m"), "CREATE TABLE {prefix}pet_m (id INT PRIMARY KEY) ENGINE=BLACKHOLE"),
        .refused("ENGINE= on an existing table", .schemaColumn("x"), "ALTER TABLE {prefix}pet_audit ENGINE=BLACKHOLE"),
        .refused("CONVERT TO CHARACTER SET", .schemaColumn("x"), "ALTER TABLE {prefix}pet_audit CONVERT TO CHARACTER SET latin1"),
        .refused("SET SESSION sql_mode", .schema(detects: "pet_m"), "SET SESSION sql_mode = 'NO_BACKSLASH_ESCAPES'; CREATE TABLE {prefix}pet_m (id INT PRIMARY KEY)"),
        .refused("SET GLOBAL", .schema(detects: "pet_m"), "SET GLOBAL max_connections = 1; CREATE TABLE {prefix}pet_m (id INT PRIMARY KEY)"),
        .refused("-- without a space is not a comment in MariaDB", .schema(detects: "pet_m"), "CREATE TABLE {prefix}pet_m (id INT PRIMARY KEY) --x\n, DROP TABLE {prefix}pet_audit"),
        .refused("CREATE USER", .schema(detects: "pet_m"), "CREATE TABLE {prefix}pet_m (id INT PRIMARY KEY); CREATE USER 'evil'@'%' IDENTIFIED BY 'x'"),
        .refused("GRANT", .schema(detects: "pet_m"), "CREATE TABLE {prefix}pet_m (id INT PRIMARY KEY); GRANT ALL ON *.* TO 'pet'@'%'"),
        .refused("LOCK TABLES", .schema(detects: "pet_m"), "LOCK TABLES {prefix}pet_audit WRITE; CREATE TABLE {prefix}pet_m (id INT PRIMARY KEY)"),
        .refused("HANDLER", .schema(detects: "pet_m"), "CREATE TABLE {prefix}pet_m (id INT PRIMARY KEY); HANDLER {prefix}pet_audit OPEN"),
        .refused("DO SLEEP", .schema(detects: "pet_m"), "CREATE TABLE {prefix}pet_m (id INT PRIMARY KEY); DO SLEEP(5)"),
        .refused("LOAD DATA INFILE", .schema(detects: "pet_m"), "CREATE TABLE {prefix}pet_m (id INT PRIMARY KEY); LOAD DATA INFILE '/etc/passwd' INTO TABLE {prefix}pet_m"),
        .refused("ATTACH DATABASE", .schema(detects: "pet_m"), "ATTACH DATABASE '/tmp/pet-evil.db' AS evil; CREATE TABLE {prefix}pet_m (id INT PRIMARY KEY)"),
        .refused("PRAGMA", .schema(detects: "pet_m"), "PRAGMA writable_schema = ON; CREATE TABLE {prefix}pet_m (id INT PRIMARY KEY)"),
        .refused("CREATE TEMPORARY TABLE", .schema(detects: "pet_m"), "CREATE TEMPORARY TABLE {prefix}pet_m (id INT PRIMARY KEY)"),
        .refused("CREATE OR REPLACE TABLE", .schema(detects: "pet_audit"), "CREATE OR REPLACE TABLE {prefix}pet_audit (id INT PRIMARY KEY)"),
        .refused("CREATE TABLE … AS SELECT", .schema(detects: "pet_m"), "CREATE TABLE {prefix}pet_m AS SELECT * FROM {prefix}pet_audit"),
        .refused("CREATE TABLE … LIKE", .schema(detects: "pet_m"), "CREATE TABLE {prefix}pet_m LIKE {prefix}pet_audit"),
        .refused("ON CONFLICT REPLACE in a column", .schema(detects: "pet_m"), "CREATE TABLE {prefix}pet_m (id INTEGER PRIMARY KEY ON CONFLICT REPLACE)",
                 mariadb: "CREATE TABLE {prefix}pet_m (id INT PRIMARY KEY)"),
        .refused("ALTER TABLE DROP COLUMN", .schemaColumn("x"), "ALTER TABLE {prefix}pet_audit DROP COLUMN note"),
        .refused("ALTER TABLE RENAME TO", .schemaColumn("x"), "ALTER TABLE {prefix}pet_audit RENAME TO {prefix}pet_old"),
        .refused("ALTER TABLE RENAME COLUMN", .schemaColumn("x"), "ALTER TABLE {prefix}pet_audit RENAME COLUMN note TO x"),
        .refused("ALTER TABLE MODIFY", .schemaColumn("x"), "ALTER TABLE {prefix}pet_audit MODIFY note INT"),
        .refused("ALTER TABLE CHANGE", .schemaColumn("x"), "ALTER TABLE {prefix}pet_audit CHANGE note x INT"),
        .refused("ADD then DROP in one ALTER", .schemaColumn("x"), "ALTER TABLE {prefix}pet_audit ADD COLUMN x INT, DROP COLUMN note"),
        .refused("an unnamed index", .schemaColumn("x"), "ALTER TABLE {prefix}pet_audit ADD COLUMN x INT, ADD INDEX (note)",
                 mariadb: "ALTER TABLE {prefix}pet_audit ADD COLUMN x INT, ADD INDEX (note)"),
        .refused("ADD PRIMARY KEY", .schemaColumn("x"), "ALTER TABLE {prefix}pet_audit ADD COLUMN x INT, ADD PRIMARY KEY (x)"),
        .refused("ALTER TABLE ORDER BY", .schemaColumn("x"), "ALTER TABLE {prefix}pet_audit ORDER BY note"),
        .refused("ALTER TABLE FORCE", .schemaColumn("x"), "ALTER TABLE {prefix}pet_audit FORCE"),
        .refused("TRUNCATE", .schema(detects: "pet_m"), "TRUNCATE TABLE {prefix}pet_audit"),
        .refused("RENAME TABLE", .schema(detects: "pet_m"), "RENAME TABLE {prefix}pet_audit TO {prefix}pet_m"),
        .refused("DROP TABLE IF EXISTS", .schema(detects: "pet_m"), "DROP TABLE IF EXISTS {prefix}pet_audit"),
        .refused("DROP INDEX", .schema(detects: "pet_m"), "DROP INDEX {prefix}pet_audit__x", mariadb: "DROP INDEX x ON {prefix}pet_audit"),
        .refused("VACUUM", .schema(detects: "pet_m"), "VACUUM"),
        .refused("ANALYZE", .schema(detects: "pet_m"), "ANALYZE {prefix}pet_audit", mariadb: "ANALYZE TABLE {prefix}pet_audit"),
        .refused("REINDEX", .schema(detects: "pet_m"), "REINDEX"),
        .refused("another database's table", .schema(detects: "pet_m"), "CREATE TABLE temp.{prefix}pet_m (id INT PRIMARY KEY)",
                 mariadb: "CREATE TABLE mysql.{prefix}pet_m (id INT PRIMARY KEY)"),
        .refused("a table without the prefix", .schema(detects: "pet_m"), "CREATE TABLE pet_m (id INT PRIMARY KEY)"),
        .refused("applied_if names what the step does not create", .schema(detects: "pet_other"), "CREATE TABLE {prefix}pet_m (id INT PRIMARY KEY)"),
        .refused("a VALUES statement", .schema(detects: "pet_m"), "VALUES (1)"),
        .refused("a SELECT in a schema step", .schema(detects: "pet_m"), "CREATE TABLE {prefix}pet_m (id INT PRIMARY KEY); SELECT 1"),
    ]

    static let refusedData: [JudgeCase] = [
        .refused("UPDATE of a table no migration created", .data, "UPDATE {prefix}posts SET post_content = ''"),
        .refused("UPDATE of an existing column of the set", .data, "UPDATE {prefix}pet_audit SET note = 'x'"),
        .refused("UPDATE of a new and an existing column", .data, "UPDATE {prefix}pet_audit SET note_v2 = 'a', note = 'x'"),
        .refused("INSERT into a table no migration created", .data, "INSERT INTO {prefix}posts (post_title) VALUES ('x')"),
        .refused("upsert that overwrites", .data, "INSERT INTO {prefix}pet_audit (id, note) VALUES (1, 'x') ON CONFLICT(id) DO UPDATE SET note = 'x'",
                 mariadb: "INSERT INTO {prefix}pet_audit (id, note) VALUES (1, 'x') ON DUPLICATE KEY UPDATE note = 'x'"),
        .refused("REPLACE INTO", .data, "REPLACE INTO {prefix}pet_audit (id, note) VALUES (1, 'x')"),
        .refused("INSERT OR REPLACE / INSERT IGNORE", .data, "INSERT OR REPLACE INTO {prefix}pet_audit (id, note) VALUES (1, 'x')",
                 mariadb: "INSERT IGNORE INTO {prefix}pet_audit (id, note) VALUES (1, 'x')"),
        .refused("UPDATE OR REPLACE", .data, "UPDATE OR REPLACE {prefix}pet_audit SET note_v2 = 'x'", mariadb: "UPDATE IGNORE {prefix}pet_audit SET note_v2 = 'x'"),
        .refused("a DELETE after an allowed UPDATE", .data, "UPDATE {prefix}pet_audit SET note_v2 = note; DELETE FROM {prefix}pet_audit"),
        .refused("a side-effect function", .data, "INSERT INTO {prefix}pet_things (note) VALUES (load_extension('/tmp/x'))",
                 mariadb: "INSERT INTO {prefix}pet_things (note) VALUES (SLEEP(5))"),
        .refused("a user variable", .data, "INSERT INTO {prefix}pet_things (note) VALUES (@x)", mariadb: "INSERT INTO {prefix}pet_things (note) VALUES (@x := 1)"),
        .refused("a multi-table UPDATE", .data, "UPDATE {prefix}pet_audit SET note_v2 = 1 FROM {prefix}pet_audit WHERE 1",
                 mariadb: "UPDATE {prefix}pet_audit a JOIN {prefix}posts p ON 1 SET p.post_title = 'x'"),
        .refused("a placeholder", .data, "INSERT INTO {prefix}pet_things (note) VALUES (?)"),
        .refused("a SELECT alone", .data, "SELECT 1"),
        .refused("WITH … INSERT", .data, "WITH x AS (SELECT 1 AS a) INSERT INTO {prefix}pet_things (note) SELECT a FROM x"),
        .refused("WITH … DELETE hidden by # (a parameter in SQLite)", .data, "WITH c AS (SELECT #x) DELETE FROM {prefix}pet_audit"),
        .refused("/*M ON*/ before DELETE", .data, "/*M ON*/DELETE FROM {prefix}pet_audit"),
        .refused("/*!50700 ON*/ before DELETE", .data, "/*!50700 ON*/DELETE FROM {prefix}pet_audit"),
        .refused("SELECT … INTO OUTFILE inside INSERT", .data, "INSERT INTO {prefix}pet_things (note) SELECT note FROM {prefix}pet_audit INTO OUTFILE '/tmp/pet-out'"),
        .refused("INSERT … SELECT … FOR UPDATE", .data, "INSERT INTO {prefix}pet_things (note) SELECT note FROM {prefix}pet_audit FOR UPDATE"),
        .refused("schema change in a data step", .data, "ALTER TABLE {prefix}pet_things ADD COLUMN y INT"),
        .refused("GET_LOCK in a data step", .data, "INSERT INTO {prefix}pet_things (note) VALUES (GET_LOCK('x', 10))",
                 mariadb: "INSERT INTO {prefix}pet_things (note) VALUES (GET_LOCK('x', 10))"),
    ]

    static let refusedProbe: [JudgeCase] = [
        .refused("row_exists that writes", .probe, "UPDATE {prefix}users SET user_pass = 'x'"),
        .refused("row_exists with a second statement", .probe, "SELECT 1; DELETE FROM {prefix}pet_audit"),
        .refused("row_exists that locks", .probe, "SELECT 1 FROM {prefix}pet_audit FOR UPDATE"),
        .refused("row_exists INTO OUTFILE", .probe, "SELECT * FROM {prefix}pet_audit INTO OUTFILE '/tmp/pet-out'"),
        .refused("row_exists that sleeps", .probe, "SELECT 1 FROM {prefix}pet_audit WHERE load_extension('x')", mariadb: "SELECT SLEEP(10)"),
        .refused("row_exists that deletes with RETURNING", .probe, "DELETE FROM {prefix}pet_audit RETURNING id"),
        .refused("row_exists that inserts", .probe, "INSERT INTO {prefix}pet_things (note) VALUES ('x')"),
        .refused("row_exists with a system variable", .probe, "SELECT 1 FROM {prefix}pet_audit WHERE @@autocommit", mariadb: "SELECT @@global.read_only"),
        .refused("row_exists that writes a pragma", .probe, "PRAGMA user_version = 7", mariadb: "SET @a = 1"),
    ]

    static let refusedLexical: [JudgeCase] = [
        .refused("{prefix} splitting a keyword", .schema(detects: "pet_m"), "DR{prefix}OP TABLE {prefix}pet_audit"),
        .refused("{prefix} after a letter", .schema(detects: "pet_m"), "CREATE TABLE x{prefix}pet_m (id INT PRIMARY KEY)"),
        .refused("{prefix} before a digit", .schema(detects: "pet_m"), "CREATE TABLE {prefix}1pet_m (id INT PRIMARY KEY)"),
        .refused("an unknown placeholder", .schema(detects: "pet_m"), "CREATE TABLE {prefix}pet_m (id INT PRIMARY KEY, {column} INT)"),
        .refused("an unterminated string", .data, "INSERT INTO {prefix}pet_things (note) VALUES ('x)"),
        .refused("a NUL character", .data, "INSERT INTO {prefix}pet_things (note) VALUES ('x\u{0}'); DELETE FROM {prefix}pet_audit"),
        .refused("a string MariaDB does not close", .data, "INSERT INTO {prefix}pet_things (note) VALUES ('x\\'); DELETE FROM {prefix}pet_audit; -- ')"),
        .refused("an unterminated comment", .schema(detects: "pet_m"), "CREATE TABLE {prefix}pet_m (id INT PRIMARY KEY) /* open"),
        .refused("a backslash outside a string", .data, "INSERT INTO {prefix}pet_things (note) VALUES (\\N)"),
        .refused("empty text", .schema(detects: "pet_m"), " -- nothing\n"),
    ]

    static let acceptedCases: [JudgeCase] = [
        .accepted("two INSERTs where SQLite and MariaDB escape differently both run", .data,
                  #"INSERT INTO {prefix}pet_things (note) VALUES ('C:\'); INSERT INTO {prefix}pet_things (note) VALUES ('D:\data')"#,
                  mariadb: #"INSERT INTO {prefix}pet_things (note) VALUES ('C:\\'); INSERT INTO {prefix}pet_things (note) VALUES ('D:\\data')"#,
                  verify: "SELECT note FROM wp_pet_things ORDER BY id", [#"C:\"#, #"D:\data"#]),
        .accepted("strings and comments that mention DROP", .data,
                  "INSERT INTO {prefix}pet_things (note) VALUES ('DROP TABLE x; -- not code') -- a comment; DELETE\n; /* DELETE */ INSERT INTO {prefix}pet_things (note) VALUES ('it''s')",
                  verify: "SELECT note FROM wp_pet_things ORDER BY id", ["DROP TABLE x; -- not code", "it's"]),
        .accepted("UPDATE of the migration's own new column from existing data", .data,
                  "UPDATE {prefix}pet_audit SET note_v2 = UPPER(note) WHERE note IS NOT NULL",
                  verify: "SELECT note, note_v2 FROM wp_pet_audit ORDER BY id", ["first|FIRST", "second|SECOND"]),
        .accepted("REPLACE() the function", .data, "UPDATE {prefix}pet_audit SET note_v2 = REPLACE(note, 'i', 'I')",
                  verify: "SELECT note_v2 FROM wp_pet_audit ORDER BY id", ["fIrst", "second"]),
        .accepted("INSERT … SELECT from a table of the set", .data,
                  "INSERT INTO {prefix}pet_things (note) SELECT note FROM {prefix}pet_audit ORDER BY id",
                  verify: "SELECT note FROM wp_pet_things ORDER BY id", ["first", "second"]),
        .accepted("ON CONFLICT DO NOTHING keeps existing rows", .data,
                  "INSERT INTO {prefix}pet_things (id, note) VALUES (1, 'a') ON CONFLICT DO NOTHING",
                  mariadb: "INSERT INTO {prefix}pet_things (id, note) VALUES (1, 'a')",
                  verify: "SELECT id, note FROM wp_pet_things", ["1|a"]),
        .accepted("two tables in one schema step", .schema(detects: "pet_m2"),
                  "CREATE TABLE {prefix}pet_m1 (id INTEGER PRIMARY KEY); CREATE TABLE {prefix}pet_m2 (id INTEGER PRIMARY KEY, m1 INTEGER REFERENCES {prefix}pet_m1 (id) ON DELETE CASCADE)",
                  mariadb: "CREATE TABLE {prefix}pet_m1 (id INT PRIMARY KEY) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4; CREATE TABLE IF NOT EXISTS {prefix}pet_m2 (id INT PRIMARY KEY, m1 INT, FOREIGN KEY (m1) REFERENCES {prefix}pet_m1 (id) ON DELETE CASCADE) ENGINE=InnoDB",
                  verify: "SELECT COUNT(*) FROM wp_pet_m1, wp_pet_m2", ["0"]),
        .accepted("ALTER TABLE ADD with an online clause", .schemaColumn("x"),
                  "ALTER TABLE {prefix}pet_audit ADD COLUMN x INTEGER NULL",
                  mariadb: "ALTER TABLE {prefix}pet_audit ADD COLUMN x INT NULL, ALGORITHM=INSTANT",
                  verify: "SELECT COUNT(x) FROM wp_pet_audit", ["0"]),
        .accepted("a named unique index", .schemaColumn("y"),
                  "ALTER TABLE {prefix}pet_audit ADD COLUMN y INTEGER NULL; CREATE UNIQUE INDEX {prefix}pet_audit__y ON {prefix}pet_audit (y)",
                  mariadb: "ALTER TABLE {prefix}pet_audit ADD COLUMN y INT NULL, ADD UNIQUE INDEX y (y), ALGORITHM=INPLACE, LOCK=NONE",
                  verify: "SELECT COUNT(*) FROM wp_pet_audit", ["2"]),
        .accepted("-- followed by text is two minus signs in MariaDB", .data,
                  "INSERT INTO {prefix}pet_things (id, note) VALUES (5 --1\n, 'x')",
                  mariadb: "INSERT INTO {prefix}pet_things (id, note) VALUES (5 --1\n, 'x')",
                  verify: "SELECT COUNT(*) FROM wp_pet_things", ["1"]),
    ]
}
