import Foundation
import Testing
@testable import PETMigrate

/// The worked example of `php/MIGRATIONS.md` is real: it is taken from the guide and applied
/// after the plugin's bundled migrations on both dialects.
@Suite struct AuthoringGuideTests {
    static func workedExample() throws -> (fileName: String, contents: String) {
        let guide = try String(contentsOfFile: repositoryRoot + "/php/MIGRATIONS.md", encoding: .utf8)
        let fileName = "2026_03_02_0001_project_colors.json"
        let lines = guide.components(separatedBy: "\n")
        guard let start = lines.firstIndex(of: "`\(fileName)`") else { throw TestSetupError("the guide no longer has its worked example") }
        var block: [String] = []
        for line in lines[(start + 1)...] {
            if line.isEmpty && block.isEmpty { continue }
            guard line.hasPrefix("    ") || line.isEmpty else { break }
            block.append(String(line.dropFirst(min(4, line.count))))
        }
        return (fileName, block.joined(separator: "\n"))
    }

    @Test(arguments: DialectName.allCases)
    func theWorkedExampleApplies(_ dialect: DialectName) throws {
        let example = try Self.workedExample()
        let directory = try MigrationDirectory.bundled()
        try directory.write(example.fileName, example.contents)
        let database = try TestDatabase(dialect)
        let report = database.engine(directory).activate()
        #expect(report.result == .ok, "\(report.message)")
        #expect(report.newlyApplied.last == "2026_03_02_0001")
        let driver = try database.connect()
        defer { driver.close() }
        #expect(try driver.columnNames(of: "wp_pet_projects").contains("color"))
        #expect(try driver.query("SELECT label FROM wp_pet_palette").map { $0[0].text } == ["Grey"])
    }
}
