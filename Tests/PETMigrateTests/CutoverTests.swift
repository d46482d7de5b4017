import Foundation
import Testing
@testable import PETMigrate

/// Issue 14: a copy with a cut-over flag loses no write — made to the old table during the
/// copy (forward sync), or to the new one after the switch (reverse sync) — is verified
/// before it can be switched, switches only by an operator, switches back, and is finalized
/// without dropping anything. Real SQLite files and the real MariaDB server, the real
/// `pet-migrate` as child processes, four writer threads as the site's traffic.
@Suite(.serialized) struct CutoverTests {
    /// `orders` copied into `orders_v2` with the flag `orders_v2`: cents from the text total,
    /// the state upper-cased; the reverse sync writes both back.
    static let cutoverCopy = ("2026_01_03_0001_orders_v2.json", """
        {"gates":"nothing","steps":[
          {"op":"create_table","table":"orders_v2","columns":[
            {"name":"id","type":"bigint"},{"name":"cents","type":"bigint","nullable":true},
            {"name":"state","type":"string","length":20}],"primary_key":["id"]},
          {"op":"copy_rows","from":"orders","to":"orders_v2","columns":{
            "id":"id","cents":{"sqlite":"\(OrdersMigrations.cents(.sqlite))","mariadb":"\(OrdersMigrations.cents(.mariadb))"},"state":"UPPER(status)"},
           "cutover":"orders_v2",
           "reverse":{"total":{"sqlite":"printf('%.2f', cents / 100.0)","mariadb":"CAST(cents / 100 AS DECIMAL(12,2))"},"status":"LOWER(state)"}}]}
        """)

    static func site(_ dialect: DialectName, rows: Int) throws -> DataMigrationSite {
        let site = try DataMigrationSite(dialect)
        try site.write(OrdersMigrations.m1)
        #expect(try site.cli("activate").exitCode == 0)
        try site.seedOrders(count: rows)
        try site.write(cutoverCopy)
        let activation = try site.cli("activate")
        #expect(activation.exitCode == 1, "\(activation.summary)")
        return site
    }

    static func flag(_ result: CLIResult) -> JSONValue? {
        if case .array(let flags)? = result.report?["cutovers"] { return flags.first { $0["flag"]?.stringValue == "orders_v2" } }
        return nil
    }

    static func verification(_ result: CLIResult) -> String {
        guard let verification = flag(result)?["verification"] else { return "no verification in the report" }
        return "\(verification["ranges_checked"]?.integerValue ?? -1) ranges checked, \(verification["mismatches_found"]?.integerValue ?? -1) mismatches found, \(verification["mismatches_repaired"]?.integerValue ?? -1) repaired"
    }

    static func triggers(_ site: DataMigrationSite) throws -> [String] {
        let sql = site.dialect == .sqlite
            ? "SELECT name FROM sqlite_schema WHERE type = 'trigger' ORDER BY name"
            : "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() ORDER BY TRIGGER_NAME"
        return try site.withConnection { try $0.query(sql, []).compactMap { $0.first?.text } }
    }

    /// The killed process's MariaDB session is gone (only the writers' remain).
    static func waitForKilledSessionToEnd(_ site: DataMigrationSite, writers: Int64) throws {
        guard site.dialect == .mariadb else { return }
        _ = try waitUntil(seconds: 10) {
            try site.integer("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND ID <> CONNECTION_ID()") <= writers
        }
    }

    // MARK: 1. A million rows copied while four writers change the source

