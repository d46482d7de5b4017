/// One operator's switch of a cut-over flag, refused with the reason while it would lose
/// writes: the copy must be done, verified since the sync last started, and the sync in
/// place on the server right now.
///
/// - `on` (for a share of keys): creates the reverse sync first, so that from the moment a
///   host reads the flag on and writes the new table, its writes also reach the old one;
/// - `off`: the share goes to 0; both syncs stay, so writes still in flight to either table
///   reach the other;
/// - `finalize` (only when fully on): drops the engine's triggers and ends the window; both
///   tables stay, the old one as it was at that moment.
///
/// Every switch first asks the server whether the sync is whole (`SyncTriggers.ensure`): a
/// gap in the reverse sync while on means the old table may lack writes, so `off` is refused
/// (the new table stays authoritative); a gap in the forward sync means the new one may, so
/// `on` and `finalize` are refused until the flag is off and verified again.
///
/// Every switch is one event naming who asked; the DDL comes first and is idempotent, the
/// flag's row and the event commit together, so a process killed at any point leaves the
/// flag as it was (with, at most, a trigger that the next switch would create anyway).
struct CutoverSwitch {
    let set: MigrationSet
    let driver: DatabaseDriver
    let bookkeeping: Bookkeeping
    let status: CutoverStatus
    let request: CutoverRequest

    func run() throws -> (ResultCode, String) {
        var record = status.record
        let flag = record.flag
        if record.finalizedAt != nil {
            return request.action == .finalize
                ? (.ok, "Cut-over \(flag) was finalized on \(record.finalizedAt ?? "")\(record.switchedBy.map { " by \($0)" } ?? ""); nothing to do.")
                : (.config, "Cut-over \(flag) is finalized: the old table \(record.sourceTable) no longer receives writes, so the flag cannot be switched any more.")
        }
        let key = try driver.primaryKey(of: record.sourceTable)
        guard key.count == 1, let sync = SyncTriggers(record: record, set: set, driver: driver, prefix: bookkeeping.prefix, sourceKey: key[0].name) else {
            return (.config, "Cut-over \(flag): the migration files no longer declare its copy_rows step (\(record.version) step \(record.step)) with a key copied from \(record.sourceTable)'s primary key.")
        }
        // Every switch first asks the server whether the sync is whole: a gap decides what is
        // still safe (see each action).
        let gap = try sync.ensure(&record, bookkeeping: bookkeeping)
        switch request.action {
        case .on: return try switchOn(&record, sync: sync, gap: gap)
        case .off: return try switchOff(&record, gap: gap)
        case .finalize: return try finalize(&record, sync: sync, gap: gap)
        }
    }

    private func switchOn(_ record: inout CutoverRecord, sync: SyncTriggers, gap: SyncGap) throws -> (ResultCode, String) {
        let flag = record.flag
        if status.phase == .copying {
            return (.pending, "Cut-over \(flag) is refused: the copy into \(record.targetTable) is still running; `pet-migrate resume` finishes it, then `pet-migrate verify`.")
        }
        if gap.any {
            let next = record.percent > 0 ? "switch it off (`pet-migrate cutover \(flag) off`), verify (`pet-migrate verify \(flag)`), then on again" : "run `pet-migrate verify \(flag)` again"
            return (.pending, "Cut-over \(flag) is refused: the sync triggers were missing (now recreated), so writes may not have reached \(gap.forward ? record.targetTable : record.sourceTable); \(next).")
        }
        if !record.isVerified {
            let why = record.verifyProblem.map { "verification failed: \($0)" }
                ?? (record.verifyStartedAt != nil ? "verification has not finished (\(record.rangesChecked) ranges checked so far)" : "\(record.targetTable) has not been verified against \(record.sourceTable)")
            return (.pending, "Cut-over \(flag) is refused: \(why); `pet-migrate verify \(flag)` checks and repairs it.")
        }
        if let problem = try reverseSyncProblem(sync) {
            return (.config, "Cut-over \(flag) is refused: writes to \(record.targetTable) could not reach \(record.sourceTable): \(problem).")
        }
        if record.sync != .both {
            try sync.create(.reverse)
            record.sync = .both
        }
        let before = record.percent
        record.percent = request.percent
        record.switchedAt = Clock.now()
        record.switchedBy = request.actor
        let message = "Cut-over \(flag) switched on for \(request.percent == 100 ? "all keys" : "\(request.percent) % of keys") (was \(before == 0 ? "off" : "\(before) %")) by \(request.actor). Writes to \(record.targetTable) reach \(record.sourceTable) until `finalize`; `cutover \(flag) off` switches back."
        try commit(record, message: message)
        return (.ok, message)
    }

