/// Why a migration or a data step failed, as reports name it (`error.kind`, the state's
/// `last_error_kind`): hosts branch on these names, so they are a closed list.
public enum FailureKind: String, Sendable, CaseIterable {
    case tableMismatch = "table_mismatch"
    case missingTable = "missing_table"
    case missingColumn = "missing_column"
    case lockWaitTimeout = "lock_wait_timeout"
    case connection
    case databaseError = "database_error"
    /// Raw SQL that the dialect's judge refused when it was about to run.
    case refused
    /// A crash-test fault point (only with PET_MIGRATE_TEST_FAULTS=1).
    case injected
    case error
    /// Undoing a failed migration's changes failed too.
    case compensation
    /// A data step's source has no single-column primary key.
    case invalidSource = "invalid_source"
    /// The server cannot evaluate a data step's expressions.
    case invalidExpression = "invalid_expression"
    /// One row of a data step's work fails on its own.
    case dataError = "data_error"
    /// A copy's target still differs from its source after a repair (`verify`).
    case verificationFailed = "verification_failed"
    /// A cut-over switch refused: the copy, the verification or the sync is not there yet,
    /// or the request cannot apply to the flag as it stands.
    case cutoverRefused = "cutover_refused"
}

/// How a failed migration's changes were undone: in one transaction (SQLite), or by
/// removing what the journal says it created (MariaDB).
enum UndoKind: String, Sendable {
    case rolledBack = "rolled back"
    case compensated
}