    @Test(arguments: DialectName.allCases)
    func aMillionRowCopyUnderFourWritersEndsEqualToTheFinalSource(_ dialect: DialectName) throws {
        let rows: Int64 = 1_000_000
        let site = try Self.site(dialect, rows: Int(rows))
        let writers = SiteWriters(site: site, seededRows: rows)
        writers.start()
        sleepFor(seconds: 0.3)
        let resume = try site.cli("resume")
        #expect(resume.exitCode == 0, "\(resume.summary)")
        #expect(Self.flag(resume)?["phase"]?.stringValue == "syncing")
        sleepFor(seconds: 0.5) // writes after the copy, before verification: the sync alone carries them
        let duringCopy = writers.snapshot.counts
        let verify = try site.cli("verify")
        let counts = writers.stop()
        #expect(writers.snapshot.failures.isEmpty, "\(writers.snapshot.failures.prefix(3))")
        print("[\(dialect)] 1,000,000-row copy_rows in \(DataMigrationSite.ms(resume.seconds)) ms beside 4 writers: \(duringCopy) by the end of the copy, \(counts) in all; verify in \(DataMigrationSite.ms(verify.seconds)) ms: \(Self.verification(verify))")
        #expect(verify.exitCode == 0, "\(verify.summary)")
        // The sync and the locking copy leave nothing to repair: every write was carried.
        #expect(Self.flag(verify)?["verification"]?["mismatches_found"]?.integerValue == 0, "\(Self.verification(verify))")
        #expect(Self.flag(verify)?["phase"]?.stringValue == "verified")
        #expect(counts.total > 100, "the writers wrote too little to show anything: \(counts)")
        let mismatches = try site.copyMismatches(into: "orders_v2")
        let (checked, lost) = try writers.lostWrites()
        print("[\(dialect)] target against a reference recomputed from the final source: \(mismatches) rows differ; \(checked) written ids checked in both tables, \(lost.count) lost")
        #expect(mismatches == 0)
        let nothingLost = lost.isEmpty
        #expect(nothingLost, "\(lost.count) lost, e.g. \(lost.prefix(5))")
    }

    // MARK: 2. Verification repairs what differs, and only from the source

    @Test(arguments: DialectName.allCases)
    func verificationFindsAndRepairsTamperedRangesAndReportsTheFigures(_ dialect: DialectName) throws {
        let site = try Self.site(dialect, rows: 20_000)
        #expect(try site.cli("resume").exitCode == 0)
        // What the sync never does: rows changed, removed and invented in the target by hand.
        try site.withConnection { driver in
            try driver.execute("DROP TRIGGER \(driver.quoteIdentifier(try Self.triggers(site).first { $0.hasSuffix("_fi") } ?? ""))")
            try driver.execute("UPDATE wp_orders_v2 SET cents = -1 WHERE id IN (10, 11, 4321)")
            try driver.execute("DELETE FROM wp_orders_v2 WHERE id IN (7000, 19999)")
            try driver.execute("INSERT INTO wp_orders_v2 (id, cents, state) VALUES (900000, 5, 'GHOST')")
            try driver.execute("INSERT INTO wp_orders (id, total, status) VALUES (20001, '3.00', 'new')") // not synced: its trigger is gone
        }
        #expect(try site.copyMismatches(into: "orders_v2") == 7)
        let verify = try site.cli("verify", ["orders_v2"])
        print("[\(dialect)] verify after tampering: \(Self.verification(verify)); \(verify.message)")
        #expect(verify.exitCode == 0, "\(verify.summary)")
        let figures = Self.flag(verify)?["verification"]
        #expect(figures?["mismatches_found"]?.integerValue == figures?["mismatches_repaired"]?.integerValue)
        #expect((figures?["mismatches_found"]?.integerValue ?? 0) >= 4, "the tampered rows lie in at least four ranges")
        #expect(try site.copyMismatches(into: "orders_v2") == 0)
        #expect(try Self.triggers(site).count == 3, "the missing trigger is recreated")
        let events = try site.cli("events", ["--limit", "10"]).stdout
        #expect(events.contains("were missing and are recreated"), "the gap in the sync is an event")
    }

    // MARK: 3. Refused until verified; switching back keeps every write; finalize drops nothing

