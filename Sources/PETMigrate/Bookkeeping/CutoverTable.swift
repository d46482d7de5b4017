/// `pet_migration_cutovers`: one row per cut-over flag a `copy_rows` declares — which sync
/// objects exist, how far verification got and what it found, the flag's share and who last
/// switched it. Queued with its migration, in the transaction that registers it.
extension Bookkeeping {
    var cutoverTable: String { prefix + "pet_migration_cutovers" }

    static let cutovers = TableDefinition(name: "pet_migration_cutovers", columns: [
        ColumnDefinition(name: "flag", type: .string, length: 64),
        versionColumn,
        ColumnDefinition(name: "step", type: .integer),
        ColumnDefinition(name: "source_table", type: .string, length: 64),
        ColumnDefinition(name: "target_table", type: .string, length: 64),
        ColumnDefinition(name: "sync", type: .string, length: 20),
        ColumnDefinition(name: "sync_since", type: .datetime, nullable: true),
        ColumnDefinition(name: "percent", type: .integer, defaultValue: .number(DecimalNumber(0))),
        ColumnDefinition(name: "verify_cursor", type: .text, nullable: true),
        ColumnDefinition(name: "verify_started_at", type: .datetime, nullable: true),
        ColumnDefinition(name: "ranges_checked", type: .bigint, defaultValue: .number(DecimalNumber(0))),
        ColumnDefinition(name: "mismatches_found", type: .bigint, defaultValue: .number(DecimalNumber(0))),
        ColumnDefinition(name: "mismatches_repaired", type: .bigint, defaultValue: .number(DecimalNumber(0))),
        ColumnDefinition(name: "verify_problem", type: .text, nullable: true),
        ColumnDefinition(name: "verified_at", type: .datetime, nullable: true),
        ColumnDefinition(name: "switched_at", type: .datetime, nullable: true),
        ColumnDefinition(name: "switched_by", type: .text, nullable: true),
        ColumnDefinition(name: "finalized_at", type: .datetime, nullable: true),
        ColumnDefinition(name: "updated_at", type: .datetime),
    ], primaryKey: ["flag"])

    private static let cutoverColumns = """
        flag, version, step, source_table, target_table, sync, sync_since, percent, verify_cursor, verify_started_at,
        ranges_checked, mismatches_found, mismatches_repaired, verify_problem, verified_at, switched_at, switched_by, finalized_at, updated_at
        """

    /// Registers the flags of a migration being applied (with its queued work).
    func queueCutovers(_ migration: Migration) throws(DatabaseError) {
        for (offset, step) in migration.steps.enumerated() {
            guard case .copyRows(let copy) = step, let flag = copy.cutover else { continue }
            try driver.execute("""
                INSERT INTO \(q(cutoverTable)) (flag, version, step, source_table, target_table, sync, percent, ranges_checked, mismatches_found, mismatches_repaired, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0, 0, ?)
                """, [.text(flag), .text(migration.version), .integer(Int64(offset + 1)), .text(prefix + copy.source), .text(prefix + copy.target),
                      .text(CutoverRecord.Sync.none.rawValue), .text(Clock.now())])
        }
    }

    /// Every flag, in the order their migrations run.
    func cutovers() throws(DatabaseError) -> [CutoverRecord] {
        try driver.queryIfTableExists("SELECT \(Self.cutoverColumns) FROM \(q(cutoverTable)) ORDER BY version, step").map(CutoverRecord.init(row:))
    }

    func cutover(named flag: String) throws(DatabaseError) -> CutoverRecord? {
        try driver.queryIfTableExists("SELECT \(Self.cutoverColumns) FROM \(q(cutoverTable)) WHERE flag = ?", [.text(flag)]).first.map(CutoverRecord.init(row:))
    }

    func cutover(version: String, step: Int) throws(DatabaseError) -> CutoverRecord? {
        try driver.queryIfTableExists("SELECT \(Self.cutoverColumns) FROM \(q(cutoverTable)) WHERE version = ? AND step = ?",
                                      [.text(version), .integer(Int64(step))]).first.map(CutoverRecord.init(row:))
    }

