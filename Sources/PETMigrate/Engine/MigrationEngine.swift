/// The migration engine: validates the set, applies what is pending under the migration
/// lock, and reports. Each call opens its own connection and closes it before returning.
public struct MigrationEngine: Sendable {
    public let configuration: EngineConfiguration

    public init(configuration: EngineConfiguration) {
        self.configuration = configuration
    }

    // MARK: Lint

    /// Validates the migrations directory without any database.
    public func lint() -> Report {
        if let refusal = configurationRefusal(needsDatabase: false) { return refusal }
        switch loadJudgedSet() {
        case .failure(let invalid):
            return invalidReport(invalid)
        case .success(let set):
            var report = Report(result: .ok, message: "\(set.migrations.count) migration\(set.migrations.count == 1 ? "" : "s") in \(configuration.migrationsDirectory) \(set.migrations.count == 1 ? "is" : "are") valid.")
            report.targetVersion = set.latestVersion
            report.pending = set.migrations.map { ($0.version, $0.name) }
            return report
        }
    }

    // MARK: Status

    /// Read-only: never takes the lock, never waits on it, never writes.
    public func status() -> Report {
        if let refusal = configurationRefusal() { return refusal }
        let set: MigrationSet
        switch loadJudgedSet() {
        case .failure(let invalid): return invalidReport(invalid)
        case .success(let loaded): set = loaded
        }
        return withDriver(forWriting: false) { driver in
            let bookkeeping = Bookkeeping(driver: driver, prefix: configuration.prefix)
            let applied = try bookkeeping.appliedMigrations()
            let state = try bookkeeping.state()
            let interrupted = try atomicity(for: driver, bookkeeping: bookkeeping, tracker: StepTracker(), attempt: "",
                                            catalog: SchemaCatalog(driver: driver, prefix: configuration.prefix)).interruptedAttempt()
            let lockHeld = try driver.isMigrationLockHeld(lockRequest) ?? false
            var report: Report
            switch set.plan(applied: applied) {
            case .failure(let invalid):
                report = invalidReport(invalid)
                report.applied = applied
            case .success(let plan):
                let work = try bookkeeping.workForStatus()
                if plan.pending.isEmpty, interrupted == nil, work.contains(where: { $0.status != .done }) {
                    // A runner holds the lock while it works: that is progress, not a conflict.
                    report = try workReport(bookkeeping: bookkeeping, set: set, applied: applied, state: state)
                    report.applied = applied
                } else {
                    report = describe(plan: plan, state: state, interrupted: interrupted, lockHeld: lockHeld)
                    report.work = work
                }
            }
            if let warning = try driver.lagWarning() { report.message += " Note: \(warning)." }
            report.state = state
            report.mode = state?.mode ?? (lockHeld ? .migrating : .ready)
            report.schemaVersion = applied.last?.version
            report.targetVersion = set.latestVersion
            return report
        }
    }

    private func describe(plan: MigrationPlan, state: MigrationState?, interrupted: InterruptedAttempt?, lockHeld: Bool) -> Report {
        var report: Report
        let schema = plan.applied.last?.version ?? "none"
        if lockHeld {
            report = Report(result: .locked, message: "Another process is migrating this database right now; check again in a moment.")
        } else if state?.mode == .maintenance {
            report = Report(result: .maintenance, message: maintenanceMessage(state: state))
            report.error = state.map { Report.Problem(kind: $0.lastErrorKind ?? "failed", file: nil, version: $0.lastErrorVersion, step: $0.lastErrorStep, reason: $0.lastError ?? "") }
        } else if let interrupted {
            report = Report(result: .pending, message: "Migration \(interrupted.version) was interrupted (the process stopped mid-way); the next activation undoes its partial changes and applies it again.")
        } else if !plan.pending.isEmpty {
            report = Report(result: .pending, message: "\(plan.pending.count) migration\(plan.pending.count == 1 ? " is" : "s are") pending (schema at \(schema), code at \(plan.target ?? "none")); activate the plugin or run `pet-migrate activate` to apply.")
        } else {
            report = Report(result: .ok, message: "The schema is at version \(schema); nothing is pending.")
        }
        report.applied = plan.applied
        report.pending = plan.pending.map { ($0.version, $0.name) }
        return report
    }

