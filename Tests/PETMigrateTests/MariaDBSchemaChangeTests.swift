import Foundation
import Testing
@testable import PETMigrate

/// MariaDB only: schema changes wait a bounded time for a table another connection uses.
@Suite struct MariaDBSchemaChangeTests {
    @Test func aTableInUseMakesTheChangeFailWithinTheBoundCleanly() throws {
        let database = try TestDatabase(.mariadb)
        let directory = try MigrationDirectory.firstRelease()
        #expect(database.engine(directory).activate().result == .ok)
        let holder = try database.connect()
        defer { holder.close() }
        try holder.execute("INSERT INTO wp_pet_projects (title) VALUES ('busy')")
        let before = try database.snapshot(excludingBookkeeping: true)

        // An open transaction that merely read the table holds its metadata lock.
        try holder.begin()
        _ = try holder.query("SELECT * FROM wp_pet_projects")

        try directory.write("2026_02_11_0001_add_status.json", Fixtures.addStatus)
        var configuration = database.configuration(migrations: directory)
        configuration.ddlLockWaitSeconds = 1
        let started = ContinuousClock.now
        let report = MigrationEngine(configuration: configuration).activate()
        let waited = ContinuousClock.now - started

        #expect(report.result == .maintenance)
        #expect(report.error?.kind == "lock_wait_timeout")
        #expect(report.message.contains("wp_pet_projects is in use by another connection"), "\(report.message)")
        #expect(report.message.contains("retry"))
        #expect(waited < .seconds(4), "the change waited \(waited)")
        try holder.commit()
        #expect(try database.snapshot(excludingBookkeeping: true) == before)

        let retried = MigrationEngine(configuration: configuration).activate()
        #expect(retried.result == .ok, "\(retried.message)")
        #expect(retried.newlyApplied == ["2026_02_11_0001"])
    }

    @Test func compensationNeverTouchesObjectsThatExistedBefore() throws {
        let database = try TestDatabase(.mariadb)
        let directory = try MigrationDirectory.firstRelease()
        #expect(database.engine(directory).activate().result == .ok)
        // Someone already added the column the next migration adds (e.g. by hand).
        let driver = try database.connect()
        defer { driver.close() }
        try driver.execute("ALTER TABLE wp_pet_projects ADD COLUMN color VARCHAR(7) NULL")
        try driver.execute("INSERT INTO wp_pet_projects (title, color) VALUES ('mine', '#ff0000')")
        let before = try database.snapshot(excludingBookkeeping: true)

        try directory.write("2026_02_11_0001_fails_at_three.json", Fixtures.failsAtStepThree)
        let report = database.engine(directory).activate()
        #expect(report.result == .maintenance)
        #expect(try driver.columnNames(of: "wp_pet_projects").contains("color"))
        #expect(try database.snapshot(excludingBookkeeping: true) == before)
    }
}
