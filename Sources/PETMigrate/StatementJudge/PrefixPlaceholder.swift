/// `{prefix}` in raw SQL stands for the site's table prefix.
///
/// It may stand only where an identifier starts (after a space, punctuation or an opening
/// quote, before a letter or `_`), so that substituting any valid prefix — including the
/// empty one — never changes where one token ends and the next begins: `DR{prefix}OP` would
/// read `DROP` on a site without a prefix. The judges then read the text with the prefix
/// substituted, exactly as it will run.
enum PrefixPlaceholder {
    static let token = "{prefix}"

    /// Why the placeholder is misplaced in `text`, or nil.
    static func problem(in text: String) -> String? {
        let bytes = Array(text.utf8)
        let placeholder = Array(token.utf8)
        var index = 0
        while index + placeholder.count <= bytes.count {
            guard bytes[index..<(index + placeholder.count)].elementsEqual(placeholder) else {
                index += 1
                continue
            }
            let before: UInt8? = index > 0 ? bytes[index - 1] : nil
            let after: UInt8? = index + placeholder.count < bytes.count ? bytes[index + placeholder.count] : nil
            if let before, isIdentifierByte(before) {
                return "{prefix} follows \"\(Character(Unicode.Scalar(before)))\": it may stand only where a table name starts"
            }
            guard let after, isLetterOrUnderscore(after) else {
                return "{prefix} must be followed by the rest of a table name (a letter or _)"
            }
            index += placeholder.count
        }
        return nil
    }

    static func substitute(_ text: String, prefix: String) -> String {
        text.replacing(token, with: prefix)
    }

    private static func isLetterOrUnderscore(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || byte == UInt8(ascii: "_")
    }

    private static func isIdentifierByte(_ byte: UInt8) -> Bool {
        isLetterOrUnderscore(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "$")
            || byte >= 0x80 || byte == UInt8(ascii: "}")
    }
}
