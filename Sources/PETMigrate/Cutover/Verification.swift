/// Verifies a copy kept in step by `SyncTriggers`: range by range along the source's key,
/// what the target holds against what the step's mapping computes from the source now —
/// the count and a SHA-256 of the rows, each value in the form the target column's type
/// gives it (so `12.5000` computed and `12.50` stored are the same decimal). Both sides of a
/// range are read in one snapshot: the triggers write a source row and its target row in one
/// transaction, so a snapshot holds both writes or neither, and a difference it shows is real.
///
/// A range that differs is repaired from the source and checked again. Which side wins is
/// decided by who writes: before the cut-over the site writes only the source (every one of
/// its writes reaches the target in the same transaction), so the source is the newer side
/// by construction; the repair reads it with a shared lock, so a writer of one of its rows
/// waits for the repair (or the repair for the writer) and the target ends as the latest
/// committed source row says — never older. After the flag has been switched on the site
/// writes the target, so verification no longer runs (`Cutover` refuses it).
///
/// The pass keeps its cursor in the flag's row after every range: a process killed half-way
/// goes on from there, and the figures (ranges checked, mismatches found and repaired) add up.
struct Verification {
    let driver: DatabaseDriver
    let bookkeeping: Bookkeeping
    let sync: SyncTriggers
    let statements: ChunkStatements
    let targetColumns: [ColumnDefinition]
    let deadline: Double?
    /// Source rows per range: small enough that a repair's locks are short.
    var rangeRows = 2_000

    enum Outcome: Equatable {
        case passed
        case failed(String)
        case outOfBudget
        /// The sync was found missing during the pass and recreated: verify again.
        case restarted
    }

    private func q(_ name: String) -> String { driver.quoteIdentifier(name) }

    func run(_ record: inout CutoverRecord) throws -> Outcome {
        // Missing triggers are recreated and the pass starts over (a verification is only
        // worth anything for writes made while the sync ran).
        try sync.ensure(&record, bookkeeping: bookkeeping)
        let passInProgress = record.verifyStartedAt != nil && record.verifiedAt == nil && record.verifyProblem == nil
        if !passInProgress {
            record.verifyStartedAt = Clock.now()
            record.verifyCursor = nil
            record.verifiedAt = nil
            record.verifyProblem = nil
            record.rangesChecked = 0
            record.mismatchesFound = 0
            record.mismatchesRepaired = 0
            try bookkeeping.update(record)
            try bookkeeping.record(.progress, version: record.version, message: "Cut-over \(record.flag): verification of \(sync.targetTable) against \(sync.sourceTable) starts.")
        }
        if driver.dialect == .mariadb {
            // The engine's own writes never fire the sync (see `SyncTriggers`).
            try driver.execute("SET \(SyncTriggers.engineGuardVariable) = 1")
        }
        defer { if driver.dialect == .mariadb { try? driver.execute("SET \(SyncTriggers.engineGuardVariable) = NULL") } }
        var checkedThisCall = 0
        while true {
            if checkedThisCall > 0, let deadline, Clock.monotonicSeconds() >= deadline { return .outOfBudget }
            let lower = record.verifyCursor
            let bounds = try driver.query(statements.bounds(after: lower, rows: rangeRows, unbounded: true)).first ?? []
            let upper = (bounds.first?.integer ?? 0) > 0 && bounds.count > 1 ? bounds[1].text : nil
            if try !rangeMatches(after: lower, through: upper) {
                record.mismatchesFound += 1
                try repair(after: lower, through: upper)
                if try rangeMatches(after: lower, through: upper) {
                    record.mismatchesRepaired += 1
                } else if record.verifyProblem == nil {
                    record.verifyProblem = "the rows after key \(lower ?? "(start)") through \(upper ?? "(end)") still differ after a repair from the source"
                }
            }
            record.rangesChecked += 1
            record.verifyCursor = upper
            checkedThisCall += 1
            guard upper == nil else {
                try bookkeeping.update(record)
                continue
            }
            // The last range: the pass counts only if the sync ran throughout it.
            if try sync.ensure(&record, bookkeeping: bookkeeping).any { return .restarted }
            let problem = record.verifyProblem ?? (record.mismatchesFound > record.mismatchesRepaired ? "some ranges still differ" : nil)
            if problem == nil { record.verifiedAt = Clock.now() } else { record.verifyProblem = problem }
            try bookkeeping.update(record)
            let figures = "\(record.rangesChecked) range\(record.rangesChecked == 1 ? "" : "s") checked, \(record.mismatchesFound) mismatch\(record.mismatchesFound == 1 ? "" : "es") found, \(record.mismatchesRepaired) repaired"
            if let problem {
                try bookkeeping.record(.failed, version: record.version, message: "Cut-over \(record.flag): verification failed (\(figures)): \(problem).")
                return .failed(problem)
            }
            try bookkeeping.record(.completed, version: record.version, message: "Cut-over \(record.flag): verification passed (\(figures)); the flag may be switched on.")
            return .passed
        }
    }

