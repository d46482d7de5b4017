#if canImport(Glibc)
import Glibc
#endif

/// Who asks for the migration lock: one attempt of one process. The same identity goes into
/// every journal row of the attempt, so that compensation undoes only its own objects and
/// recovery only the objects of an attempt whose owner is gone.
public struct MigrationLockRequest: Sendable {
    /// One migrating process per database and prefix.
    public var prefix: String
    /// This attempt's token: client host, process id and a random part.
    public var owner: String
    /// How long the lock stays taken after its holder last renewed it.
    public var leaseSeconds: Int

    public init(prefix: String, owner: String = MigrationLockRequest.newOwner(), leaseSeconds: Int = 60) {
        self.prefix = prefix
        self.owner = owner
        self.leaseSeconds = leaseSeconds
    }

    /// `host:pid:random`, unique per attempt.
    public static func newOwner() -> String {
        var name = [CChar](repeating: 0, count: 256)
        let host = gethostname(&name, name.count - 1) == 0
            ? String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "unknown-host"
        return "\(host.prefix(100)):\(getpid()):\(String(UInt64.random(in: 0...UInt64.max), radix: 36))"
    }
}

/// The migration lock on MariaDB: a row in an InnoDB table, not a session's `GET_LOCK`.
///
/// `GET_LOCK` is local to one server: on a Galera cluster a process on another node does not
/// see it, and two nodes migrate at once. A row is replicated: taking it is a transaction that
/// reads the row `FOR UPDATE` and writes the new owner, and when two nodes do so at the same
/// moment, Galera's certification lets only the first commit (the other gets a deadlock
/// error, 1213, and tries again — by then it sees the row taken).
///
/// The row carries the holder's identity (the server it is connected to, its connection id,
/// its client host and process) and a lease that the holder renews before every step.
/// A holder that dies frees the lock:
/// - on the same server at once, as `GET_LOCK` did: the server closes a killed process's
///   connection, and a contender that sees the holder's connection id gone from that
///   server's process list takes the lock;
/// - from another node of a cluster when the lease runs out (process lists are per node).
struct MariaDBLeaseLock {
    let driver: MariaDBDriver
    let request: MigrationLockRequest

    private var table: String { driver.quoteIdentifier(request.prefix + "pet_migration_lock") }
    private static let name = "migrations"
    /// Server errors that mean "another writer got there first": try again.
    private static let conflicts: Set<Int32> = [1213, 1205, 1062, 1180]

    func acquire(timeoutSeconds: Int, sleep: (Int) -> Void = { usleep(UInt32($0) * 1000) }) throws(DatabaseError) -> Bool {
        let deadline = Clock.monotonicSeconds() + Double(max(0, timeoutSeconds))
        var createdTable = false
        while true {
            do {
                if try attempt() { return true }
            } catch where error.kind == .missingTable && !createdTable {
                try createTable()
                createdTable = true
                continue
            } catch where Self.conflicts.contains(error.code) {
                try? driver.rollback()
            }
            if Clock.monotonicSeconds() >= deadline { return false }
            sleep(Int.random(in: 50...150))
        }
    }

    /// One try: takes the row if it is free, expired, or held by a connection that died on
    /// this server. Commits on success; rolls back otherwise.
    private func attempt() throws(DatabaseError) -> Bool {
        try driver.begin()
        do {
            let rows = try driver.query("""
                SELECT owner, server, connection_id, lease_until < UTC_TIMESTAMP(6), CONCAT(@@hostname, ':', @@port)
                FROM \(table) WHERE name = ? FOR UPDATE
                """, [.text(Self.name)])
            let values: [SQLValue] = [.text(request.owner), .text(clientDescription), .integer(Int64(request.leaseSeconds))]
            if let row = rows.first {
                guard try isFree(row) else {
                    try driver.rollback()
                    return false
                }
                try driver.execute("""
                    UPDATE \(table) SET owner = ?, client = ?, server = CONCAT(@@hostname, ':', @@port), connection_id = CONNECTION_ID(),
                           acquired_at = UTC_TIMESTAMP(6), lease_until = UTC_TIMESTAMP(6) + INTERVAL ? SECOND
                    WHERE name = ?
                    """, values + [.text(Self.name)])
            } else {
                try driver.execute("""
                    INSERT INTO \(table) (name, owner, client, server, connection_id, acquired_at, lease_until)
                    VALUES (?, ?, ?, CONCAT(@@hostname, ':', @@port), CONNECTION_ID(), UTC_TIMESTAMP(6), UTC_TIMESTAMP(6) + INTERVAL ? SECOND)
                    """, [.text(Self.name)] + values)
            }
            try driver.commit()
            return true
        } catch {
            try? driver.rollback()
            throw error
        }
    }

    /// Free: nobody holds it, the lease ran out, or the holder's connection to this very
    /// server is gone.
    private func isFree(_ row: [SQLValue]) throws(DatabaseError) -> Bool {
        guard case .text = row[0] else { return true }
        if row[3].integer == 1 { return true }
        if row[1].text == row[4].text, let connection = row[2].integer {
            return try driver.query("SELECT 1 FROM information_schema.PROCESSLIST WHERE ID = ?", [.integer(connection)]).isEmpty
        }
        return false
    }

    private var clientDescription: String {
        String(request.owner.prefix(191))
    }

    private func createTable() throws(DatabaseError) {
        try driver.execute("""
            CREATE TABLE IF NOT EXISTS \(table) (
              name VARCHAR(32) NOT NULL PRIMARY KEY, owner VARCHAR(191) NULL, client VARCHAR(191) NULL,
              server VARCHAR(191) NULL, connection_id BIGINT NULL, acquired_at DATETIME(6) NULL, lease_until DATETIME(6) NULL
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
            """)
    }

    /// Extends the lease; throws when the lock is no longer this attempt's (its lease ran
    /// out and another process took it), so the attempt stops before it changes anything more.
    func renew() throws(DatabaseError) {
        try driver.execute("UPDATE \(table) SET lease_until = UTC_TIMESTAMP(6) + INTERVAL ? SECOND WHERE name = ? AND owner = ?",
                           [.integer(Int64(request.leaseSeconds)), .text(Self.name), .text(request.owner)])
        guard driver.affectedRows == 1 else {
            throw DatabaseError(.busy, message: "this process lost the migration lock (its lease of \(request.leaseSeconds) s ran out) and stopped")
        }
    }

    func release() throws(DatabaseError) {
        try driver.execute("UPDATE \(table) SET owner = NULL, lease_until = NULL WHERE name = ? AND owner = ?",
                           [.text(Self.name), .text(request.owner)])
    }

    /// Whether a live holder has the lock right now (read-only, never waits).
    func isHeld() throws(DatabaseError) -> Bool {
        let rows = try driver.queryIfTableExists("""
            SELECT owner, server, connection_id, lease_until < UTC_TIMESTAMP(6), CONCAT(@@hostname, ':', @@port)
            FROM \(table) WHERE name = ?
            """, [.text(Self.name)])
        guard let row = rows.first else { return false }
        return !(try isFree(row))
    }
}
