/// One activation, in the steps the execution model names: answer without the lock when
/// nothing is to be done; take the lock; undo what a crashed attempt left; plan again under the
/// lock; apply each pending migration (each one's transaction or journal belongs to its
/// `MigrationAtomicity`) unless it waits behind queued data work; leave the state saying what
/// remains. A class because the lock it holds must be released exactly once, on every path.
final class Activation {
    private let engine: MigrationEngine
    private let set: MigrationSet
    private let driver: DatabaseDriver
    private let progress: (MigrationEngine.Progress) -> Void
    /// Inside `resume` on MariaDB the runner's claim is the migration lock already.
    private let heldLock: MigrationLockRequest?
    private let lockRequest: MigrationLockRequest
    private let bookkeeping: Bookkeeping
    private var holdsLock = false

    init(engine: MigrationEngine, set: MigrationSet, driver: DatabaseDriver, progress: @escaping (MigrationEngine.Progress) -> Void,
         heldLock: MigrationLockRequest?) {
        self.engine = engine
        self.set = set
        self.driver = driver
        self.progress = progress
        self.heldLock = heldLock
        self.lockRequest = heldLock ?? engine.lockRequest
        self.bookkeeping = Bookkeeping(driver: driver, prefix: engine.configuration.prefix)
    }

    deinit {
        // A path that left early (an error) gives the lock back and discards what it covered.
        if holdsLock {
            if heldLock == nil { try? driver.releaseMigrationLock(lockRequest, commit: false) } else { try? driver.rollback() }
        }
    }

    private var configuration: EngineConfiguration { engine.configuration }

    func run() throws -> Report {
        let first = try bookkeeping.overview()
        let firstPlan: MigrationPlan
        switch set.plan(applied: first.applied) {
        case .failure(let invalid): return engine.invalidReport(invalid)
        case .success(let plan): firstPlan = plan
        }
        if let answer = try answerWithoutLock(first, plan: firstPlan) { return answer }
        if let refusal = try driver.writeRefusal() {
            return notRun(Report(result: .config, message: Sentences.notRun(refusal)), plan: firstPlan)
        }
        guard try takeLock() else {
            return notRun(Report(result: .locked, message: Sentences.lockWaitedOut(seconds: configuration.lockTimeoutSeconds)), plan: firstPlan)
        }
        let lease = LeaseRenewal(seconds: configuration.lockLeaseSeconds) { [driver, lockRequest] () throws(DatabaseError) in
            try driver.renewMigrationLock(lockRequest)
        }
        // Under the lock the schema holds still for this process: read it once.
        let catalog = SchemaCatalog(driver: driver, prefix: configuration.prefix)
        let tracker = StepTracker()
        let atomicity = engine.atomicity(for: driver, bookkeeping: bookkeeping, tracker: tracker, attempt: lockRequest.owner, catalog: catalog)
        try bookkeeping.ensureTables(catalog)
        try recoverInterruptedAttempt(atomicity)

        // Another process may have applied migrations while this one waited for the lock.
        let current = try bookkeeping.overview()
        let plan: MigrationPlan
        switch set.plan(applied: current.applied) {
        case .failure(let invalid): return engine.invalidReport(invalid)
        case .success(let currentPlan): plan = currentPlan
        }
        var state = current.state ?? MigrationState(mode: .ready)
        if current.state == nil { try bookkeeping.insertState(state) }
        let wasInMaintenance = state.mode == .maintenance
        state.mode = .migrating
        state.targetVersion = set.latestVersion
        state.startedAt = Clock.now()

        let runner = StepRunner(driver: driver, catalog: catalog, prefix: configuration.prefix,
                                faults: FaultInjector(faults: configuration.testFaults),
                                ddlLockWaitSeconds: configuration.ddlLockWaitSeconds, renewLock: { () throws(DatabaseError) in try lease.renewIfDue() })
        var run = RunSoFar(applied: plan.applied, busyTables: busyTables(of: try bookkeeping.unfinishedWork()))
        for (offset, migration) in plan.pending.enumerated() {
            if let waiting = waitingReason(migration, run: run) {
                run.waiting = waiting
                break
            }
            progress(MigrationEngine.Progress(position: offset + 1, count: plan.pending.count, migration: migration.identifier))
            // Readers of the state (status, the admin screen) see which migration runs now.
            state.currentVersion = migration.version
            state.currentStep = nil
            let isLast = offset == plan.pending.count - 1
            let planned = try runner.plannedObjects(of: migration)
            do {
                try apply(migration, planned: planned, isLast: isLast, state: state, run: run, runner: runner, atomicity: atomicity,
                          tracker: tracker, lease: lease)
            } catch {
                let report = try engine.recordFailure(error, of: migration, state: state, applied: plan.applied, newlyApplied: run.newlyApplied,
                                                      set: set, bookkeeping: bookkeeping)
                try releaseLock()
                return report
            }
            run.applied.append(AppliedMigration(version: migration.version, name: migration.name, appliedAt: Clock.now(), checksum: migration.checksum))
            run.newlyApplied.append(migration.version)
            if migration.hasBackgroundWork {
                run.busyTables += busyTables(of: try bookkeeping.unfinishedWork().filter { $0.version == migration.version })
            }
        }
        return try finish(run, state: state, wasInMaintenance: wasInMaintenance)
    }

