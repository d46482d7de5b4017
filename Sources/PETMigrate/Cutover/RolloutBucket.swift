import Crypto

/// Staged rollout of a cut-over flag: a flag on for `percent` % is on for the keys whose
/// bucket is below `percent × 100`. The bucket is a stable hash of the flag's name and a key
/// the host chooses (a user id, a session, a site), so one key sees the same answer on every
/// request and every server, a larger share keeps every key a smaller one had, and two flags
/// split keys independently.
///
/// bucket = the first 6 bytes of SHA-256(flag + NUL + key), big-endian, modulo 10,000 — 48
/// bits, so PHP computes the same without the extension:
/// `hexdec(substr(hash('sha256', $flag . "\0" . $key), 0, 12)) % 10000`.
public enum RolloutBucket {
    public static let buckets = 10_000

    public static func bucket(flag: String, key: String) -> Int {
        let digest = Array(SHA256.hash(data: Array(flag.utf8) + [0] + Array(key.utf8)))
        let value = digest.prefix(6).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Int(value % UInt64(buckets))
    }

    /// Whether `key` sees a flag that is on for `percent` % (0 = off, 100 = everyone).
    public static func isOn(flag: String, key: String, percent: Int) -> Bool {
        bucket(flag: flag, key: key) < max(0, min(100, percent)) * (buckets / 100)
    }
}
