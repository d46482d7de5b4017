import Crypto

/// SHA-256 as 64 lowercase hex digits: checksums and the lock name.
enum SHA256Hex {
    static func of(_ text: String) -> String {
        of(Array(text.utf8))
    }

    static func of(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(64)
        for byte in SHA256.hash(data: bytes) {
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: output, as: UTF8.self)
    }
}
