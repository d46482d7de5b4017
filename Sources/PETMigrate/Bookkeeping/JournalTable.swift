/// `pet_migration_journal`: read and written by `JournalAtomicity` (MariaDB), whose rules it
/// serves; declared here with the engine's other tables.
extension Bookkeeping {
    /// What a migration in progress created, so that a failure or a crash can be undone.
    static let journal = TableDefinition(name: "pet_migration_journal", columns: [
        ColumnDefinition(name: "id", type: .bigint, autoIncrement: true),
        versionColumn,
        ColumnDefinition(name: "step", type: .integer),
        ColumnDefinition(name: "object_kind", type: .string, length: 20),
        ColumnDefinition(name: "table_name", type: .string, length: 64),
        ColumnDefinition(name: "object_name", type: .string, length: 64, nullable: true),
        ColumnDefinition(name: "status", type: .string, length: 10),
        ColumnDefinition(name: "recorded_at", type: .datetime),
        ColumnDefinition(name: "attempt", type: .string, length: 191, nullable: true),
    ], primaryKey: ["id"])

    /// Added to the journal after its first release: which attempt wrote each row.
    static let journalAttempt = journal.columns.last!
}
