/// Judges an expression that a data step (`backfill`, `copy_rows`) evaluates over one source
/// row: a column's new value, or a `where` condition.
///
/// Why a judge of its own: the engine splices the author's text into statements it builds
/// itself — `UPDATE {t} SET c = <expr> WHERE pk > ? AND pk <= ? AND (<where>)`, `INSERT INTO
/// {target} (…) SELECT <exprs> FROM {source} WHERE …` — so the statement judges, which see a
/// whole statement, never see these texts alone. Spliced text can end the statement early
/// (`;`), comment out the engine's own `WHERE` (`--`, `#`), read another table (a subquery,
/// `t.col`), or act (`SLEEP`, `GET_LOCK`, `load_extension`). An expression is therefore
/// accepted only as a read-only, deterministic scalar over the row's own columns: every word
/// has a known role in a small grammar (`RowExpressionParser`), every function is on an
/// allow-list (`RowExpressionVocabulary`), and on SQLite, SQLite's own parser and authorizer
/// agree (`sqliteRefusal`). Whatever it cannot read with certainty, it refuses.
enum RowExpressionJudge {
    /// Longer texts are refused: a row expression is short, and the judge's work stays small.
    static let maximumBytes = 4096

    /// Nil when the expression is acceptable on `dialect`; else a reason that reads after "the
    /// mariadb expression …", e.g. "calls SLEEP, which is not a read-only row function" or
    /// "contains a subquery (SELECT)".
    ///
    /// On SQLite the expression is also prepared by SQLite itself over a scratch table with the
    /// columns it names; `sqliteRefusal(of:columns:)` does the same against the real columns.
    static func refusal(of expression: String, dialect: DialectName) -> String? {
        let analysis: RowExpressionAnalysis
        do {
            analysis = try analyze(expression, dialect: dialect)
        } catch {
            return error.reason
        }
        guard dialect == .sqlite else { return nil }
        return SQLiteRowExpressionCheck.preparedRefusal(of: expression, columns: analysis.columns)
    }

    /// The column names the expression reads — unquoted names that are not keywords, function
    /// names, type names, units, charsets or collations, and quoted names — de-duplicated
    /// without regard to case, in order of first appearance, as first written. Empty when the
    /// judge cannot read the expression (see `refusal`).
    static func columnReferences(in expression: String, dialect: DialectName) -> [String] {
        (try? analyze(expression, dialect: dialect).columns) ?? []
    }

    /// The dialect-independent checks, the lexer's and the grammar's.
    static func analyze(_ expression: String, dialect: DialectName) throws(RowExpressionRefusal) -> RowExpressionAnalysis {
        let bytes = expression.utf8
        if bytes.count > maximumBytes {
            throw RowExpressionRefusal("is \(bytes.count) bytes long; an expression may have at most \(maximumBytes)")
        }
        if bytes.allSatisfy(RowExpressionLexing.isSpace) {
            throw RowExpressionRefusal("is empty")
        }
        if bytes.contains(0) {
            throw RowExpressionRefusal("contains a NUL character")
        }
        if expression.contains(PrefixPlaceholder.token) {
            throw RowExpressionRefusal("contains \(PrefixPlaceholder.token); an expression reads only its own row and names no table")
        }
        let tokens = try RowExpressionLexing.tokens(expression, dialect: dialect)
        return try RowExpressionParser.parse(tokens, dialect: dialect)
    }
}
