/// The triggers with which the engine keeps a copy's target in step with its source while a
/// cut-over is pending (the forward sync: every insert, update and delete of a source row
/// re-derives that row's target row in the writer's own transaction), and, from the first
/// time the flag is switched on until `finalize`, the source with its target (the reverse
/// sync: a write to the new table writes the old one's row through `reverse`).
///
/// Why triggers: a write is in both tables when its transaction commits or in neither, so the
/// target is never behind the source (there is no lag to measure, only whether the triggers
/// exist, which `missing()` asks the server), and nothing else — no log reader, no daemon —
/// has to run for writes not to be lost. The cost is one more row write per write, in the
/// writer's transaction, until `finalize` removes them.
///
/// Why a guard: with both directions in place, the trigger that writes the other table would
/// fire that table's trigger, which would write back (MariaDB refuses that with error 1442,
/// SQLite would delete and re-insert the very row being written). A trigger runs only while
/// the guard is off and holds it while it writes: on MariaDB a session variable holding the
/// triggering statement's start time (see `statementStamp`); on
/// SQLite, which has no variables, a row of a guard table inserted and deleted inside the
/// writer's transaction (SQLite writes one transaction at a time and rolls a failed
/// statement back whole, so no other writer ever sees it).
///
/// The triggers and the guard are the engine's: their names are derived from the flag, they
/// are created idempotently and recorded in the flag's row, and `finalize` drops exactly them.
struct SyncTriggers {
    let driver: DatabaseDriver
    let prefix: String
    let flag: String
    let copy: CopyRowsStep
    /// The key column of the source (walked by the copy) and of the target (copied from it).
    let sourceKey: String
    let targetKey: String

    static let guardVariable = "@pet_sync"
    /// Set for the whole session by the engine's own connections (verification's repairs).
    static let engineGuardVariable = "@pet_sync_engine"
    /// What the MariaDB guard holds: the start of the statement that fired the trigger.
    /// `NOW(6)` inside a trigger is the time its triggering statement began, the same for
    /// every trigger that statement fires, and a later statement of the session has a later
    /// one — so a guard that a failed statement could not reset (a deadlock rolls back
    /// without running the exit handler) never silences the session's next statements.
    static let statementStamp = "CAST(NOW(6) AS CHAR)"
    var guardTable: String { prefix + "pet_sync_guard" }

    enum Direction: String {
        case forward = "f", reverse = "r"
    }

    enum Event: String, CaseIterable {
        case insert = "INSERT", update = "UPDATE", delete = "DELETE"
    }

    /// `{prefix}pet_sync_<10 hex digits of the flag's hash>_<direction><event>`: at most 54
    /// characters whatever the flag's length (authors cannot create triggers at all, so the
    /// name is the engine's).
    static let namePrefix = "pet_sync_"

    func name(_ direction: Direction, _ event: Event) -> String {
        Self.name(direction, event, prefix: prefix, flag: flag)
    }

    static func name(_ direction: Direction, _ event: Event, prefix: String, flag: String) -> String {
        "\(prefix)\(namePrefix)\(SHA256Hex.of(flag).prefix(10))_\(direction.rawValue)\(event.rawValue.prefix(1).lowercased())"
    }

    var sourceTable: String { prefix + copy.source }
    var targetTable: String { prefix + copy.target }

    func names(_ direction: Direction) -> [String] { Event.allCases.map { name(direction, $0) } }

    /// Both directions' trigger names of a flag.
    static func allNames(prefix: String, flag: String) -> Set<String> {
        Set([Direction.forward, .reverse].flatMap { direction in Event.allCases.map { name(direction, $0, prefix: prefix, flag: flag) } })
    }

    private func q(_ name: String) -> String { driver.quoteIdentifier(name) }
    private var dialect: DialectName { driver.dialect }

    // MARK: What the triggers do

