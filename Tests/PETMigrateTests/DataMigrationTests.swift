import Foundation
import Testing
@testable import PETMigrate

/// Data migrations (`backfill`, `copy_rows`) end to end, through the real `pet-migrate` command
/// against real SQLite files and the MariaDB test server: a million rows in budgeted slices,
/// SIGKILL at random moments, a writer beside the runner, the load throttle, a poisoned row,
/// pause and one runner at a time, a migration waiting behind the work, and what `lint`
/// refuses. Serialized: the timing figures mean nothing while the other tests of this suite
/// share the two cores.
@Suite(.serialized) struct DataMigrationTests {
    static let budgetMilliseconds = 2000
    /// What a budgeted call may take beyond its budget: starting the process, connecting,
    /// loading and judging the set, the start of a step (its COUNT over the source), and the
    /// last chunk, which may run a little past the budget when the measured rate was off.
    static let budgetSlackSeconds = 3.0
    static let chunkTargetSeconds = 0.2

    // MARK: 1. A million rows in budgeted slices

    @Test(arguments: DialectName.allCases)
    func aMillionRowsAreBackfilledAndCopiedThroughBudgetedResumes(_ dialect: DialectName) throws {
        let site = try DataMigrationSite(dialect)
        try site.write(OrdersMigrations.m1)
        #expect(try site.cli("activate").exitCode == 0)
        try site.seedOrders(count: 1_000_000)
        let before = try site.sourceChecksum()
        try site.write(OrdersMigrations.m2)
        try site.write(OrdersMigrations.m3)
        let activation = try site.cli("activate")
        #expect(activation.exitCode == 1, "\(activation.summary)")

        var calls: [CLIResult] = []
        while calls.count < 400 {
            let call = try site.cli("resume", ["--budget-ms", String(Self.budgetMilliseconds)])
            calls.append(call)
            print("[\(dialect)] resume --budget-ms \(Self.budgetMilliseconds) #\(calls.count): exit \(call.exitCode) in \(DataMigrationSite.ms(call.seconds)) ms; \(Self.describe(call.work))")
            if call.exitCode != 1 { break }
        }
        #expect(calls.last?.exitCode == 0, "\(calls.last?.summary ?? "")")
        #expect(calls.dropLast().allSatisfy { $0.exitCode == 1 }, "\(calls.map(\.exitCode))")
        for (index, call) in calls.enumerated() {
            #expect(call.seconds < Double(Self.budgetMilliseconds) / 1000 + Self.budgetSlackSeconds,
                    "call \(index + 1) took \(DataMigrationSite.ms(call.seconds)) ms")
        }
        let walls = calls.map(\.seconds).sorted()
        print("[\(dialect)] 1,000,000-row backfill + copy_rows: \(calls.count) resume calls, wall per call min \(DataMigrationSite.ms(walls.first ?? 0)) / median \(DataMigrationSite.ms(percentile(walls, 0.5))) / max \(DataMigrationSite.ms(walls.last ?? 0)) ms (budget \(Self.budgetMilliseconds) ms), total \(DataMigrationSite.ms(walls.reduce(0, +))) ms")

