/// A number as its exact decimal value: sign, significant digits and a power of ten.
///
/// Migration files are JSON, and JSON numbers are decimal text. Reading them as `Double`
/// silently merges `1` and `1.00000000000000000001`, which a `decimal(30,20)` column tells
/// apart; keeping the digits keeps the meaning. The normal form also makes `1`, `1.0`, `1e0`
/// and `10e-1` one value, so reformatting a number changes neither checksum nor DDL.
public struct DecimalNumber: Hashable, Sendable, CustomStringConvertible {
    /// False for zero.
    public let isNegative: Bool
    /// Significant digits (ASCII), without leading or trailing zeros; empty for zero.
    public let digits: [UInt8]
    /// The value is `digits × 10^exponent`; 0 for zero.
    public let exponent: Int

    /// The largest power of ten kept: plain text of a number stays a few hundred bytes,
    /// and every finite `Double` (about 1e±308, subnormals to 5e-324) fits.
    static let exponentLimit = 400

    /// Reads a JSON number (`-?int(.frac)?([eE][+-]?digits)?`); nil when the text is not one
    /// or its magnitude is beyond ±10^400.
    public init?(json text: String) {
        let bytes = Array(text.utf8)
        var index = 0
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { negative = true; index += 1 }
        var mantissa: [UInt8] = []
        var fractionDigits = 0
        let integerStart = index
        while index < bytes.count, Self.isDigit(bytes[index]) { mantissa.append(bytes[index]); index += 1 }
        guard index > integerStart else { return nil }
        if index - integerStart > 1, bytes[integerStart] == UInt8(ascii: "0") { return nil }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            let fractionStart = index
            while index < bytes.count, Self.isDigit(bytes[index]) { mantissa.append(bytes[index]); index += 1 }
            guard index > fractionStart else { return nil }
            fractionDigits = index - fractionStart
        }
        var written = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            var exponentNegative = false
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                exponentNegative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            let exponentStart = index
            while index < bytes.count, Self.isDigit(bytes[index]) {
                // Beyond a million the number is out of range whatever its digits; stop
                // accumulating long before an Int could overflow.
                if written < 1_000_000 { written = written * 10 + Int(bytes[index] - UInt8(ascii: "0")) }
                index += 1
            }
            guard index > exponentStart else { return nil }
            if exponentNegative { written = -written }
        }
        guard index == bytes.count else { return nil }
        // Leading zeros do not count; trailing zeros move into the exponent.
        let firstSignificant = mantissa.firstIndex { $0 != UInt8(ascii: "0") }
        guard let firstSignificant else {
            self.init(isNegative: false, digits: [], exponent: 0)
            return
        }
        var significant = Array(mantissa[firstSignificant...])
        var exponent = written - fractionDigits
        while significant.last == UInt8(ascii: "0") {
            significant.removeLast()
            exponent += 1
        }
        // The position of the leading digit decides the magnitude; bound it both ways.
        let leading = exponent + significant.count - 1
        guard (-Self.exponentLimit...Self.exponentLimit).contains(leading) else { return nil }
        self.init(isNegative: negative, digits: significant, exponent: exponent)
    }

    public init(_ value: Int) {
        // Int.min has no positive counterpart: take the magnitude as unsigned.
        var significant = Array(String(value.magnitude).utf8)
        var exponent = 0
        while significant.count > 1, significant.last == UInt8(ascii: "0") {
            significant.removeLast()
            exponent += 1
        }
        if value == 0 { significant = [] }
        self.init(isNegative: value < 0, digits: significant, exponent: value == 0 ? 0 : exponent)
    }

    private init(isNegative: Bool, digits: [UInt8], exponent: Int) {
        self.isNegative = isNegative
        self.digits = digits
        self.exponent = exponent
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    public var isZero: Bool { digits.isEmpty }

    /// Digits before the point (0 for a number below one).
    public var integerDigitCount: Int { max(0, digits.count + exponent) }

    /// Digits after the point, trailing zeros not counted.
    public var fractionDigitCount: Int { max(0, -exponent) }

    public var isInteger: Bool { exponent >= 0 }

    /// Plain decimal text without exponent: `-12.5`, `0.001`, `100`, `0`. The canonical
    /// text of the number, in checksums and DDL alike; only digits, `-` and `.`.
    public var plainText: String {
        guard !digits.isEmpty else { return "0" }
        var output: [UInt8] = isNegative ? [UInt8(ascii: "-")] : []
        if exponent >= 0 {
            output += digits
            output += [UInt8](repeating: UInt8(ascii: "0"), count: exponent)
        } else {
            let pointPosition = digits.count + exponent
            if pointPosition > 0 {
                output += digits[0..<pointPosition]
                output.append(UInt8(ascii: "."))
                output += digits[pointPosition...]
            } else {
                output += [UInt8(ascii: "0"), UInt8(ascii: ".")]
                output += [UInt8](repeating: UInt8(ascii: "0"), count: -pointPosition)
                output += digits
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    public var description: String { plainText }

    /// The value as a whole number, if it is one and fits.
    public var int64Value: Int64? {
        guard isInteger, integerDigitCount <= 19 else { return nil }
        var magnitude: UInt64 = 0
        for byte in digits {
            let (times, overflowTimes) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflowSum) = times.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            guard !overflowTimes, !overflowSum else { return nil }
            magnitude = sum
        }
        for _ in 0..<exponent {
            let (times, overflow) = magnitude.multipliedReportingOverflow(by: 10)
            guard !overflow else { return nil }
            magnitude = times
        }
        if isNegative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    /// The nearest `Double` (correctly rounded, as `strtod`): exactly what reading the
    /// original text as a `Double` gave, since both texts denote the same value.
    public var doubleValue: Double {
        Double(plainText) ?? (isNegative ? -.infinity : .infinity)
    }

    /// Whether the value fits `DECIMAL(precision, scale)` exactly: no digit rounded away,
    /// none beyond the integer part the type holds.
    public func fits(precision: Int, scale: Int) -> Bool {
        fractionDigitCount <= scale && integerDigitCount <= precision - scale
    }
}
