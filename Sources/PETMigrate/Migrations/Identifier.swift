/// Rules for the names a migration may use for tables, columns and indexes.
///
/// Names are lowercase snake case so that they mean the same on case-insensitive and
/// case-sensitive file systems (MariaDB table names are files on Linux), and are always
/// quoted by the dialect, so a reserved word is still a valid name.
enum Identifier {
    /// MariaDB's limit; the site prefix counts towards it for table names.
    static let maximumLength = 64

    static func problem(with name: String) -> String? {
        guard !name.isEmpty else { return "an empty name" }
        guard name.utf8.count <= maximumLength else { return "\"\(name)\" is longer than \(maximumLength) characters" }
        let bytes = Array(name.utf8)
        let valid = bytes.enumerated().allSatisfy { position, byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "_"): return true
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return position > 0
            default: return false
            }
        }
        return valid ? nil : "\"\(name)\" is not a valid name (lowercase letters, digits and '_', not starting with a digit)"
    }

    /// Site prefixes follow WordPress: letters, digits and underscores.
    static func isValidPrefix(_ prefix: String) -> Bool {
        prefix.utf8.count <= 32 && prefix.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"): return true
            default: return false
            }
        }
    }
}
