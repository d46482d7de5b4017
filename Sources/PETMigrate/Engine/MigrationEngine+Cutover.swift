/// The engine's entry points for cut-overs: `verify` checks (and repairs) the copies that
/// sync triggers keep in step, `cutover` switches a flag on, off or ends its reversible
/// window. Both take the runner's claim, so they never interleave with chunks or each other.
extension MigrationEngine {
    /// Verifies every flag whose copy is done and that is off (or only `flag`), within the
    /// time budget; a pass cut short goes on at the next call.
    public func verify(flag: String? = nil) -> Report {
        let deadline = configuration.budgetMilliseconds.map { Clock.monotonicSeconds() + Double($0) / 1000 }
        return withCutoverClaim { set, driver, bookkeeping in
            let statuses = try bookkeeping.cutoverStatuses()
            if let flag, !statuses.contains(where: { $0.record.flag == flag }) { return unknownFlag(flag, statuses: statuses) }
            var lines: [String] = []
            var result = ResultCode.ok
            var problem: Report.Problem?
            for status in statuses where flag == nil || status.record.flag == flag {
                var record = status.record
                switch status.phase {
                case .finalized:
                    if flag != nil { lines.append("\(record.flag) is finalized; there is nothing left to verify.") }
                    continue
                case .copying:
                    lines.append("\(record.flag): the copy is still running; verification starts once it is done (`pet-migrate resume`).")
                    result = .pending
                    continue
                case .cutOver:
                    // While on, the site writes the new table: the old one is no longer the
                    // side a repair may copy from.
                    lines.append("\(record.flag) is switched on; verification runs while it is off (the site then writes only the old table).")
                    continue
                case .syncing, .verified:
                    break
                }
                guard let verification = try verification(for: record, set: set, driver: driver, bookkeeping: bookkeeping, deadline: deadline) else {
                    return Report(result: .invalid, message: "Cut-over \(record.flag) names step \(record.step) of migration \(record.version), which the migration files no longer declare as its copy_rows step.")
                }
                var outcome = try verification.run(&record)
                if outcome == .restarted, deadline.map({ Clock.monotonicSeconds() < $0 }) ?? true { outcome = try verification.run(&record) }
                let figures = "\(record.rangesChecked) range\(record.rangesChecked == 1 ? "" : "s") checked, \(record.mismatchesFound) mismatch\(record.mismatchesFound == 1 ? "" : "es") found, \(record.mismatchesRepaired) repaired"
                switch outcome {
                case .passed:
                    lines.append("\(record.flag): verification passed (\(figures)); `pet-migrate cutover \(record.flag) on` switches it.")
                case .failed(let reason):
                    lines.append("\(record.flag): verification failed (\(figures)): \(reason). The flag stays off; fix the rows or the mapping, then verify again.")
                    result = .pending
                    problem = problem ?? Report.Problem(kind: FailureKind.verificationFailed.rawValue, file: set.migrations.first { $0.version == record.version }?.file,
                                                        version: record.version, step: record.step, reason: reason)
                case .outOfBudget, .restarted:
                    lines.append("\(record.flag): verification goes on at the next call (\(figures) so far).")
                    if result == .ok { result = .pending }
                }
            }
            if lines.isEmpty { lines.append(flag == nil ? "There is no cut-over flag to verify." : "Nothing to verify.") }
            var report = try cutoverReport(result: result, message: lines.joined(separator: " "), set: set, bookkeeping: bookkeeping)
            report.error = problem
            report.problems = problem.map { [$0] } ?? []
            return report
        }
    }

    /// Switches a flag as an operator asked, or says exactly why not.
    public func cutover(_ request: CutoverRequest) -> Report {
        if let problem = request.problem { return Report(result: .config, message: "Bad cut-over request: \(problem).") }
        return withCutoverClaim { set, driver, bookkeeping in
            let statuses = try bookkeeping.cutoverStatuses()
            guard let status = statuses.first(where: { $0.record.flag == request.flag }) else { return unknownFlag(request.flag, statuses: statuses) }
            let switcher = CutoverSwitch(set: set, driver: driver, bookkeeping: bookkeeping, status: status, request: request)
            let (result, message) = try switcher.run()
            var report = try cutoverReport(result: result, message: message, set: set, bookkeeping: bookkeeping)
            if result != .ok {
                report.error = Report.Problem(kind: FailureKind.cutoverRefused.rawValue, file: set.migrations.first { $0.version == status.record.version }?.file,
                                              version: status.record.version, step: status.record.step, reason: message)
                report.problems = report.error.map { [$0] } ?? []
            }
            return report
        }
    }

    /// The verification of a flag's copy as the set declares it.
    func verification(for record: CutoverRecord, set: MigrationSet, driver: DatabaseDriver, bookkeeping: Bookkeeping, deadline: Double?) throws -> Verification? {
        let key = try driver.primaryKey(of: record.sourceTable)
        guard key.count == 1, let column = key.first,
              let sync = SyncTriggers(record: record, set: set, driver: driver, prefix: configuration.prefix, sourceKey: column.name),
              let migration = set.migrations.first(where: { $0.version == record.version }) else { return nil }
        let statements = ChunkStatements(driver: driver, step: migration.steps[record.step - 1], prefix: configuration.prefix, key: column,
                                         upperKey: "", syncedTargetKey: sync.targetKey)
        return Verification(driver: driver, bookkeeping: bookkeeping, sync: sync, statements: statements,
                            targetColumns: set.declaredColumns(of: sync.copy.target), deadline: deadline)
    }

    private func withCutoverClaim(_ body: (MigrationSet, DatabaseDriver, Bookkeeping) throws -> Report) -> Report {
        withRunnerClaim { set, driver, _ in
            // Verification repairs take row locks as chunks do, and wait for others as briefly.
            try driver.prepareForChunks(lockWaitSeconds: max(1, Int((2 * Double(configuration.chunkTargetMilliseconds) / 1000).rounded(.up))))
            return try body(set, driver, Bookkeeping(driver: driver, prefix: configuration.prefix))
        }
    }

    private func unknownFlag(_ flag: String, statuses: [CutoverStatus]) -> Report {
        let known = statuses.map(\.record.flag)
        return Report(result: .config, message: "There is no cut-over flag named \(flag)\(known.isEmpty ? "; no applied migration declares one" : " (flags: \(known.joined(separator: ", ")))").")
    }

    /// A report with the flags, the work and where the schema stands.
    func cutoverReport(result: ResultCode, message: String, set: MigrationSet, bookkeeping: Bookkeeping) throws -> Report {
        let applied = try bookkeeping.appliedMigrations()
        var report = try workReport(bookkeeping: bookkeeping, set: set, applied: applied, state: try bookkeeping.state())
        report.result = result
        report.message = message
        return report
    }
}

extension MigrationSet {
    /// The columns the set declares for a table it creates (and the columns it adds later).
    func declaredColumns(of table: String) -> [ColumnDefinition] {
        var columns: [ColumnDefinition] = []
        for migration in migrations {
            for step in migration.steps {
                switch step {
                case .createTable(let definition) where definition.name == table: columns = definition.columns
                case .addColumn(let name, let column) where name == table: columns.append(column)
                default: break
                }
            }
        }
        return columns
    }
}
