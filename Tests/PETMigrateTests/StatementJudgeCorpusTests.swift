import Foundation
import Testing
@testable import PETMigrate

/// The judge's adversarial corpus (`JudgeCase`), run through `lint` and `activate` on a real
/// SQLite file and a real MariaDB database.
@Suite struct StatementJudgeCorpusTests {
    /// A site after its first release, with rows in the set's table and tables that no
    /// migration created: everything a refused statement could have harmed.
    static func preparedSite(_ database: TestDatabase) throws -> MigrationDirectory {
        let directory = try MigrationDirectory().write("2026_01_01_0001_create_audit.json", JudgeCase.firstRelease)
        let first = database.engine(directory).activate()
        guard first.result == .ok else { throw TestSetupError("first release failed: \(first.message)") }
        let driver = try database.connect()
        defer { driver.close() }
        try driver.execute("CREATE TABLE wp_posts (id INTEGER PRIMARY KEY, post_title VARCHAR(100), post_content TEXT)")
        try driver.execute("INSERT INTO wp_posts (id, post_title, post_content) VALUES (1, 'Hello', 'World'), (2, 'Second', 'Post')")
        try driver.execute("CREATE TABLE wp_users (id INTEGER PRIMARY KEY, user_pass VARCHAR(100))")
        try driver.execute("INSERT INTO wp_users (id, user_pass) VALUES (1, 'secret-hash')")
        try driver.execute("INSERT INTO wp_pet_audit (note) VALUES ('first'), ('second')")
        return directory
    }

    static let caseFile = "2026_01_02_0001_corpus_case.json"

    @Test(arguments: DialectName.allCases)
    func everyRefusedCaseIsRefusedByLintAndActivateAndChangesNothing(_ dialect: DialectName) throws {
        let database = try TestDatabase(dialect)
        let directory = try Self.preparedSite(database)
        let before = try database.snapshot()
        var refused = 0
        let cases = JudgeCase.all.filter { !$0.accepted }
        for testCase in cases {
            try directory.write(Self.caseFile, testCase.migration)
            let lint = MigrationEngine(configuration: EngineConfiguration(database: nil, migrationsDirectory: directory.path)).lint()
            let activate = database.engine(directory).activate()
            if ProcessInfo.processInfo.environment["PET_JUDGE_CORPUS_VERBOSE"] != nil { print("\(testCase) -> \(lint.problems.map(\.reason))") }
            #expect(lint.result == .invalid, "\(testCase): lint said \(lint.result.name): \(lint.message)")
            #expect(activate.result == .invalid, "\(testCase): activate said \(activate.result.name): \(activate.message)")
            #expect(activate.error?.file == Self.caseFile && activate.error?.step != nil, "\(testCase): the problem names no file and step")
            let after = try database.snapshot()
            #expect(after == before, "\(testCase): the database changed")
            if lint.result == .invalid, activate.result == .invalid, after == before { refused += 1 }
            try directory.remove(Self.caseFile)
        }
        print("judge corpus on \(dialect.rawValue): \(refused) of \(cases.count) refused cases refused with the database unchanged")
    }

    @Test(arguments: DialectName.allCases, JudgeCase.acceptedCases)
    func everyAcceptedCaseRunsEveryStatementOnce(_ dialect: DialectName, _ testCase: JudgeCase) throws {
        let database = try TestDatabase(dialect)
        let directory = try Self.preparedSite(database)
        try directory.write(Self.caseFile, testCase.migration)
        let lint = MigrationEngine(configuration: EngineConfiguration(database: nil, migrationsDirectory: directory.path)).lint()
        #expect(lint.result == .ok, "\(testCase): lint said \(lint.message)")
        let report = database.engine(directory).activate()
        try #require(report.result == .ok, "\(testCase): \(report.message)")
        #expect(report.newlyApplied == ["2026_01_02_0001"])
        let again = database.engine(directory).activate()
        #expect(again.result == .ok && again.newlyApplied.isEmpty)
        let driver = try database.connect()
        defer { driver.close() }
        if let verify = testCase.verify {
            let rows = try driver.query(verify.query).map { $0.map { $0.text ?? "NULL" }.joined(separator: "|") }
            #expect(rows == verify.rows, "\(testCase)")
        }
        // Nothing that existed before was touched.
        #expect(try driver.query("SELECT post_title FROM wp_posts ORDER BY id").map { $0[0].text } == ["Hello", "Second"])
        #expect(try driver.query("SELECT note FROM wp_pet_audit ORDER BY id").map { $0[0].text } == ["first", "second"])
    }

    /// The placeholder and the words are judged as the text will run: with an empty prefix,
    /// `DR{prefix}OP` would read `DROP`.
    @Test func refusedCasesStayRefusedWithAnEmptyPrefix() throws {
        let directory = try MigrationDirectory().write("2026_01_01_0001_create_audit.json", JudgeCase.firstRelease)
        for testCase in JudgeCase.all where !testCase.accepted && !testCase.name.contains("without the prefix") {
            try directory.write(Self.caseFile, testCase.migration)
            let lint = MigrationEngine(configuration: EngineConfiguration(database: nil, prefix: "", migrationsDirectory: directory.path)).lint()
            #expect(lint.result == .invalid, "\(testCase): \(lint.message)")
        }
    }

    @Test func theCorpusIsLargeEnough() {
        #expect(JudgeCase.all.count >= 80)
    }
}
