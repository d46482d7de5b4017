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
        let versionText = String(decoding: stem[0..<15], as: UTF8.self)
        let nameText = String(decoding: stem[16...], as: UTF8.self)
        let month = Int(versionText.split(separator: "_")[1])!
        let day = Int(versionText.split(separator: "_")[2])!
        guard (1...12).contains(month), (1...31).contains(day) else { return nil }
        guard Identifier.problem(with: nameText) == nil, nameText.first!.isLetter else { return nil }
        version = versionText
        name = nameText
    }

    static let rule = "migration files are named YYYY_MM_DD_NNNN_name.json (for example 2026_02_10_0001_create_core_tables.json), with a lowercase snake_case name"
}
