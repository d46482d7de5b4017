/// `pet_migration_state`: the single row every host reads to know whether PET may work.
extension Bookkeeping {
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

    /// The progress of background work, in the transaction of the chunk it describes.
    func writeProgress(_ progress: String?) throws(DatabaseError) {
        try driver.execute("UPDATE \(q(stateTable)) SET mode = ?, progress = ?, updated_at = ? WHERE id = 1",
                           [.text(MigrationState.Mode.background.rawValue), sql(progress), .text(Clock.now())])
    }

    func insertState(_ state: MigrationState) throws(DatabaseError) {
        try driver.execute("INSERT INTO \(q(stateTable)) (id, mode, updated_at) VALUES (1, ?, ?)", [.text(state.mode.rawValue), .text(Clock.now())])
    }

    static let stateColumns = """
        mode, schema_version, target_version, current_version, current_step, last_error, last_error_kind,
        last_error_version, last_error_step, progress, started_at, updated_at
        """

    func state() throws(DatabaseError) -> MigrationState? {
        try driver.queryIfTableExists("SELECT \(Self.stateColumns) FROM \(q(stateTable)) WHERE id = 1").first.map(Self.migrationState)
    }

    static func migrationState(_ row: [SQLValue]) -> MigrationState {
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

