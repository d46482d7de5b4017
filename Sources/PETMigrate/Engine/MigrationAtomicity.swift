/// How a dialect makes each migration all-or-nothing. SQLite has transactional DDL and uses
/// savepoints; MariaDB commits every DDL statement and uses a journal and compensation.
protocol MigrationAtomicity {
    /// A migration attempt that a crashed process left half-done, without changing anything.
    func interruptedAttempt() throws(DatabaseError) -> InterruptedAttempt?

    /// Undoes what a crashed attempt left (under the migration lock), returning what it did.
    func recoverInterruptedAttempt() throws -> InterruptedAttempt?

    /// Runs the migration's steps and registers it, or leaves the schema as it was before.
    /// `planned` is what its steps will create, journalled in one write before the first
    /// change, together with what `begin` writes (the state row, the `started` event);
    /// `register` writes what commits with the migration (the registry row, `completed`).
    /// On failure the error is a `MigrationFailure` saying which step failed and how the
    /// migration's effects were undone.
    func apply(_ migration: Migration, planned: [PlannedObject], begin: () throws -> Void,
               steps: (StepContext) throws -> Void, register: () throws -> Void) throws(MigrationFailure)
}

struct InterruptedAttempt: Equatable {
    var version: String
    /// The schema objects it had created (and compensation removed).
    var objects: [String]
}

/// A migration failed and its effects were undone.
struct MigrationFailure: Error {
    var step: Int?
    var kind: FailureKind
    var reason: String
    /// How the schema got back to its state before.
    var undoneBy: UndoKind
    /// Set when undoing failed too: the schema may not be as before, and the next
    /// activation will try again.
    var undoError: String?
}

/// Records the step number the current migration is at, so a failure can name it.
final class StepTracker {
    var current: Int?
}
