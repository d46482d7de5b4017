/// The engine's own tables: the registry, the state row, the audit events and the journal.
///
/// They are declared with the same portable definitions as migrations, so each dialect
/// renders them like any other table, and created idempotently under the migration lock.
struct Bookkeeping {
    let driver: DatabaseDriver
    let prefix: String

    var registryTable: String { prefix + "pet_migrations" }
    var stateTable: String { prefix + "pet_migration_state" }
    var eventsTable: String { prefix + "pet_migration_events" }
    var journalTable: String { prefix + "pet_migration_journal" }

    private static let versionColumn = ColumnDefinition(name: "version", type: .string, length: 32)

    /// Exactly the four columns of the execution model.
    static let registry = TableDefinition(name: "pet_migrations", columns: [
        versionColumn,
        ColumnDefinition(name: "name", type: .string, length: 191),
        ColumnDefinition(name: "applied_at", type: .datetime),
        ColumnDefinition(name: "checksum", type: .string, length: 64),
    ], primaryKey: ["version"])

    static let state = TableDefinition(name: "pet_migration_state", columns: [
        ColumnDefinition(name: "id", type: .integer),
        ColumnDefinition(name: "mode", type: .string, length: 20),
        ColumnDefinition(name: "schema_version", type: .string, length: 32, nullable: true),
        ColumnDefinition(name: "target_version", type: .string, length: 32, nullable: true),
        ColumnDefinition(name: "current_version", type: .string, length: 32, nullable: true),
        ColumnDefinition(name: "current_step", type: .integer, nullable: true),
        ColumnDefinition(name: "last_error", type: .text, nullable: true),
        ColumnDefinition(name: "last_error_kind", type: .string, length: 32, nullable: true),
        ColumnDefinition(name: "last_error_version", type: .string, length: 32, nullable: true),
        ColumnDefinition(name: "last_error_step", type: .integer, nullable: true),
        ColumnDefinition(name: "progress", type: .text, nullable: true),
        ColumnDefinition(name: "started_at", type: .datetime, nullable: true),
        ColumnDefinition(name: "updated_at", type: .datetime),
    ], primaryKey: ["id"])

    static let events = TableDefinition(name: "pet_migration_events", columns: [
        ColumnDefinition(name: "id", type: .bigint, autoIncrement: true),
        ColumnDefinition(name: "occurred_at", type: .datetime),
        ColumnDefinition(name: "event", type: .string, length: 20),
        ColumnDefinition(name: "version", type: .string, length: 32, nullable: true),
        ColumnDefinition(name: "message", type: .text),
    ], primaryKey: ["id"], indexes: [IndexDefinition(name: "version", columns: ["version"])])

    /// What a migration in progress created, so that a failure or a crash can be undone.
    static let journal = TableDefinition(name: "pet_migration_journal", columns: [
        ColumnDefinition(name: "id", type: .bigint, autoIncrement: true),
        versionColumn,
        ColumnDefinition(name: "step", type: .integer),
        ColumnDefinition(name: "object_kind", type: .string, length: 20),
        ColumnDefinition(name: "table_name", type: .string, length: 64),
        ColumnDefinition(name: "object_name", type: .string, length: 64, nullable: true),
        ColumnDefinition(name: "status", type: .string, length: 10),
        ColumnDefinition(name: "recorded_at", type: .datetime),
        ColumnDefinition(name: "attempt", type: .string, length: 191, nullable: true),
    ], primaryKey: ["id"])

    /// Added to the journal after its first release: which attempt wrote each row.
    private static let journalAttempt = journal.columns.last!