    @Test(arguments: DialectName.allCases)
    func cutoverIsRefusedUntilVerifiedAndSwitchingBackKeepsEveryWriteToTheNewTable(_ dialect: DialectName) throws {
        let rows: Int64 = 20_000
        let site = try Self.site(dialect, rows: Int(rows))
        let operator_ = ["--actor", "ops@example.test (ticket 14)"]

        let whileCopying = try site.cli("cutover", ["orders_v2", "on"] + operator_)
        #expect(whileCopying.exitCode == 1 && whileCopying.message.contains("still running"), "\(whileCopying.summary)")
        #expect(whileCopying.report?["error"]?["kind"]?.stringValue == "cutover_refused")
        #expect(try site.cli("resume").exitCode == 0)
        let unverified = try site.cli("cutover", ["orders_v2", "on"] + operator_)
        #expect(unverified.exitCode == 1 && unverified.message.contains("not been verified"), "\(unverified.summary)")
        #expect(try site.cli("verify").exitCode == 0)

        // A gap in the sync after verification voids it.
        try site.withConnection { driver in
            try driver.execute("DROP TRIGGER \(driver.quoteIdentifier(try Self.triggers(site).first { $0.hasSuffix("_fd") } ?? ""))")
        }
        let gap = try site.cli("cutover", ["orders_v2", "on"] + operator_)
        #expect(gap.exitCode == 1 && gap.message.contains("missing"), "\(gap.summary)")
        #expect(try site.cli("verify").exitCode == 0)
        #expect(try site.cli("cutover", ["orders_v2", "finalize"] + operator_).exitCode == 5, "finalize needs the flag fully on")

        let on = try site.cli("cutover", ["orders_v2", "on"] + operator_)
        #expect(on.exitCode == 0, "\(on.summary)")
        #expect(Self.flag(on)?["phase"]?.stringValue == "cut_over")
        #expect(on.report?["flags"]?["orders_v2"]?.integerValue == 100)
        #expect(try Self.triggers(site).count == 6)

        // The hosts now write the new table; after `off` they go back to the old one while
        // both syncs still run (the guard keeps each from firing the other).
        let writers = SiteWriters(site: site, seededRows: rows, structure: .new)
        writers.start()
        sleepFor(seconds: 1.0)
        let off = try site.cli("cutover", ["orders_v2", "off"] + operator_)
        #expect(off.exitCode == 0, "\(off.summary)")
        writers.switchTo(.old) // hosts read the flag off and go back to the old table
        sleepFor(seconds: 0.5)
        let counts = writers.stop()
        #expect(writers.snapshot.failures.isEmpty, "\(writers.snapshot.failures.prefix(3))")
        let (checked, lost) = try writers.lostWrites()
        print("[\(dialect)] writers on the new table, then switched back: \(counts); \(checked) written ids checked in both tables, \(lost.count) lost")
        let nothingLost = lost.isEmpty
        #expect(nothingLost, "\(lost.count) lost, e.g. \(lost.prefix(5))")
        #expect(try site.copyMismatches(into: "orders_v2") == 0)

        // On again, then finalize: both tables stay, the triggers go, later writes stay put.
        #expect(try site.cli("cutover", ["orders_v2", "on"] + operator_).exitCode == 0)
        let finalize = try site.cli("cutover", ["orders_v2", "finalize"] + operator_)
        #expect(finalize.exitCode == 0, "\(finalize.summary)")
        #expect(Self.flag(finalize)?["phase"]?.stringValue == "finalized")
        #expect(try Self.triggers(site).isEmpty)
        let oldRows = try site.integer("SELECT COUNT(*) FROM wp_orders")
        let newRows = try site.integer("SELECT COUNT(*) FROM wp_orders_v2")
        #expect(oldRows > 0 && newRows == oldRows)
        try site.execute("INSERT INTO wp_orders_v2 (id, cents, state) VALUES (9000001, 100, 'NEW')")
        #expect(try site.integer("SELECT COUNT(*) FROM wp_orders") == oldRows, "after finalize the old table no longer follows")
        #expect(try site.cli("cutover", ["orders_v2", "off"] + operator_).exitCode == 5)

        let events = try site.cli("events", ["--limit", "30"]).stdout
        let switches = events.components(separatedBy: "ops@example.test (ticket 14)").count - 1
        #expect(switches >= 4, "every switch names who made it: \(switches) found")
    }

