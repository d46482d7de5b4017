import Foundation
import Testing
@testable import PETMigrate

/// Migration files are read as files: only regular files inside the folder, with a size
/// bound that does not trust `stat`. Anything else is refused by name, promptly, by lint,
/// activate and status alike, and nothing runs.
@Suite struct MigrationFileReadingTests {
    enum Oddity: String, CaseIterable, Sendable {
        case fifo, symlinkToDevZero, symlinkOutOfFolder, oversized, symlinkToFifoInside
    }

    /// A first release plus one odd entry named like a migration; returns the odd file's name
    /// and the words its refusal must contain.
    private func directory(with oddity: Oddity, outside: MigrationDirectory) throws -> (MigrationDirectory, String, String) {
        let directory = try MigrationDirectory.firstRelease()
        let name = "2026_03_01_0001_odd.json"
        let path = directory.path + "/" + name
        switch oddity {
        case .fifo:
            #expect(mkfifo(path, 0o644) == 0)
            return (directory, name, "FIFO")
        case .symlinkToDevZero:
            try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: "/dev/zero")
            return (directory, name, "outside the migrations folder")
        case .symlinkOutOfFolder:
            try outside.write("2026_03_01_0001_odd.json", Fixtures.addStatus)
            try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: outside.path + "/2026_03_01_0001_odd.json")
            return (directory, name, "outside the migrations folder")
        case .oversized:
            let bytes = [UInt8](repeating: UInt8(ascii: " "), count: DirectoryMigrationSource.defaultMaximumFileSize + 1)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            return (directory, name, "larger than 16 MiB")
        case .symlinkToFifoInside:
            #expect(mkfifo(directory.path + "/.pipe", 0o644) == 0)
            try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: directory.path + "/.pipe")
            return (directory, name, "FIFO")
        }
    }

    @Test(arguments: Oddity.allCases)
    func lintRefusesByNameWithoutHanging(_ oddity: Oddity) throws {
        let outside = try MigrationDirectory()
        let (directory, name, reason) = try directory(with: oddity, outside: outside)
        let configuration = EngineConfiguration(database: nil, migrationsDirectory: directory.path)
        let report = withinDeadline(seconds: 10) { MigrationEngine(configuration: configuration).lint() }
        #expect(report != nil, "lint did not answer within 10 s")
        #expect(report?.result == .invalid)
        #expect(report?.error?.file == name)
        #expect(report?.error?.kind == "unreadable")
        #expect(report?.error?.reason.contains(reason) == true, "\(report?.error?.reason ?? "")")
    }

    @Test(arguments: DialectName.allCases, Oddity.allCases)
    func activateAndStatusRefuseAndChangeNothing(_ dialect: DialectName, _ oddity: Oddity) throws {
        let database = try TestDatabase(dialect)
        let outside = try MigrationDirectory()
        let (directory, name, _) = try directory(with: oddity, outside: outside)
        let before = try database.snapshot()
        let configuration = database.configuration(migrations: directory)
        for call in ["activate", "status"] {
            let report = withinDeadline(seconds: 10) {
                call == "activate" ? MigrationEngine(configuration: configuration).activate() : MigrationEngine(configuration: configuration).status()
            }
            #expect(report != nil, "\(call) did not answer within 10 s")
            #expect(report?.result == .invalid, "\(call): \(report?.message ?? "")")
            #expect(report?.message.contains(name) == true, "\(call): \(report?.message ?? "")")
        }
        #expect(try database.snapshot() == before)
    }

    @Test func aSymlinkToARegularFileInsideTheFolderIsRead() throws {
        let directory = try MigrationDirectory.firstRelease()
        try directory.write(".shared_add_status", Fixtures.addStatus)
        try FileManager.default.createSymbolicLink(atPath: directory.path + "/2026_02_11_0001_add_status.json",
                                                   withDestinationPath: directory.path + "/.shared_add_status")
        let report = MigrationEngine(configuration: EngineConfiguration(database: nil, migrationsDirectory: directory.path)).lint()
        #expect(report.result == .ok, "\(report.message)")
        #expect(report.pending.map(\.0) == ["2026_02_10_0001", "2026_02_11_0001"])
    }

    @Test func theSizeBoundHoldsWhateverStatSays() throws {
        // /dev/zero reports size 0 and never ends: read directly, the bound still stops it.
        let result = DirectoryMigrationSource.readBounded("/dev/zero", limit: 1024)
        guard case .failure(let error) = result else { Issue.record("/dev/zero was read"); return }
        #expect(error.reason.contains("not a regular file"))

        let directory = try MigrationDirectory()
        try directory.write("2026_03_01_0001_small.json", String(repeating: "x", count: 1025))
        let source = DirectoryMigrationSource(directory: directory.path, maximumFileSize: 1024)
        let entry = try #require(try source.entries().first)
        guard case .failure(let tooLarge) = entry.read() else { Issue.record("a file above the limit was read"); return }
        #expect(tooLarge.reason.contains("larger than 1024 bytes"))
        try directory.write("2026_03_01_0001_small.json", String(repeating: "x", count: 1024))
        let exact = try #require(try source.entries().first)
        #expect((try? exact.read().get())?.count == 1024)
    }
}
