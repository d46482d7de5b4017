/// `pet_migration_events`: the append-only audit log.
extension Bookkeeping {
    static let events = TableDefinition(name: "pet_migration_events", columns: [
        ColumnDefinition(name: "id", type: .bigint, autoIncrement: true),
        ColumnDefinition(name: "occurred_at", type: .datetime),
        ColumnDefinition(name: "event", type: .string, length: 20),
        ColumnDefinition(name: "version", type: .string, length: 32, nullable: true),
        ColumnDefinition(name: "message", type: .text),
    ], primaryKey: ["id"], indexes: [IndexDefinition(name: "version", columns: ["version"])])

    func record(_ event: MigrationEvent.Kind, version: String?, message: String) throws(DatabaseError) {
        try driver.execute("INSERT INTO \(q(eventsTable)) (occurred_at, event, version, message) VALUES (?, ?, ?, ?)",
                           [.text(Clock.now()), .text(event.rawValue), sql(version), .text(message)])
    }

    func recentEvents(limit: Int) throws(DatabaseError) -> [MigrationEvent] {
        return try driver.queryIfTableExists("SELECT id, occurred_at, event, version, message FROM \(q(eventsTable)) ORDER BY id DESC LIMIT \(max(1, limit))").map { row in
            MigrationEvent(id: row[0].integer ?? 0, occurredAt: row[1].text ?? "", kind: row[2].text ?? "", version: row[3].text, message: row[4].text ?? "")
        }
    }
}

/// One row of the append-only audit log.
public struct MigrationEvent: Equatable, Sendable {
    public enum Kind: String, Sendable {
        case started, completed, failed, compensated, resumed, progress, cutover
    }

    public var id: Int64
    public var occurredAt: String
    public var kind: String
    public var version: String?
    public var message: String
}
