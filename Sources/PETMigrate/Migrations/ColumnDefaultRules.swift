/// What a column default must be so that every dialect accepts it and stores the same value.
///
/// `lint` must never pass a default that a site's server then refuses: that failure happens
/// during an activation, and sends the site to maintenance. So each rule here is the
/// stricter of SQLite's and MariaDB's (strict `sql_mode`) rules:
/// - strings hold no NUL (SQLite reads DDL as a C string and would cut it there);
/// - a `string` column's default fits its length counted in Unicode code points, as MariaDB
///   counts `VARCHAR(n)` in utf8mb4 (not in grapheme clusters: "é" may be two code points);
/// - dates are real dates from 1000-01-01 to 9999-12-31 (MariaDB's supported range), times
///   real times of day;
/// - a decimal default fits the column's precision and scale with no digit rounded away;
/// - an integer default fits the type: `integer` is MariaDB's 32-bit INT, `bigint` 64-bit.
enum ColumnDefaultRules {
    static func problem(with value: ColumnDefault, for column: ColumnDefinition) -> String? {
        let name = column.name
        switch value {
        case .null, .bool:
            return nil
        case .string(let text):
            if text.unicodeScalars.contains("\u{0}") {
                return "column \"\(name)\": the default contains a NUL character, which a database cannot store in a default"
            }
            switch column.type {
            case .string:
                let length = column.length ?? 0
                let count = text.unicodeScalars.count
                if count > length {
                    return "column \"\(name)\": the default has \(count) characters (Unicode code points, as MariaDB counts them), more than the column's length \(length)"
                }
            case .date:
                if !CalendarText.isDate(text) {
                    return "column \"\(name)\": the default of a date column is a real date written YYYY-MM-DD, from 1000-01-01 to 9999-12-31"
                }
            case .datetime:
                if !CalendarText.isDateTime(text) {
                    return "column \"\(name)\": the default of a datetime column is a real date and time written YYYY-MM-DD HH:MM:SS (hours 00-23), from 1000-01-01 00:00:00 to 9999-12-31 23:59:59"
                }
            default:
                break
            }
            return nil
        case .number(let number):
            switch column.type {
            case .integer, .bigint:
                guard number.isInteger else { return "column \"\(name)\": the default of an integer column must be a whole number" }
                let range: ClosedRange<Int64> = column.type == .integer ? Int64(Int32.min)...Int64(Int32.max) : Int64.min...Int64.max
                guard let whole = number.int64Value, range.contains(whole) else {
                    return "column \"\(name)\": the default \(number.plainText) is outside the range of type \(column.type.rawValue) (\(range.lowerBound) to \(range.upperBound))"
                }
                return nil
            case .decimal:
                let precision = column.precision ?? 10
                let scale = column.scale ?? 0
                guard number.fits(precision: precision, scale: scale) else {
                    return "column \"\(name)\": the default \(number.plainText) does not fit decimal(\(precision),\(scale)) (at most \(precision - scale) digits before the point and \(scale) after)"
                }
                return nil
            default:
                return nil
            }
        }
    }
}

/// Calendar checks for date and datetime text, without Foundation (the library runs in
/// PHP workers, where it stays small).
enum CalendarText {
    static func isDate(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, matches(bytes, "9999-99-99") else { return false }
        return isRealDate(bytes)
    }

    static func isDateTime(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 19, matches(bytes, "9999-99-99 99:99:99"), isRealDate(Array(bytes[0..<10])) else { return false }
        return number(bytes, 11..<13) <= 23 && number(bytes, 14..<16) <= 59 && number(bytes, 17..<19) <= 59
    }

    private static func isRealDate(_ bytes: [UInt8]) -> Bool {
        let year = number(bytes, 0..<4)
        let month = number(bytes, 5..<7)
        let day = number(bytes, 8..<10)
        guard (1000...9999).contains(year), (1...12).contains(month), day >= 1 else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return day <= days
    }

    /// The pattern's `9` stands for any digit; every other byte must match itself.
    private static func matches(_ bytes: [UInt8], _ pattern: String) -> Bool {
        let shape = Array(pattern.utf8)
        guard bytes.count == shape.count else { return false }
        return zip(bytes, shape).allSatisfy { byte, expected in
            expected == UInt8(ascii: "9") ? (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) : byte == expected
        }
    }

    /// Digits only, as `matches` checked: at most four, so no overflow.
    private static func number(_ bytes: [UInt8], _ range: Range<Int>) -> Int {
        bytes[range].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }
}
