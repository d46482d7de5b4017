/// The declarative data steps: they fill new structures from existing rows, alongside the old
/// ones, in chunks by the source's primary key, in the background (`BackgroundRunner`). They
/// never write the source: a `backfill` sets only columns the set created, a `copy_rows`
/// inserts only into a table the set created.

/// One column a data step writes, and the expression (per dialect, over one source row) that
/// gives its value.
public struct ColumnMapping: Equatable, Sendable {
    public var column: String
    public var value: DialectSQL

    public init(column: String, value: DialectSQL) {
        self.column = column
        self.value = value
    }
}

/// `backfill`: sets new columns of a table from expressions over the same row, optionally only
/// for rows matching a condition.
public struct BackfillStep: Equatable, Sendable {
    public var table: String
    /// Sorted by column: the order of a JSON object means nothing.
    public var assignments: [ColumnMapping]
    public var condition: DialectSQL?

    public init(table: String, assignments: [ColumnMapping], condition: DialectSQL? = nil) {
        self.table = table
        self.assignments = assignments.sorted { $0.column < $1.column }
        self.condition = condition
    }
}

/// `copy_rows`: populates a new table from an existing one, one target row per source row
/// (that matches the condition), each target column computed from the source row.
///
/// With a `cutover` flag the copy is the first phase of moving to the new table: the engine
/// keeps the target in step with every later write to the source (`SyncTriggers`), verifies
/// it (`Verification`), and an operator switches the flag (`Cutover`); while the switch can
/// be undone, writes to the target reach the source through `reverse`.
public struct CopyRowsStep: Equatable, Sendable {
    public var source: String
    public var target: String
    /// Sorted by column.
    public var columns: [ColumnMapping]
    public var condition: DialectSQL?
    /// The name of the cut-over flag this copy prepares; nil for a one-off copy.
    public var cutover: String?
    /// Source columns computed from a target row, written to the source by the reverse sync
    /// after the cut-over, beyond the plain renames `columns` already implies. Sorted.
    public var reverse: [ColumnMapping]

    public init(source: String, target: String, columns: [ColumnMapping], condition: DialectSQL? = nil,
                cutover: String? = nil, reverse: [ColumnMapping] = []) {
        self.source = source
        self.target = target
        self.columns = columns.sorted { $0.column < $1.column }
        self.condition = condition
        self.cutover = cutover
        self.reverse = reverse.sorted { $0.column < $1.column }
    }

    /// The target columns copied unchanged from a source column (`"id": "id"`), as
    /// (target, source): the pairs the reverse sync writes back without being told.
    public var plainCopies: [(target: String, source: String)] {
        columns.compactMap { mapping in
            guard let source = mapping.value.plainColumn else { return nil }
            return (mapping.column, source)
        }
    }

    /// Every source column the reverse sync writes, with its expression over the target row:
    /// the plain copies turned round, then `reverse` (which wins for a column in both).
    public var reverseMappings: [ColumnMapping] {
        var byColumn: [String: ColumnMapping] = [:]
        for pair in plainCopies where byColumn[pair.source] == nil {
            byColumn[pair.source] = ColumnMapping(column: pair.source, value: DialectSQL(sqlite: pair.target, mariadb: pair.target))
        }
        for mapping in reverse { byColumn[mapping.column] = mapping }
        return byColumn.values.sorted { $0.column < $1.column }
    }
}

extension DialectSQL {
    /// The column this expression names when it is nothing but one column name, the same on
    /// both dialects (`"id"`, or `` `id` `` / `"id"` quoted); nil for anything computed.
    var plainColumn: String? {
        func bare(_ text: String) -> String? {
            var name = Substring(text)
            while let first = name.first, first.isWhitespace { name.removeFirst() }
            while let last = name.last, last.isWhitespace { name.removeLast() }
            if name.count >= 2, let first = name.first, first == "`" || first == "\"", name.last == first {
                name = name.dropFirst().dropLast()
            }
            return Identifier.problem(with: String(name)) == nil ? String(name) : nil
        }
        guard let sqlite = bare(self.sqlite), let mariadb = bare(self.mariadb), sqlite == mariadb else { return nil }
        return sqlite
    }
}

/// What PET must not do while a migration's data work is still running, declared by the
/// migration (`"gates"`), carried in the state so that hosts block exactly that.
public enum PendingWorkGate: String, Sendable, CaseIterable, Comparable {
    /// Nothing: the old structures serve everything until the work is done.
    case nothing
    /// PET's writes (its forms, actions and writing REST routes); reads go on.
    case writes
    /// Every PET feature, as in maintenance mode.
    case everything

    private var severity: Int {
        switch self {
        case .nothing: return 0
        case .writes: return 1
        case .everything: return 2
        }
    }

    public static func < (lhs: PendingWorkGate, rhs: PendingWorkGate) -> Bool { lhs.severity < rhs.severity }
}
