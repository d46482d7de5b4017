/// The health checks made before every chunk: the work waits while the server is busy
/// (`Threads_running` above a bound, as pt-online-schema-change does) or while any replica the
/// configuration names is further behind than a bound (default 1 s, as gh-ost does).
///
/// Replica lag is measured with a heartbeat the engine writes on the primary and reads back
/// on each replica — not `Seconds_Behind_Master`, which is 0 while the SQL thread is stopped
/// or between events and jumps with long transactions. The beat is this process's own clock,
/// written and compared by the same process, so clocks of different hosts never meet.
final class LoadThrottle {
    let driver: DatabaseDriver
    let heartbeatTable: String
    let maxThreadsRunning: Int
    let replicas: [MariaDBEndpoint]
    let maxReplicaLagSeconds: Double
    private var replicaDrivers: [Int: MariaDBDriver] = [:]
    private var lastBeat: Double = 0

    init(driver: DatabaseDriver, heartbeatTable: String, maxThreadsRunning: Int, replicas: [MariaDBEndpoint], maxReplicaLagSeconds: Double) {
        self.driver = driver
        self.heartbeatTable = heartbeatTable
        self.maxThreadsRunning = maxThreadsRunning
        self.replicas = replicas
        self.maxReplicaLagSeconds = maxReplicaLagSeconds
    }

    deinit {
        for replica in replicaDrivers.values { replica.close() }
    }

    /// Why the next chunk must wait, or nil when it may run.
    func reasonToWait() throws(DatabaseError) -> String? {
        if let running = try driver.threadsRunning(), running > maxThreadsRunning {
            return "the database server is busy (Threads_running is \(running), above \(maxThreadsRunning))"
        }
        guard !replicas.isEmpty, driver.dialect == .mariadb else { return nil }
        let now = Clock.wallSeconds()
        // One beat per check at most every 100 ms: a write per chunk would be a write too many.
        if now - lastBeat >= 0.1 {
            try driver.execute("INSERT INTO \(driver.quoteIdentifier(heartbeatTable)) (id, beat) VALUES (1, ?) ON DUPLICATE KEY UPDATE beat = VALUES(beat)",
                               [.real(now)])
            lastBeat = now
        }
        for (index, endpoint) in replicas.enumerated() {
            if let reason = replicaLagReason(index: index, endpoint: endpoint, now: now) { return reason }
        }
        return nil
    }

    /// A replica that cannot be read, or has not seen a beat recent enough, holds the work:
    /// running on would only let it fall further behind.
    private func replicaLagReason(index: Int, endpoint: MariaDBEndpoint, now: Double) -> String? {
        do {
            let replica: MariaDBDriver
            if let open = replicaDrivers[index] {
                replica = open
            } else {
                replica = try MariaDBDriver(endpoint: endpoint, connectTimeoutSeconds: 2)
                replicaDrivers[index] = replica
            }
            let read = "SELECT beat FROM \(replica.quoteIdentifier(heartbeatTable)) WHERE id = 1"
            var beat = try replica.queryIfTableExists(read).first?.first?.double
            // The very first beat was written a moment ago: a replica within the bound
            // receives it within the bound, so wait that long before calling it behind.
            let waitUntil = Clock.monotonicSeconds() + maxReplicaLagSeconds
            while beat == nil, Clock.monotonicSeconds() < waitUntil {
                BackgroundRunner.sleep(seconds: 0.02)
                beat = try replica.queryIfTableExists(read).first?.first?.double
            }
            guard let beat else {
                return "replica \(endpoint.displayName) has not received the engine's heartbeat within \(Self.format(maxReplicaLagSeconds)) s"
            }
            // The newest beat written is at most 100 ms old; lag is what lies beyond it.
            let lag = max(0, now - beat - 0.1)
            if lag > maxReplicaLagSeconds {
                return "replica \(endpoint.displayName) is \(Self.format(lag)) s behind (the bound is \(Self.format(maxReplicaLagSeconds)) s)"
            }
            return nil
        } catch {
            replicaDrivers[index]?.close()
            replicaDrivers[index] = nil
            return "replica \(endpoint.displayName) cannot be read (\(error.message))"
        }
    }

    static func format(_ seconds: Double) -> String {
        String(Double(Int((seconds * 10).rounded())) / 10)
    }
}

extension Bookkeeping {
    var heartbeatTable: String { prefix + "pet_migration_heartbeat" }

    /// Written on the primary, read on replicas by `LoadThrottle`.
    static let heartbeat = TableDefinition(name: "pet_migration_heartbeat", columns: [
        ColumnDefinition(name: "id", type: .integer),
        ColumnDefinition(name: "beat", type: .double),
    ], primaryKey: ["id"])
}