    // MARK: 4. A gap in the sync never lets a switch hide writes

    @Test(arguments: DialectName.allCases)
    func aGapInTheSyncIsReportedAndNoSwitchHidesTheWritesItMayHaveMissed(_ dialect: DialectName) throws {
        let site = try Self.site(dialect, rows: 5_000)
        #expect(try site.cli("resume").exitCode == 0)
        #expect(try site.cli("verify").exitCode == 0)
        #expect(try site.cli("cutover", ["orders_v2", "on"]).exitCode == 0)
        func drop(_ suffix: String) throws {
            try site.withConnection { driver in
                try driver.execute("DROP TRIGGER \(driver.quoteIdentifier(try Self.triggers(site).first { $0.hasSuffix(suffix) } ?? ""))")
            }
        }

        // The reverse sync is gone while the site writes the new table.
        try drop("_ri")
        let status = try site.cli("status")
        #expect(status.message.contains("lost its sync triggers"), "\(status.message)")
        #expect(Self.flag(status)?["sync_missing"].map { "\($0)" }?.contains("_ri") == true)
        let off = try site.cli("cutover", ["orders_v2", "off"])
        #expect(off.exitCode == 5 && off.message.contains("stays on"), "switching back would hide writes: \(off.summary)")
        #expect(try site.cli("status").report?["flags"]?["orders_v2"]?.integerValue == 100)
        #expect(try Self.triggers(site).count == 6, "the check recreated the trigger")

        // The forward sync is gone: finalize would keep a new table that may lack writes.
        try drop("_fu")
        let finalize = try site.cli("cutover", ["orders_v2", "finalize"])
        #expect(finalize.exitCode == 1 && finalize.message.contains("forward sync was missing"), "\(finalize.summary)")
        #expect(try site.cli("cutover", ["orders_v2", "off"]).exitCode == 0, "the old table is complete: back to it")
        let unverified = try site.cli("cutover", ["orders_v2", "on"])
        #expect(unverified.exitCode == 1, "the gap voided the verification: \(unverified.summary)")
        #expect(try site.cli("verify").exitCode == 0)
        #expect(try site.cli("cutover", ["orders_v2", "on"]).exitCode == 0)
        #expect(try site.cli("cutover", ["orders_v2", "finalize"]).exitCode == 0)
        #expect(try site.copyMismatches(into: "orders_v2") == 0)
    }

    // MARK: 4b. A range a repair cannot fix fails the verification and keeps the flag off

    /// MariaDB rounds `total * 1.001` into DECIMAL(10,2) (a note, not a warning), so the new
    /// table can never hold what the mapping computes: every repair leaves the range as it was.
    @Test func aMappingTheNewColumnCannotHoldFailsVerificationAndTheSwitchStaysRefused() throws {
        let site = try DataMigrationSite(.mariadb)
        try site.write(OrdersMigrations.m1)
        #expect(try site.cli("activate").exitCode == 0)
        try site.seedOrders(count: 3_000)
        try site.write(("2026_01_03_0001_orders_v2.json", """
            {"gates":"nothing","steps":[
              {"op":"create_table","table":"orders_v2","columns":[
                {"name":"id","type":"bigint"},{"name":"amount","type":"decimal","precision":10,"scale":2}],"primary_key":["id"]},
              {"op":"copy_rows","from":"orders","to":"orders_v2","columns":{"id":"id","amount":"total * 1.001"},
               "cutover":"orders_v2","reverse":{"total":"CAST(amount AS CHAR)","status":"'new'"}}]}
            """))
        #expect(try site.cli("activate").exitCode == 1)
        #expect(try site.cli("resume").exitCode == 0)
        let before = try site.database.snapshot(excludingBookkeeping: true)
        let verify = try site.cli("verify")
        print("[mariadb] verify of a lossy mapping: \(Self.verification(verify)); \(verify.message)")
        #expect(verify.exitCode == 1, "\(verify.summary)")
        #expect(verify.report?["error"]?["kind"]?.stringValue == "verification_failed")
        #expect(Self.flag(verify)?["verification"]?["passed"] == .bool(false))
        #expect(try site.database.snapshot(excludingBookkeeping: true) == before, "the repairs wrote back the same rounded values")
        let on = try site.cli("cutover", ["orders_v2", "on"])
        #expect(on.exitCode == 1 && on.message.contains("verification failed"), "\(on.summary)")
        #expect(Self.flag(on)?["phase"]?.stringValue == "syncing")
    }

