import Testing
@testable import PETMigrate

/// Every validation rule of the migration set, each shown to (1) be reported with file,
/// step and reason, and (2) leave a real database exactly as it was: nothing runs.
@Suite struct MigrationSetValidationTests {
    struct InvalidCase: CustomTestStringConvertible, Sendable {
        var name: String
        var fileName: String
        var contents: String
        var kind: MigrationProblem.Kind
        var step: Int?
        var reasonContains: String
        var testDescription: String { name }
    }

    static let cases: [InvalidCase] = [
        InvalidCase(name: "unknown op", fileName: "2026_03_01_0001_x.json",
                    contents: #"{"steps": [{"op": "create_view", "table": "v"}]}"#, kind: .invalidStep, step: 1, reasonContains: "unknown op \"create_view\""),
        InvalidCase(name: "destructive op", fileName: "2026_03_01_0001_x.json",
                    contents: #"{"steps": [{"op": "drop_table", "table": "pet_projects"}]}"#, kind: .destructive, step: 1, reasonContains: "destructive"),
        InvalidCase(name: "unknown key", fileName: "2026_03_01_0001_x.json",
                    contents: #"{"steps": [{"op": "add_column", "table": "pet_projects", "column": {"name": "a", "type": "text", "nullabel": true}}]}"#,
                    kind: .invalidStep, step: 1, reasonContains: "unknown key \"nullabel\""),
        InvalidCase(name: "wrong type", fileName: "2026_03_01_0001_x.json",
                    contents: #"{"steps": [{"op": "add_column", "table": "pet_projects", "column": {"name": "a", "type": "string", "length": "20", "nullable": true}}]}"#,
                    kind: .invalidStep, step: 1, reasonContains: "\"length\" in a column must be a whole number, found a string"),
        InvalidCase(name: "unknown portable type", fileName: "2026_03_01_0001_x.json",
                    contents: #"{"steps": [{"op": "add_column", "table": "pet_projects", "column": {"name": "a", "type": "varchar", "nullable": true}}]}"#,
                    kind: .invalidStep, step: 1, reasonContains: "unknown type \"varchar\""),
        InvalidCase(name: "bad identifier", fileName: "2026_03_01_0001_x.json",
                    contents: #"{"steps": [{"op": "add_column", "table": "pet_projects; drop", "column": {"name": "a", "type": "text", "nullable": true}}]}"#,
                    kind: .invalidStep, step: 1, reasonContains: "is not a valid name"),
        InvalidCase(name: "NOT NULL column added without default", fileName: "2026_03_01_0001_x.json",
                    contents: #"{"steps": [{"op": "add_column", "table": "pet_projects", "column": {"name": "a", "type": "integer"}}]}"#,
                    kind: .invalidStep, step: 1, reasonContains: "NOT NULL without a default"),
        InvalidCase(name: "second step broken", fileName: "2026_03_01_0001_x.json",
                    contents: #"{"steps": [{"op": "add_index", "table": "pet_projects", "index": {"name": "t", "columns": ["title"]}}, {"op": "add_index", "table": "pet_projects"}]}"#,
                    kind: .invalidStep, step: 2, reasonContains: "\"index\" is missing"),
        InvalidCase(name: "file name not following the pattern", fileName: "2026_3_01_0001_x.json",
                    contents: Fixtures.addStatus, kind: .fileName, step: nil, reasonContains: "YYYY_MM_DD_NNNN_name.json"),
        InvalidCase(name: "uppercase name", fileName: "2026_03_01_0001_AddThing.json",
                    contents: Fixtures.addStatus, kind: .fileName, step: nil, reasonContains: "lowercase"),
        InvalidCase(name: "stray file", fileName: "notes.txt",
                    contents: "remember to add status", kind: .fileName, step: nil, reasonContains: "does not follow the rule"),
        InvalidCase(name: "JSON syntax error", fileName: "2026_03_01_0001_x.json",
                    contents: "{\"steps\": [\n  {\"op\": \"add_index\",,}\n]}", kind: .syntax, step: nil, reasonContains: "line 2, column 22"),
        InvalidCase(name: "duplicate key", fileName: "2026_03_01_0001_x.json",
                    contents: #"{"steps": [], "steps": []}"#, kind: .syntax, step: nil, reasonContains: "duplicate key \"steps\""),
        InvalidCase(name: "destructive SQL", fileName: "2026_03_01_0001_x.json",
                    contents: Fixtures.sqlStep("ALTER TABLE {prefix}pet_projects ADD x INT; /* tidy */ dRoP TABLE {prefix}pet_projects"),
                    kind: .destructive, step: 1, reasonContains: "DROP"),
        InvalidCase(name: "data step before a schema step", fileName: "2026_03_01_0001_x.json",
                    contents: #"{"steps": [{"op": "sql", "sqlite": "UPDATE {prefix}pet_projects SET title = 'x'", "mariadb": "UPDATE {prefix}pet_projects SET title = 'x'", "applied_if": {"row_exists": {"sqlite": "SELECT 1", "mariadb": "SELECT 1"}}}, {"op": "add_index", "table": "pet_projects", "index": {"name": "t", "columns": ["title"]}}]}"#,
                    kind: .invalidStep, step: 2, reasonContains: "after the data step 1"),
        InvalidCase(name: "schema change in a data step", fileName: "2026_03_01_0001_x.json",
                    contents: #"{"steps": [{"op": "sql", "sqlite": "INSERT INTO {prefix}pet_projects (title) VALUES ('a'); CREATE TABLE {prefix}x (id INT)", "mariadb": "INSERT INTO {prefix}pet_projects (title) VALUES ('a')", "applied_if": {"row_exists": {"sqlite": "SELECT 1", "mariadb": "SELECT 1"}}}]}"#,
                    kind: .destructive, step: 1, reasonContains: "the sqlite SQL is refused at statement 2: CREATE TABLE is not allowed here"),
        InvalidCase(name: "sql step without applied_if", fileName: "2026_03_01_0001_x.json",
                    contents: #"{"steps": [{"op": "sql", "sqlite": "SELECT 1", "mariadb": "SELECT 1"}]}"#,
                    kind: .invalidStep, step: 1, reasonContains: "applied_if"),
    ]

    @Test(arguments: cases)
    func reportsTheProblemWithFileStepAndReason(_ invalid: InvalidCase) throws {
        let directory = try MigrationDirectory.firstRelease()
        try directory.write(invalid.fileName, invalid.contents)
        let report = MigrationEngine(configuration: EngineConfiguration(database: nil, migrationsDirectory: directory.path)).lint()
        #expect(report.result == .invalid)
        let problem = try #require(report.error)
        #expect(problem.kind == invalid.kind.rawValue)
        #expect(problem.file == invalid.fileName)
        #expect(problem.step == invalid.step)
        #expect(problem.reason.contains(invalid.reasonContains), "reason was: \(problem.reason)")
        #expect(report.message.contains(invalid.fileName))
    }

    @Test(arguments: DialectName.allCases, cases)
    func leavesTheDatabaseExactlyAsBefore(_ dialect: DialectName, _ invalid: InvalidCase) throws {
        let database = try TestDatabase(dialect)
        let directory = try MigrationDirectory.firstRelease()
        #expect(database.engine(directory).activate().result == .ok)
        let before = try database.snapshot()

        try directory.write(invalid.fileName, invalid.contents)
        let report = database.engine(directory).activate()
        #expect(report.result == .invalid)
        #expect(try database.snapshot() == before)
    }

    @Test(arguments: DialectName.allCases)
    func refusesDuplicateVersions(_ dialect: DialectName) throws {
        let database = try TestDatabase(dialect)
        let directory = try MigrationDirectory.firstRelease()
        try directory.write("2026_02_10_0001_create_tasks.json", Fixtures.createTasks)
        let before = try database.snapshot()
        let report = database.engine(directory).activate()
        #expect(report.result == .invalid)
        #expect(report.error?.kind == "duplicate_version")
        #expect(report.error?.reason.contains("2026_02_10_0001_create_projects.json") == true)
        #expect(try database.snapshot() == before)
    }

    @Test(arguments: DialectName.allCases)
    func refusesWhenAnAppliedMigrationsFileIsMissing(_ dialect: DialectName) throws {
        let database = try TestDatabase(dialect)
        let directory = try MigrationDirectory.firstRelease()
        #expect(database.engine(directory).activate().result == .ok)
        try directory.remove("2026_02_10_0001_create_projects.json")
        try directory.write("2026_02_11_0001_create_tasks.json", Fixtures.createTasks)
        let before = try database.snapshot()

        let report = database.engine(directory).activate()
        #expect(report.result == .invalid)
        #expect(report.error?.kind == "missing_file")
        #expect(report.error?.file == "2026_02_10_0001_create_projects.json")
        #expect(report.error?.reason.contains("put the file back") == true)
        #expect(try database.snapshot() == before)
        #expect(database.engine(directory).status().result == .invalid)
    }

    @Test(arguments: DialectName.allCases)
    func refusesAChangedAppliedMigration(_ dialect: DialectName) throws {
        let database = try TestDatabase(dialect)
        let directory = try MigrationDirectory.firstRelease()
        #expect(database.engine(directory).activate().result == .ok)
        try directory.write("2026_02_10_0001_create_projects.json", Fixtures.createProjects.replacingOccurrences(of: "191", with: "190"))
        try directory.write("2026_02_11_0001_create_tasks.json", Fixtures.createTasks)
        let before = try database.snapshot()

        let report = database.engine(directory).activate()
        #expect(report.result == .invalid)
        #expect(report.error?.kind == "checksum_mismatch")
        #expect(report.error?.reason.contains("new migration") == true)
        #expect(try database.snapshot() == before)
    }

    @Test(arguments: DialectName.allCases)
    func refusesAPendingMigrationOlderThanAnAppliedOne(_ dialect: DialectName) throws {
        let database = try TestDatabase(dialect)
        let directory = try MigrationDirectory.firstRelease()
        try directory.write("2026_03_01_0001_create_tasks.json", Fixtures.createTasks)
        #expect(database.engine(directory).activate().result == .ok)
        try directory.write("2026_02_20_0001_add_status.json", Fixtures.addStatus)
        let before = try database.snapshot()

        let report = database.engine(directory).activate()
        #expect(report.result == .invalid)
        #expect(report.error?.kind == "out_of_order")
        #expect(report.error?.file == "2026_02_20_0001_add_status.json")
        #expect(report.error?.reason.contains("2026_03_01_0001") == true)
        #expect(try database.snapshot() == before)
    }

    @Test func reportsEveryProblemOfTheSetAtOnce() throws {
        let directory = try MigrationDirectory()
        try directory.write("2026_03_01_0001_a.json", #"{"steps": [{"op": "nope"}]}"#)
        try directory.write("2026_03_01_0002_b.json", "{")
        try directory.write("readme.md", "x")
        let report = MigrationEngine(configuration: EngineConfiguration(database: nil, migrationsDirectory: directory.path)).lint()
        #expect(report.problems.count == 3)
        #expect(report.message.contains("and 2 more problems"))
    }

    @Test func reportsAMissingDirectory() {
        let report = MigrationEngine(configuration: EngineConfiguration(database: nil, migrationsDirectory: "/nonexistent/pet")).lint()
        #expect(report.result == .invalid)
        #expect(report.error?.reason.contains("/nonexistent/pet does not exist") == true)
    }

    @Test func theBundledMigrationsAreValid() {
        let report = MigrationEngine(configuration: EngineConfiguration(database: nil, migrationsDirectory: repositoryRoot + "/php/migrations")).lint()
        #expect(report.result == .ok, "\(report.message)")
        #expect(report.targetVersion != nil)
    }

    /// `plan` pairs the registry with the set in one walk down both sorted lists: whatever
    /// order the registry's rows come in, every problem is found, in version order, and the
    /// pending migrations are exactly the unapplied ones.
    @Test func planPairsTheRegistryWithTheSetInAnyOrder() throws {
        let versions = ["2026_01_01_0001", "2026_01_02_0001", "2026_01_03_0001", "2026_01_04_0001", "2026_01_05_0001"]
        let entries = versions.enumerated().map { offset, version in
            let bytes = Array(Fixtures.createProjects.replacingOccurrences(of: "pet_projects", with: "pet_t\(offset)").utf8)
            return MigrationSourceEntry(fileName: "\(version)_create_t\(offset).json") { .success(bytes) }
        }
        struct Listed: MigrationSource {
            let files: [MigrationSourceEntry]
            var location: String { "memory" }
            func entries() throws(MigrationSourceError) -> [MigrationSourceEntry] { files }
        }
        let set = try MigrationSet.load(from: Listed(files: entries.reversed())).get()
        func row(_ index: Int, checksum: String? = nil) -> AppliedMigration {
            AppliedMigration(version: versions[index], name: "create_t\(index)", appliedAt: "2026-01-0\(index + 1) 00:00:00",
                             checksum: checksum ?? set.migrations[index].checksum)
        }
        let ghost = AppliedMigration(version: "2026_01_09_0001", name: "gone", appliedAt: "2026-01-09 00:00:00", checksum: "x")

        // All applied, rows in any order: nothing pending, the applied list sorted.
        for applied in [(0..<5).map { row($0) }, (0..<5).reversed().map { row($0) }, [2, 0, 4, 1, 3].map { row($0) }] {
            let plan = try set.plan(applied: applied).get()
            #expect(plan.pending.isEmpty)
            #expect(plan.applied.map(\.version) == versions)
            #expect(plan.target == versions.last)
        }
        // The first two applied: the last three pending, in order.
        let partial = try set.plan(applied: [row(1), row(0)]).get()
        #expect(partial.pending.map(\.version) == Array(versions[2...]))
        #expect(partial.applied.map(\.version) == Array(versions[..<2]))
        // Nothing applied: everything pending.
        #expect(try set.plan(applied: []).get().pending.map(\.version) == versions)

        // A changed file, a missing file and unapplied migrations before the newest applied.
        switch set.plan(applied: [ghost, row(3), row(1, checksum: "0123456789abcdef"), row(0)]) {
        case .success: Issue.record("a registry with a changed and a missing file was accepted")
        case .failure(let invalid):
            #expect(invalid.problems.map(\.kind) == [.checksumMismatch, .missingFile, .outOfOrder, .outOfOrder])
            #expect(invalid.problems.map { $0.version ?? "" } == [versions[1], ghost.version, versions[2], versions[4]])
            #expect(invalid.problems[1].file == "2026_01_09_0001_gone.json")
        }
    }
}
