/// The engine's entry points for background work: `resume` runs the queued data steps within
/// a time budget, `pause` holds them; `status` and `activate` describe them with `workReport`.
extension MigrationEngine {
    /// Runs pending migrations first (as `activate` does, retrying a failed one), then chunks
    /// of the queued data work until it is done or the budget (`budget_ms`) would be overrun
    /// by the next chunk, then the migrations that waited behind that work. With
    /// `resume_applies_migrations` false it leaves pending migrations to its caller and
    /// reports them pending once the work is done, unless it must first recover an
    /// interrupted migration or retry a failed one (which `activate` does with the rest). One
    /// runner at a time: a second call returns `PET_LOCKED` at once.
    public func resume(progress: @escaping (BackgroundWorkProgress) -> Void = { _ in }) -> Report {
        let deadline = configuration.budgetMilliseconds.map { Clock.monotonicSeconds() + Double($0) / 1000 }
        return withRunnerClaim { set, driver, claim in
            let bookkeeping = Bookkeeping(driver: driver, prefix: configuration.prefix)
            let lease = LeaseRenewal(seconds: configuration.lockLeaseSeconds) { () throws(DatabaseError) in
                if driver.dialect == .mariadb { try driver.renewMigrationLock(claim) }
            }
            let heldLock = driver.dialect == .mariadb ? claim : nil
            while true {
                // Migrations first: pending ones, one that failed, one a crash interrupted.
                let overview = try bookkeeping.overview()
                let failedWork = try bookkeeping.unfinishedWork().contains { $0.status == .failed }
                let pendingCount: Int
                switch set.plan(applied: overview.applied) {
                case .failure(let invalid): return invalidReport(invalid)
                case .success(let plan): pendingCount = plan.pending.count
                }
                let appliesPending = pendingCount > 0 && configuration.resumeAppliesMigrations
                if appliesPending || overview.hasJournal || (overview.state?.mode == .maintenance && !failedWork) || overview.state == nil {
                    let activation = try activate(set, on: driver, progress: { _ in }, heldLock: heldLock)
                    guard activation.result == .ok || activation.result == .pending else { return activation }
                    if activation.result == .ok { return activation }
                }
                let runner = BackgroundRunner(driver: driver, bookkeeping: bookkeeping, set: set, configuration: configuration,
                                              deadline: deadline, lease: lease, report: progress)
                let outcome = try runner.run()
                switch outcome {
                case .finished:
                    let remaining = try bookkeeping.overview()
                    if case .success(let plan) = set.plan(applied: remaining.applied), !plan.pending.isEmpty,
                       configuration.resumeAppliesMigrations, deadline.map({ Clock.monotonicSeconds() < $0 }) ?? true {
                        try driver.endChunks()
                        continue // migrations waited behind the work that just finished
                    }
                    var state = remaining.state ?? MigrationState(mode: .ready)
                    if case .success(let plan) = set.plan(applied: remaining.applied), !plan.pending.isEmpty {
                        state.mode = .background
                    } else {
                        state = MigrationState(mode: .ready, schemaVersion: remaining.applied.last?.version, targetVersion: set.latestVersion,
                                               startedAt: state.startedAt)
                    }
                    try bookkeeping.write(state)
                    var report = try workReport(bookkeeping: bookkeeping, set: set, applied: remaining.applied, state: state)
                    if state.mode == .ready {
                        report.message = Sentences.workDone(schema: remaining.applied.last?.version)
                    } else if report.result == .ok {
                        // The work is done but migrations remain (left to the caller, or the
                        // budget ran out): not "ok", or a scheduler would stop here for good.
                        let pending = set.migrations.filter { candidate in !remaining.applied.contains { $0.version == candidate.version } }
                        report.result = .pending
                        report.message = Sentences.migrationsAfterWork(pending.count)
                        report.pending = pending.map { ($0.version, $0.name) }
                    }
                    return report
                case .outOfBudget(let throttled):
                    var report = try workReport(bookkeeping: bookkeeping, set: set, applied: overview.applied, state: try bookkeeping.state())
                    if let throttled { report.message = "The background work is paused: \(throttled). " + report.message }
                    return report
                case .pausedByOperator:
                    var report = try workReport(bookkeeping: bookkeeping, set: set, applied: overview.applied, state: try bookkeeping.state())
                    report.message = Sentences.pausedByOperator + report.message
                    return report
                case .failed(let item, _, _):
                    var state = try bookkeeping.state() ?? MigrationState(mode: .maintenance)
                    state.mode = .maintenance
                    state.currentVersion = item.version
                    state.currentStep = item.step
                    state.lastError = item.lastError
                    state.lastErrorKind = FailureKind.dataError.rawValue
                    state.lastErrorVersion = item.version
                    state.lastErrorStep = item.step
                    state.progress = ProgressSummary(item: item, migration: set.migrations.first { $0.version == item.version }).json
                    try bookkeeping.write(state)
                    try bookkeeping.record(.failed, version: item.version, message: item.lastError ?? "")
                    return try workReport(bookkeeping: bookkeeping, set: set, applied: overview.applied, state: state)
                case .claimLost:
                    return Report(result: .locked, message: Sentences.claimLost)
                }
            }
        }
    }

