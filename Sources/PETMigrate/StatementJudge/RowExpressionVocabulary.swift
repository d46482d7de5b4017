/// The words a row expression may use, per dialect: the one source of truth for
/// `RowExpressionJudge`, for SQLite's authorizer in `sqliteRefusal`, and for the lists that
/// `php/MIGRATIONS.md` prints (a test compares them).
///
/// Functions are an allow-list: a name is here only when it is a built-in that computes its
/// result from its arguments alone — no clock, no randomness, no session or connection
/// state, no lock, no file, no sleep, no stored function. Anything not listed is refused,
/// whatever the server would make of it.
enum RowExpressionVocabulary {
    /// One row of the documented function table.
    struct FunctionGroup {
        var name: String
        var mariadb: [String]
        var sqlite: [String]

        func names(_ dialect: DialectName) -> [String] { dialect == .mariadb ? mariadb : sqlite }
    }

    /// Every function a row expression may call, by group. MariaDB names are written in upper
    /// case, SQLite names in lower case, as each dialect's manual writes them; calls match
    /// without regard to case.
    static let functionGroups: [FunctionGroup] = [
        FunctionGroup(
            name: "string",
            mariadb: ["ASCII", "CHAR", "CHAR_LENGTH", "CHARACTER_LENGTH", "CONCAT", "CONCAT_WS", "ELT", "FIELD",
                      "FIND_IN_SET", "FORMAT", "FROM_BASE64", "HEX", "INSTR", "LCASE", "LEFT", "LENGTH", "LOCATE",
                      "LOWER", "LPAD", "LTRIM", "OCTET_LENGTH", "ORD", "QUOTE", "REGEXP_INSTR", "REGEXP_REPLACE",
                      "REGEXP_SUBSTR", "REPLACE", "REVERSE", "RIGHT", "RPAD", "RTRIM", "STRCMP", "SUBSTR", "SUBSTRING",
                      "SUBSTRING_INDEX", "TO_BASE64", "TRIM", "UCASE", "UNHEX", "UPPER"],
            sqlite: ["char", "format", "glob", "hex", "instr", "length", "like", "lower", "ltrim", "printf", "quote",
                     "replace", "rtrim", "substr", "substring", "trim", "unicode", "upper"]),
        FunctionGroup(
            name: "numeric",
            mariadb: ["ABS", "CEIL", "CEILING", "CONV", "EXP", "FLOOR", "GREATEST", "LEAST", "LN", "LOG", "LOG10", "LOG2",
                      "MOD", "POW", "POWER", "ROUND", "SIGN", "SQRT", "TRUNCATE"],
            sqlite: ["abs", "ceil", "ceiling", "exp", "floor", "ln", "log", "log10", "log2", "max", "min", "mod", "pow",
                     "power", "round", "sign", "sqrt", "trunc"]),
        FunctionGroup(
            name: "null and conditional",
            mariadb: ["COALESCE", "IF", "IFNULL", "ISNULL", "NULLIF"],
            sqlite: ["coalesce", "ifnull", "iif", "nullif", "typeof"]),
        FunctionGroup(
            name: "date and time",
            mariadb: ["ADDDATE", "DATE", "DATE_ADD", "DATE_FORMAT", "DATE_SUB", "DATEDIFF", "DAY", "DAYOFMONTH",
                      "DAYOFWEEK", "DAYOFYEAR", "FROM_DAYS", "FROM_UNIXTIME", "HOUR", "LAST_DAY", "MAKEDATE", "MAKETIME",
                      "MINUTE", "MONTH", "QUARTER", "SEC_TO_TIME", "SECOND", "STR_TO_DATE", "SUBDATE", "TIME",
                      "TIME_FORMAT", "TIME_TO_SEC", "TIMEDIFF", "TIMESTAMP", "TIMESTAMPADD", "TIMESTAMPDIFF", "TO_DAYS",
                      "UNIX_TIMESTAMP", "WEEKDAY", "YEAR"],
            sqlite: ["date", "datetime", "julianday", "strftime", "time", "unixepoch"]),
        FunctionGroup(
            name: "JSON",
            mariadb: ["JSON_ARRAY", "JSON_CONTAINS", "JSON_CONTAINS_PATH", "JSON_EXTRACT", "JSON_KEYS", "JSON_LENGTH",
                      "JSON_OBJECT", "JSON_QUERY", "JSON_QUOTE", "JSON_TYPE", "JSON_UNQUOTE", "JSON_VALID", "JSON_VALUE"],
            sqlite: ["json", "json_array", "json_array_length", "json_extract", "json_object", "json_quote", "json_type",
                     "json_valid"]),
        FunctionGroup(
            name: "hashing",
            mariadb: ["CRC32", "MD5", "SHA1", "SHA2"],
            sqlite: []),
    ]

