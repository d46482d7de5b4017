import Foundation
import Testing
@testable import PETMigrate

/// Parsed migrations are reused within a process only while their file is unchanged.
@Suite struct ParsedMigrationCacheTests {
    @Test func aFileRewrittenWithTheSameSizeAndModificationTimeIsReadAgain() throws {
        let directory = try MigrationDirectory()
        let file = "2026_02_10_0001_create_projects.json"
        try directory.write(file, Fixtures.createProjects)
        let path = directory.path + "/" + file
        let engine = MigrationEngine(configuration: EngineConfiguration(database: nil, migrationsDirectory: directory.path))
        #expect(engine.lint().result == .ok)
        #expect(engine.lint().result == .ok)

        var original = stat()
        #expect(stat(path, &original) == 0)
        // Same length, other meaning: 191 becomes 190.
        let changed = Fixtures.createProjects.replacingOccurrences(of: "191", with: "190")
        #expect(changed.utf8.count == Fixtures.createProjects.utf8.count)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.write(contentsOf: Data(changed.utf8))
        try handle.close()
        // Put the modification time back to the nanosecond, as `touch -r` or a careless deploy would.
        var times = [original.st_atim, original.st_mtim]
        #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
        var now = stat()
        #expect(stat(path, &now) == 0)
        #expect(now.st_mtim.tv_sec == original.st_mtim.tv_sec && now.st_mtim.tv_nsec == original.st_mtim.tv_nsec && now.st_size == original.st_size && now.st_ino == original.st_ino)

        let lint = engine.lint()
        #expect(lint.result == .ok)
        let database = try TestDatabase(.sqlite)
        let activated = database.engine(directory).activate()
        let registered = activated.applied.first?.checksum
        // The checksum registered is that of the content on disk now, not of the cached parse.
        let fresh = try MigrationDecoder(file: file, version: "2026_02_10_0001", name: "create_projects").decode(JSONParser.parse(changed)).get()
        #expect(registered == fresh.checksum)
    }

    @Test func anInvalidFileIsNeverCached() throws {
        let directory = try MigrationDirectory()
        try directory.write("2026_02_10_0001_broken.json", "{")
        let engine = MigrationEngine(configuration: EngineConfiguration(database: nil, migrationsDirectory: directory.path))
        #expect(engine.lint().result == .invalid)
        #expect(engine.lint().result == .invalid)
    }
}