    // MARK: 5. SIGKILL during sync, verification and the switch

    @Test(arguments: DialectName.allCases)
    func sigkillsDuringSyncVerificationAndTheSwitchLoseNoWrite(_ dialect: DialectName) throws {
        let rows: Int64 = dialect == .sqlite ? 400_000 : 200_000
        let site = try Self.site(dialect, rows: Int(rows))
        let writers = SiteWriters(site: site, seededRows: rows)
        writers.start()
        let environment = ["PET_MIGRATE_TEST_FAULTS": "1"]
        var kills: [String: Int] = [:]

        /// Runs `command` and kills it after a random moment, `times` times, then once to its end.
        func killRepeatedly(_ command: String, _ arguments: [String], times: Int, within delays: ClosedRange<Double>) throws -> CLIResult {
            for _ in 0..<times {
                let run = try site.spawn(command, arguments, environment: environment)
                sleepFor(seconds: Double.random(in: delays))
                if run.isRunning {
                    run.killHard()
                    _ = run.wait()
                    kills[command, default: 0] += 1
                } else {
                    _ = run.wait()
                }
                try Self.waitForKilledSessionToEnd(site, writers: 4)
            }
            var final = try site.cli(command, arguments, environment: environment)
            for _ in 0..<40 where final.exitCode == ResultCode.locked.rawValue {
                sleepFor(seconds: 0.25)
                final = try site.cli(command, arguments, environment: environment)
            }
            return final
        }

        let resume = try killRepeatedly("resume", [], times: 6, within: 0.05...0.5)
        #expect(resume.exitCode == 0, "\(resume.summary)")
        let verify = try killRepeatedly("verify", [], times: 6, within: 0.05...0.6)
        #expect(verify.exitCode == 0, "\(verify.summary)")
        let on = try killRepeatedly("cutover", ["orders_v2", "on"], times: 6, within: 0.01...0.15)
        #expect(on.exitCode == 0, "\(on.summary)")
        writers.switchTo(.new)
        sleepFor(seconds: 0.5)
        let off = try killRepeatedly("cutover", ["orders_v2", "off"], times: 4, within: 0.01...0.15)
        #expect(off.exitCode == 0, "\(off.summary)")
        writers.switchTo(.old)
        sleepFor(seconds: 0.3)
        let counts = writers.stop()
        #expect(writers.snapshot.failures.isEmpty, "\(writers.snapshot.failures.prefix(3))")
        let finalCheck = try site.cli("verify")
        let (checked, lost) = try writers.lostWrites()
        let mismatches = try site.copyMismatches(into: "orders_v2")
        print("[\(dialect)] SIGKILLs: \(kills) (resume, verify, cutover on/off); writes made: \(counts); written ids checked in both tables: \(checked), lost: \(lost.count); target rows differing from the final source: \(mismatches); final verify: \(Self.verification(finalCheck))")
        let nothingLost = lost.isEmpty
        #expect(nothingLost, "\(lost.count) lost, e.g. \(lost.prefix(5))")
        #expect(mismatches == 0)
        // The flag is off again and the site writes the old table: a new pass checks both.
        #expect(finalCheck.exitCode == 0, "\(finalCheck.summary)")
        #expect(Self.flag(finalCheck)?["verification"]?["passed"] == .bool(true), "\(Self.verification(finalCheck))")
        #expect(kills.values.reduce(0, +) >= 8, "too few kills landed to show anything: \(kills)")
    }

    // MARK: 6. Staged rollout

