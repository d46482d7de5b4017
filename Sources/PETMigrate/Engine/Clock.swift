#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// UTC timestamps as `YYYY-MM-DD HH:MM:SS`: the form both dialects store and compare as text.
enum Clock {
    static func now() -> String {
        var seconds = time(nil)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) \(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
    }

    /// Seconds on a clock that never jumps, for deadlines.
    static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1_000_000_000
    }
}

/// Renews the migration lock's lease: always at the start of a migration (inside its first
/// transaction, so at no extra commit), and between steps only once a third of the lease has
/// passed — a long migration keeps the lock without a commit per step.
final class LeaseRenewal {
    private let seconds: Int
    private let renewal: () throws(DatabaseError) -> Void
    private var renewedAt = Clock.monotonicSeconds()

    init(seconds: Int, _ renewal: @escaping () throws(DatabaseError) -> Void) {
        self.seconds = seconds
        self.renewal = renewal
    }

    func renew() throws(DatabaseError) {
        try renewal()
        renewedAt = Clock.monotonicSeconds()
    }

    func renewIfDue() throws(DatabaseError) {
        if Clock.monotonicSeconds() - renewedAt >= Double(seconds) / 3 { try renew() }
    }
}
