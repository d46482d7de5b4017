import Testing
@testable import PETMigrate

@Suite struct CanonicalChecksumTests {
    private func checksum(_ text: String) throws -> String {
        let root = try JSONParser.parse(text)
        let migration = try MigrationDecoder(file: "f.json", version: "2026_02_10_0001", name: "x").decode(root).get()
        return migration.checksum
    }

    @Test func formattingLineEndingsAndKeyOrderDoNotChangeIt() throws {
        let original = try checksum(Fixtures.createProjects)
        #expect(try checksum(Fixtures.createProjects.replacingOccurrences(of: "\n", with: "\r\n")) == original)
        #expect(try checksum(Fixtures.createProjects.replacingOccurrences(of: "\n", with: "").replacingOccurrences(of: "  ", with: "")) == original)
        let reordered = """
            {"steps": [{"primary_key": ["id"], "table": "pet_projects", "op": "create_table",
              "indexes": [{"columns": ["title"], "name": "title", "unique": false}],
              "columns": [{"type": "bigint", "name": "id", "auto_increment": true, "nullable": false},
                          {"length": 191, "type": "string", "name": "title"}]}],
             "description": "projects"}
            """
        #expect(try checksum(reordered) == original)
        #expect(try checksum("\u{FEFF}" + Fixtures.createProjects) == original)
    }

    @Test func anyChangeOfMeaningChangesIt() throws {
        let original = try checksum(Fixtures.createProjects)
        let changes = [
            Fixtures.createProjects.replacingOccurrences(of: "191", with: "190"),
            Fixtures.createProjects.replacingOccurrences(of: "\"title\"]", with: "\"title\", \"id\"]"),
            Fixtures.createProjects.replacingOccurrences(of: "\"length\": 191}", with: "\"length\": 191, \"nullable\": true}"),
            Fixtures.createProjects.replacingOccurrences(of: "\"projects\"", with: "\"project list\""),
            Fixtures.createProjects.replacingOccurrences(of: "\"columns\": [\"title\"]}", with: "\"columns\": [\"title\"], \"unique\": true}"),
        ]
        var seen: Set<String> = [original]
        for changed in changes {
            let value = try checksum(changed)
            #expect(!seen.contains(value), "a change of meaning kept the checksum: \(changed)")
            seen.insert(value)
        }
    }

    @Test func isHexSHA256() throws {
        let value = try checksum(Fixtures.createProjects)
        #expect(value.count == 64)
        #expect(value.allSatisfy { $0.isHexDigit && !$0.isUppercase })
    }
}
