import Foundation
import Testing
@testable import PETMigrate

/// Numbers keep their decimal text; defaults are checked at load by every dialect's rules,
/// so `lint` never passes what a site's server then refuses; checksums registered by earlier
/// releases still match.
@Suite struct DefaultsAndNumbersTests {
    private func decode(_ text: String) throws -> Migration {
        try MigrationDecoder(file: "f.json", version: "2026_02_10_0001", name: "x").decode(try JSONParser.parse(text)).get()
    }

    private func decodeProblem(_ text: String) throws -> String? {
        switch MigrationDecoder(file: "f.json", version: "2026_02_10_0001", name: "x").decode(try JSONParser.parse(text)) {
        case .success: return nil
        case .failure(let invalid): return invalid.problems.first?.reason ?? ""
        }
    }

    private static func addColumn(_ column: String) -> String {
        #"{"steps": [{"op": "add_column", "table": "pet_projects", "column": \#(column)}]}"#
    }

    private static func decimalDefault(_ number: String) -> String {
        addColumn(#"{"name": "price", "type": "decimal", "precision": 30, "scale": 20, "default": \#(number)}"#)
    }

    @Test func decimalDefaultsKeepEveryDigit() throws {
        let one = try decode(Self.decimalDefault("1"))
        let almostOne = try decode(Self.decimalDefault("1.00000000000000000001"))
        #expect(one.checksum != almostOne.checksum)
        for spelling in ["1.0", "1e0", "10e-1", "1.000", "0.1E1"] {
            #expect(try decode(Self.decimalDefault(spelling)).checksum == one.checksum, "\(spelling)")
        }
        let driver = try SQLiteDriver(path: ":memory:")
        defer { driver.close() }
        for (migration, literal) in [(one, "DEFAULT 1"), (almostOne, "DEFAULT 1.00000000000000000001")] {
            guard case .addColumn(_, let column) = migration.steps[0] else { Issue.record("not add_column"); return }
            let statement = driver.addColumnStatement(column, table: "wp_pet_projects")
            #expect(statement.hasSuffix(literal), "\(statement)")
        }
    }

    @Test(arguments: DialectName.allCases)
    func theExactDecimalReachesTheDatabase(_ dialect: DialectName) throws {
        let database = try TestDatabase(dialect)
        let directory = try MigrationDirectory.firstRelease()
        try directory.write("2026_02_11_0001_price.json", Self.decimalDefault("1.00000000000000000001"))
        let report = database.engine(directory).activate()
        #expect(report.result == .ok, "\(report.message)")
        let driver = try database.connect()
        defer { driver.close() }
        try driver.execute("INSERT INTO wp_pet_projects (title) VALUES ('x')")
        switch dialect {
        case .mariadb:
            #expect(try driver.query("SELECT CAST(price AS CHAR) FROM wp_pet_projects").first?.first?.text == "1.00000000000000000001")
        case .sqlite:
            // SQLite keeps NUMERIC as a double, but the schema says what the migration said.
            let sql = try driver.query("SELECT sql FROM sqlite_schema WHERE name = 'wp_pet_projects'").first?.first?.text ?? ""
            #expect(sql.contains("DEFAULT 1.00000000000000000001"), "\(sql)")
        }
    }

    @Test func anExplicitNullDefaultMeansNoDefault() throws {
        let implied = try decode(Self.addColumn(#"{"name": "note", "type": "text", "nullable": true}"#))
        let explicit = try decode(Self.addColumn(#"{"name": "note", "type": "text", "nullable": true, "default": null}"#))
        #expect(implied.checksum == explicit.checksum)
        let driver = try SQLiteDriver(path: ":memory:")
        defer { driver.close() }
        guard case .addColumn(_, let a) = implied.steps[0], case .addColumn(_, let b) = explicit.steps[0] else { Issue.record("not add_column"); return }
        #expect(driver.addColumnStatement(a, table: "t") == driver.addColumnStatement(b, table: "t"))
    }

    @Test(arguments: [
        ("string NUL", #"{"name": "a", "type": "string", "length": 10, "default": "a\u0000b"}"#, "NUL"),
        ("text NUL", #"{"name": "a", "type": "text", "default": "\u0000"}"#, "NUL"),
        ("two code points in one character", #"{"name": "a", "type": "string", "length": 1, "default": "e\u0301"}"#, "2 characters (Unicode code points"),
        ("month 13", #"{"name": "a", "type": "date", "default": "2026-13-45"}"#, "real date"),
        ("30 February", #"{"name": "a", "type": "date", "default": "2026-02-30"}"#, "real date"),
        ("29 February, not a leap year", #"{"name": "a", "type": "date", "default": "2100-02-29"}"#, "real date"),
        ("year 0", #"{"name": "a", "type": "date", "default": "0000-01-01"}"#, "real date"),
        ("hour 24", #"{"name": "a", "type": "datetime", "default": "2026-01-01 24:00:00"}"#, "real date and time"),
        ("minute 60", #"{"name": "a", "type": "datetime", "default": "2026-01-01 10:60:00"}"#, "real date and time"),
        ("date as datetime", #"{"name": "a", "type": "datetime", "default": "2026-01-01"}"#, "real date and time"),
        ("decimal scale", #"{"name": "a", "type": "decimal", "precision": 5, "scale": 2, "default": 1.005}"#, "does not fit decimal(5,2)"),
        ("decimal precision", #"{"name": "a", "type": "decimal", "precision": 5, "scale": 2, "default": 1000}"#, "does not fit decimal(5,2)"),
        ("integer above INT", #"{"name": "a", "type": "integer", "default": 2147483648}"#, "outside the range of type integer"),
        ("integer below INT", #"{"name": "a", "type": "integer", "default": -2147483649}"#, "outside the range of type integer"),
        ("bigint above", #"{"name": "a", "type": "bigint", "default": 9223372036854775808}"#, "outside the range of type bigint"),
        ("integer with a fraction", #"{"name": "a", "type": "integer", "default": 1.5}"#, "whole number"),
        ("number beyond any column", #"{"name": "a", "type": "double", "default": 1e401}"#, "number out of range"),
    ])
    func defaultsASiteWouldRefuseAreRefusedAtLoad(_ name: String, _ column: String, _ expected: String) throws {
        let text = Self.addColumn(column)
        do {
            let problem = try decodeProblem(text)
            #expect(problem?.contains(expected) == true, "\(name): \(problem ?? "accepted")")
        } catch let error as JSONParser.SyntaxError {
            #expect(error.description.contains(expected), "\(name): \(error.description)")
        }
    }

    /// The edges that are allowed: lint accepts them, and so does every dialect's server.
    @Test(arguments: DialectName.allCases)
    func defaultsAtTheEdgesApplyOnEveryDialect(_ dialect: DialectName) throws {
        let database = try TestDatabase(dialect)
        let directory = try MigrationDirectory.firstRelease()
        try directory.write("2026_02_11_0001_edges.json", #"""
            {"steps": [{"op": "create_table", "table": "pet_edges",
              "columns": [{"name": "id", "type": "bigint", "auto_increment": true},
                          {"name": "accent", "type": "string", "length": 1, "default": "é"},
                          {"name": "emoji", "type": "string", "length": 2, "default": "😀!"},
                          {"name": "leap", "type": "date", "default": "2024-02-29"},
                          {"name": "last", "type": "datetime", "default": "9999-12-31 23:59:59"},
                          {"name": "first", "type": "date", "default": "1000-01-01"},
                          {"name": "money", "type": "decimal", "precision": 5, "scale": 2, "default": 999.99},
                          {"name": "tiny", "type": "decimal", "precision": 30, "scale": 30, "default": 1e-30},
                          {"name": "low", "type": "integer", "default": -2147483648},
                          {"name": "high", "type": "bigint", "default": 9223372036854775807},
                          {"name": "lowest", "type": "bigint", "default": -9223372036854775808},
                          {"name": "ratio", "type": "double", "default": 1.5e-7},
                          {"name": "note", "type": "text", "nullable": true, "default": null}],
              "primary_key": ["id"]}]}
            """#)
        let lint = MigrationEngine(configuration: EngineConfiguration(database: nil, migrationsDirectory: directory.path)).lint()
        #expect(lint.result == .ok, "\(lint.message)")
        let report = database.engine(directory).activate()
        #expect(report.result == .ok, "\(report.message)")
        let driver = try database.connect()
        defer { driver.close() }
        try driver.execute("INSERT INTO wp_pet_edges (id) VALUES (1)")
        let row = try driver.query("SELECT accent, emoji, leap, low, high, lowest, note FROM wp_pet_edges").first?.map { $0.text ?? "NULL" }
        #expect(row == ["é", "😀!", "2024-02-29", "-2147483648", "9223372036854775807", "-9223372036854775808", "NULL"])
    }

    /// Checksums registered by releases before 0.2 (computed with `Double` numbers and the
    /// explicit null kept) still match: the values below are what 0.1.0 computed.
    @Test func checksumsOfEarlierReleasesStillMatch() throws {
        let projects = try decode(Fixtures.createProjects)
        // Only integers and no explicit null: the current form is the old one, byte for byte.
        #expect(projects.checksum == "a920ac79618f4d3fef81a68960a329b0443fa91689471a4609ff5e90b40eb899")
        #expect(projects.legacyChecksum == projects.checksum)

        let rates = try decode(Self.legacyRates)
        #expect(rates.legacyChecksum == "43675d76080f34f4dcd4d037dbbe67e920269f82cb289d4f40a22e19cf1e62d0")
        #expect(rates.checksum == "e81718d03bc7cb576d9dbdadbb42b805f1c9f75e60a7a396ca29532ebd7b28e6")
        #expect(rates.matches(registeredChecksum: rates.legacyChecksum))
        #expect(rates.matches(registeredChecksum: rates.checksum))
        #expect(!rates.matches(registeredChecksum: String(repeating: "0", count: 64)))
    }

    static let legacyRates = """
        {"description": "legacy", "steps": [{"op": "create_table", "table": "pet_rates",
          "columns": [{"name": "id", "type": "integer"},
                      {"name": "rate", "type": "decimal", "precision": 10, "scale": 6, "default": 0.00001},
                      {"name": "note", "type": "text", "nullable": true, "default": null}],
          "primary_key": ["id"]}]}
        """

    @Test(arguments: DialectName.allCases)
    func aRegistryRowWithTheOldChecksumStillMatches(_ dialect: DialectName) throws {
        let database = try TestDatabase(dialect)
        let directory = try MigrationDirectory().write("2026_02_10_0001_rates.json", Self.legacyRates)
        #expect(database.engine(directory).activate().result == .ok)
        let driver = try database.connect()
        defer { driver.close() }
        // As a site upgraded from 0.1 has it.
        try driver.execute("UPDATE wp_pet_migrations SET checksum = '43675d76080f34f4dcd4d037dbbe67e920269f82cb289d4f40a22e19cf1e62d0'")
        let before = try database.snapshot()
        #expect(database.engine(directory).status().result == .ok)
        let again = database.engine(directory).activate()
        #expect(again.result == .ok, "\(again.message)")
        #expect(try database.snapshot() == before)

        try driver.execute("UPDATE wp_pet_migrations SET checksum = '\(String(repeating: "0", count: 64))'")
        let changed = database.engine(directory).status()
        #expect(changed.result == .invalid)
        #expect(changed.error?.kind == "checksum_mismatch")
    }

    @Test func decimalNumbersNormalise() {
        let cases: [(String, String)] = [("0", "0"), ("-0", "0"), ("-0.0e5", "0"), ("1.50", "1.5"), ("12e-4", "0.0012"),
                                         ("1e3", "1000"), ("-1.25E+2", "-125"), ("0.000", "0"), ("100", "100")]
        for (text, plain) in cases {
            #expect(DecimalNumber(json: text)?.plainText == plain, "\(text)")
        }
        #expect(DecimalNumber(json: "1e401") == nil)
        #expect(DecimalNumber(json: "1e99999999999999999999") == nil)
        #expect(DecimalNumber(json: "01") == nil)
        #expect(DecimalNumber(json: "1.") == nil)
        #expect(DecimalNumber(json: "-9223372036854775808")?.int64Value == .min)
        #expect(DecimalNumber(json: "9223372036854775808")?.int64Value == nil)
        #expect(DecimalNumber(Int.min).plainText == "-9223372036854775808")
        #expect(DecimalNumber(0).plainText == "0")
        #expect(DecimalNumber(1200).plainText == "1200")
        #expect(JSONNumber(verbatim: "1.0") == JSONNumber(1))
    }
}
