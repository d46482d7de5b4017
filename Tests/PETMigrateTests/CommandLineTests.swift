import Foundation
import Testing
@testable import PETMigrate

/// The `pet-migrate` command as an operator runs it: exit codes are result codes, the
/// password never shows, and `lint` needs no database.
@Suite struct CommandLineTests {
    func run(_ arguments: [String], password: String? = nil) throws -> ChildProcess.Outcome {
        try ChildProcess.run(arguments, environment: password.map { ["PET_DB_PASSWORD": $0] } ?? [:])
    }

    @Test func lintChecksADirectoryWithoutADatabase() throws {
        let good = try run(["lint", "--migrations", repositoryRoot + "/php/migrations"])
        #expect(good.exitCode == 0, "\(good.output)")
        #expect(good.output.contains("PET_OK"))

        let directory = try MigrationDirectory()
        try directory.write("2026_03_01_0001_bad.json", Fixtures.sqlStep("TRUNCATE {prefix}pet_projects"))
        let bad = try run(["lint", "--migrations", directory.path])
        #expect(bad.exitCode == ResultCode.invalid.rawValue)
        #expect(bad.output.contains("2026_03_01_0001_bad.json, step 1"))
        #expect(bad.output.contains("TRUNCATE"))
    }

    @Test func activateStatusAndEventsOnSQLite() throws {
        let database = try TestDatabase(.sqlite)
        guard case .sqlite(let path) = database.configurationDatabase else { return }
        let common = ["--database", "sqlite:\(path)", "--migrations", repositoryRoot + "/php/migrations"]
        let pending = try run(["status"] + common)
        #expect(pending.exitCode == ResultCode.pending.rawValue, "\(pending.output)")
        let activated = try run(["activate"] + common)
        #expect(activated.exitCode == 0, "\(activated.output)")
        #expect(activated.output.contains("Applied 1 migration"))
        #expect(activated.output.contains("[1/1] applying 2026_02_10_0001_create_core_tables"))
        let status = try run(["status", "--format", "json"] + common)
        #expect(status.exitCode == 0)
        let report = try JSONParser.parse(status.output.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(report["result_name"] == "PET_OK")
        #expect(report["schema_version"] == "2026_02_10_0001")
        let events = try run(["events"] + common)
        #expect(events.output.contains("completed"))
    }

    @Test func mariadbPasswordComesFromTheEnvironmentAndNeverShows() throws {
        let server = try MariaDBTestServer.fromEnvironment()
        let url = "mariadb://\(server.user)@\(server.host):\(server.port)/\(server.database)"
        let wrong = try run(["status", "--database", url, "--migrations", repositoryRoot + "/php/migrations"], password: "Not-The-Right-0ne")
        #expect(wrong.exitCode == ResultCode.config.rawValue)
        #expect(wrong.output.contains("check the database user and password"))
        #expect(!wrong.output.contains("Not-The-Right-0ne"))

        let inURL = try run(["status", "--database", "mariadb://\(server.user):\(server.password)@\(server.host)/\(server.database)"])
        #expect(inURL.exitCode == ResultCode.config.rawValue)
        #expect(inURL.output.contains("PET_DB_PASSWORD"))

        let database = try TestDatabase(.mariadb)
        guard case .mariadb(let endpoint) = database.configurationDatabase else { return }
        let activated = try run(["activate", "--database", "mariadb://\(endpoint.user)@\(endpoint.host):\(endpoint.port)/\(endpoint.database)",
                                 "--migrations", repositoryRoot + "/php/migrations"], password: server.password)
        #expect(activated.exitCode == 0, "\(activated.output)")
        #expect(!activated.output.contains(server.password))
    }

    @Test func badArgumentsAreExplained() throws {
        let result = try run(["activate", "--database", "postgres://x"])
        #expect(result.exitCode == ResultCode.config.rawValue)
        #expect(result.output.contains("--database must be sqlite:PATH or mariadb://"))
    }
}