    /// Calls that need at least this many arguments, and what the call does with fewer:
    /// without one, `UNIX_TIMESTAMP()` and SQLite's `date()` read the clock; SQLite's
    /// one-argument `max(x)` and `min(x)` aggregate every row into one.
    static let minimumArguments: [DialectName: [String: (count: Int, without: String)]] = [
        .mariadb: ["UNIX_TIMESTAMP": (1, "reads the clock")],
        .sqlite: ["max": (2, "aggregates every row into one"), "min": (2, "aggregates every row into one"),
                  "date": (1, "reads the clock"), "time": (1, "reads the clock"), "datetime": (1, "reads the clock"),
                  "julianday": (1, "reads the clock"), "unixepoch": (1, "reads the clock"), "strftime": (2, "reads the clock")],
    ]

    /// SQLite's date functions, which read the clock when an argument is the string `'now'`.
    static let sqliteClockFunctions: Set<String> = ["date", "time", "datetime", "julianday", "unixepoch", "strftime"]

    /// MariaDB's functions whose first argument is a unit word (`TIMESTAMPDIFF(DAY, a, b)`).
    static let unitFirstFunctions: Set<String> = ["TIMESTAMPDIFF", "TIMESTAMPADD"]

    /// The allowed functions of a dialect, by name as `functionName(_:dialect:)` normalizes it.
    static func functions(_ dialect: DialectName) -> Set<String> {
        dialect == .mariadb ? mariadbFunctions : sqliteFunctions
    }

    private static let mariadbFunctions = Set(functionGroups.flatMap(\.mariadb))
    private static let sqliteFunctions = Set(functionGroups.flatMap(\.sqlite))

    /// A called name as the allow-list spells it: upper case on MariaDB, lower on SQLite.
    static func functionName(_ written: String, dialect: DialectName) -> String {
        dialect == .mariadb ? written.uppercased() : written.lowercased()
    }

    /// Words that only ever belong to a statement or a subquery: refused wherever they stand,
    /// except as the name of an allowed function (`REPLACE(…)`, `TRUNCATE(…)`).
    static let statementWords: Set<String> = [
        "ALTER", "ANALYZE", "ATTACH", "BEGIN", "CALL", "COMMIT", "CREATE", "DEALLOCATE", "DECLARE", "DELETE", "DETACH",
        "DO", "DROP", "DUMPFILE", "EXCEPT", "EXECUTE", "EXPLAIN", "FLUSH", "GRANT", "GROUP", "HANDLER", "HAVING",
        "INFILE", "INSERT", "INSTALL", "INTERSECT", "INTO", "JOIN", "KILL", "LIMIT", "LOAD", "LOCK", "OPTIMIZE",
        "ORDER", "OUTFILE", "OVER", "PARTITION", "PRAGMA", "PREPARE", "PURGE", "RECURSIVE", "RELEASE", "RENAME",
        "REPLACE", "RESET", "RESIGNAL", "RETURNING", "REVOKE", "ROLLBACK", "SAVEPOINT", "SET", "SHOW", "SHUTDOWN",
        "SIGNAL", "TRUNCATE", "UNINSTALL", "UNION", "UNLOCK", "UPDATE", "USE", "VACUUM", "WHERE", "WINDOW",
        "FROM",
    ]

    /// Words that start a subquery in either dialect; reported as such.
    static let subqueryWords: Set<String> = ["SELECT", "VALUES", "TABLE", "WITH", "EXISTS"]

