/// All-or-nothing without transactional DDL (MariaDB): every DDL statement commits on its own,
/// so before each one the engine durably records what it is about to create. When a step
/// fails — or on the next run after the process died — the objects this attempt created are
/// removed in reverse order, which brings the schema back to exactly its state before the
/// migration. Objects that existed before are never in the journal, so never touched.
struct JournalAtomicity: MigrationAtomicity {
    let driver: DatabaseDriver
    let bookkeeping: Bookkeeping
    let faults: FaultInjector
    let tracker: StepTracker

    private var table: String { driver.quoteIdentifier(bookkeeping.journalTable) }

    func interruptedAttempt() throws(DatabaseError) -> InterruptedAttempt? {
        let rows = try journalRows()
        guard let version = rows.first?.version else { return nil }
        return InterruptedAttempt(version: version, objects: rows.map(\.object.description))
    }

    func recoverInterruptedAttempt() throws -> InterruptedAttempt? {
        guard let attempt = try interruptedAttempt() else { return nil }
        try compensate(version: attempt.version)
        return attempt
    }

    func apply(_ migration: Migration, steps: (StepContext) throws -> Void, register: () throws -> Void) throws(MigrationFailure) {
        let context = JournalStepContext(driver: driver, table: table, version: migration.version)
        do {
            try steps(context)
            try faults.check(.beforeRegister, version: migration.version, step: nil)
            // The data steps' rows, the registry row and the end of the journal commit
            // together: after this commit the migration is applied, before it the rollback
            // and the journal undo it.
            if !context.transaction.isOpen { try driver.begin() }
            try register()
            try driver.execute("DELETE FROM \(table) WHERE version = ?", [.text(migration.version)])
            try driver.commit()
        } catch {
            try? driver.rollback()
            var failure = MigrationFailure(error, step: tracker.current, undoneBy: "compensated")
            do {
                try compensate(version: migration.version)
            } catch {
                failure.undoError = "\(error)"
            }
            throw failure
        }
    }

    private struct JournalRow {
        var id: Int64
        var version: String
        var step: Int
        var object: SchemaObject
    }

    private func journalRows() throws(DatabaseError) -> [JournalRow] {
        try driver.queryIfTableExists("SELECT id, version, step, object_kind, table_name, object_name FROM \(table) ORDER BY id").compactMap { row in
            let tableName = row[4].text ?? ""
            let objectName = row[5].text ?? ""
            let object: SchemaObject
            switch row[3].text {
            case "table": object = .table(tableName)
            case "column": object = .column(table: tableName, column: objectName)
            case "index": object = .index(table: tableName, index: objectName)
            default: return nil
            }
            return JournalRow(id: row[0].integer ?? 0, version: row[1].text ?? "", step: Int(row[2].integer ?? 0), object: object)
        }
    }

    /// Removes, newest first, every object the attempt at `version` recorded, then checks
    /// that none is left. Each journal row is deleted only after its object is gone, so
    /// compensation interrupted by a crash simply continues on the next run.
    private func compensate(version: String) throws {
        let rows = try journalRows().filter { $0.version == version }.reversed()
        for row in rows {
            if try driver.exists(row.object) {
                try driver.execute(dropStatement(row.object))
            }
            try driver.execute("DELETE FROM \(table) WHERE id = ?", [.integer(row.id)])
            try faults.check(.duringCompensation, version: version, step: row.step)
        }
        let left = try rows.filter { try driver.exists($0.object) }
        if !left.isEmpty {
            throw StepFailure(reason: "compensation left \(left.map(\.object.description).joined(separator: ", ")) in place", kind: "compensation")
        }
    }

    private func dropStatement(_ object: SchemaObject) -> String {
        switch object {
        case .table(let name): return driver.dropTableStatement(name)
        case .column(let tableName, let column): return driver.dropColumnStatement(column, table: tableName)
        case .index(let tableName, let index): return driver.dropIndexStatement(index, table: tableName)
        }
    }
}

/// Writes the journal around each change. Data steps (which validation puts after every
/// schema step) open one InnoDB transaction that stays open until the registry row joins it.
private struct JournalStepContext: StepContext {
    final class Transaction {
        var isOpen = false
    }

    let driver: DatabaseDriver
    let table: String
    let version: String
    let transaction = Transaction()

    func willCreate(_ object: SchemaObject, step: Int) throws {
        try driver.execute("INSERT INTO \(table) (version, step, object_kind, table_name, object_name, status, recorded_at) VALUES (?, ?, ?, ?, ?, 'intent', ?)",
                           [.text(version), .integer(Int64(step)), .text(object.kind), .text(object.tableName),
                            object.objectName.map(SQLValue.text) ?? .null, .text(Clock.now())])
    }

    func didCreate(_ object: SchemaObject, step: Int) throws {
        try driver.execute("UPDATE \(table) SET status = 'done' WHERE version = ? AND step = ? AND object_kind = ?",
                           [.text(version), .integer(Int64(step)), .text(object.kind)])
    }

    func inDataTransaction(_ body: () throws -> Void) throws {
        if !transaction.isOpen {
            try driver.begin()
            transaction.isOpen = true
        }
        try body()
    }
}