        #expect(try site.sourceChecksum() == before, "the source table changed")
        try Self.expectComplete(site, rows: 1_000_000)
        #expect(try site.cli("status").exitCode == 0)
    }

    // MARK: 2. SIGKILL at twenty random moments

    @Test(arguments: DialectName.allCases)
    func twentySIGKILLsLoseNothingAndRedoAtMostTheChunkInFlight(_ dialect: DialectName) throws {
        let site = try DataMigrationSite(dialect)
        try site.write(OrdersMigrations.m1)
        #expect(try site.cli("activate").exitCode == 0)
        try site.seedOrders(count: 1_000_000)
        let before = try site.sourceChecksum()
        try site.write(OrdersMigrations.m2)
        try site.write(OrdersMigrations.m3)
        #expect(try site.cli("activate").exitCode == 1)

        let log = FileManager.default.temporaryDirectory.appendingPathComponent("pet_chunks_\(UInt32.random(in: 0...UInt32.max)).log").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        let environment = ["PET_MIGRATE_TEST_FAULTS": "1", "PET_MIGRATE_TEST_CHUNK_LOG": log]

        struct Kill { var delay: Double; var chunks: [Int64]; var committed: Int64; var redone: Int64 { chunks.reduce(0, +) - committed } }
        var kills: [Kill] = []
        var extraCopies = 0
        var attempts = 0
        while kills.count < 20, attempts < 150 {
            attempts += 1
            let doneBefore = try site.rowsDone()
            let linesBefore = Self.chunkLog(log).count
            let delay = Double.random(in: 0.05...0.4)
            let run = try site.spawn("resume", [], environment: environment)
            sleepFor(seconds: delay)
            guard run.isRunning else {
                let early = run.wait()
                if early.exitCode == ResultCode.locked.rawValue { sleepFor(seconds: 0.2); continue } // the last victim's claim is still being let go
                let chunks = Array(Self.chunkLog(log).dropFirst(linesBefore))
                #expect(chunks.reduce(0, +) == (try site.rowsDone()) - doneBefore, "a run that ends by itself re-does nothing")
                // SQLite does about a million rows a second here: the work of M2 and M3 can end
                // before twenty kills of 50–400 ms, so more of the same work is queued (copies
                // like M3's, each verified below) until twenty kills have landed.
                guard early.exitCode == 0, extraCopies < 8 else {
                    Issue.record("resume ended before kill \(kills.count + 1): \(early.summary)")
                    break
                }
                extraCopies += 1
                try site.write(OrdersMigrations.extraCopy(extraCopies))
                print("[\(dialect)] the work was done after \(kills.count) kills; queued copy \(extraCopies) of 1,000,000 rows to outlast 20 kills")
                continue
            }
            run.killHard()
            let killed = run.wait()
            #expect(killed.killed, "\(killed.summary)")
            try Self.waitForOtherSessionsToEnd(site)
            let chunks = Array(Self.chunkLog(log).dropFirst(linesBefore))
            let kill = Kill(delay: delay, chunks: chunks, committed: try site.rowsDone() - doneBefore)
            kills.append(kill)
            print("[\(dialect)] kill \(kills.count) after \(DataMigrationSite.ms(delay)) ms: \(chunks.count) chunks logged (\(chunks.reduce(0, +)) rows), \(kill.committed) committed, re-done \(kill.redone)")
            // The chunk in flight is lost whole or committed whole, never applied twice: what
            // this run logged and did not commit is at most its last chunk.
            #expect(kill.redone == 0 || kill.redone == chunks.last, "kill \(kills.count): re-done \(kill.redone), chunks \(chunks)")
        }
        #expect(kills.count == 20)

        var final = try site.cli("resume", [], environment: environment)
        for _ in 0..<20 where final.exitCode == ResultCode.locked.rawValue {
            sleepFor(seconds: 0.25)
            final = try site.cli("resume", [], environment: environment)
        }
        #expect(final.exitCode == 0, "\(final.summary)")

        let logged = Self.chunkLog(log)
        let largest = logged.max() ?? 0
        let redone = logged.reduce(0, +) - (try site.rowsDone())
        let perKill = kills.map(\.redone)
        print("[\(dialect)] 20 SIGKILLs (delays \(kills.map { DataMigrationSite.ms($0.delay) }) ms): re-done rows per kill \(perKill); total re-done \(redone) rows in \(logged.count) chunks logged (largest chunk \(largest) rows, bound 20 × \(largest) = \(20 * largest)); \(extraCopies) extra copies queued")
        #expect(redone == perKill.reduce(0, +), "rows re-done outside a killed run: \(redone) vs \(perKill.reduce(0, +))")
        #expect(perKill.allSatisfy { $0 >= 0 && $0 <= largest })
        #expect(redone <= 20 * largest)
        for number in stride(from: 1, through: extraCopies, by: 1) {
            #expect(try site.copyMismatches(into: "orders_copy\(number)") == 0)
        }

        #expect(try site.sourceChecksum() == before, "the source table changed")
        try Self.expectComplete(site, rows: 1_000_000)
    }

    // MARK: 3. A writer beside the runner

    @Test(arguments: DialectName.allCases)
    func aConcurrentWriterWaitsAtMostAboutOneChunk(_ dialect: DialectName) throws {
        let rows: Int64 = dialect == .mariadb ? 300_000 : 1_000_000
        let site = try DataMigrationSite(dialect)
        try site.write(OrdersMigrations.m1)
        #expect(try site.cli("activate").exitCode == 0)
        try site.seedOrders(count: Int(rows))
        try site.write(OrdersMigrations.m2)
        #expect(try site.cli("activate").exitCode == 1)

        let writer: DatabaseDriver
        switch site.database.configurationDatabase {
        case .sqlite(let path): writer = try SQLiteDriver(path: path, create: false, busyTimeoutMilliseconds: 10_000)
        case .mariadb(let endpoint):
            var loopback = endpoint
            loopback.host = "127.0.0.1"
            loopback.socket = nil
            writer = try MariaDBDriver(endpoint: loopback)
        }
        defer { writer.close() }

        let runner = try site.spawn("resume", ["--chunk-target-ms", String(Int(Self.chunkTargetSeconds * 1000))])
        var latencies: [Double] = []
        // Statuses move among the ones the backfill takes (never into or out of the trash), so
        // the expected result stays what it was.
        while runner.isRunning, latencies.count < 20_000 {
            let started = Clock.monotonicSeconds()
            try writer.execute("UPDATE wp_orders SET status = ? WHERE id = ? AND status <> 'trash'",
                               [.text(["new", "paid", "shipped"].randomElement()!), .integer(Int64.random(in: 1...rows))])
            latencies.append(Clock.monotonicSeconds() - started)
            usleep(1000)
        }
        let result = runner.wait()
        #expect(result.exitCode == 0, "\(result.summary)")
        let sorted = latencies.sorted()
        print("[\(dialect)] writer beside a \(rows)-row backfill (\(DataMigrationSite.ms(result.seconds)) ms, chunk target \(DataMigrationSite.ms(Self.chunkTargetSeconds)) ms): \(sorted.count) UPDATEs, latency p50 \(Self.format(percentile(sorted, 0.5))) ms, p99 \(Self.format(percentile(sorted, 0.99))) ms, max \(Self.format(sorted.last ?? 0)) ms")
        #expect(sorted.count >= 50, "the writer must run alongside the work")
        #expect((sorted.last ?? 0) < Self.chunkTargetSeconds + 1.0)
        #expect(try site.backfillMismatches() == 0)
    }

    // MARK: 4. Threads_running

    @Test func aBusyServerHoldsTheWorkUntilThreadsRunningFalls() throws {
        let site = try DataMigrationSite(.mariadb)
        guard case .mariadb(let endpoint) = site.database.configurationDatabase else { return }
        try site.write(OrdersMigrations.m1)
        #expect(try site.cli("activate").exitCode == 0)
        try site.seedOrders(count: 20_000)
        try site.write(OrdersMigrations.m2)
        #expect(try site.cli("activate").exitCode == 1)

        let sleepers = DispatchGroup()
        for _ in 0..<3 {
            sleepers.enter()
            Thread {
                if let connection = try? MariaDBDriver(endpoint: endpoint) {
                    _ = try? connection.query("SELECT SLEEP(4)", [])
                    connection.close()
                }
                sleepers.leave()
            }.start()
        }
        let sleeping = try waitUntil(seconds: 3) {
            try site.integer("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO = 'SELECT SLEEP(4)'") == 3
        }
        #expect(sleeping)
        let sleepsStarted = Clock.monotonicSeconds()
        let runner = try site.spawn("resume", ["--max-threads-running", "2"])

        // While the sleeps last, the work waits and says why, and not a row is done.
        var throttle: String?
        _ = try waitUntil(seconds: 3) {
            let status = try site.cli("status")
            throttle = status.work.first?["throttle"]?.stringValue
            return throttle != nil
        }
        print("[mariadb] throttled: \(throttle ?? "nothing shown")")
        #expect(throttle?.contains("Threads_running") == true)
        #expect(try site.rowsDone() == 0)
        #expect(runner.isRunning)

        let result = runner.wait()
        sleepers.wait()
        let waited = Clock.monotonicSeconds() - sleepsStarted
        print("[mariadb] resume with --max-threads-running 2 beside 3 × SLEEP(4): exit \(result.exitCode) after \(DataMigrationSite.ms(waited)) ms")
        #expect(result.exitCode == 0, "\(result.summary)")
        #expect(waited >= 3.0, "the work must wait for the sleeps")
        let events = try site.cli("events")
        var messages: [String] = []
        if case .array(let list)? = events.report?["events"] { messages = list.compactMap { $0["message"]?.stringValue } }
        #expect(messages.contains { $0.contains("Threads_running") }, "\(messages)")
        #expect(try site.backfillMismatches() == 0)
    }

    // MARK: 5. A poisoned row

    /// M2 whose expression cannot convert one row: MariaDB's strict mode refuses 'abc' as a
    /// number (into a nullable column: the conversion fails, not a NOT NULL); on SQLite the
    /// expression gives NULL for it and the column is NOT NULL.
    static func poisonedCents(_ dialect: DialectName) -> (String, String) {
        let column = dialect == .sqlite ? #"{"name":"total_cents","type":"bigint","default":0}"# : #"{"name":"total_cents","type":"bigint","nullable":true}"#
        return ("2026_01_02_0001_cents.json", """
            {"gates":"writes","steps":[
              {"op":"add_column","table":"orders","column":\(column)},
              {"op":"backfill","table":"orders","set":{"total_cents":{
                "sqlite":"NULLIF(CAST(ROUND(CAST(total AS REAL) * 100) AS INTEGER), 0)",
                "mariadb":"CAST(total AS DECIMAL(10,2)) * 100"}}}]}
            """)
    }

    @Test(arguments: DialectName.allCases)
    func aPoisonedRowStopsTheWorkAtItsKeyAndAFixLetsItFinish(_ dialect: DialectName) throws {
        let site = try DataMigrationSite(dialect)
        try site.write(OrdersMigrations.m1)
        #expect(try site.cli("activate").exitCode == 0)
        try site.seedOrders(count: 20_000)
        let bad: Int64 = 12_345
        try site.execute("UPDATE wp_orders SET total = 'abc' WHERE id = \(bad)")
        try site.write(Self.poisonedCents(dialect))
        #expect(try site.cli("activate").exitCode == 1)

        let failed = try site.cli("resume")
        print("[\(dialect)] poisoned row: exit \(failed.exitCode): \(failed.message)")
        #expect(failed.exitCode == ResultCode.maintenance.rawValue, "\(failed.summary)")
        let error = failed.report?["error"]
        #expect(error?["kind"]?.stringValue == "data_error")
        #expect(error?["file"]?.stringValue == "2026_01_02_0001_cents.json")
        #expect(error?["step"]?.integerValue == 2)
        let reason = error?["reason"]?.stringValue ?? ""
        #expect(reason.contains("wp_orders") && reason.contains("id = \(bad)"), "\(reason)")
        #expect(failed.message.contains("id = \(bad)"))
        #expect(failed.work.first?["current_key"]?.stringValue == String(bad - 1))
        #expect(failed.work.first?["status"]?.stringValue == "failed")

        let good = dialect == .sqlite ? OrdersMigrations.cents(.sqlite) : "CAST(total AS DECIMAL(10,2)) * 100"
        let untouched = dialect == .sqlite ? "total_cents <> 0" : "total_cents IS NOT NULL"
        #expect(try site.integer("SELECT COUNT(*) FROM wp_orders WHERE id < \(bad) AND (total_cents IS NULL OR total_cents <> \(good))") == 0,
                "every row before the poisoned one is done")
        #expect(try site.integer("SELECT COUNT(*) FROM wp_orders WHERE id >= \(bad) AND \(untouched)") == 0, "no row from it on is changed")
        let status = try site.cli("status")
        #expect(status.exitCode == ResultCode.maintenance.rawValue, "\(status.summary)")
        #expect(status.report?["state"]?["last_error_kind"]?.stringValue == "data_error")

        try site.execute("UPDATE wp_orders SET total = '7.00' WHERE id = \(bad)")
        let fixed = try site.cli("resume")
        #expect(fixed.exitCode == 0, "\(fixed.summary)")
        #expect(try site.integer("SELECT COUNT(*) FROM wp_orders WHERE total_cents IS NULL OR total_cents <> \(good)") == 0)
        #expect(try site.integer("SELECT total_cents FROM wp_orders WHERE id = \(bad)") == 700)
        #expect(try site.cli("status").exitCode == 0)
    }

    /// In `INSERT … SELECT` MariaDB only warns about a value it cannot convert and writes 0;
    /// the engine treats the warning as the row's failure, so a copy stops at that row
    /// instead of copying a wrong value.
    @Test func aPoisonedRowStopsACopyOnMariaDBInsteadOfCopyingZero() throws {
        let site = try DataMigrationSite(.mariadb)
        try site.write(OrdersMigrations.m1)
        #expect(try site.cli("activate").exitCode == 0)
        try site.seedOrders(count: 5_000)
        let bad: Int64 = 2_345
        try site.execute("UPDATE wp_orders SET total = 'abc' WHERE id = \(bad)")
        try site.write(OrdersMigrations.m3)
        #expect(try site.cli("activate").exitCode == 1)
        let failed = try site.cli("resume")
        print("[mariadb] poisoned copy: exit \(failed.exitCode): \(failed.message)")
        #expect(failed.exitCode == ResultCode.maintenance.rawValue, "\(failed.summary)")
        #expect(failed.message.contains("id = \(bad)"), "\(failed.message)")
        #expect(failed.message.contains("Truncated incorrect"), "\(failed.message)")
        #expect(try site.integer("SELECT COUNT(*) FROM wp_orders_v2") == bad - 1, "the rows before it are copied, none from it on")
        #expect(try site.integer("SELECT COUNT(*) FROM wp_orders_v2 WHERE id = \(bad)") == 0)

        try site.execute("UPDATE wp_orders SET total = '7.00' WHERE id = \(bad)")
        #expect(try site.cli("resume").exitCode == 0)
        #expect(try site.integer("SELECT cents FROM wp_orders_v2 WHERE id = \(bad)") == 700)
        #expect(try site.integer("SELECT COUNT(*) FROM wp_orders_v2") == 5_000)
    }

    // MARK: 6. Pause, and one runner at a time

    @Test(arguments: DialectName.allCases)
    func pauseHoldsTheWorkResumeContinuesItAndASecondRunnerIsLockedOut(_ dialect: DialectName) throws {
        let rows = dialect == .mariadb ? 200_000 : 1_000_000
        let site = try DataMigrationSite(dialect)
        try site.write(OrdersMigrations.m1)
        #expect(try site.cli("activate").exitCode == 0)
        try site.seedOrders(count: rows)
        try site.write(OrdersMigrations.m2)
        #expect(try site.cli("activate").exitCode == 1)

        // A runner is paused by an operator mid-way: it stops before its next chunk.
        let first = try site.spawn("resume")
        #expect(try waitUntil(seconds: 20) { try site.rowsDone() > 0 })
        let pause = try site.cli("pause")
        print("[\(dialect)] pause: exit \(pause.exitCode): \(pause.message)")
        #expect(pause.message.contains("Paused 1 data step"), "\(pause.summary)")
        let stopped = first.wait()
        #expect(stopped.exitCode == ResultCode.pending.rawValue, "\(stopped.summary)")
        #expect(stopped.message.contains("paused by an operator"), "\(stopped.message)")
        let heldAt = try site.rowsDone()
        #expect(heldAt < Int64(rows))
        let status = try site.cli("status")
        #expect(status.work.first?["paused"] == .bool(true), "\(status.summary)")

        // A host's scheduled runner (no resume_paused) leaves paused work alone.
        var scheduled = site.database.configuration(migrations: site.migrations)
        scheduled.budgetMilliseconds = 1000
        let host = MigrationEngine(configuration: scheduled).resume()
        #expect(host.result == .pending)
        #expect(host.message.contains("paused by an operator"), "\(host.message)")
        #expect(try site.rowsDone() == heldAt)

        // The CLI's resume continues it; meanwhile a second resume is refused at once.
        let second = try site.spawn("resume")
        #expect(try waitUntil(seconds: 20) { try site.rowsDone() > heldAt })
        #expect(second.isRunning, "the work must outlast this check")
        let third = try site.cli("resume")
        print("[\(dialect)] a second resume while one runs: exit \(third.exitCode) in \(DataMigrationSite.ms(third.seconds)) ms: \(third.message)")
        #expect(third.exitCode == ResultCode.locked.rawValue, "\(third.summary)")
        #expect(third.seconds < 1.5, "refused at once, not after a wait")
        #expect(second.isRunning, "the first runner was still running when the second was refused")
        let finished = second.wait()
        #expect(finished.exitCode == 0, "\(finished.summary)")
        #expect(try site.backfillMismatches() == 0)
    }

    // MARK: 7. A migration waits behind the work

    @Test(arguments: DialectName.allCases)
    func aMigrationChangingATableTheWorkUsesWaitsAndTheFinishingResumeAppliesIt(_ dialect: DialectName) throws {
        let (site, waiting) = try Self.siteWithAMigrationWaitingBehindTheWork(dialect, orders: 20_000)
        print("[\(dialect)] activate with M4 behind the copy: exit \(waiting.exitCode): \(waiting.message)")
        #expect(waiting.exitCode == ResultCode.pending.rawValue, "\(waiting.summary)")
        #expect(waiting.message.contains("2026_01_04_0001_orders_v2_state") && waiting.message.contains("applied when that work is done"), "\(waiting.message)")
        #expect(waiting.message.contains("wp_orders_v2"))
        let status = try site.cli("status")
        var pending: [String] = []
        if case .array(let list)? = status.report?["pending"] { pending = list.compactMap { $0["version"]?.stringValue } }
        #expect(pending == ["2026_01_04_0001"], "\(status.summary)")
        #expect(try Self.stateIndexExists(site) == false)

        let finished = try site.cli("resume")
        #expect(finished.exitCode == 0, "\(finished.summary)")
        var newlyApplied: [String] = []
        if case .array(let list)? = finished.report?["newly_applied"] { newlyApplied = list.compactMap(\.stringValue) }
        #expect(newlyApplied == ["2026_01_04_0001"], "\(finished.summary)")
        #expect(try Self.stateIndexExists(site))
        let after = try site.cli("status")
        #expect(after.exitCode == 0)
        #expect(after.report?["schema_version"]?.stringValue == "2026_01_04_0001")
        try Self.expectComplete(site, rows: 20_000)
    }

    /// A site whose copy (M2, M3) is queued and whose M4, an index on the copy's target, waits
    /// behind it; the second value is what `activate` said of M4.
    static func siteWithAMigrationWaitingBehindTheWork(_ dialect: DialectName, orders: Int) throws -> (DataMigrationSite, CLIResult) {
        let site = try DataMigrationSite(dialect)
        try site.write(OrdersMigrations.m1)
        #expect(try site.cli("activate").exitCode == 0)
        try site.seedOrders(count: orders)
        try site.write(OrdersMigrations.m2)
        try site.write(OrdersMigrations.m3)
        #expect(try site.cli("activate").exitCode == ResultCode.pending.rawValue)
        try site.write(OrdersMigrations.m4)
        return (site, try site.cli("activate"))
    }

    /// The resume that finishes the work applies the migration that waited behind it on the
    /// same connection, after the chunks bounded its lock waits to a second or two: its DDL
    /// must wait `ddl_lock_wait_seconds` again, as any migration's does. Here a reader holds
    /// the table for 3 s; the index is added once it ends, not failed (and compensated, and
    /// the site put in maintenance) after the chunks' bound.
    @Test func theMigrationThatWaitedWaitsForItsTableAsLongAsAnyMigration() throws {
        let (site, waiting) = try Self.siteWithAMigrationWaitingBehindTheWork(.mariadb, orders: 5_000)
        #expect(waiting.exitCode == ResultCode.pending.rawValue, "\(waiting.summary)")
        guard case .mariadb(let endpoint) = site.database.configurationDatabase else { return }

        let reader = DispatchGroup()
        reader.enter()
        Thread {
            if let connection = try? MariaDBDriver(endpoint: endpoint) {
                _ = try? connection.execute("BEGIN", [])
                _ = try? connection.query("SELECT COUNT(*) FROM wp_orders_v2", [])
                _ = try? connection.query("SELECT SLEEP(3)", [])
                _ = try? connection.execute("COMMIT", [])
                connection.close()
            }
            reader.leave()
        }.start()
        #expect(try waitUntil(seconds: 3) {
            try site.integer("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO = 'SELECT SLEEP(3)'") == 1
        })
        let started = Clock.monotonicSeconds()
        let finished = try site.cli("resume")
        let took = Clock.monotonicSeconds() - started
        reader.wait()
        print("[mariadb] resume applying the migration that waited, beside a 3 s reader: exit \(finished.exitCode) after \(DataMigrationSite.ms(took)) ms: \(finished.message)")
        #expect(finished.exitCode == 0, "\(finished.summary)")
        #expect(try Self.stateIndexExists(site))
        try Self.expectComplete(site, rows: 5_000)
    }

    /// WordPress closes PET's features before any schema step runs, so its slices ask
    /// `resume` not to apply migrations itself: `resume` finishes the work, applies nothing,
    /// reports the migrations that waited as pending (never `PET_OK`, or the slices would
    /// stop there), and `activate` applies them.
    @Test(arguments: DialectName.allCases)
    func resumeLeavesTheMigrationsThatWaitedToItsCallerWhenAsked(_ dialect: DialectName) throws {
        let (site, waiting) = try Self.siteWithAMigrationWaitingBehindTheWork(dialect, orders: 5_000)
        #expect(waiting.exitCode == ResultCode.pending.rawValue, "\(waiting.summary)")

        var configuration = EngineConfiguration(database: site.database.configurationDatabase, prefix: site.prefix,
                                                migrationsDirectory: site.migrations.path)
        configuration.resumeAppliesMigrations = false
        for call in 1...2 {
            let report = MigrationEngine(configuration: configuration).resume()
            print("[\(dialect)] resume #\(call) without applying migrations: \(report.result.name): \(report.message)")
            #expect(report.result == .pending, "\(report.message)")
            #expect(report.pending.map(\.version) == ["2026_01_04_0001"], "\(report.message)")
            #expect(report.work.allSatisfy { $0.status == .done }, "the work is done")
            #expect(report.message.contains("waited behind it"), "\(report.message)")
            #expect(try Self.stateIndexExists(site) == false, "resume applied no migration")
        }
        let applied = MigrationEngine(configuration: configuration).activate()
        #expect(applied.result == .ok, "\(applied.message)")
        #expect(try Self.stateIndexExists(site))
        try Self.expectComplete(site, rows: 5_000)
    }

    // MARK: 8. Refused when the set is loaded

    struct LintCase: Sendable, CustomTestStringConvertible {
        var name: String
        var migration: String
        var step: Int
        var reason: String
        var testDescription: String { name }
    }

    @Test(arguments: [
        LintCase(name: "backfill of a column no migration creates",
                 migration: #"{"gates":"writes","steps":[{"op":"backfill","table":"posts","set":{"post_title":"UPPER(post_title)"}}]}"#,
                 step: 1, reason: "which no migration of this set adds"),
        LintCase(name: "copy_rows into a table no migration creates",
                 migration: #"{"gates":"nothing","steps":[{"op":"copy_rows","from":"orders","to":"posts","columns":{"id":"id"}}]}"#,
                 step: 1, reason: "copies into posts"),
        LintCase(name: "an expression calling SLEEP",
                 migration: #"{"gates":"writes","steps":[{"op":"add_column","table":"orders","column":{"name":"total_cents","type":"bigint","nullable":true}},{"op":"backfill","table":"orders","set":{"total_cents":{"sqlite":"length(total)","mariadb":"ROUND(total * 100) + SLEEP(1)"}}}]}"#,
                 step: 2, reason: "SLEEP"),
    ])
    func lintRefusesADataStepThatCouldHarmTheSite(_ refusal: LintCase) throws {
        let directory = try MigrationDirectory()
        try directory.write(OrdersMigrations.m1.0, OrdersMigrations.m1.1)
        try directory.write("2026_01_02_0001_refused.json", refusal.migration)
        let lint = try CLIRun(arguments: ["lint", "--migrations", directory.path, "--format", "json"], environment: [:]).wait()
        print("lint, \(refusal.name): exit \(lint.exitCode): \(lint.message)")
        #expect(lint.exitCode == ResultCode.invalid.rawValue, "\(lint.summary)")
        var problems: [JSONValue] = []
        if case .array(let list)? = lint.report?["problems"] { problems = list }
        #expect(problems.contains { problem in
            problem["file"]?.stringValue == "2026_01_02_0001_refused.json" && problem["step"]?.integerValue == refusal.step
                && (problem["reason"]?.stringValue ?? "").contains(refusal.reason)
        }, "\(lint.summary)")
    }

    /// A backfill may not set a column of a table an earlier (released) migration created:
    /// by now it holds the sites' data. `backfill orders.status = 'trash'` would rewrite every
    /// site's order statuses; it is refused, naming the file and the step.
    @Test func lintRefusesABackfillRewritingAColumnAnEarlierMigrationFilled() throws {
        let directory = try MigrationDirectory()
        try directory.write(OrdersMigrations.m1.0, OrdersMigrations.m1.1)
        try directory.write("2026_01_02_0001_rewrite.json", #"{"gates":"writes","steps":[{"op":"backfill","table":"orders","set":{"status":"'trash'"}}]}"#)
        let lint = try CLIRun(arguments: ["lint", "--migrations", directory.path, "--format", "json"], environment: [:]).wait()
        print("lint, backfill of orders.status (created by M1, holding data): exit \(lint.exitCode): \(lint.message)")
        var problems: [JSONValue] = []
        if case .array(let list)? = lint.report?["problems"] { problems = list }
        #expect(lint.exitCode == ResultCode.invalid.rawValue, "\(lint.summary)")
        #expect(problems.contains { $0["file"]?.stringValue == "2026_01_02_0001_rewrite.json" && $0["step"]?.integerValue == 1 })
    }

    // MARK: Helpers

    /// M2 and M3 done exactly: every backfilled value and every copied row equals what one SQL
    /// statement computes from the source.
    static func expectComplete(_ site: DataMigrationSite, rows: Int64) throws {
        #expect(try site.backfillMismatches() == 0)
        #expect(try site.copyMismatches() == 0)
        let cents = OrdersMigrations.cents(site.dialect)
        let figures = try site.withConnection { driver in
            try driver.query("""
                SELECT (SELECT COUNT(*) FROM wp_orders), (SELECT COUNT(total_cents) FROM wp_orders), (SELECT COUNT(*) FROM wp_orders WHERE status <> 'trash'),
                       (SELECT SUM(total_cents) FROM wp_orders), (SELECT SUM(\(cents)) FROM wp_orders WHERE status <> 'trash'),
                       (SELECT COUNT(*) FROM wp_orders_v2), (SELECT SUM(cents) FROM wp_orders_v2), (SELECT SUM(\(cents)) FROM wp_orders)
                """, []).first?.map { $0.text ?? "NULL" } ?? []
        }
        print("[\(site.dialect)] result: orders \(figures[0]), backfilled \(figures[1]) of \(figures[2]) (sum \(figures[3]), reference \(figures[4])); orders_v2 \(figures[5]) rows (sum \(figures[6]), reference \(figures[7]))")
        #expect(figures[0] == String(rows))
        #expect(figures[1] == figures[2])
        #expect(Double(figures[3]) == Double(figures[4]))
        #expect(figures[5] == String(rows))
        #expect(Double(figures[6]) == Double(figures[7]))
    }

    static func describe(_ work: [JSONValue]) -> String {
        work.map { item in
            let done = item["rows_done"]?.integerValue ?? 0
            let estimated = item["rows_estimated"]?.integerValue.map(String.init) ?? "?"
            let rate = item["rows_per_second"]?.integerValue.map { ", \($0) rows/s" } ?? ""
            let chunk = item["chunk_size"]?.integerValue.map { ", chunk \($0)" } ?? ""
            return "\(item["op"]?.stringValue ?? "?") \(done)/\(estimated) \(item["status"]?.stringValue ?? "")\(chunk)\(rate)"
        }.joined(separator: "; ")
    }

    static func format(_ seconds: Double) -> String {
        String(format: "%.1f", seconds * 1000)
    }

    /// The rows of each chunk logged (`VERSION STEP ROWS`), in order.
    static func chunkLog(_ path: String) -> [Int64] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in line.split(separator: " ").last.flatMap { Int64($0) } }
    }

    /// After a SIGKILL, MariaDB rolls the victim's transaction back on its own time: wait until
    /// its session is gone, so what the test reads next is final and the next runner's claim
    /// is free.
    static func waitForOtherSessionsToEnd(_ site: DataMigrationSite) throws {
        guard site.dialect == .mariadb else { return }
        let gone = try waitUntil(seconds: 30) {
            try site.integer("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND ID <> CONNECTION_ID()") == 0
        }
        #expect(gone, "the killed runner's session did not end")
    }

    static func stateIndexExists(_ site: DataMigrationSite) throws -> Bool {
        switch site.dialect {
        case .sqlite:
            return try site.integer("SELECT COUNT(*) FROM sqlite_schema WHERE type = 'index' AND name = 'wp_orders_v2__state'") == 1
        case .mariadb:
            return try site.integer("SELECT COUNT(*) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'wp_orders_v2' AND INDEX_NAME = 'state'") == 1
        }
    }
}