    private func maintenanceMessage(state: MigrationState?) -> String {
        guard let state, let version = state.lastErrorVersion else {
            return "PET is in maintenance mode after a failed migration. Fix the cause, then \(Self.retryAdvice)."
        }
        let step = state.lastErrorStep.map { " at step \($0)" } ?? ""
        return "PET is in maintenance mode: migration \(version) failed\(step): \(state.lastError ?? "unknown reason"). Fix the cause, then \(Self.retryAdvice)."
    }

    /// How an administrator runs the migrations again, wherever they work from.
    static let retryAdvice = Sentences.retryAdvice

    // MARK: Events

    public func events() -> Report {
        if let refusal = configurationRefusal() { return refusal }
        return withDriver(forWriting: false) { driver in
            let bookkeeping = Bookkeeping(driver: driver, prefix: configuration.prefix)
            let events = try bookkeeping.recentEvents(limit: configuration.eventsLimit)
            var report = Report(result: .ok, message: events.isEmpty ? "No migration events recorded yet." : "The \(events.count) most recent migration events, newest first.")
            report.events = events
            report.state = try bookkeeping.state()
            report.mode = report.state?.mode
            report.schemaVersion = report.state?.schemaVersion
            return report
        }
    }

    // MARK: Activate

    /// Where an activation is, for hosts that show progress on long work.
    public struct Progress: Sendable {
        /// 1-based position of the migration among those pending in this run.
        public var position: Int
        public var count: Int
        public var migration: String
    }

    public func activate(progress: (Progress) -> Void = { _ in }) -> Report {
        if let refusal = configurationRefusal() { return refusal }
        let set: MigrationSet
        switch loadJudgedSet() {
        case .failure(let invalid): return invalidReport(invalid)
        case .success(let loaded): set = loaded
        }
        return withDriver(forWriting: true) { driver in
            try activate(set, on: driver, progress: progress)
        }
    }