    /// Both sides of `(lower, upper]` in one snapshot, compared by count and checksum.
    private func rangeMatches(after lower: String?, through upper: String?) throws -> Bool {
        let copy = sync.copy
        let dialect = driver.dialect
        let values = copy.columns.map { "(\($0.value.text(for: dialect)))" }.joined(separator: ", ")
        let columns = copy.columns.map { q($0.column) }.joined(separator: ", ")
        let sourceRows = "SELECT \(values) FROM \(q(sync.sourceTable)) WHERE \(statements.range(after: lower, through: upper))\(statements.condition(copy.condition)) ORDER BY \(q(sync.sourceKey))"
        let targetRows = "SELECT \(columns) FROM \(q(sync.targetTable)) WHERE \(statements.range(after: lower, through: upper, column: sync.targetKey)) ORDER BY \(q(sync.targetKey))"
        switch dialect {
        case .mariadb:
            try driver.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            try driver.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY")
        case .sqlite:
            try driver.begin()
        }
        do {
            let source = try driver.query(sourceRows)
            let target = try driver.query(targetRows)
            try driver.commit()
            return RangeDigest(rows: source, columns: copy.columns.map(\.column), types: targetColumns)
                == RangeDigest(rows: target, columns: copy.columns.map(\.column), types: targetColumns)
        } catch {
            try? driver.rollback()
            throw error
        }
    }

    /// Replaces the target's rows of the range by what the mapping computes from the source,
    /// in one transaction that holds the source rows' shared locks (see the type's comment).
    private func repair(after lower: String?, through upper: String?) throws {
        try driver.begin()
        do {
            switch driver.dialect {
            case .mariadb:
                _ = try driver.query("SELECT \(q(sync.sourceKey)) FROM \(q(sync.sourceTable)) WHERE \(statements.range(after: lower, through: upper)) LOCK IN SHARE MODE")
            case .sqlite:
                // The engine's own writes never fire the sync (see `SyncTriggers`).
                try driver.execute("INSERT INTO \(q(sync.guardTable)) (held) VALUES (1)")
            }
            try driver.execute("DELETE FROM \(q(sync.targetTable)) WHERE \(statements.range(after: lower, through: upper, column: sync.targetKey))")
            _ = try driver.executeChunk(statements.chunk(after: lower, through: upper))
            if driver.dialect == .sqlite { try driver.execute("DELETE FROM \(q(sync.guardTable))") }
            try driver.commit()
        } catch {
            try? driver.rollback()
            throw error
        }
    }
}

/// The rows of one side of a range as verification compares them: each value normalised by
/// the type of the target column it lands in, then counted and hashed.
struct RangeDigest: Equatable {
    let count: Int
    let checksum: String

    init(rows: [[SQLValue]], columns: [String], types: [ColumnDefinition]) {
        let kinds = columns.map { column in types.first { $0.name == column }?.type ?? .text }
        var text = ""
        for row in rows {
            for (value, kind) in zip(row, kinds) {
                text += Self.normalized(value, as: kind)
                text += "\u{1F}"
            }
            text += "\u{1E}"
        }
        count = rows.count
        checksum = SHA256Hex.of(text)
    }

    /// The value as the column stores it: integers as integers, decimals without trailing
    /// zeros, doubles by their value, everything else as its text; NULL apart from any text.
    static func normalized(_ value: SQLValue, as type: PortableType) -> String {
        guard let text = value.text else { return "\u{0}null" }
        switch type {
        case .integer, .bigint, .boolean:
            if let number = value.integer { return "i\(number)" }
            if let number = value.double, number == number.rounded(), abs(number) < 9.2e18 { return "i\(Int64(number))" }
            return "t" + text
        case .decimal:
            guard text.contains("."), text.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" }) else { return "t" + text }
            var trimmed = Substring(text)
            while trimmed.last == "0" { trimmed.removeLast() }
            if trimmed.last == "." { trimmed.removeLast() }
            return trimmed == "-0" ? "t0" : "t" + trimmed
        case .double:
            return value.double.map { "d\($0)" } ?? "t" + text
        default:
            return "t" + text
        }
    }
}
