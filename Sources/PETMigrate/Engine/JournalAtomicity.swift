/// All-or-nothing without transactional DDL (MariaDB): every DDL statement commits on its own,
/// so before each one the engine durably records what it is about to create. When a step
/// fails — or on the next run after the process died — the objects this attempt created are
/// removed in reverse order, which brings the schema back to exactly its state before the
/// migration. Objects that existed before are never in the journal, so never touched.
///
/// Every row carries the attempt that wrote it (`attempt`, the lock owner's token): a failed
/// attempt undoes only its own rows, and recovery — which runs under the migration lock, so
/// only once every other attempt's owner is gone — undoes the rows of other attempts.
struct JournalAtomicity: MigrationAtomicity {
    let driver: DatabaseDriver
    let bookkeeping: Bookkeeping
    let faults: FaultInjector
    let tracker: StepTracker
    let attempt: String
    let catalog: SchemaCatalog

    private var table: String { driver.quoteIdentifier(bookkeeping.journalTable) }

    func interruptedAttempt() throws(DatabaseError) -> InterruptedAttempt? {
        let rows = try journalRows().filter { $0.attempt != attempt }
        guard let first = rows.first else { return nil }
        return InterruptedAttempt(version: first.version, objects: rows.filter { $0.version == first.version }.map(\.object.description))
    }

    func recoverInterruptedAttempt() throws -> InterruptedAttempt? {
        guard let interrupted = try interruptedAttempt() else { return nil }
        let foreign = try journalRows().filter { $0.attempt != attempt }
        try compensate(foreign)
        return interrupted
    }

    func apply(_ migration: Migration, planned: [PlannedObject], begin: () throws -> Void,
               steps: (StepContext) throws -> Void, register: () throws -> Void) throws(MigrationFailure) {
        let context = JournalStepContext(driver: driver, table: table, version: migration.version, attempt: attempt,
                                         planned: planned.map(\.object))
        do {
            // One commit before the first change: the journal names everything the
            // migration may create, and the state row and `started` event say it runs.
            try driver.begin()
            try context.record(planned)
            try begin()
            try driver.commit()
            try steps(context)
            try faults.check(.beforeRegister, version: migration.version, step: nil)
            // The data steps' rows, the registry row and the end of the journal commit
            // together: after this commit the migration is applied, before it the rollback
            // and the journal undo it.
            if !context.transaction.isOpen { try driver.begin() }
            try register()
            try driver.execute("DELETE FROM \(table) WHERE version = ? AND attempt = ?", [.text(migration.version), .text(attempt)])
            try driver.commit()
        } catch {
            try? driver.rollback()
            var failure = MigrationFailure(error, step: tracker.current, undoneBy: .compensated)
            do {
                try compensate(try journalRows().filter { $0.attempt == attempt && $0.version == migration.version })
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
        var attempt: String?
    }

    private func journalRows() throws(DatabaseError) -> [JournalRow] {
        try driver.queryIfTableExists("SELECT id, version, step, object_kind, table_name, object_name, attempt FROM \(table) ORDER BY id").compactMap { row in
            let tableName = row[4].text ?? ""
            let objectName = row[5].text ?? ""
            let object: SchemaObject
            switch row[3].text {
            case "table": object = .table(tableName)
            case "column": object = .column(table: tableName, column: objectName)
            case "index": object = .index(table: tableName, index: objectName)
            default: return nil
            }
            return JournalRow(id: row[0].integer ?? 0, version: row[1].text ?? "", step: Int(row[2].integer ?? 0), object: object,
                              attempt: row[6].text)
        }
    }

    /// Removes, newest first, every object the given journal rows recorded, then checks that
    /// none is left. Each journal row is deleted only after its object is gone, so
    /// compensation interrupted by a crash simply continues on the next run.
    private func compensate(_ journalled: [JournalRow]) throws {
        let rows = journalled.reversed()
        for row in rows {
            if try catalog.exists(row.object) {
                try driver.execute(dropStatement(row.object))
            }
            catalog.markStale(row.object.tableName)
            try driver.execute("DELETE FROM \(table) WHERE id = ?", [.integer(row.id)])
            try faults.check(.duringCompensation, version: row.version, step: row.step)
        }
        let left = try rows.filter { try catalog.exists($0.object) }
        if !left.isEmpty {
            throw StepFailure(reason: "compensation left \(left.map(\.object.description).joined(separator: ", ")) in place", kind: .compensation)
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

/// Writes the journal: everything planned in one multi-row insert before the first change,
/// and anything a step creates beyond the plan right before it does. Data steps (which
/// validation puts after every schema step) open one InnoDB transaction that stays open
/// until the registry row joins it.
private struct JournalStepContext: StepContext {
    final class Transaction {
        var isOpen = false
    }

    let driver: DatabaseDriver
    let table: String
    let version: String
    let attempt: String
    let planned: [SchemaObject]
    let transaction = Transaction()

    func record(_ objects: [PlannedObject]) throws {
        guard !objects.isEmpty else { return }
        let row = "(?, ?, ?, ?, ?, 'intent', ?, ?)"
        let now = Clock.now()
        var values: [SQLValue] = []
        for planned in objects {
            values += [.text(version), .integer(Int64(planned.step)), .text(planned.object.kind), .text(planned.object.tableName),
                       planned.object.objectName.map(SQLValue.text) ?? .null, .text(now), .text(attempt)]
        }
        try driver.execute("INSERT INTO \(table) (version, step, object_kind, table_name, object_name, status, recorded_at, attempt) VALUES "
                           + Array(repeating: row, count: objects.count).joined(separator: ", "), values)
    }

    func willCreate(_ object: SchemaObject, step: Int) throws {
        if planned.contains(object) { return }
        try record([PlannedObject(step: step, object: object)])
    }

    func inDataTransaction(_ body: () throws -> Void) throws {
        if !transaction.isOpen {
            try driver.begin()
            transaction.isOpen = true
        }
        try body()
    }
}