    func activate(_ set: MigrationSet, on driver: DatabaseDriver, progress: (Progress) -> Void,
                  heldLock: MigrationLockRequest? = nil) throws -> Report {
        let bookkeeping = Bookkeeping(driver: driver, prefix: configuration.prefix)

        // The path paid at every activation and upgrade check: one read, no lock.
        let first = try bookkeeping.overview()
        let firstPlan: MigrationPlan
        switch set.plan(applied: first.applied) {
        case .failure(let invalid): return invalidReport(invalid)
        case .success(let plan): firstPlan = plan
        }
        if firstPlan.pending.isEmpty, first.state?.mode == .background, !first.hasJournal {
            // The schema is done; what remains is the background runner's, not activation's.
            var report = try workReport(bookkeeping: bookkeeping, set: set, applied: firstPlan.applied, state: first.state)
            report.applied = firstPlan.applied
            return report
        }
        if firstPlan.pending.isEmpty, first.state?.mode == .ready, !first.hasJournal {
            var report = Report(result: .ok, message: "The schema is at version \(firstPlan.applied.last?.version ?? "none"); nothing to do.")
            report.applied = firstPlan.applied
            report.schemaVersion = firstPlan.applied.last?.version
            report.targetVersion = set.latestVersion
            report.mode = .ready
            report.state = first.state
            return report
        }

        if let refusal = try driver.writeRefusal() {
            var report = Report(result: .config, message: "Nothing was run: \(refusal).")
            report.targetVersion = set.latestVersion
            report.schemaVersion = firstPlan.applied.last?.version
            report.pending = firstPlan.pending.map { ($0.version, $0.name) }
            return report
        }
        // Inside `resume` on MariaDB the runner's claim is this lock already.
        let lockRequest = heldLock ?? self.lockRequest
        guard try heldLock != nil || driver.acquireMigrationLock(lockRequest, timeoutSeconds: configuration.lockTimeoutSeconds) else {
            var report = Report(result: .locked, message: "Another process is migrating this database (waited \(configuration.lockTimeoutSeconds) s for the migration lock); nothing was changed. Try again when it has finished.")
            report.targetVersion = set.latestVersion
            report.schemaVersion = firstPlan.applied.last?.version
            report.pending = firstPlan.pending.map { ($0.version, $0.name) }
            return report
        }
        var committed = false
        defer {
            if !committed {
                if heldLock == nil { try? driver.releaseMigrationLock(lockRequest, commit: false) } else { try? driver.rollback() }
            }
        }
        func releaseLock() throws(DatabaseError) {
            if heldLock == nil { try driver.releaseMigrationLock(lockRequest, commit: true) }
            committed = true
        }
        let lease = LeaseRenewal(seconds: configuration.lockLeaseSeconds) { () throws(DatabaseError) in try driver.renewMigrationLock(lockRequest) }

        // Under the lock the schema holds still for this process: read it once.
        let catalog = SchemaCatalog(driver: driver, prefix: configuration.prefix)
        let tracker = StepTracker()
        let atomicity = atomicity(for: driver, bookkeeping: bookkeeping, tracker: tracker, attempt: lockRequest.owner, catalog: catalog)
        try bookkeeping.ensureTables(catalog)
        if let recovered = try atomicity.recoverInterruptedAttempt() {
            let undone = recovered.objects.isEmpty ? "nothing had been created yet" : "removed \(recovered.objects.joined(separator: ", "))"
            try bookkeeping.record(.compensated, version: recovered.version, message: "An interrupted attempt at \(recovered.version) was undone: \(undone).")
            try bookkeeping.record(.resumed, version: recovered.version, message: "Applying \(recovered.version) again from its first step.")
        }

        // Another process may have applied migrations while this one waited for the lock.
        let current = try bookkeeping.overview()
        let plan: MigrationPlan
        switch set.plan(applied: current.applied) {
        case .failure(let invalid): return invalidReport(invalid)
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
        var applied = plan.applied
        var newlyApplied: [String] = []
        // Tables that queued data work still reads or writes: a migration changing one of
        // them waits behind that work, and so does every migration after it.
        var busyTables = try bookkeeping.unfinishedWork().flatMap { item in [(item.sourceTable, item), (item.targetTable, item)] }
        var waiting: String?
        for (offset, migration) in plan.pending.enumerated() {
            if let (table, item) = busyTables.first(where: { busy in Self.schemaTables(of: migration, prefix: configuration.prefix).contains { $0 == nil || $0 == busy.0 } }) {
                waiting = Sentences.waiting(migration, behind: item, table: table)
                break
            }
            progress(Progress(position: offset + 1, count: plan.pending.count, migration: migration.identifier))
            // Readers of the state (status, the admin screen) see which migration runs now.
            state.currentVersion = migration.version
            state.currentStep = nil
            let isLast = offset == plan.pending.count - 1
            let record = AppliedMigration(version: migration.version, name: migration.name, appliedAt: Clock.now(), checksum: migration.checksum)
            let planned = try runner.plannedObjects(of: migration)
            do {
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
                    if migration.hasBackgroundWork { try bookkeeping.queue(migration) }
                    try bookkeeping.record(.completed, version: migration.version, message: migration.hasBackgroundWork
                        ? "Applied \(migration.identifier); its data steps run in the background." : "Applied \(migration.identifier).")
                    if isLast, busyTables.isEmpty, !migration.hasBackgroundWork {
                        try bookkeeping.write(MigrationState(mode: .ready, schemaVersion: migration.version, targetVersion: set.latestVersion,
                                                             startedAt: state.startedAt))
                    }
                })
            } catch {
                let report = try recordFailure(error, of: migration, state: state, applied: plan.applied, newlyApplied: newlyApplied,
                                               set: set, bookkeeping: bookkeeping)
                try releaseLock()
                return report
            }
            applied.append(record)
            newlyApplied.append(migration.version)
            if migration.hasBackgroundWork {
                busyTables += try bookkeeping.unfinishedWork().filter { $0.version == migration.version }
                    .flatMap { item in [(item.sourceTable, item), (item.targetTable, item)] }
            }
        }

