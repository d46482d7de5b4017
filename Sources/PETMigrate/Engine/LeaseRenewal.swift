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