    /// What this activation has done so far.
    private struct RunSoFar {
        var applied: [AppliedMigration]
        var newlyApplied: [String] = []
        /// Tables that queued data work still reads or writes.
        var busyTables: [(table: String, item: DataWorkItem)]
        /// Why the next migration waits, when one does.
        var waiting: String?
    }

    /// The path paid at every activation and upgrade check: one read, no lock.
    private func answerWithoutLock(_ first: Bookkeeping.Overview, plan: MigrationPlan) throws -> Report? {
        guard plan.pending.isEmpty, !first.hasJournal else { return nil }
        if first.state?.mode == .background {
            // The schema is done; what remains is the background runner's, not activation's.
            var report = try engine.workReport(bookkeeping: bookkeeping, set: set, applied: plan.applied, state: first.state)
            report.applied = plan.applied
            return report
        }
        guard first.state?.mode == .ready else { return nil }
        var report = Report(result: .ok, message: Sentences.nothingToDo(schema: plan.applied.last?.version))
        report.applied = plan.applied
        report.schemaVersion = plan.applied.last?.version
        report.targetVersion = set.latestVersion
        report.mode = .ready
        report.state = first.state
        return report
    }

    private func notRun(_ report: Report, plan: MigrationPlan) -> Report {
        var report = report
        report.targetVersion = set.latestVersion
        report.schemaVersion = plan.applied.last?.version
        report.pending = plan.pending.map { ($0.version, $0.name) }
        return report
    }

    private func takeLock() throws -> Bool {
        guard try heldLock != nil || driver.acquireMigrationLock(lockRequest, timeoutSeconds: configuration.lockTimeoutSeconds) else { return false }
        holdsLock = true
        return true
    }

    private func releaseLock() throws(DatabaseError) {
        if heldLock == nil { try driver.releaseMigrationLock(lockRequest, commit: true) }
        holdsLock = false
    }

    private func recoverInterruptedAttempt(_ atomicity: MigrationAtomicity) throws {
        guard let recovered = try atomicity.recoverInterruptedAttempt() else { return }
        let undone = recovered.objects.isEmpty ? "nothing had been created yet" : "removed \(recovered.objects.joined(separator: ", "))"
        try bookkeeping.record(.compensated, version: recovered.version, message: "An interrupted attempt at \(recovered.version) was undone: \(undone).")
        try bookkeeping.record(.resumed, version: recovered.version, message: "Applying \(recovered.version) again from its first step.")
    }

    private func busyTables(of work: [DataWorkItem]) -> [(table: String, item: DataWorkItem)] {
        work.flatMap { item in [(item.sourceTable, item), (item.targetTable, item)] }
    }

    /// A migration whose schema steps change a table that queued data work still uses waits
    /// behind that work, and so does every migration after it (order is the contract).
    private func waitingReason(_ migration: Migration, run: RunSoFar) -> String? {
        let changed = MigrationEngine.schemaTables(of: migration, prefix: configuration.prefix)
        guard let busy = run.busyTables.first(where: { busy in changed.contains { $0 == nil || $0 == busy.table } }) else { return nil }
        return Sentences.waiting(migration, behind: busy.item, table: busy.table)
    }

