/// A JSON number as it was written.
///
/// The text is kept, not a `Double`: a migration's decimal default must keep every digit
/// (see `DecimalNumber`), and a configuration's whole number must be read exactly or
/// refused, never rounded into something else. Two numbers are equal when they denote the
/// same value, whatever their spelling (`1`, `1.0`, `1e0`).
public struct JSONNumber: Hashable, Sendable, CustomStringConvertible {
    /// The number's text: as parsed, or as the writer must print it.
    public let text: String

    /// A number the JSON parser checked, or a whole number; see `init(verbatim:)` for text
    /// that was formatted elsewhere.
    public init(_ value: Int) {
        text = String(value)
    }

    /// Text that is already a valid JSON number, printed as it is. Internal: only the parser
    /// and the canonical forms, which guarantee the grammar, use it.
    init(verbatim text: String) {
        self.text = text
    }

    /// The exact value; nil only for text beyond ±10^400, which the parser refuses.
    public var decimal: DecimalNumber? { DecimalNumber(json: text) }

    /// The value as an `Int`, if it is a whole number (`5`, `5.0`, `5e0`) that fits.
    public var integerValue: Int? {
        decimal?.int64Value.flatMap { Int(exactly: $0) }
    }

    public var doubleValue: Double { decimal?.doubleValue ?? .nan }

    public var description: String { text }

    public static func == (left: JSONNumber, right: JSONNumber) -> Bool {
        left.text == right.text || (left.decimal != nil && left.decimal == right.decimal)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(decimal)
    }
}

extension JSONNumber: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int) { self.init(value) }
}