    /// Re-derives the target row of the source row `key` (an SQL expression such as
    /// `NEW.id`): deletes it and inserts it again from the source row when that row exists
    /// and matches the step's condition. The same mapping as the copy, read from the table,
    /// so a trigger and a chunk can never compute a row differently.
    private func rederiveTarget(keys: [String]) -> [String] {
        let columns = copy.columns.map { q($0.column) }.joined(separator: ", ")
        let values = copy.columns.map { "(\($0.value.text(for: dialect)))" }.joined(separator: ", ")
        let condition = copy.condition.map { " AND (\($0.text(for: dialect)))" } ?? ""
        var statements = ["DELETE FROM \(q(targetTable)) WHERE \(q(targetKey)) IN (\(keys.joined(separator: ", ")))"]
        if let newKey = keys.last {
            statements.append("INSERT INTO \(q(targetTable)) (\(columns)) SELECT \(values) FROM \(q(sourceTable)) WHERE \(q(sourceKey)) = \(newKey)\(condition)")
        }
        return statements
    }

    /// Writes the source row of target row `key` from it: an upsert of the columns `reverse`
    /// maps, so source columns the new table does not carry keep their values.
    private func upsertSource(key: String) -> String {
        let mappings = copy.reverseMappings
        let columns = mappings.map { q($0.column) }.joined(separator: ", ")
        let values = mappings.map { "(\($0.value.text(for: dialect)))" }.joined(separator: ", ")
        return "INSERT INTO \(q(sourceTable)) (\(columns)) SELECT \(values) FROM \(q(targetTable)) WHERE \(q(targetKey)) = \(key)"
            + driver.upsertClause(key: sourceKey, columns: mappings.map(\.column))
    }

    private func body(_ direction: Direction, _ event: Event) -> [String] {
        switch (direction, event) {
        case (.forward, .insert): return rederiveTarget(keys: ["NEW.\(q(sourceKey))"])
        case (.forward, .update): return rederiveTarget(keys: ["OLD.\(q(sourceKey))", "NEW.\(q(sourceKey))"])
        case (.forward, .delete): return ["DELETE FROM \(q(targetTable)) WHERE \(q(targetKey)) = OLD.\(q(sourceKey))"]
        case (.reverse, .insert): return [upsertSource(key: "NEW.\(q(targetKey))")]
        case (.reverse, .update):
            return ["DELETE FROM \(q(sourceTable)) WHERE \(q(sourceKey)) = OLD.\(q(targetKey)) AND OLD.\(q(targetKey)) <> NEW.\(q(targetKey))",
                    upsertSource(key: "NEW.\(q(targetKey))")]
        case (.reverse, .delete): return ["DELETE FROM \(q(sourceTable)) WHERE \(q(sourceKey)) = OLD.\(q(targetKey))"]
        }
    }

    func createStatement(_ direction: Direction, _ event: Event) -> String {
        let table = direction == .forward ? sourceTable : targetTable
        let head = "CREATE TRIGGER IF NOT EXISTS \(q(name(direction, event))) AFTER \(event.rawValue) ON \(q(table)) FOR EACH ROW"
        let statements = body(direction, event)
        switch dialect {
        case .mariadb:
            let guardVariable = Self.guardVariable
            return """
                \(head)
                BEGIN
                  DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN SET \(guardVariable) = NULL; RESIGNAL; END;
                  IF \(Self.engineGuardVariable) IS NULL AND NOT (\(guardVariable) <=> \(Self.statementStamp)) THEN
                    SET \(guardVariable) = \(Self.statementStamp);
                    \(statements.map { $0 + ";" }.joined(separator: "\n    "))
                    SET \(guardVariable) = NULL;
                  END IF;
                END
                """
        case .sqlite:
            return """
                \(head) WHEN NOT EXISTS (SELECT 1 FROM \(q(guardTable)))
                BEGIN
                  INSERT INTO \(q(guardTable)) (held) VALUES (1);
                  \(statements.map { $0 + ";" }.joined(separator: "\n  "))
                  DELETE FROM \(q(guardTable));
                END
                """
        }
    }

    // MARK: Creating, checking, removing

    /// Creates the triggers of `direction` that do not exist (and SQLite's guard table).
    /// Each statement is idempotent, so a process killed half-way leaves nothing that the
    /// next call does not complete. Runs outside any transaction: on MariaDB it commits.
    func create(_ direction: Direction) throws(DatabaseError) {
        if dialect == .sqlite {
            try driver.execute("CREATE TABLE IF NOT EXISTS \(q(guardTable)) (held INTEGER NOT NULL)")
        }
        for event in Event.allCases {
            try driver.execute(createStatement(direction, event))
        }
    }

    /// The triggers of `direction` the server does not have (its own catalogue, not our
    /// record of it: a restore or a hand-made change may have removed them).
    func missing(_ direction: Direction) throws(DatabaseError) -> [String] {
        try Self.missing(names(direction), driver: driver)
    }