        var finalState = MigrationState(mode: .ready, schemaVersion: applied.last?.version, targetVersion: set.latestVersion, startedAt: state.startedAt)
        if !busyTables.isEmpty || waiting != nil {
            // Work remains for the runner: the state says so, and what it gates.
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
        } else if newlyApplied.isEmpty {
            try bookkeeping.write(finalState)
        }
        try releaseLock()
        if finalState.mode != .ready {
            var report = try workReport(bookkeeping: bookkeeping, set: set, applied: applied, state: finalState)
            if let waiting { report.message = "\(newlyApplied.isEmpty ? "" : "Applied \(newlyApplied.count) migration\(newlyApplied.count == 1 ? "" : "s"). ")\(waiting)" }
            report.applied = applied
            report.newlyApplied = newlyApplied
            report.pending = set.migrations.filter { candidate in !applied.contains { $0.version == candidate.version } }.map { ($0.version, $0.name) }
            return report
        }

        let schema = applied.last?.version ?? "none"
        var report: Report
        if newlyApplied.isEmpty {
            report = Report(result: .ok, message: wasInMaintenance ? "Nothing was pending; PET left maintenance mode and the schema is at version \(schema)." : "The schema is at version \(schema); nothing to do.")
        } else {
            report = Report(result: .ok, message: "Applied \(newlyApplied.count) migration\(newlyApplied.count == 1 ? "" : "s"); the schema is at version \(schema).")
        }
        report.applied = applied
        report.newlyApplied = newlyApplied
        report.schemaVersion = applied.last?.version
        report.targetVersion = set.latestVersion
        report.mode = .ready
        report.state = finalState
        return report
    }

    /// Writes the failure where every later process can read it (the state row and a
    /// `failed` event, after the rollback so that they survive it) and builds the report.
    private func recordFailure(_ error: MigrationFailure, of migration: Migration, state: MigrationState, applied: [AppliedMigration],
                               newlyApplied: [String], set: MigrationSet, bookkeeping: Bookkeeping) throws -> Report {
        let step = error.step.map { number in " at step \(number) (\(migration.steps[number - 1].op))" } ?? ""
        var message = "Migration \(migration.identifier) failed\(step): \(error.reason)."
        if let undoError = error.undoError {
            message += " Its changes could not all be \(error.undoneBy.rawValue) yet (\(undoError)); the next activation finishes undoing them."
        } else {
            message += " Its changes were \(error.undoneBy.rawValue), so the schema is as it was before it."
        }
        if !newlyApplied.isEmpty {
            message += " \(newlyApplied.count) earlier migration\(newlyApplied.count == 1 ? " was" : "s were") applied."
        }
        message += " PET is in maintenance mode: fix the cause, then \(Self.retryAdvice)."

        var failed = state
        failed.mode = .maintenance
        failed.currentVersion = migration.version
        failed.currentStep = error.step
        failed.lastError = error.reason
        failed.lastErrorKind = error.kind.rawValue
        failed.lastErrorVersion = migration.version
        failed.lastErrorStep = error.step
        failed.schemaVersion = newlyApplied.last ?? applied.last?.version
        if error.undoError == nil {
            try bookkeeping.record(error.undoneBy == .compensated ? .compensated : .failed, version: migration.version,
                                   message: "Changes of \(migration.identifier) were \(error.undoneBy.rawValue).")
        }
        try bookkeeping.record(.failed, version: migration.version, message: message)
        try bookkeeping.write(failed)

        var report = Report(result: .maintenance, message: message)
        report.error = Report.Problem(kind: error.kind.rawValue, file: migration.file, version: migration.version, step: error.step, reason: error.reason)
        report.problems = report.error.map { [$0] } ?? []
        report.newlyApplied = newlyApplied
        report.applied = try bookkeeping.appliedMigrations()
        report.schemaVersion = report.applied.last?.version
        report.targetVersion = set.latestVersion
        report.pending = set.migrations.filter { candidate in !report.applied.contains { $0.version == candidate.version } }.map { ($0.version, $0.name) }
        report.mode = .maintenance
        report.state = failed
        return report
    }

    // MARK: Shared

    /// The configuration is checked by every entry point, whoever built it (the ABI's JSON,
    /// the CLI, a test): a bad prefix or an out-of-range number never reaches SQL or
    /// arithmetic.
    func configurationRefusal(needsDatabase: Bool = true) -> Report? {
        guard let problem = configuration.problem(needsDatabase: needsDatabase) else { return nil }
        return Report(result: .config, message: "bad configuration: \(problem); nothing was run.")
    }

    /// The migration set, valid file by file (checked with this site's prefix) and with every
    /// raw SQL statement judged for this prefix on both dialects, or every reason why not.
    func loadJudgedSet() -> Result<MigrationSet, InvalidMigrationSet> {
        MigrationSet.load(from: DirectoryMigrationSource(directory: configuration.migrationsDirectory), prefix: configuration.prefix).flatMap { set in
            let problems = MigrationSetJudge.problems(in: set, prefix: configuration.prefix)
            return problems.isEmpty ? .success(set) : .failure(InvalidMigrationSet(problems: problems))
        }
    }

    /// This call's claim on the migration lock; its owner token also marks its journal rows.
    var lockRequest: MigrationLockRequest {
        MigrationLockRequest(prefix: configuration.prefix, leaseSeconds: configuration.lockLeaseSeconds)
    }

    func atomicity(for driver: DatabaseDriver, bookkeeping: Bookkeeping, tracker: StepTracker, attempt: String,
                           catalog: SchemaCatalog) -> MigrationAtomicity {
        let faults = FaultInjector(faults: configuration.testFaults)
        if driver.schemaChangesAreTransactional {
            return SavepointAtomicity(driver: driver, faults: faults, tracker: tracker)
        }
        return JournalAtomicity(driver: driver, bookkeeping: bookkeeping, faults: faults, tracker: tracker, attempt: attempt, catalog: catalog)
    }

    func invalidReport(_ invalid: InvalidMigrationSet) -> Report {
        var report = Report(result: .invalid, message: invalid.message + " Fix the migration files; nothing runs until the set is valid.")
        report.problems = invalid.problems.map(Report.Problem.init)
        report.error = report.problems.first
        return report
    }

    func openDriver(forWriting: Bool) throws -> DatabaseDriver {
        switch configuration.database {
        case .sqlite(let path):
            // Readers wait at most a moment (status must answer at once); writers as long as
            // they would wait for the migration lock, and at least a moment: the file locks
            // outside the migration lock (the switch to WAL, a checkpoint) are brief, and a
            // lock wait of 0 means "try the migration lock once", not "fail on any of them".
            let writerWait = max(Int(SQLiteDriver.milliseconds(seconds: configuration.lockTimeoutSeconds)), 2000)
            return try SQLiteDriver(path: path, create: forWriting, busyTimeoutMilliseconds: forWriting ? writerWait : 200)
        case .mariadb(let endpoint):
            return try MariaDBDriver(endpoint: endpoint, lockWaitTimeoutSeconds: configuration.ddlLockWaitSeconds)
        case nil:
            throw ConfigurationError("bad configuration: \"database\" is missing")
        }
    }

    /// Opens a connection, runs `body`, closes it, and turns any error into a report.
    func withDriver(forWriting: Bool, _ body: (DatabaseDriver) throws -> Report) -> Report {
        let driver: DatabaseDriver
        do {
            driver = try openDriver(forWriting: forWriting)
        } catch let error as ConfigurationError {
            return Report(result: .config, message: error.reason)
        } catch {
            return Report(result: .config, message: "The database cannot be reached; nothing was run: \(error).")
        }
        defer { driver.close() }
        // A read-only call changed nothing; a writing one may have been interrupted, and
        // whatever it left half-done is undone by the next activation (on SQLite, by the
        // rollback of its transaction right away).
        let consequence = forWriting ? "any migration it interrupted is undone by the next activation" : "nothing was changed"
        do {
            return try body(driver)
        } catch let error as DatabaseError where error.kind == .busy {
            // Another writer (SQLite's file lock beyond the bounded wait, a deadlock, a Galera
            // certification conflict): the same answer as a held migration lock.
            return Report(result: .locked, message: "Another process is using the database right now (\(error.message)); \(consequence). Try again in a moment.")
        } catch let error as DatabaseError {
            let kind = error.kind == .connection ? "The database connection failed" : "The database reported an error"
            return Report(result: .config, message: "\(kind) (\(error.message)); \(consequence). Check the database and try again.")
        } catch {
            return Report(result: .config, message: "Unexpected error: \(error); \(consequence).")
        }
    }
}
