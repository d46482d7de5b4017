/// The sentences the engine says to people, in one place, so that the CLI, the PHP side and
/// the audit log word the same facts the same way.
enum Sentences {
    static func plural(_ count: Int, _ noun: String) -> String {
        "\(count) \(noun)\(count == 1 ? "" : "s")"
    }

    // MARK: Activation and status

    static func nothingToDo(schema: String?) -> String {
        "The schema is at version \(schema ?? "none"); nothing to do."
    }

    static func applied(_ count: Int, schema: String) -> String {
        "Applied \(plural(count, "migration")); the schema is at version \(schema)."
    }

    static func leftMaintenance(schema: String) -> String {
        "Nothing was pending; PET left maintenance mode and the schema is at version \(schema)."
    }

    static func notRun(_ refusal: String) -> String {
        "Nothing was run: \(refusal)."
    }

    static func lockWaitedOut(seconds: Int) -> String {
        "Another process is migrating this database (waited \(seconds) s for the migration lock); nothing was changed. Try again when it has finished."
    }

    static let migratingNow = "Another process is migrating this database right now; check again in a moment."

    static func interrupted(_ version: String) -> String {
        "Migration \(version) was interrupted (the process stopped mid-way); the next activation undoes its partial changes and applies it again."
    }

    static func pending(_ count: Int, schema: String, target: String?) -> String {
        "\(count) migration\(count == 1 ? " is" : "s are") pending (schema at \(schema), code at \(target ?? "none")); activate the plugin or run `pet-migrate activate` to apply."
    }

    static func upToDate(schema: String) -> String {
        "The schema is at version \(schema); nothing is pending."
    }

    // MARK: Background work

    static let runnerBusy = "Another process is migrating this database or running its background work right now; nothing was changed. Try again later."

    static let claimLost = "Another process took over the background work; this one stopped without changing anything more."

    static func workDone(schema: String?) -> String {
        "The background work is done; the schema is at version \(schema ?? "none") and nothing is pending."
    }

    static func migrationsAfterWork(_ count: Int) -> String {
        "The background work is done; \(count) migration\(count == 1 ? "" : "s") waited behind it and \(count == 1 ? "is" : "are") applied next (`pet-migrate activate`, or WordPress by itself)."
    }

    static func noWorkRemains(schema: String?) -> String {
        "The schema is at version \(schema ?? "none"); no background work remains."
    }

    static let pausedByOperator = "The background work is paused by an operator; `pet-migrate resume` or `wp pet migrate resume` continues it. "

    /// How an administrator runs the migrations again, wherever they work from.
    static let retryAdvice = "retry: Retry on PET's notice in WordPress, `wp pet migrate resume`, or `pet-migrate resume`"

    /// How the background work is driven by hand.
    static let resumeAdvice = "WordPress runs it in the background; `wp pet migrate resume` or `pet-migrate resume` runs it now"

    static let workUnpaused = "An operator resumed the paused background work."

    static func describe(_ item: DataWorkItem, migration: Migration?) -> String {
        let name = migration?.identifier ?? item.version
        if item.op == "copy_rows" {
            return "step \(item.step) of \(name) (copy_rows from \(item.sourceTable) into \(item.targetTable))"
        }
        return "step \(item.step) of \(name) (backfill of \(item.targetTable))"
    }

    static func count(_ rows: Int64) -> String {
        let digits = String(rows.magnitude)
        var grouped = ""
        for (offset, character) in digits.enumerated() {
            if offset > 0, (digits.count - offset) % 3 == 0 { grouped += "," }
            grouped.append(character)
        }
        return (rows < 0 ? "-" : "") + grouped
    }

    static func workStarted(_ item: DataWorkItem, migration: Migration?) -> String {
        let upper = item.upperKey.map { "keys up to \(item.keyColumn ?? "key") = \($0)" } ?? "the source is empty"
        return "Started \(describe(item, migration: migration)): about \(count(item.rowsEstimated ?? 0)) rows, \(upper)."
    }

    static func workFinished(_ item: DataWorkItem, migration: Migration?) -> String {
        "Finished \(describe(item, migration: migration)): \(count(item.rowsDone)) rows read, \(count(item.rowsWritten)) written."
    }

    static func progress(_ item: DataWorkItem, migration: Migration?) -> String {
        var text = "\(describe(item, migration: migration)): \(count(item.rowsDone)) of about \(count(item.rowsEstimated ?? 0)) rows"
        if let rate = item.rowsPerSecond { text += " at \(count(Int64(rate.rounded()))) rows/s" }
        if let eta = item.etaSeconds { text += ", about \(duration(eta)) left" }
        if let key = item.cursorKey { text += " (at \(item.keyColumn ?? "key") = \(key))" }
        return text + "."
    }

    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded(.up))
        if total < 60 { return "\(total) s" }
        if total < 3600 { return "\(total / 60) min \(total % 60) s" }
        return "\(total / 3600) h \(total / 60 % 60) min"
    }

    static func rowFailed(_ item: DataWorkItem, key: String, reason: String, migration: Migration?) -> String {
        let row = key.isEmpty ? "" : " at the row of \(item.sourceTable) with \(item.keyColumn ?? "key") = \(key)"
        return "\(describe(item, migration: migration)) stopped\(row): \(reason). Every row before it is done and nothing else was changed; fix that row, then \(retryAdvice) — the work continues from that row"
    }

    static func waiting(_ migration: Migration, behind item: DataWorkItem, table: String) -> String {
        "Migration \(migration.identifier) changes \(table), which the background work of \(item.version) still uses; it is applied when that work is done (\(resumeAdvice))."
    }

    /// A flag whose sync triggers have disappeared from the server, if any.
    static func syncWarning(_ cutovers: [CutoverStatus]) -> String? {
        guard let broken = cutovers.first(where: { !$0.missingTriggers.isEmpty }) else { return nil }
        return "Warning: cut-over \(broken.record.flag) has lost its sync triggers (\(broken.missingTriggers.joined(separator: ", "))): writes between \(broken.record.sourceTable) and \(broken.record.targetTable) are not carried over; `pet-migrate verify \(broken.record.flag)` (or the next switch) recreates them and says what that means."
    }

    /// What an operator does next about the first flag that waits for one.
    static func cutoverNextStep(_ cutovers: [CutoverStatus]) -> String? {
        for status in cutovers {
            let flag = status.record.flag
            switch status.phase {
            case .syncing:
                return "Cut-over \(flag): \(status.record.targetTable) is kept in step with \(status.record.sourceTable); `pet-migrate verify \(flag)` checks it, then `pet-migrate cutover \(flag) on` switches it."
            case .verified:
                return "Cut-over \(flag) is verified and off; `pet-migrate cutover \(flag) on [--percent N]` switches it."
            case .cutOver:
                return "Cut-over \(flag) is on for \(status.record.percent) % of keys; `cutover \(flag) off` switches back, `cutover \(flag) finalize` (when fully on) ends the reversible window."
            case .copying, .finalized:
                continue
            }
        }
        return nil
    }
}
