extension String {
    /// `self` with every `target` — an ASCII character — replaced by `replacement`, as SQL
    /// quoting needs (`'` → `''`, `` ` `` → ``` `` ```).
    ///
    /// `replacing(_:with:)` of the string-processing library searches generically; quoting
    /// every name and literal with it cost more than rendering the rest of the statements
    /// when applying 500 migrations (profiled). Names and literals rarely hold the quote, so
    /// the common case is one scan of the bytes and `self` returned as it is. An ASCII byte
    /// never occurs inside a multi-byte UTF-8 sequence, so splitting at it keeps every
    /// character whole.
    func replacingASCII(_ target: Unicode.Scalar, with replacement: String) -> String {
        precondition(target.isASCII, "replacingASCII replaces ASCII characters only")
        let byte = UInt8(target.value)
        let bytes = utf8
        guard bytes.contains(byte) else { return self }
        var result = ""
        result.reserveCapacity(bytes.count + 8)
        var start = bytes.startIndex
        var index = start
        while index != bytes.endIndex {
            if bytes[index] == byte {
                result += self[start..<index]
                result += replacement
                start = bytes.index(after: index)
            }
            index = bytes.index(after: index)
        }
        result += self[start...]
        return result
    }
}