    /// Creates the engine's tables that are missing (under the migration lock), and adds the
    /// journal's `attempt` column to a journal from before it existed.
    func ensureTables(_ catalog: SchemaCatalog) throws(DatabaseError) {
        for table in [Self.registry, Self.state, Self.events, Self.journal] where !(try catalog.tableExists(prefix + table.name)) {
            for statement in driver.createTableStatements(table, physicalName: prefix + table.name, ifNotExists: true) {
                try driver.execute(statement)
            }
            catalog.didCreateTable(prefix + table.name, columns: table.columns.map(\.name),
                                   indexes: table.indexes.map { driver.physicalIndexName($0.name, table: prefix + table.name) })
        }
        if !(try catalog.columnNames(of: journalTable).contains(Self.journalAttempt.name)) {
            try driver.execute(driver.addColumnStatement(Self.journalAttempt, table: journalTable))
            catalog.didAddColumn(Self.journalAttempt.name, to: journalTable)
        }
    }

    func insertState(_ state: MigrationState) throws(DatabaseError) {
        try driver.execute("INSERT INTO \(q(stateTable)) (id, mode, updated_at) VALUES (1, ?, ?)", [.text(state.mode.rawValue), .text(Clock.now())])
    }

    /// What every activation reads first: the registry, the state row and whether the
    /// journal holds anything — in one round trip once the engine's tables exist.
    struct Overview {
        var applied: [AppliedMigration]
        var state: MigrationState?
        var hasJournal: Bool
    }

    func overview() throws(DatabaseError) -> Overview {
        let rows: [[SQLValue]]
        do {
            rows = try driver.query("""
                SELECT 'r', version, name, applied_at, checksum, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM \(q(registryTable))
                UNION ALL
                SELECT 's', \(Self.stateColumns) FROM \(q(stateTable)) WHERE id = 1
                UNION ALL
                SELECT 'j', COUNT(*), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM \(q(journalTable))
                """)
        } catch where error.kind == .missingTable {
            // Before the first activation: some of the tables do not exist yet.
            return Overview(applied: try appliedMigrations(), state: try state(),
                            hasJournal: !(try driver.queryIfTableExists("SELECT 1 FROM \(q(journalTable)) LIMIT 1")).isEmpty)
        }
        var overview = Overview(applied: [], state: nil, hasJournal: false)
        for row in rows {
            switch row[0].text {
            case "r": overview.applied.append(Self.appliedMigration(Array(row[1...4])))
            case "s": overview.state = Self.migrationState(Array(row[1...]))
            default: overview.hasJournal = (row[1].integer ?? 0) > 0
            }
        }
        overview.applied.sort { $0.version < $1.version }
        return overview
    }

    private func q(_ name: String) -> String { driver.quoteIdentifier(name) }

    // MARK: Registry

    /// The applied migrations; none when the registry does not exist yet.
    func appliedMigrations() throws(DatabaseError) -> [AppliedMigration] {
        try driver.queryIfTableExists("SELECT version, name, applied_at, checksum FROM \(q(registryTable)) ORDER BY version").map(Self.appliedMigration)
    }

    private static func appliedMigration(_ row: [SQLValue]) -> AppliedMigration {
        AppliedMigration(version: row[0].text ?? "", name: row[1].text ?? "", appliedAt: row[2].text ?? "", checksum: row[3].text ?? "")
    }

    func register(_ record: AppliedMigration) throws(DatabaseError) {
        try driver.execute("INSERT INTO \(q(registryTable)) (version, name, applied_at, checksum) VALUES (?, ?, ?, ?)",
                           [.text(record.version), .text(record.name), .text(record.appliedAt), .text(record.checksum)])
    }

    // MARK: State

    private static let stateColumns = """
        mode, schema_version, target_version, current_version, current_step, last_error, last_error_kind,
        last_error_version, last_error_step, progress, started_at, updated_at
        """

    func state() throws(DatabaseError) -> MigrationState? {
        try driver.queryIfTableExists("SELECT \(Self.stateColumns) FROM \(q(stateTable)) WHERE id = 1").first.map(Self.migrationState)
    }

