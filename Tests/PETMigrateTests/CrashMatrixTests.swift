import Foundation
import Testing
@testable import PETMigrate

/// Crash safety, as GRDB's `Tests/Crash` does it: a child process is killed (SIGKILL) at
/// every boundary of a migration — before and after each step's DDL, between the journal's
/// writes, before the registry row, and inside compensation — and after each kill the
/// database must be exactly as before the migration or exactly as after it, and the next
/// activation must end at "after".
@Suite(.serialized) struct CrashMatrixTests {
    /// Six steps: tables, columns, indexes, then a data step that fills the new table from a
    /// table holding data and updates the rows of that pre-existing table too (in the column
    /// this migration adds: the only column a data step may write).
    static let sixSteps = """
        {"description": "crash matrix", "steps": [
          {"op": "create_table", "table": "pet_notes",
           "columns": [{"name": "id", "type": "bigint", "auto_increment": true},
                       {"name": "project_id", "type": "bigint"}, {"name": "body", "type": "text"}],
           "primary_key": ["id"], "indexes": [{"name": "project", "columns": ["project_id"]}]},
          {"op": "add_column", "table": "pet_projects", "column": {"name": "color", "type": "string", "length": 7, "default": "#888888"}},
          {"op": "add_index", "table": "pet_projects", "index": {"name": "color", "columns": ["color"]}},
          {"op": "create_table", "table": "pet_labels",
           "columns": [{"name": "id", "type": "integer"}, {"name": "name", "type": "string", "length": 40}], "primary_key": ["id"]},
          {"op": "add_column", "table": "pet_notes", "column": {"name": "pinned", "type": "boolean", "default": false}},
          {"op": "sql",
           "sqlite": "INSERT INTO {prefix}pet_notes (project_id, body) SELECT id, title FROM {prefix}pet_projects ORDER BY id; UPDATE {prefix}pet_projects SET color = '#00aa00' WHERE title = 'Garden'",
           "mariadb": "INSERT INTO {prefix}pet_notes (project_id, body) SELECT id, title FROM {prefix}pet_projects ORDER BY id; UPDATE {prefix}pet_projects SET color = '#00aa00' WHERE title = 'Garden'",
           "applied_if": {"row_exists": {"sqlite": "SELECT 1 FROM {prefix}pet_notes LIMIT 1", "mariadb": "SELECT 1 FROM {prefix}pet_notes LIMIT 1"}}}
        ]}
        """
    static let stepCount = 6

    struct CrashPoint: CustomStringConvertible {
        var faults: [String]
        var description: String { faults.joined(separator: " + ") }
    }

    /// Steps that create a schema object (the data step, 6, creates none: it has no journal
    /// entry, so no point between a journal write and its DDL).
    static let stepsCreatingObjects = [1, 2, 3, 4, 5]

    static func crashPoints(_ dialect: DialectName) -> [CrashPoint] {
        var points: [CrashPoint] = []
        for step in 1...stepCount {
            var boundaries = ["before_step", "after_ddl", "after_step"]
            if stepsCreatingObjects.contains(step) { boundaries.insert("after_intent", at: 1) }
            for point in boundaries {
                points.append(CrashPoint(faults: ["\(point):kill:\(step)"]))
            }
        }
        points.append(CrashPoint(faults: ["before_register:kill"]))
        // The last step fails, and the process dies while undoing step N. SQLite undoes by
        // a rollback, which has no steps to die between.
        if dialect == .mariadb {
            for step in stepsCreatingObjects.reversed() {
                points.append(CrashPoint(faults: ["after_ddl:fail:\(stepCount)", "during_compensation:kill:\(step)"]))
            }
        }
        return points
    }

    /// A database at the first release, with data in PET's table and in a table not PET's.
    private func prepare(_ dialect: DialectName, _ directory: MigrationDirectory) throws -> TestDatabase {
        let database = try TestDatabase(dialect)
        #expect(database.engine(directory).activate().result == .ok)
        let driver = try database.connect()
        defer { driver.close() }
        try driver.execute("CREATE TABLE wp_posts (id INTEGER NOT NULL PRIMARY KEY, title VARCHAR(100) NOT NULL)")
        try driver.execute("INSERT INTO wp_posts (id, title) VALUES (1, 'Hello'), (2, 'World')")
        try driver.execute("INSERT INTO wp_pet_projects (title) VALUES ('Garden'), ('Kitchen'), ('Roof')")
        return database
    }

