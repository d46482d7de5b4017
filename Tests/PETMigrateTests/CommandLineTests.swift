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

    @Test func aPrefixThatIsNotAPrefixIsRefusedBeforeAnythingRuns() throws {
        let database = try TestDatabase(.sqlite)
        guard case .sqlite(let path) = database.configurationDatabase else { return }
        let common = ["--database", "sqlite:\(path)", "--migrations", repositoryRoot + "/php/migrations"]
        #expect(try run(["activate"] + common).exitCode == 0)
        let before = try database.snapshot()
        for command in ["activate", "status", "events"] {
            let result = try run([command, "--prefix", "t0 (a); DELETE FROM wp_posts; CREATE TABLE wp_"] + common)
            #expect(result.exitCode == ResultCode.config.rawValue, "\(command): \(result.output)")
            #expect(result.output.contains("table prefix"), "\(result.output)")
            #expect(result.output.contains("letters, digits and underscores"))
        }
        let lint = try run(["lint", "--prefix", "wp-", "--migrations", repositoryRoot + "/php/migrations"])
        #expect(lint.exitCode == ResultCode.config.rawValue, "\(lint.output)")
        #expect(try database.snapshot() == before)
    }

    @Test func hugeNumbersAreRefusedWithoutATrap() throws {
        let database = try TestDatabase(.sqlite)
        guard case .sqlite(let path) = database.configurationDatabase else { return }
        let common = ["--database", "sqlite:\(path)", "--migrations", repositoryRoot + "/php/migrations"]
        for arguments in [["--lock-timeout", "9223372036854775807"], ["--lock-timeout=-1"], ["--ddl-lock-wait", "9223372036854775807"]] {
            let result = try run(["activate"] + arguments + common)
            #expect(result.exitCode == ResultCode.config.rawValue, "\(arguments): \(result.output)")
            #expect(result.output.contains("must be from"), "\(result.output)")
        }
        let events = try run(["events", "--limit", "9223372036854775807"] + common)
        #expect(events.exitCode == ResultCode.config.rawValue, "\(events.output)")
    }

    /// ArgumentParser's own exit code for usage errors is 64; the documented codes are the
    /// result codes, so a usage error is PET_CONFIG (5). Help and version still exit 0.
    @Test func usageErrorsExitWithPETConfig() throws {
        for arguments in [["activate", "--no-such-option"], ["no-such-command"], ["activate", "--lock-timeout", "soon"],
                          ["activate", "--lock-timeout", "99999999999999999999"], ["status", "--format", "xml"], ["activate", "--prefix"]] {
            let result = try run(arguments)
            #expect(result.exitCode == ResultCode.config.rawValue, "\(arguments): \(result.output)")
            #expect(result.output.contains("PET_CONFIG: bad usage"), "\(result.output)")
        }
        #expect(try run(["--help"]).exitCode == 0)
        #expect(try run(["activate", "--help"]).exitCode == 0)
        #expect(try run(["--version"]).exitCode == 0)
    }
}
