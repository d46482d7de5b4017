extension DatabaseDriver {
    /// The clause that turns `INSERT … SELECT …` into an upsert on `key`: on a row that already
    /// has the key, `columns` take the inserted values (and nothing changes when there are none
    /// besides the key). The engine's own statements only: the copy chunks of a synced copy
    /// and the reverse sync's trigger.
    ///
    /// On SQLite the `SELECT` before it must have a `WHERE` (SQLite's parsing rule for upserts);
    /// on MariaDB `ON DUPLICATE KEY UPDATE` acts on any unique key of the table, not only `key`.
    func upsertClause(key: String, columns: [String]) -> String {
        let q = quoteIdentifier
        let updated = columns.filter { $0 != key }
        switch dialect {
        case .mariadb:
            let assignments = updated.map { "\(q($0)) = VALUES(\(q($0)))" }
            return " ON DUPLICATE KEY UPDATE " + (assignments.isEmpty ? "\(q(key)) = \(q(key))" : assignments.joined(separator: ", "))
        case .sqlite:
            let assignments = updated.map { "\(q($0)) = excluded.\(q($0))" }
            return " ON CONFLICT(\(q(key))) DO " + (assignments.isEmpty ? "NOTHING" : "UPDATE SET " + assignments.joined(separator: ", "))
        }
    }
}
