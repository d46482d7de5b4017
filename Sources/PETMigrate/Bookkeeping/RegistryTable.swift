/// `pet_migrations`, the registry: one row per applied migration, exactly the four columns
/// of the execution model.
extension Bookkeeping {
    static let registry = TableDefinition(name: "pet_migrations", columns: [
        versionColumn,
        ColumnDefinition(name: "name", type: .string, length: 191),
        ColumnDefinition(name: "applied_at", type: .datetime),
        ColumnDefinition(name: "checksum", type: .string, length: 64),
    ], primaryKey: ["version"])

    /// The applied migrations; none when the registry does not exist yet.
    func appliedMigrations() throws(DatabaseError) -> [AppliedMigration] {
        try driver.queryIfTableExists("SELECT version, name, applied_at, checksum FROM \(q(registryTable)) ORDER BY version").map(Self.appliedMigration)
    }

    static func appliedMigration(_ row: [SQLValue]) -> AppliedMigration {
        AppliedMigration(version: row[0].text ?? "", name: row[1].text ?? "", appliedAt: row[2].text ?? "", checksum: row[3].text ?? "")
    }

    func register(_ record: AppliedMigration) throws(DatabaseError) {
        try driver.execute("INSERT INTO \(q(registryTable)) (version, name, applied_at, checksum) VALUES (?, ?, ?, ?)",
                           [.text(record.version), .text(record.name), .text(record.appliedAt), .text(record.checksum)])
    }
}
