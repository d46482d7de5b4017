/// `pet_migration_events`: the audit log. Every event stays, except `progress` events: those
/// are figures on the way (one every 10 s of data work, one at each throttle pause), and only
/// the newest `progressEventsKept` of each migration are kept, so a backfill that runs for days
/// or waits on a lagging replica every few minutes cannot fill the table.
extension Bookkeeping {
    /// `progress` events kept per migration.
    static let progressEventsKept = 100

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
        if event == .progress, let version {
            try pruneProgressEvents(version: version)
        }
    }

    /// Deletes the migration's `progress` events older than the newest `progressEventsKept`.
    /// (The inner LIMIT makes MariaDB materialise the derived table, so the DELETE may read
    /// the table it deletes from; with fewer events the comparison is with NULL and deletes
    /// nothing.)
    private func pruneProgressEvents(version: String) throws(DatabaseError) {
        let events = q(eventsTable)
        try driver.execute("DELETE FROM \(events) WHERE event = 'progress' AND version = ? AND id < (SELECT id FROM (SELECT id FROM \(events) WHERE event = 'progress' AND version = ? ORDER BY id DESC LIMIT 1 OFFSET \(Self.progressEventsKept - 1)) AS oldest_kept)",
                           [.text(version), .text(version)])
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