    /// One migration, all or nothing: its atomicity strategy owns the transaction or the
    /// journal; the registry row, its queued data steps and the `completed` event commit
    /// together, and so does the final state when nothing remains after it.
    private func apply(_ migration: Migration, planned: [PlannedObject], isLast: Bool, state: MigrationState, run: RunSoFar,
                       runner: StepRunner, atomicity: MigrationAtomicity, tracker: StepTracker, lease: LeaseRenewal) throws(MigrationFailure) {
        let record = AppliedMigration(version: migration.version, name: migration.name, appliedAt: Clock.now(), checksum: migration.checksum)
        try atomicity.apply(migration, planned: planned, begin: {
            try bookkeeping.record(.started, version: migration.version, message: "Applying \(migration.identifier) (\(migration.steps.count) step\(migration.steps.count == 1 ? "" : "s")).")
            try bookkeeping.write(state)
            try lease.renew()
        }, steps: { context in
            for (offset, step) in migration.steps.enumerated() {
                tracker.current = offset + 1
                try runner.run(step, number: offset + 1, of: migration, context: context)
            }
            tracker.current = nil
        }, register: {
            try bookkeeping.register(record)
            if migration.hasBackgroundWork {
                try bookkeeping.queue(migration)
                try bookkeeping.queueCutovers(migration)
            }
            try bookkeeping.record(.completed, version: migration.version, message: migration.hasBackgroundWork
                ? "Applied \(migration.identifier); its data steps run in the background." : "Applied \(migration.identifier).")
            if isLast, run.busyTables.isEmpty, !migration.hasBackgroundWork {
                try bookkeeping.write(MigrationState(mode: .ready, schemaVersion: migration.version, targetVersion: set.latestVersion,
                                                     startedAt: state.startedAt))
            }
        })
    }

    /// Leaves the state saying what remains (nothing, background work, or the row that
    /// stopped it), gives the lock back and reports.
    private func finish(_ run: RunSoFar, state: MigrationState, wasInMaintenance: Bool) throws -> Report {
        let applied = run.applied
        var finalState = MigrationState(mode: .ready, schemaVersion: applied.last?.version, targetVersion: set.latestVersion, startedAt: state.startedAt)
        if !run.busyTables.isEmpty || run.waiting != nil {
            let work = try bookkeeping.unfinishedWork()
            if let failed = work.first(where: { $0.status == .failed }) {
                finalState = state
                finalState.mode = .maintenance
                finalState.lastError = failed.lastError
                finalState.schemaVersion = applied.last?.version
            } else {
                finalState.mode = .background
                finalState.progress = work.first.map { item in ProgressSummary(item: item, migration: set.migrations.first { $0.version == item.version }).json }
            }
            try bookkeeping.write(finalState)
        } else if run.newlyApplied.isEmpty {
            try bookkeeping.write(finalState)
        }
        try releaseLock()

        if finalState.mode != .ready {
            var report = try engine.workReport(bookkeeping: bookkeeping, set: set, applied: applied, state: finalState)
            if let waiting = run.waiting {
                report.message = "\(run.newlyApplied.isEmpty ? "" : "Applied \(run.newlyApplied.count) migration\(run.newlyApplied.count == 1 ? "" : "s"). ")\(waiting)"
            }
            report.applied = applied
            report.newlyApplied = run.newlyApplied
            report.pending = set.migrations.filter { candidate in !applied.contains { $0.version == candidate.version } }.map { ($0.version, $0.name) }
            return report
        }
        let schema = applied.last?.version ?? "none"
        var report: Report
        if run.newlyApplied.isEmpty {
            report = Report(result: .ok, message: wasInMaintenance ? Sentences.leftMaintenance(schema: schema) : Sentences.nothingToDo(schema: schema))
        } else {
            report = Report(result: .ok, message: Sentences.applied(run.newlyApplied.count, schema: schema))
        }
        report.applied = applied
        report.newlyApplied = run.newlyApplied
        report.schemaVersion = applied.last?.version
        report.targetVersion = set.latestVersion
        report.mode = .ready
        report.state = finalState
        return report
    }
}
