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
public struct CopyRowsStep: Equatable, Sendable {
    public var source: String
    public var target: String
    /// Sorted by column.
    public var columns: [ColumnMapping]
    public var condition: DialectSQL?

    public init(source: String, target: String, columns: [ColumnMapping], condition: DialectSQL? = nil) {
        self.source = source
        self.target = target
        self.columns = columns.sorted { $0.column < $1.column }
        self.condition = condition
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