    @Test func aFlagAtFivePercentIsOnForFivePercentOfKeysStably() {
        let keys = (1...10_000).map { "user-\($0)" }
        let on = keys.filter { RolloutBucket.isOn(flag: "orders_v2", key: $0, percent: 5) }
        let share = Double(on.count) / Double(keys.count)
        print("staged rollout at 5 %: \(on.count) of \(keys.count) keys on (\(String(format: "%.2f", share * 100)) %)")
        #expect(abs(share - 0.05) <= 0.01)
        #expect(keys.filter { RolloutBucket.isOn(flag: "orders_v2", key: $0, percent: 5) } == on, "stable across calls")
        // A larger share keeps every key of the smaller one; another flag splits keys apart.
        let twenty = Set(keys.filter { RolloutBucket.isOn(flag: "orders_v2", key: $0, percent: 20) })
        #expect(Set(on).isSubset(of: twenty))
        let other = keys.filter { RolloutBucket.isOn(flag: "invoices_v2", key: $0, percent: 5) }
        #expect(Set(other) != Set(on))
        #expect(keys.allSatisfy { !RolloutBucket.isOn(flag: "orders_v2", key: $0, percent: 0) })
        #expect(keys.allSatisfy { RolloutBucket.isOn(flag: "orders_v2", key: $0, percent: 100) })
        // The documented formula, as PHP computes it without the extension.
        #expect(RolloutBucket.bucket(flag: "orders_v2", key: "user-1") == Int(UInt64(SHA256Hex.of(Array("orders_v2".utf8) + [0] + Array("user-1".utf8)).prefix(12), radix: 16)! % 10_000))
    }

    // MARK: 7. Refused at activation, undone

    @Test(arguments: DialectName.allCases)
    func aReverseSyncThatCouldNotWriteTheOldTableFailsTheMigrationAndIsUndone(_ dialect: DialectName) throws {
        let site = try DataMigrationSite(dialect)
        try site.write(OrdersMigrations.m1)
        #expect(try site.cli("activate").exitCode == 0)
        try site.seedOrders(count: 100)
        let before = try site.database.snapshot(excludingBookkeeping: true)
        // `total` (NOT NULL, no default) is neither copied plainly nor in "reverse": an insert
        // into the new table could not be carried to the old one.
        try site.write(("2026_01_03_0001_orders_v2.json", """
            {"gates":"nothing","steps":[
              {"op":"create_table","table":"orders_v2","columns":[{"name":"id","type":"bigint"},{"name":"state","type":"string","length":20}],"primary_key":["id"]},
              {"op":"copy_rows","from":"orders","to":"orders_v2","columns":{"id":"id","state":"UPPER(status)"},"cutover":"orders_v2","reverse":{"status":"LOWER(state)"}}]}
            """))
        let activation = try site.cli("activate")
        #expect(activation.exitCode == 3, "\(activation.summary)")
        #expect(activation.report?["error"]?["kind"]?.stringValue == "invalid_source")
        #expect(activation.message.contains("total"), "the message names the column: \(activation.message)")
        #expect(try site.database.snapshot(excludingBookkeeping: true) == before, "the failed migration is undone")
        #expect(try Self.triggers(site).isEmpty)
    }

    // MARK: 8. Refused at load

    @Test func lintRefusesACutoverWithoutAKeyCopiedUnchanged() throws {
        let migrations = try MigrationDirectory()
        try migrations.write(OrdersMigrations.m1.0, OrdersMigrations.m1.1)
        try migrations.write("2026_01_03_0001_orders_v2.json", """
            {"gates":"nothing","steps":[
              {"op":"create_table","table":"orders_v2","columns":[{"name":"id","type":"bigint"},{"name":"state","type":"string","length":20}],"primary_key":["id"]},
              {"op":"copy_rows","from":"orders","to":"orders_v2","columns":{"id":"id + 1","state":"UPPER(status)"},"cutover":"orders_v2"}]}
            """)
        let lint = try ChildProcess.run(["lint", "--migrations", migrations.path])
        #expect(lint.exitCode == 4, "\(lint.output)")
        #expect(lint.output.contains("must be the source's key column unchanged"), "\(lint.output)")
    }
}