    private static func migrationState(_ row: [SQLValue]) -> MigrationState {
        MigrationState(
            mode: MigrationState.Mode(rawValue: row[0].text ?? "") ?? .maintenance,
            schemaVersion: row[1].text, targetVersion: row[2].text, currentVersion: row[3].text,
            currentStep: row[4].integer.map { Int($0) }, lastError: row[5].text, lastErrorKind: row[6].text,
            lastErrorVersion: row[7].text, lastErrorStep: row[8].integer.map { Int($0) }, progress: row[9].text,
            startedAt: row[10].text, updatedAt: row[11].text)
    }

    func write(_ state: MigrationState) throws(DatabaseError) {
        try driver.execute("""
            UPDATE \(q(stateTable)) SET mode = ?, schema_version = ?, target_version = ?, current_version = ?, current_step = ?,
                   last_error = ?, last_error_kind = ?, last_error_version = ?, last_error_step = ?, progress = ?, started_at = ?, updated_at = ?
            WHERE id = 1
            """, [
                .text(state.mode.rawValue), sql(state.schemaVersion), sql(state.targetVersion), sql(state.currentVersion),
                sql(state.currentStep), sql(state.lastError), sql(state.lastErrorKind), sql(state.lastErrorVersion),
                sql(state.lastErrorStep), sql(state.progress), sql(state.startedAt), .text(Clock.now()),
            ])
    }

    private func sql(_ value: String?) -> SQLValue { value.map(SQLValue.text) ?? .null }
    private func sql(_ value: Int?) -> SQLValue { value.map { .integer(Int64($0)) } ?? .null }

    // MARK: Events

    func record(_ event: MigrationEvent.Kind, version: String?, message: String) throws(DatabaseError) {
        try driver.execute("INSERT INTO \(q(eventsTable)) (occurred_at, event, version, message) VALUES (?, ?, ?, ?)",
                           [.text(Clock.now()), .text(event.rawValue), sql(version), .text(message)])
    }

    func recentEvents(limit: Int) throws(DatabaseError) -> [MigrationEvent] {
        return try driver.queryIfTableExists("SELECT id, occurred_at, event, version, message FROM \(q(eventsTable)) ORDER BY id DESC LIMIT \(max(1, limit))").map { row in
            MigrationEvent(id: row[0].integer ?? 0, occurredAt: row[1].text ?? "", kind: row[2].text ?? "", version: row[3].text, message: row[4].text ?? "")
        }
    }
}

/// The single row of `pet_migration_state`: where the schema stands and what went wrong last.
public struct MigrationState: Equatable, Sendable {
    public enum Mode: String, Sendable {
        case ready, migrating, background, maintenance
    }

    public var mode: Mode
    public var schemaVersion: String?
    public var targetVersion: String?
    public var currentVersion: String?
    public var currentStep: Int?
    public var lastError: String?
    public var lastErrorKind: String?
    public var lastErrorVersion: String?
    public var lastErrorStep: Int?
    public var progress: String?
    public var startedAt: String?
    public var updatedAt: String?

    public init(mode: Mode, schemaVersion: String? = nil, targetVersion: String? = nil, currentVersion: String? = nil,
                currentStep: Int? = nil, lastError: String? = nil, lastErrorKind: String? = nil, lastErrorVersion: String? = nil,
                lastErrorStep: Int? = nil, progress: String? = nil, startedAt: String? = nil, updatedAt: String? = nil) {
        self.mode = mode
        self.schemaVersion = schemaVersion
        self.targetVersion = targetVersion
        self.currentVersion = currentVersion
        self.currentStep = currentStep
        self.lastError = lastError
        self.lastErrorKind = lastErrorKind
        self.lastErrorVersion = lastErrorVersion
        self.lastErrorStep = lastErrorStep
        self.progress = progress
        self.startedAt = startedAt
        self.updatedAt = updatedAt
    }
}

/// One row of the append-only audit log.
public struct MigrationEvent: Equatable, Sendable {
    public enum Kind: String, Sendable {
        case started, completed, failed, compensated, resumed, progress, cutover
    }

    public var id: Int64
    public var occurredAt: String
    public var kind: String
    public var version: String?
    public var message: String
}
