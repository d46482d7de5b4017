/// The `VERSION_NAME.json` naming rule of migration files.
public struct MigrationFileName: Equatable, Sendable {
    public var version: String
    public var name: String

    /// Parses `2026_02_10_0001_create_core_tables.json`; nil when the name does not follow the rule.
    public init?(_ fileName: String) {
        guard fileName.hasSuffix(".json") else { return nil }
        let stem = Array(fileName.utf8.dropLast(5))
        // YYYY_MM_DD_NNNN_ is 16 bytes; at least one character of name follows.
        guard stem.count > 16 else { return nil }
        let pattern = Array("9999_99_99_9999_".utf8)
        for (position, expected) in pattern.enumerated() {
            let byte = stem[position]
            if expected == UInt8(ascii: "_") {
                guard byte == expected else { return nil }
            } else {
                guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            }
        }
        func number(_ range: Range<Int>) -> Int {
            stem[range].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        }
        guard (1...12).contains(number(5..<7)), (1...31).contains(number(8..<10)) else { return nil }
        let nameBytes = stem[16...]
        guard let first = nameBytes.first, first >= UInt8(ascii: "a"), first <= UInt8(ascii: "z") else { return nil }
        let nameText = String(decoding: nameBytes, as: UTF8.self)
        guard Identifier.problem(with: nameText) == nil else { return nil }
        let versionText = String(decoding: stem[0..<15], as: UTF8.self)
        version = versionText
        name = nameText
    }

    public static let rule = "migration files are named YYYY_MM_DD_NNNN_name.json (for example 2026_02_10_0001_create_core_tables.json), with a lowercase snake_case name"
}
