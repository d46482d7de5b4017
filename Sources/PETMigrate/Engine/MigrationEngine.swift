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
        withJudgedSet(forWriting: false) { set, driver in
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
            report.cutovers = try bookkeeping.cutoverStatuses()
            if let warning = Sentences.syncWarning(report.cutovers) { report.message += " " + warning }
            return report
        }
    }

    private func describe(plan: MigrationPlan, state: MigrationState?, interrupted: InterruptedAttempt?, lockHeld: Bool) -> Report {
        var report: Report
        let schema = plan.applied.last?.version ?? "none"
        if lockHeld {
            report = Report(result: .locked, message: Sentences.migratingNow)
        } else if state?.mode == .maintenance {
            report = Report(result: .maintenance, message: maintenanceMessage(state: state))
            report.error = state.map { Report.Problem(kind: $0.lastErrorKind ?? "failed", file: nil, version: $0.lastErrorVersion, step: $0.lastErrorStep, reason: $0.lastError ?? "") }
        } else if let interrupted {
            report = Report(result: .pending, message: Sentences.interrupted(interrupted.version))
        } else if !plan.pending.isEmpty {
            report = Report(result: .pending, message: Sentences.pending(plan.pending.count, schema: schema, target: plan.target))
        } else {
            report = Report(result: .ok, message: Sentences.upToDate(schema: schema))
        }
        report.applied = plan.applied
        report.pending = plan.pending.map { ($0.version, $0.name) }
        return report
    }

    private func maintenanceMessage(state: MigrationState?) -> String {
        guard let state, let version = state.lastErrorVersion else {
            return "PET is in maintenance mode after a failed migration. Fix the cause, then \(Sentences.retryAdvice)."
        }
        let step = state.lastErrorStep.map { " at step \($0)" } ?? ""
        return "PET is in maintenance mode: migration \(version) failed\(step): \(state.lastError ?? "unknown reason"). Fix the cause, then \(Sentences.retryAdvice)."
    }

    /// How an administrator runs the migrations again, wherever they work from.

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
        withJudgedSet(forWriting: true) { set, driver in
            try activate(set, on: driver, progress: progress)
        }
    }

    func activate(_ set: MigrationSet, on driver: DatabaseDriver, progress: (Progress) -> Void,
                  heldLock: MigrationLockRequest? = nil) throws -> Report {
        var report = try withoutActuallyEscaping(progress) { progress in
            try Activation(engine: self, set: set, driver: driver, progress: progress, heldLock: heldLock).run()
        }
        // Hosts cache the flags from every report that read the database, so every such
        // activation report carries them (a no-op one too).
        if report.cutovers.isEmpty, report.result != .locked, report.result != .config, report.result != .invalid {
            report.cutovers = (try? Bookkeeping(driver: driver, prefix: configuration.prefix).cutoverStatuses()) ?? []
        }
        return report
    }

    /// Writes the failure where every later process can read it (the state row and a
    /// `failed` event, after the rollback so that they survive it) and builds the report.
    func recordFailure(_ error: MigrationFailure, of migration: Migration, state: MigrationState, applied: [AppliedMigration],
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
        message += " PET is in maintenance mode: fix the cause, then \(Sentences.retryAdvice)."

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
    /// raw SQL statement judged for this prefix on both dialects, or every reason why not;
    /// when the directory lists exactly as it did for a set this process judged valid before
    /// (same names, same fingerprints), that set (`JudgedSetCache` argues why that is safe).
    func loadJudgedSet() -> Result<MigrationSet, InvalidMigrationSet> {
        let directory = DirectoryMigrationSource(directory: configuration.migrationsDirectory)
        let entries: [MigrationSourceEntry]
        do {
            entries = try directory.entries()
        } catch {
            return .failure(InvalidMigrationSet(problems: [MigrationProblem(.unreadable, file: nil, reason: error.reason)]))
        }
        let key = JudgedSetCache.key(directory: directory.location, prefix: configuration.prefix, entries: entries)
        if let key, let set = JudgedSetCache.shared.value(for: key) { return .success(set) }
        let source = ListedMigrationSource(location: directory.location, listed: entries)
        return MigrationSet.load(from: source, prefix: configuration.prefix).flatMap { set in
            let problems = MigrationSetJudge.problems(in: set, prefix: configuration.prefix)
            guard problems.isEmpty else { return .failure(InvalidMigrationSet(problems: problems)) }
            if let key { JudgedSetCache.shared.store(set, for: key) }
            return .success(set)
        }
    }

    /// What every entry point that reaches a database does first: the configuration checked,
    /// the set loaded and judged (an invalid one is reported, never run), a connection opened;
    /// then `body`, with any error turned into a report.
    func withJudgedSet(forWriting: Bool, _ body: (MigrationSet, DatabaseDriver) throws -> Report) -> Report {
        if let refusal = configurationRefusal() { return refusal }
        switch loadJudgedSet() {
        case .failure(let invalid): return invalidReport(invalid)
        case .success(let set): return withDriver(forWriting: forWriting) { driver in try body(set, driver) }
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
            var report = try body(driver)
            report.listsApplied = configuration.reportApplied
            return report
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