    static func missing(_ wanted: [String], driver: DatabaseDriver) throws(DatabaseError) -> [String] {
        let placeholders = wanted.map { _ in "?" }.joined(separator: ", ")
        let present: [[SQLValue]]
        switch driver.dialect {
        case .mariadb:
            present = try driver.query("SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() AND TRIGGER_NAME IN (\(placeholders))",
                                       wanted.map(SQLValue.text))
        case .sqlite:
            present = try driver.query("SELECT name FROM sqlite_schema WHERE type = 'trigger' AND name IN (\(placeholders))", wanted.map(SQLValue.text))
        }
        let found = Set(present.compactMap { $0.first?.text })
        return wanted.filter { !found.contains($0) }
    }

    /// Drops every trigger of both directions that exists. Never a table: the old and the
    /// new structure both stay.
    func dropAll() throws(DatabaseError) {
        for direction in [Direction.reverse, .forward] {
            for trigger in names(direction) {
                try driver.execute("DROP TRIGGER IF EXISTS \(q(trigger))")
            }
        }
    }
}

extension SyncTriggers {
    /// The sync of a flag's copy, as the set declares it and the flag's row names it; nil
    /// when the migration or its step is no longer in the set.
    init?(record: CutoverRecord, set: MigrationSet, driver: DatabaseDriver, prefix: String, sourceKey: String) {
        guard let migration = set.migrations.first(where: { $0.version == record.version }), record.step >= 1, record.step <= migration.steps.count,
              case .copyRows(let copy) = migration.steps[record.step - 1], let targetKey = copy.targetColumn(copiedFrom: sourceKey) else { return nil }
        self.init(driver: driver, prefix: prefix, flag: record.flag, copy: copy, sourceKey: sourceKey, targetKey: targetKey)
    }

    /// Makes sure the forward sync exists (and the reverse one, once the flag has been on).
    /// When a trigger that should exist is missing, writes may have been missed: it is
    /// recreated and the verification that passed before no longer counts. Returns which
    /// directions had a gap (nothing for the first creation).
    @discardableResult
    func ensure(_ record: inout CutoverRecord, bookkeeping: Bookkeeping) throws(DatabaseError) -> SyncGap {
        guard record.sync != .removed else { return SyncGap() }
        let forwardMissing = try missing(.forward)
        let reverseMissing = record.sync == .both ? try missing(.reverse) : []
        guard !forwardMissing.isEmpty || !reverseMissing.isEmpty else { return SyncGap() }
        if !forwardMissing.isEmpty { try create(.forward) }
        if !reverseMissing.isEmpty { try create(.reverse) }
        let firstTime = record.sync == .none
        if firstTime {
            record.sync = .forward
        } else {
            // It existed before: a gap, during which writes may not have reached the other table.
            record.verifiedAt = nil
            record.verifyCursor = nil
            record.verifyStartedAt = nil
            record.verifyProblem = nil
        }
        record.syncSince = Clock.now()
        try bookkeeping.update(record)
        let message = firstTime
            ? "Cut-over \(record.flag): writes to \(sourceTable) now reach \(targetTable) as they are made."
            : "Cut-over \(record.flag): the sync triggers \((forwardMissing + reverseMissing).joined(separator: ", ")) were missing and are recreated; writes made meanwhile may not have reached the other table, so the flag needs a new verification (`pet-migrate verify`) before it can be switched on again."
        try bookkeeping.record(.cutover, version: record.version, message: message)
        return firstTime ? SyncGap() : SyncGap(forward: !forwardMissing.isEmpty, reverse: !reverseMissing.isEmpty)
    }
}

/// Which directions of a flag's sync were found missing (and recreated): writes made in the
/// gap may be in one table and not the other.
struct SyncGap: Equatable {
    /// Writes to the old table may not have reached the new one.
    var forward = false
    /// Writes to the new table may not have reached the old one.
    var reverse = false
    var any: Bool { forward || reverse }
}

extension CopyRowsStep {
    /// The target column copied unchanged from `sourceColumn` (the key pair of a cut-over).
    func targetColumn(copiedFrom sourceColumn: String) -> String? {
        plainCopies.first { $0.source == sourceColumn }?.target
    }
}
