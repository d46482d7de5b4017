/// The portable column types a migration may use. Each dialect maps them to its own types,
/// so one migration file serves SQLite and MariaDB alike.
public enum PortableType: String, CaseIterable, Sendable {
    case integer, bigint, string, text, decimal, boolean, datetime, date, json, blob, double

    /// Types whose values may be indexed directly (long texts and blobs need prefix lengths,
    /// which would make the index mean different things per dialect).
    var isIndexable: Bool {
        switch self {
        case .text, .json, .blob: return false
        default: return true
        }
    }
}

/// A literal default value of a column, as the migration wrote it.
public enum ColumnDefault: Equatable, Sendable {
    case string(String)
    /// Every digit kept: `decimal(30,20)` tells `1` from `1.00000000000000000001`.
    case number(DecimalNumber)
    case bool(Bool)
    /// Written explicitly as `"default": null` (on a nullable column). It means what no
    /// default means; it is kept only so that the legacy checksum of files released before
    /// 0.2 can still be computed (see `LegacyCanonicalForm`).
    case null
}

public struct ColumnDefinition: Equatable, Sendable {
    public var name: String
    public var type: PortableType
    /// Characters, for `string` only.
    public var length: Int?
    /// Digits in all and after the point, for `decimal` only.
    public var precision: Int?
    public var scale: Int?
    /// Columns are NOT NULL unless the migration says otherwise: a NULL is a decision.
    public var nullable: Bool
    public var defaultValue: ColumnDefault?
    public var autoIncrement: Bool

    /// The default that changes the column's meaning: an explicit null on a nullable column
    /// is what every nullable column has anyway, so it is no default at all. The DDL and
    /// the checksum use this, so writing `"default": null` or leaving it out is the same.
    public var effectiveDefault: ColumnDefault? {
        defaultValue == .null && nullable ? nil : defaultValue
    }

    public init(name: String, type: PortableType, length: Int? = nil, precision: Int? = nil, scale: Int? = nil,
                nullable: Bool = false, defaultValue: ColumnDefault? = nil, autoIncrement: Bool = false) {
        self.name = name
        self.type = type
        self.length = length
        self.precision = precision
        self.scale = scale
        self.nullable = nullable
        self.defaultValue = defaultValue
        self.autoIncrement = autoIncrement
    }
}

public struct IndexDefinition: Equatable, Sendable {
    public var name: String
    public var columns: [String]
    public var unique: Bool

    public init(name: String, columns: [String], unique: Bool = false) {
        self.name = name
        self.columns = columns
        self.unique = unique
    }
}

public struct TableDefinition: Equatable, Sendable {
    /// The logical name, without the site prefix.
    public var name: String
    public var columns: [ColumnDefinition]
    public var primaryKey: [String]
    public var indexes: [IndexDefinition]

    public init(name: String, columns: [ColumnDefinition], primaryKey: [String], indexes: [IndexDefinition] = []) {
        self.name = name
        self.columns = columns
        self.primaryKey = primaryKey
        self.indexes = indexes
    }
}

/// How the engine tells that a raw SQL step has already taken effect, so a re-run skips it.
public enum AppliedCondition: Equatable, Sendable {
    case tableExists(table: String)
    case columnExists(table: String, column: String)
    case indexExists(table: String, index: String)
    /// A query per dialect; the step counts as applied when it returns at least one row.
    case rowExists(query: DialectSQL)
}

/// SQL text per dialect. `{prefix}` in the text stands for the site's table prefix.
public struct DialectSQL: Equatable, Sendable {
    public var sqlite: String
    public var mariadb: String

    public init(sqlite: String, mariadb: String) {
        self.sqlite = sqlite
        self.mariadb = mariadb
    }

    public func text(for dialect: DialectName) -> String {
        switch dialect {
        case .sqlite: return sqlite
        case .mariadb: return mariadb
        }
    }
}

public enum DialectName: String, Sendable, CaseIterable {
    case sqlite, mariadb
}

/// One declarative step of a migration. There is deliberately no drop, rename, truncate,
/// delete or type change: reverting behaviour is a new migration, never a destructive one.
public enum MigrationStep: Equatable, Sendable {
    case createTable(TableDefinition)
    case addColumn(table: String, column: ColumnDefinition)
    case addIndex(table: String, index: IndexDefinition)
    case sql(DialectSQL, appliedIf: AppliedCondition)
    case backfill(BackfillStep)
    case copyRows(CopyRowsStep)

    /// The `op` as written in migration files.
    public var op: String {
        switch self {
        case .createTable: return "create_table"
        case .addColumn: return "add_column"
        case .addIndex: return "add_index"
        case .sql: return "sql"
        case .backfill: return "backfill"
        case .copyRows: return "copy_rows"
        }
    }

    /// A `sql` step detected by a query: it writes rows, it does not change the schema.
    public var isDataStep: Bool {
        if case .sql(_, .rowExists) = self { return true }
        return false
    }

    /// A `backfill` or `copy_rows`: queued when its migration is applied and run in chunks
    /// in the background, not inside the activating request.
    public var isBackgroundStep: Bool {
        switch self {
        case .backfill, .copyRows: return true
        default: return false
        }
    }

    /// The logical table the step works on (a data step: the table it writes), if it names one.
    public var table: String? {
        switch self {
        case .createTable(let definition): return definition.name
        case .addColumn(let table, _), .addIndex(let table, _): return table
        case .backfill(let step): return step.table
        case .copyRows(let step): return step.target
        case .sql: return nil
        }
    }
}