    private func switchOff(_ record: inout CutoverRecord, gap: SyncGap) throws -> (ResultCode, String) {
        let flag = record.flag
        guard record.percent > 0 else { return (.ok, "Cut-over \(flag) is already off.") }
        if gap.reverse {
            // Writes made to the new table in the gap are not in the old one: switching back
            // would hide them from the site. The new table stays authoritative.
            return (.config, "Cut-over \(flag) is not switched off: the reverse sync was missing (now recreated), so writes made to \(record.targetTable) meanwhile may not be in \(record.sourceTable), and switching back would hide them. It stays on; compare the tables for the rows written since \(record.syncSince ?? "the sync started") before switching back.")
        }
        record.percent = 0
        record.switchedAt = Clock.now()
        record.switchedBy = request.actor
        let message = "Cut-over \(flag) switched off by \(request.actor): reads and writes go to \(record.sourceTable) again, which holds every write made to \(record.targetTable) meanwhile."
        try commit(record, message: message)
        return (.ok, message)
    }

    private func finalize(_ record: inout CutoverRecord, sync: SyncTriggers, gap: SyncGap) throws -> (ResultCode, String) {
        let flag = record.flag
        if gap.forward {
            return (.pending, "Cut-over \(flag) is not finalized: the forward sync was missing (now recreated), so writes made to \(record.sourceTable) meanwhile may not be in \(record.targetTable); switch it off, verify, switch it on, then finalize.")
        }
        guard record.percent == 100 else {
            return (.config, "Cut-over \(flag) cannot be finalized while it is \(record.percent == 0 ? "off" : "on for \(record.percent) % of keys"): switch it fully on (`pet-migrate cutover \(flag) on`) and finalize once the new path has proven itself.")
        }
        try sync.dropAll()
        record.sync = .removed
        record.finalizedAt = Clock.now()
        record.switchedAt = record.finalizedAt
        record.switchedBy = request.actor
        let message = "Cut-over \(flag) finalized by \(request.actor): the sync triggers are removed; \(record.targetTable) alone receives writes from now on, and \(record.sourceTable) stays as it was (nothing is dropped)."
        try commit(record, message: message)
        return (.ok, message)
    }

    private func commit(_ record: CutoverRecord, message: String) throws {
        try driver.begin()
        do {
            try bookkeeping.update(record)
            try bookkeeping.record(.cutover, version: record.version, message: message)
            try driver.commit()
        } catch {
            try? driver.rollback()
            throw error
        }
    }

    /// Whether the reverse sync can write the old table: its expressions resolve, and every
    /// column of the old table that needs a value (NOT NULL, no default, not generated) gets
    /// one — else a row inserted into the new table would fail the site's insert.
    private func reverseSyncProblem(_ sync: SyncTriggers) throws -> String? {
        let mappings = sync.copy.reverseMappings
        let values = mappings.map { "(\($0.value.text(for: driver.dialect)))" }.joined(separator: ", ")
        do {
            _ = try driver.query("SELECT \(values) FROM \(driver.quoteIdentifier(sync.targetTable)) WHERE 1 = 0")
        } catch {
            return "the reverse expressions do not resolve on \(sync.targetTable): \(error.message)"
        }
        let written = Set(mappings.map(\.column))
        let unmapped = try driver.columnsRequiringValue(of: sync.sourceTable).filter { !written.contains($0) }
        guard unmapped.isEmpty else {
            return "\(sync.sourceTable).\(unmapped.joined(separator: ", ")) \(unmapped.count == 1 ? "is" : "are") NOT NULL without a default and not written by the reverse sync; add \(unmapped.count == 1 ? "it" : "them") to \"reverse\" in the copy_rows step (an expression over the new table's row)"
        }
        return nil
    }
}