    @Test(arguments: DialectName.allCases)
    func everyCrashConvergesToBeforeOrAfter(_ dialect: DialectName) throws {
        let directory = try MigrationDirectory.firstRelease()

        let reference = try prepare(dialect, directory)
        let before = try reference.snapshot(excludingBookkeeping: true)
        try directory.write("2026_02_11_0001_crash_matrix.json", Self.sixSteps)
        let applied = reference.engine(directory).activate()
        try #require(applied.result == .ok, "\(applied.message)")
        let after = try reference.snapshot(excludingBookkeeping: true)
        #expect(before != after)

        let crashPoints = Self.crashPoints(dialect)
        var killed = 0
        for crash in crashPoints {
            try directory.remove("2026_02_11_0001_crash_matrix.json")
            let database = try prepare(dialect, directory)
            #expect(try database.snapshot(excludingBookkeeping: true) == before)
            try directory.write("2026_02_11_0001_crash_matrix.json", Self.sixSteps)

            let outcome = try ChildProcess.activate(database, directory, faults: crash.faults)
            if outcome.killedBySIGKILL { killed += 1 }
            #expect(outcome.killedBySIGKILL, "\(crash): the process was not killed (\(outcome.output))")

            let status = database.engine(directory).statusOnceTheDeadSessionIsGone()
            #expect(status.result == .pending, "\(crash): status said \(status.message)")

            // The next activation undoes the interrupted attempt; while the migration still
            // cannot succeed (here: its first step fails), the database is exactly as before.
            let blocked = try ChildProcess.activate(database, directory, faults: ["before_step:fail:1"])
            #expect(blocked.exitCode == ResultCode.maintenance.rawValue, "\(crash): \(blocked.output)")
            #expect(try database.snapshot(excludingBookkeeping: true) == before, "\(crash): not back to 'before'")

            // Once it can succeed, it ends at exactly "after".
            let recovered = database.engine(directory).activate()
            #expect(recovered.result == .ok, "\(crash): \(recovered.message)")
            #expect(try database.snapshot(excludingBookkeeping: true) == after, "\(crash): recovery did not end at 'after'")
            let registry = try database.connect()
            #expect(try registry.query("SELECT COUNT(*) FROM wp_pet_migrations WHERE version = '2026_02_11_0001'").first?.first?.integer == 1)
            #expect(try registry.query("SELECT COUNT(*) FROM wp_pet_migration_journal").first?.first?.integer == 0)
            registry.close()
        }
        print("crash matrix (\(dialect.rawValue)): \(killed) of \(crashPoints.count) crash points covered; each converged to 'before' while the migration failed and to 'after' once it could succeed")
        #expect(killed == crashPoints.count)
    }

    @Test(arguments: DialectName.allCases)
    func aMigrationChangedAfterACrashStartsFromTheSchemaBeforeIt(_ dialect: DialectName) throws {
        let directory = try MigrationDirectory.firstRelease()
        let database = try prepare(dialect, directory)
        try directory.write("2026_02_11_0001_crash_matrix.json", Self.sixSteps)
        #expect(try ChildProcess.activate(database, directory, faults: ["after_step:kill:5"]).killedBySIGKILL)

        // Not applied yet, so its author may still change it: now it only adds the column.
        try directory.write("2026_02_11_0001_crash_matrix.json", Fixtures.addStatus)
        let report = database.engine(directory).activate()
        #expect(report.result == .ok, "\(report.message)")

        let reference = try prepare(dialect, directory)
        #expect(reference.engine(directory).activate().result == .ok)
        #expect(try database.snapshot(excludingBookkeeping: true) == reference.snapshot(excludingBookkeeping: true),
                "objects of the interrupted attempt were left behind")
        if dialect == .mariadb {
            let events = database.engine(directory).events().events?.map(\.kind) ?? []
            #expect(events.contains("compensated") && events.contains("resumed"))
        }
    }

    @Test(arguments: DialectName.allCases)
    func statusReportsAnInterruptedMigrationWithoutChangingIt(_ dialect: DialectName) throws {
        let directory = try MigrationDirectory.firstRelease()
        let database = try prepare(dialect, directory)
        try directory.write("2026_02_11_0001_crash_matrix.json", Self.sixSteps)
        #expect(try ChildProcess.activate(database, directory, faults: ["after_ddl:kill:3"]).killedBySIGKILL)
        let snapshot = try database.snapshot()
        let status = database.engine(directory).statusOnceTheDeadSessionIsGone()
        #expect(status.result == .pending)
        if dialect == .mariadb {
            #expect(status.message.contains("2026_02_11_0001 was interrupted"), "\(status.message)")
        }
        #expect(try database.snapshot() == snapshot)
    }

    @Test(arguments: DialectName.allCases)
    func aFailureInsideCompensationIsFinishedByTheNextActivation(_ dialect: DialectName) throws {
        let directory = try MigrationDirectory.firstRelease()
        let reference = try prepare(dialect, directory)
        let database = try prepare(dialect, directory)
        let before = try database.snapshot(excludingBookkeeping: true)
        try directory.write("2026_02_11_0001_crash_matrix.json", Self.sixSteps)
        #expect(reference.engine(directory).activate().result == .ok)
        let after = try reference.snapshot(excludingBookkeeping: true)

        // Step 5 fails, and undoing step 2 fails too.
        let outcome = try ChildProcess.activate(database, directory, faults: ["after_ddl:fail:5", "during_compensation:fail:2"])
        #expect(outcome.exitCode == ResultCode.maintenance.rawValue, "\(outcome.output)")
        if dialect == .mariadb {
            #expect(outcome.output.contains("next activation finishes undoing"), "\(outcome.output)")
            #expect(database.engine(directory).status().result == .maintenance)
        }

        // The next activation finishes undoing; while the migration still fails, exactly "before".
        let blocked = try ChildProcess.activate(database, directory, faults: ["before_step:fail:1"])
        #expect(blocked.exitCode == ResultCode.maintenance.rawValue, "\(blocked.output)")
        #expect(try database.snapshot(excludingBookkeeping: true) == before)

        let recovered = database.engine(directory).activate()
        #expect(recovered.result == .ok, "\(recovered.message)")
        #expect(try database.snapshot(excludingBookkeeping: true) == after)
    }
}

extension MigrationEngine {
    /// Status after a child process was killed. MariaDB releases a dead session's
    /// `GET_LOCK` only once it notices the closed connection, which on a loaded machine can
    /// take a moment; until then status rightly says another process holds the lock.
    func statusOnceTheDeadSessionIsGone() -> Report {
        let deadline = ContinuousClock.now + .seconds(10)
        var report = status()
        while report.result == .locked && ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.05)
            report = status()
        }
        return report
    }
}