    /// What every runner of background work does first (`resume`, `verify`, `cutover`): refuse a
    /// server that must not be written, then take the one runner's claim — `PET_LOCKED` at once
    /// while another holds it — and give it back when `body` returns.
    func withRunnerClaim(_ body: (MigrationSet, DatabaseDriver, MigrationLockRequest) throws -> Report) -> Report {
        withJudgedSet(forWriting: true) { set, driver in
            if let refusal = try driver.writeRefusal() {
                return Report(result: .config, message: Sentences.notRun(refusal))
            }
            let claim = lockRequest
            guard try driver.claimBackgroundWork(claim) else {
                return Report(result: .locked, message: Sentences.runnerBusy)
            }
            defer { try? driver.releaseBackgroundWork(claim) }
            return try body(set, driver, claim)
        }
    }

    /// Holds every unfinished data step: a runner stops before its next chunk, and scheduled
    /// runners leave the work alone until an operator resumes it.
    public func pause() -> Report {
        withJudgedSet(forWriting: true) { set, driver in
            let bookkeeping = Bookkeeping(driver: driver, prefix: configuration.prefix)
            let paused = try bookkeeping.setPaused(true)
            let applied = try bookkeeping.appliedMigrations()
            var report = try workReport(bookkeeping: bookkeeping, set: set, applied: applied, state: try bookkeeping.state())
            if paused > 0 {
                try bookkeeping.record(.progress, version: nil, message: "An operator paused the background work (\(paused) data step\(paused == 1 ? "" : "s")).")
                report.message = "Paused \(paused) data step\(paused == 1 ? "" : "s"); `pet-migrate resume` or `wp pet migrate resume` continues \(paused == 1 ? "it" : "them")."
            } else if report.work.contains(where: { $0.status != .done }) {
                report.message = "The background work was already paused. " + report.message
            } else {
                report.message = "There is no background work to pause."
            }
            return report
        }
    }

    /// The report of where background work stands: `PET_PENDING` while it runs, with the
    /// current step's figures in the message; `PET_MAINTENANCE` when a row stopped it.
    func workReport(bookkeeping: Bookkeeping, set: MigrationSet, applied: [AppliedMigration], state: MigrationState?) throws -> Report {
        let identifiers = Dictionary(uniqueKeysWithValues: set.migrations.map { ($0.version, $0.identifier) })
        let work = try bookkeeping.workForStatus().map { item in
            var named = item
            named.migration = identifiers[item.version]
            return named
        }
        let unfinished = work.filter { $0.status != .done }
        var report: Report
        if let failed = unfinished.first(where: { $0.status == .failed }) {
            report = Report(result: .maintenance, message: "PET is in maintenance mode: \(failed.lastError ?? "a data step failed").")
            report.error = Report.Problem(kind: FailureKind.dataError.rawValue, file: set.migrations.first { $0.version == failed.version }?.file,
                                          version: failed.version, step: failed.step, reason: failed.lastError ?? "")
            report.problems = report.error.map { [$0] } ?? []
        } else if let current = unfinished.first {
            let migration = set.migrations.first { $0.version == current.version }
            var message = current.status == .queued
                ? "Background work is queued: \(Sentences.describe(current, migration: migration))."
                : "Background work: \(Sentences.progress(current, migration: migration))"
            if current.paused { message = "Background work is paused by an operator: \(Sentences.describe(current, migration: migration))." }
            if let throttle = current.throttle { message += " Waiting: \(throttle)." }
            if unfinished.count > 1 { message += " \(unfinished.count - 1) more data step\(unfinished.count == 2 ? "" : "s") queued after it." }
            report = Report(result: .pending, message: message + " PET gates \(current.gates == .nothing ? "nothing" : current.gates == .writes ? "its writes" : "its features") meanwhile; \(Sentences.resumeAdvice).")
        } else {
            report = Report(result: .ok, message: Sentences.noWorkRemains(schema: applied.last?.version))
        }
        report.work = work
        report.cutovers = try bookkeeping.cutoverStatuses()
        if report.result == .ok, let next = Sentences.cutoverNextStep(report.cutovers) { report.message += " " + next }
        if let warning = Sentences.syncWarning(report.cutovers) { report.message += " " + warning }
        report.applied = applied
        report.gates = unfinished.map(\.gates).max()
        report.state = state
        report.mode = state?.mode
        report.schemaVersion = applied.last?.version
        report.targetVersion = set.latestVersion
        return report
    }

    /// The physical tables a migration's schema steps change; nil stands for "cannot tell"
    /// (raw SQL), which waits behind any background work.
    static func schemaTables(of migration: Migration, prefix: String) -> [String?] {
        migration.steps.compactMap { step -> String?? in
            switch step {
            case .createTable(let table): return .some(prefix + table.name)
            case .addColumn(let table, _), .addIndex(let table, _): return .some(prefix + table)
            case .sql(_, let condition): return MigrationSetJudge.role(of: condition) == .schema ? .some(nil) : nil
            case .backfill, .copyRows: return nil
            }
        }
    }
}
