/// The progress of background work as the state row carries it (`progress`, JSON text), so
/// every host reads the same figures: rows done and estimated, rate, ETA, the current key,
/// why it is paused, and what the migration gates meanwhile.
struct ProgressSummary {
    let item: DataWorkItem
    let migration: Migration?

    var value: JSONValue {
        var members: [String: JSONValue] = [
            "version": .string(item.version), "migration": .optional(migration?.identifier ?? item.migration), "step": .integer(item.step),
            "op": .string(item.op), "source": .string(item.sourceTable), "target": .string(item.targetTable),
            "status": .string(item.status.rawValue), "paused": .bool(item.paused), "throttle": .optional(item.throttle),
            "gates": .string(item.gates.rawValue), "rows_done": .integer(Int(item.rowsDone)),
            "rows_written": .integer(Int(item.rowsWritten)), "rows_estimated": .optional(item.rowsEstimated.map { Int($0) }),
            "current_key": .optional(item.cursorKey), "last_key": .optional(item.upperKey), "chunk_size": .optional(item.chunkSize),
            "last_error": .optional(item.lastError), "started_at": .optional(item.startedAt), "updated_at": .optional(item.updatedAt),
            "finished_at": .optional(item.finishedAt),
        ]
        members["rows_per_second"] = item.rowsPerSecond.map { .integer(Int($0.rounded())) } ?? .null
        members["eta_seconds"] = item.etaSeconds.map { .integer(Int($0.rounded(.up))) } ?? .null
        members["percent"] = item.rowsEstimated.map { estimate in
            .integer(item.status == .done ? 100 : estimate > 0 ? min(99, Int(item.rowsDone * 100 / estimate)) : 0)
        } ?? .null
        return .object(members)
    }

    var json: String { JSONWriter.serialize(value) }
}
