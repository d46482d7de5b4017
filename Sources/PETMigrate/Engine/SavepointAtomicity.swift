/// All-or-nothing by transactions (SQLite): the whole activation is one write transaction
/// (the migration lock) with a savepoint per migration, so each migration stays atomic while
/// 500 pending migrations still cost one commit.
struct SavepointAtomicity: MigrationAtomicity {
    let driver: DatabaseDriver
    let faults: FaultInjector
    let tracker: StepTracker

    func interruptedAttempt() throws(DatabaseError) -> InterruptedAttempt? { nil }

    func recoverInterruptedAttempt() throws -> InterruptedAttempt? { nil }

    func apply(_ migration: Migration, planned: [PlannedObject], begin: () throws -> Void,
               steps: (StepContext) throws -> Void, register: () throws -> Void) throws(MigrationFailure) {
        let savepoint = "pet_migration_\(migration.version)"
        do {
            // Outside the savepoint: the `started` event stays in the audit log if the
            // migration is rolled back.
            try begin()
            try driver.savepoint(savepoint)
        } catch {
            throw MigrationFailure(step: nil, kind: .databaseError, reason: "the database refused to start the migration: \(error)", undoneBy: .rolledBack)
        }
        do {
            try steps(TransactionalStepContext())
            try faults.check(.beforeRegister, version: migration.version, step: nil)
            try register()
            try driver.releaseSavepoint(savepoint)
        } catch {
            var failure = MigrationFailure(error, step: tracker.current, undoneBy: .rolledBack)
            do {
                try driver.rollbackToSavepoint(savepoint)
                try driver.releaseSavepoint(savepoint)
            } catch {
                failure.undoError = error.message
            }
            throw failure
        }
    }
}

/// Inside a transaction nothing needs journalling: the rollback undoes it all.
private struct TransactionalStepContext: StepContext {
    func willCreate(_ object: SchemaObject, step: Int) throws {}
    func inDataTransaction(_ body: () throws -> Void) throws { try body() }
}

extension MigrationFailure {
    /// Wraps whatever a step threw into a failure that names the step and the reason.
    init(_ error: Error, step: Int?, undoneBy: UndoKind) {
        switch error {
        case let failure as StepFailure:
            self.init(step: step, kind: failure.kind, reason: failure.reason, undoneBy: undoneBy)
        case let failure as DatabaseError:
            self.init(step: step, kind: .databaseError, reason: "the database refused it: \(failure.message)", undoneBy: undoneBy)
        case let refusal as StatementRefusal:
            self.init(step: step, kind: .refused, reason: "the SQL \(refusal.description)", undoneBy: undoneBy)
        case let failure as FaultInjector.InjectedFailure:
            self.init(step: step, kind: .injected, reason: failure.description, undoneBy: undoneBy)
        default:
            self.init(step: step, kind: .error, reason: "\(error)", undoneBy: undoneBy)
        }
    }
}
