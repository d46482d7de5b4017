import CSQLite

/// One chunk's SQL, as `DatabaseDriver.executeChunk` runs it.
public struct ChunkSQL: Sendable {
    /// The statement that applies the chunk.
    public var apply: String
    /// A read-only statement evaluating every expression over the chunk's rows, for a dialect
    /// that reports bad values only when a SELECT evaluates them (MariaDB); nil when the
    /// applying statement itself fails on them.
    public var evaluation: String?
    public var check: ChunkStatementCheck
}

/// SQLite judges every chunk statement again right before it runs, by its authorizer: the
/// statement may read, call an allow-listed function, and write only the step's target —
/// the columns a backfill sets, or rows of the table a copy fills. The expressions were
/// judged at load; this is the same judgement by the real parser on the real schema, so a
/// statement that means something else here than on the scratch database never runs.
public struct ChunkStatementCheck: Sendable {
    /// What the chunk may write: a table, and for a backfill the columns it sets.
    let table: String
    let updatedColumns: Set<String>?
    /// For a copy that upserts (kept in step by sync triggers): the columns its
    /// `ON CONFLICT DO UPDATE` may set.
    var upsertedColumns: Set<String> = []
    /// The engine's sync triggers of this copy (`SyncTriggers`), by name: SQLite compiles the
    /// triggers a statement fires into it, so their actions reach the authorizer too, named by
    /// trigger. Those are the engine's own statements, not the author's; any other trigger's
    /// actions are judged like the chunk's own.
    var syncTriggers: Set<String> = []

    func refusal(of review: SQLiteStatementReview) -> String? {
        let functions = RowExpressionVocabulary.functions(.sqlite)
        for action in review.actions {
            if action.arguments.count > 3, let trigger = action.arguments[3], syncTriggers.contains(trigger) { continue }
            let first = action.arguments.first ?? nil
            let second = action.arguments.count > 1 ? action.arguments[1] : nil
            switch action.code {
            case SQLITE_SELECT, SQLITE_READ:
                continue
            case SQLITE_FUNCTION:
                guard let name = second?.lowercased(), functions.contains(name) else {
                    return "it calls \(second ?? "a function") , which is not a read-only row function"
                }
            case SQLITE_UPDATE:
                guard first == table, let column = second, (updatedColumns ?? upsertedColumns).contains(column) else {
                    return "it would update \(first ?? "a table").\(second ?? "?"), which the step does not fill"
                }
            case SQLITE_INSERT:
                guard first == table, updatedColumns == nil else { return "it would insert into \(first ?? "a table")" }
            default:
                return "it asks SQLite for action \(action.code), which a data step never needs"
            }
        }
        return nil
    }
}
