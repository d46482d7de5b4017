// TEMPORARY (replaced by the helper's judge before commit)
enum RowExpressionJudge {
    static func refusal(of expression: String, dialect: DialectName) -> String? {
        let upper = expression.uppercased()
        for word in ["SELECT", "SLEEP", ";", "@", "BENCHMARK", "GET_LOCK", "LOAD_FILE"] where upper.contains(word) { return "contains \(word)" }
        return nil
    }
    static func columnReferences(in expression: String, dialect: DialectName) -> [String] { [] }
}
enum SQLiteRowExpressionCheck {
    static func sqliteRefusal(of expression: String, columns: [String]) -> String? { nil }
}
enum RowExpressionVocabulary {
    static func functions(_ dialect: DialectName) -> Set<String> { ["upper", "lower", "round", "cast", "nullif", "coalesce", "abs"] }
}