    /// Writes the whole row (the caller read it under the runner's claim, so nobody else
    /// writes it meanwhile).
    func update(_ record: CutoverRecord) throws(DatabaseError) {
        try driver.execute("""
            UPDATE \(q(cutoverTable)) SET sync = ?, sync_since = ?, percent = ?, verify_cursor = ?, verify_started_at = ?, ranges_checked = ?,
                   mismatches_found = ?, mismatches_repaired = ?, verify_problem = ?, verified_at = ?, switched_at = ?, switched_by = ?,
                   finalized_at = ?, updated_at = ?
            WHERE flag = ?
            """, [.text(record.sync.rawValue), sql(record.syncSince), .integer(Int64(record.percent)), sql(record.verifyCursor),
                  sql(record.verifyStartedAt), .integer(record.rangesChecked), .integer(record.mismatchesFound),
                  .integer(record.mismatchesRepaired), sql(record.verifyProblem), sql(record.verifiedAt), sql(record.switchedAt),
                  sql(record.switchedBy), sql(record.finalizedAt), .text(Clock.now()), .text(record.flag)])
    }
}

/// One cut-over flag and where its data migration stands: a row of `pet_migration_cutovers`.
public struct CutoverRecord: Equatable, Sendable {
    /// Which of the engine's triggers exist (as last recorded; `SyncTriggers.missing` asks
    /// the server).
    public enum Sync: String, Sendable {
        /// None yet: the copy has not started.
        case none
        /// Writes to the source reach the target.
        case forward
        /// And writes to the target reach the source: since the flag was first switched on.
        case both
        /// Removed by `finalize`.
        case removed
    }

    /// Where the data migration is, for hosts that gate by it.
    public enum Phase: String, Sendable {
        /// The copy runs in the background; the migration's `gates` apply.
        case copying
        /// The copy is done and writes to the source keep reaching the target; not verified.
        case syncing
        /// Verification passed (and sync has run without a gap since): the flag may be switched.
        case verified
        /// The flag is on, for `percent` % of keys; it can be switched back without loss.
        case cutOver = "cut_over"
        /// The reversible window is closed: the new structure alone is written.
        case finalized
    }

    public var flag: String
    public var version: String
    public var step: Int
    public var sourceTable: String
    public var targetTable: String
    public var sync: Sync
    /// When the forward sync was last (re)created.
    public var syncSince: String?
    /// The share of keys that see the flag on, 0…100.
    public var percent: Int
    public var verifyCursor: String?
    public var verifyStartedAt: String?
    public var rangesChecked: Int64
    public var mismatchesFound: Int64
    public var mismatchesRepaired: Int64
    /// Why the last verification did not pass, when it did not.
    public var verifyProblem: String?
    public var verifiedAt: String?
    public var switchedAt: String?
    public var switchedBy: String?
    public var finalizedAt: String?
    public var updatedAt: String?

    init(row: [SQLValue]) {
        flag = row[0].text ?? ""
        version = row[1].text ?? ""
        step = Int(row[2].integer ?? 0)
        sourceTable = row[3].text ?? ""
        targetTable = row[4].text ?? ""
        sync = Sync(rawValue: row[5].text ?? "") ?? .none
        syncSince = row[6].text
        percent = Int(row[7].integer ?? 0)
        verifyCursor = row[8].text
        verifyStartedAt = row[9].text
        rangesChecked = row[10].integer ?? 0
        mismatchesFound = row[11].integer ?? 0
        mismatchesRepaired = row[12].integer ?? 0
        verifyProblem = row[13].text
        verifiedAt = row[14].text
        switchedAt = row[15].text
        switchedBy = row[16].text
        finalizedAt = row[17].text
        updatedAt = row[18].text
    }

    /// A full verification passed. Whoever finds the sync triggers missing recreates them and
    /// clears this (`SyncTriggers.ensure`): a verification from before a gap in the sync says
    /// nothing about the writes made in the gap.
    public var isVerified: Bool { verifiedAt != nil && verifyProblem == nil }

    /// The phase, given whether the copy itself is done.
    public func phase(copyDone: Bool) -> Phase {
        if finalizedAt != nil { return .finalized }
        if percent > 0 { return .cutOver }
        if !copyDone { return .copying }
        return isVerified ? .verified : .syncing
    }
}
