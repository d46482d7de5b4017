import Foundation
@testable import PETMigrate

/// Runs the real `pet-migrate` binary in a child process: as an operator runs it, and so
/// that crash tests can really kill it.
enum ChildProcess {
    struct Outcome {
        var exitCode: Int32
        var killedBySIGKILL: Bool
        var output: String
    }

    static var binary: String { repositoryRoot + "/.build/debug/pet-migrate" }

    /// Standard output and standard error together, and how the process ended.
    static func run(_ arguments: [String], environment overrides: [String: String] = [:]) throws -> Outcome {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw TestSetupError("\(binary) is missing: run `swift build` before `swift test`")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(overrides) { _, new in new }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let killed = process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL
        return Outcome(exitCode: process.terminationStatus, killedBySIGKILL: killed, output: String(decoding: data, as: UTF8.self))
    }

    /// `pet-migrate activate` on a test database, with test faults switched on.
    static func activate(_ database: TestDatabase, _ directory: MigrationDirectory, faults: [String]) throws -> Outcome {
        var arguments = ["activate", "--migrations", directory.path, "--format", "json", "--lock-timeout", "5"]
        var environment = ["PET_MIGRATE_TEST_FAULTS": "1"]
        switch database.configurationDatabase {
        case .sqlite(let path):
            arguments += ["--database", "sqlite:\(path)"]
        case .mariadb(let endpoint):
            arguments += ["--database", "mariadb://\(endpoint.user)@\(endpoint.host):\(endpoint.port)/\(endpoint.database)"]
            environment["PET_DB_PASSWORD"] = endpoint.password
        }
        for fault in faults { arguments += ["--test-fault", fault] }
        return try run(arguments, environment: environment)
    }
}