    /// Bare words that read the clock or the session without parentheses.
    static let clockAndSessionWords: Set<String> = [
        "CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP", "LOCALTIME", "LOCALTIMESTAMP", "UTC_DATE", "UTC_TIME",
        "UTC_TIMESTAMP", "CURRENT_USER", "CURRENT_ROLE",
    ]

    /// Keywords that the dialect's own parser does not read as a column name where a value
    /// stands (found by asking the servers: `SELECT w, 1 + w, (w) FROM (SELECT 7 AS "w")`
    /// for every keyword they list; a test checks the rest are read as columns). A column
    /// with such a name must be quoted.
    static func reservedWords(_ dialect: DialectName) -> Set<String> {
        dialect == .mariadb ? mariadbReserved : sqliteReserved
    }

    /// MariaDB 10.11: the words of `information_schema.KEYWORDS` that are not columns there.
    private static let mariadbReserved: Set<String> = [
        "ACCESSIBLE", "ADD", "ALL", "ALTER", "ANALYZE", "AND", "AS", "ASC", "ASENSITIVE", "BEFORE", "BETWEEN", "BIGINT",
        "BINARY", "BLOB", "BOTH", "BY", "CALL", "CASCADE", "CASE", "CHANGE", "CHAR", "CHARACTER", "CHECK", "COLLATE",
        "COLUMN", "CONDITION", "CONSTRAINT", "CONTINUE", "CONVERT", "CREATE", "CROSS", "CURRENT_DATE", "CURRENT_ROLE",
        "CURRENT_TIME", "CURRENT_TIMESTAMP", "CURRENT_USER", "CURSOR", "DATABASES", "DAY_HOUR", "DAY_MICROSECOND",
        "DAY_MINUTE", "DAY_SECOND", "DEC", "DECIMAL", "DECLARE", "DEFAULT", "DELAYED", "DELETE", "DELETE_DOMAIN_ID",
        "DESC", "DESCRIBE", "DETERMINISTIC", "DISTINCT", "DISTINCTROW", "DIV", "DOUBLE", "DO_DOMAIN_IDS", "DROP",
        "DUAL", "EACH", "ELSE", "ELSEIF", "ENCLOSED", "ESCAPED", "EXCEPT", "EXISTS", "EXIT", "EXPLAIN", "FALSE",
        "FETCH", "FLOAT", "FLOAT4", "FLOAT8", "FOR", "FORCE", "FOREIGN", "FROM", "FULLTEXT", "GRANT", "GROUP",
        "HAVING", "HIGH_PRIORITY", "HOUR_MICROSECOND", "HOUR_MINUTE", "HOUR_SECOND", "IF", "IGNORE",
        "IGNORE_DOMAIN_IDS", "IN", "INDEX", "INFILE", "INNER", "INOUT", "INSENSITIVE", "INSERT", "INT", "INT1", "INT2",
        "INT3", "INT4", "INT8", "INTEGER", "INTERSECT", "INTERVAL", "INTO", "IS", "ITERATE", "JOIN", "KEY", "KEYS",
        "KILL", "LEADING", "LEAVE", "LEFT", "LIKE", "LIMIT", "LINEAR", "LINES", "LOAD", "LOCALTIME", "LOCALTIMESTAMP",
        "LOCK", "LONG", "LONGBLOB", "LONGTEXT", "LOOP", "LOW_PRIORITY", "MASTER_DEMOTE_TO_REPLICA",
        "MASTER_DEMOTE_TO_SLAVE", "MASTER_SSL_VERIFY_SERVER_CERT", "MATCH", "MAXVALUE", "MEDIUMBLOB", "MEDIUMINT",
        "MEDIUMTEXT", "MIDDLEINT", "MINUTE_MICROSECOND", "MINUTE_SECOND", "MOD", "MODIFIES", "NATURAL", "NOT",
        "NO_WRITE_TO_BINLOG", "NULL", "NUMERIC", "OFFSET", "ON", "OPTIMIZE", "OPTIONALLY", "OR", "ORDER", "OUT",
        "OUTER", "OUTFILE", "OVER", "PAGE_CHECKSUM", "PARSE_VCOL_EXPR", "PARTITION", "PORTION", "PRECISION", "PRIMARY",
        "PROCEDURE", "PURGE", "RANGE", "READ", "READS", "READ_WRITE", "REAL", "RECURSIVE", "REFERENCES",
        "REF_SYSTEM_ID", "REGEXP", "RELEASE", "RENAME", "REPEAT", "REPLACE", "REQUIRE", "RESIGNAL", "RESTRICT",
        "RETURN", "RETURNING", "REVOKE", "RIGHT", "RLIKE", "ROWS", "ROW_NUMBER", "SCHEMAS", "SECOND_MICROSECOND",
        "SELECT", "SENSITIVE", "SEPARATOR", "SET", "SHOW", "SIGNAL", "SMALLINT", "SPATIAL", "SPECIFIC", "SQL",
        "SQLEXCEPTION", "SQLSTATE", "SQLWARNING", "SQL_BIG_RESULT", "SQL_BUFFER_RESULT", "SQL_CACHE",
        "SQL_CALC_FOUND_ROWS", "SQL_NO_CACHE", "SQL_SMALL_RESULT", "SSL", "STARTING", "STATS_AUTO_RECALC",
        "STATS_PERSISTENT", "STATS_SAMPLE_PAGES", "STRAIGHT_JOIN", "TABLE", "TERMINATED", "THEN", "TINYBLOB",
        "TINYINT", "TINYTEXT", "TO", "TRAILING", "TRIGGER", "TRUE", "UNDO", "UNION", "UNIQUE", "UNLOCK", "UNSIGNED",
        "UPDATE", "USAGE", "USE", "USING", "UTC_DATE", "UTC_TIME", "UTC_TIMESTAMP", "VALUES", "VARBINARY", "VARCHAR",
        "VARCHARACTER", "VARYING", "WHEN", "WHERE", "WHILE", "WITH", "WRITE", "XOR", "YEAR_MONTH", "ZEROFILL",
    ]

