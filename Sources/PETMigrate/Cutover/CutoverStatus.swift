/// A cut-over flag as reports carry it (`cutovers`, and `flags` for hosts to cache): its
/// phase, its share, what verification found and who switched it last.
public struct CutoverStatus: Sendable {
    public var record: CutoverRecord
    public var phase: CutoverRecord.Phase
    /// The migration's `gates`, which hold while the copy runs; nothing after it.
    public var gates: PendingWorkGate
    /// The sync triggers the server does not have, though the flag's row says they exist
    /// (read-only: the next verify or switch recreates them and says what that means).
    public var missingTriggers: [String] = []

    /// The share a host applies: what the operator set, once it is cut over (0 before).
    public var effectivePercent: Int {
        phase == .cutOver || phase == .finalized ? record.percent : 0
    }

    var json: JSONValue {
        [
            "flag": .string(record.flag), "version": .string(record.version), "step": .integer(record.step),
            "source_table": .string(record.sourceTable), "target_table": .string(record.targetTable),
            "phase": .string(phase.rawValue), "percent": .integer(effectivePercent),
            "gates": .string(phase == .copying ? gates.rawValue : PendingWorkGate.nothing.rawValue),
            "sync": .string(record.sync.rawValue), "sync_since": .optional(record.syncSince),
            "sync_missing": .array(missingTriggers.map(JSONValue.string)),
            "verification": [
                "passed": .bool(record.isVerified), "verified_at": .optional(record.verifiedAt),
                "started_at": .optional(record.verifyStartedAt),
                "in_progress": .bool(record.verifyStartedAt != nil && record.verifiedAt == nil && record.verifyProblem == nil),
                "ranges_checked": .integer(Int(truncatingIfNeeded: record.rangesChecked)),
                "mismatches_found": .integer(Int(truncatingIfNeeded: record.mismatchesFound)),
                "mismatches_repaired": .integer(Int(truncatingIfNeeded: record.mismatchesRepaired)),
                "problem": .optional(record.verifyProblem),
            ],
            "switched_at": .optional(record.switchedAt), "switched_by": .optional(record.switchedBy),
            "finalized_at": .optional(record.finalizedAt),
        ]
    }
}

extension Bookkeeping {
    /// Every flag with its phase, given the data work (whose `done` ends the copy).
    func cutoverStatuses() throws(DatabaseError) -> [CutoverStatus] {
        let records = try cutovers()
        guard !records.isEmpty else { return [] }
        let unfinished = try unfinishedWork()
        return try records.map { record throws(DatabaseError) in
            let item = unfinished.first { $0.version == record.version && $0.step == record.step }
            var status = CutoverStatus(record: record, phase: record.phase(copyDone: item == nil), gates: item?.gates ?? .nothing)
            let directions: [SyncTriggers.Direction] = record.sync == .forward ? [.forward] : record.sync == .both ? [.forward, .reverse] : []
            let expected = directions.flatMap { direction in
                SyncTriggers.Event.allCases.map { SyncTriggers.name(direction, $0, prefix: prefix, flag: record.flag) }
            }
            if !expected.isEmpty { status.missingTriggers = try SyncTriggers.missing(expected, driver: driver) }
            return status
        }
    }
}
