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

    /// The whole judged set is reused only for the same listing and the same prefix.
    @Test func aJudgedSetIsReusedOnlyForTheSameListingAndPrefix() throws {
        let directory = try MigrationDirectory()
        try directory.write("2026_02_10_0001_create_projects.json", Fixtures.createProjects)
        func lint(prefix: String = "wp_") -> Report {
            MigrationEngine(configuration: EngineConfiguration(database: nil, prefix: prefix, migrationsDirectory: directory.path)).lint()
        }
        #expect(lint().result == .ok)
        #expect(lint().result == .ok)
        // A file added to the folder is part of the next load.
        try directory.write("2026_02_11_0001_broken.json", "{")
        #expect(lint().result == .invalid)
        // A prefix that makes a table name too long is judged for itself, not served the set
        // judged valid for another prefix.
        try FileManager.default.removeItem(atPath: directory.path + "/2026_02_11_0001_broken.json")
        let longTable = String(repeating: "t", count: 60)
        try directory.write("2026_02_12_0001_long.json", """
            {"steps":[{"op":"create_table","table":"\(longTable)","columns":[{"name":"id","type":"bigint"}],"primary_key":["id"]}]}
            """)
        #expect(lint(prefix: "wp_").result == .ok)
        #expect(lint(prefix: "wp_").result == .ok)
        let long = lint(prefix: "wp_site_1234_")
        #expect(long.result == .invalid, "\(long.message)")
        #expect(lint(prefix: "wp_").result == .ok)
    }
}