    /// SQLite 3.40: the words `sqlite3_keyword_name` lists that are not columns there.
    private static let sqliteReserved: Set<String> = [
        "ADD", "ALL", "ALTER", "AND", "AS", "AUTOINCREMENT", "BETWEEN", "CASE", "CAST", "CHECK", "COLLATE", "COMMIT",
        "CONSTRAINT", "CREATE", "CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP", "DEFAULT", "DEFERRABLE",
        "DELETE", "DISTINCT", "DROP", "ELSE", "ESCAPE", "EXCEPT", "EXISTS", "FOREIGN", "FROM", "GROUP", "HAVING", "IN",
        "INDEX", "INSERT", "INTERSECT", "INTO", "IS", "ISNULL", "JOIN", "LIMIT", "NOT", "NOTHING", "NOTNULL", "NULL",
        "ON", "OR", "ORDER", "PRIMARY", "RAISE", "REFERENCES", "RETURNING", "SELECT", "SET", "TABLE", "THEN", "TO",
        "TRANSACTION", "UNION", "UNIQUE", "UPDATE", "USING", "VALUES", "WHEN", "WHERE", "WITH",
    ]

    /// MariaDB's interval units: after `INTERVAL n` and as the first argument of
    /// `TIMESTAMPDIFF`/`TIMESTAMPADD`.
    static let mariadbUnits: Set<String> = [
        "MICROSECOND", "SECOND", "MINUTE", "HOUR", "DAY", "WEEK", "MONTH", "QUARTER", "YEAR", "SECOND_MICROSECOND",
        "MINUTE_MICROSECOND", "MINUTE_SECOND", "HOUR_MICROSECOND", "HOUR_SECOND", "HOUR_MINUTE", "DAY_MICROSECOND",
        "DAY_SECOND", "DAY_MINUTE", "DAY_HOUR", "YEAR_MONTH",
    ]

    /// MariaDB's target types of `CAST(x AS type)` and `CONVERT(x, type)`: one or two of these
    /// words (`SIGNED INTEGER`), then an optional `(n)` or `(p, s)`.
    static let mariadbCastTypes: Set<String> = [
        "BINARY", "CHAR", "NCHAR", "VARCHAR", "DATE", "DATETIME", "TIME", "DECIMAL", "DEC", "DOUBLE", "FLOAT",
        "INTEGER", "INT", "SIGNED", "UNSIGNED",
    ]
}
