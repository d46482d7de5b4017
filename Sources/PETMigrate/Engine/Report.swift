/// The result codes of the C ABI, the CLI's exit codes and the PHP side's constants.
public enum ResultCode: Int32, Sendable, CaseIterable {
    case ok = 0
    case pending = 1
    case locked = 2
    case maintenance = 3
    case invalid = 4
    case config = 5

    public var name: String {
        switch self {
        case .ok: return "PET_OK"
        case .pending: return "PET_PENDING"
        case .locked: return "PET_LOCKED"
        case .maintenance: return "PET_MAINTENANCE"
        case .invalid: return "PET_INVALID"
        case .config: return "PET_CONFIG"
        }
    }
}

/// What the engine tells its host after every call: a result code, one actionable sentence,
/// and the facts behind it. Serialized as the JSON report of `include/pet_migrate.h`.
public struct Report: Sendable {
    public struct Problem: Sendable, Equatable {
        public var kind: String
        public var file: String?
        public var version: String?
        public var step: Int?
        public var reason: String
    }

    public var result: ResultCode
    public var message: String
    public var mode: MigrationState.Mode?
    public var schemaVersion: String?
    public var targetVersion: String?
    public var applied: [AppliedMigration] = []
    /// Whether the JSON carries `applied` in full (config `report_applied`); `applied_count`
    /// is always there. A host that only needs the schema version (the plugin's activation
    /// and upgrade checks) leaves the list out: with hundreds of migrations, encoding and
    /// decoding it costs more than the database round trip.
    public var listsApplied = true
    public var pending: [(version: String, name: String)] = []
    public var newlyApplied: [String] = []
    /// The first problem: what failed, where and why.
    public var error: Problem?
    /// Every problem found (an invalid set may have several).
    public var problems: [Problem] = []
    public var events: [MigrationEvent]?
    /// The state row as the engine left it (or found it, for status).
    public var state: MigrationState?
    /// The data steps not finished yet and the most recently finished ones.
    public var work: [DataWorkItem] = []
    /// What PET must not do while background work remains (the strictest gate of any
    /// unfinished data step), or nil when none remains.
    public var gates: PendingWorkGate?
    /// Every cut-over flag and its phase; hosts cache `flags` from it to read a flag without
    /// a query.
    public var cutovers: [CutoverStatus] = []

    public init(result: ResultCode, message: String) {
        self.result = result
        self.message = message
    }

    public var json: JSONValue {
        var members: [String: JSONValue] = [
            "result": .integer(Int(result.rawValue)),
            "result_name": .string(result.name),
            "message": .string(message),
            "mode": .optional(mode?.rawValue),
            "schema_version": .optional(schemaVersion),
            "target_version": .optional(targetVersion),
            "applied": listsApplied ? .array(applied.map { ["version": .string($0.version), "name": .string($0.name), "applied_at": .string($0.appliedAt), "checksum": .string($0.checksum)] }) : .null,
            "applied_count": .integer(applied.count),
            "pending": .array(pending.map { ["version": .string($0.version), "name": .string($0.name)] }),
            "newly_applied": .array(newlyApplied.map(JSONValue.string)),
            "error": error.map(Self.json) ?? .null,
            "problems": .array(problems.map(Self.json)),
            "engine_version": .string(PETMigrateVersion.string),
            "work": .array(work.map { ProgressSummary(item: $0, migration: nil).value }),
            "gates": .optional(gates?.rawValue),
            "cutovers": .array(cutovers.map(\.json)),
            "flags": .object(Dictionary(uniqueKeysWithValues: cutovers.map { ($0.record.flag, JSONValue.integer($0.effectivePercent)) })),
        ]
        if let events {
            members["events"] = .array(events.map {
                ["id": .integer(Int(truncatingIfNeeded: $0.id)), "at": .string($0.occurredAt), "event": .string($0.kind), "version": .optional($0.version), "message": .string($0.message)]
            })
        }
        if let state {
            members["state"] = [
                "mode": .string(state.mode.rawValue), "schema_version": .optional(state.schemaVersion),
                "target_version": .optional(state.targetVersion), "current_version": .optional(state.currentVersion),
                "current_step": .optional(state.currentStep), "last_error": .optional(state.lastError),
                "last_error_kind": .optional(state.lastErrorKind), "last_error_version": .optional(state.lastErrorVersion),
                "last_error_step": .optional(state.lastErrorStep), "progress": .optional(state.progress),
                "started_at": .optional(state.startedAt), "updated_at": .optional(state.updatedAt),
            ]
        }
        return .object(members)
    }

    private static func json(_ problem: Problem) -> JSONValue {
        ["kind": .string(problem.kind), "file": .optional(problem.file), "version": .optional(problem.version),
         "step": .optional(problem.step), "reason": .string(problem.reason)]
    }
}

extension Report.Problem {
    init(_ problem: MigrationProblem) {
        self.init(kind: problem.kind.rawValue, file: problem.file, version: problem.version, step: problem.step, reason: problem.reason)
    }
}

public enum PETMigrateVersion {
    public static let string = "0.1.0"
}
