import Foundation
import Testing
@testable import PETMigrate

/// Background work waits while a replica the configuration names lags: measured with the
/// engine's heartbeat on a real primary/replica pair (`scripts/galera-test-cluster.sh`), the
/// lag provoked by stopping the replica's SQL thread.
@Suite(.serialized, .enabled(if: DistributedServers.fromEnvironment != nil, "needs scripts/galera-test-cluster.sh"))
struct ReplicaLagThrottleTests {
    let servers = DistributedServers.fromEnvironment!

    static let orders = """
        {"steps":[{"op":"create_table","table":"orders","columns":[{"name":"id","type":"bigint","auto_increment":true},
         {"name":"total","type":"string","length":20}],"primary_key":["id"]}]}
        """
    static let cents = """
        {"gates":"writes","steps":[{"op":"add_column","table":"orders","column":{"name":"total_cents","type":"bigint","nullable":true}},
         {"op":"backfill","table":"orders","set":{"total_cents":{"sqlite":"CAST(ROUND(CAST(total AS REAL) * 100) AS INTEGER)","mariadb":"ROUND(total * 100)"}}}]}
        """

    func caughtUp() throws { try servers.replicaCaughtUp() }

    func rowsDone(_ database: String) throws -> Int64 {
        let primary = try servers.connect(port: servers.primaryPort, database: database)
        defer { primary.close() }
        return try primary.query("SELECT COALESCE(SUM(rows_done), 0) FROM wp_pet_migration_progress")[0][0].integer ?? -1
    }

    @Test func aLaggingReplicaHoldsTheWorkUntilItCatchesUp() throws {
        let database = try servers.createDatabase(port: servers.primaryPort)
        defer { servers.dropDatabase(database, port: servers.primaryPort) }
        let directory = try MigrationDirectory().write("2026_01_01_0001_orders.json", Self.orders)
        var configuration = servers.configuration(port: servers.primaryPort, database: database, migrations: directory)
        #expect(MigrationEngine(configuration: configuration).activate().result == .ok)
        let primary = try servers.connect(port: servers.primaryPort, database: database)
        defer { primary.close() }
        try primary.execute("INSERT INTO wp_orders (total) SELECT CONCAT(seq % 1000, '.', LPAD(seq % 100, 2, '0')) FROM seq_1_to_50000")
        _ = try directory.write("2026_01_02_0001_cents.json", Self.cents)
        #expect(MigrationEngine(configuration: configuration).activate().result == .pending)

        configuration.replicas = [servers.endpoint(port: servers.replicaPort, database: database)]
        configuration.maxReplicaLagMilliseconds = 300
        configuration.chunkTargetMilliseconds = 20
        // A first slice while replication runs: the heartbeat reaches the replica, work moves.
        configuration.budgetMilliseconds = 600
        let first = MigrationEngine(configuration: configuration).resume()
        #expect(first.result == .pending, "\(first.message)")
        try caughtUp()
        let before = try rowsDone(database)
        #expect(before > 0)

        let admin = try servers.connect(port: servers.replicaPort, database: servers.adminDatabase)
        defer { try? admin.execute("START REPLICA SQL_THREAD"); admin.close() }
        try admin.execute("STOP REPLICA SQL_THREAD")
        Thread.sleep(forTimeInterval: 0.6)
        configuration.budgetMilliseconds = 6000
        let held = MigrationEngine(configuration: configuration).resume()
        #expect(held.result == .pending, "\(held.message)")
        #expect(held.message.contains("127.0.0.1:\(servers.replicaPort)"), "\(held.message)")
        #expect(held.message.contains("behind"), "\(held.message)")
        #expect(held.work.first?.throttle?.contains("behind") == true)
        #expect(try rowsDone(database) == before, "no chunk ran while the replica lagged")
        let events = MigrationEngine(configuration: configuration).events().events ?? []
        #expect(events.contains { $0.kind == "progress" && $0.message.contains("Paused") && $0.message.contains("behind") })

        try admin.execute("START REPLICA SQL_THREAD")
        configuration.budgetMilliseconds = nil
        let done = MigrationEngine(configuration: configuration).resume()
        #expect(done.result == .ok, "\(done.message)")
        let mismatches = try primary.query("SELECT COUNT(*) FROM wp_orders WHERE total_cents IS NULL OR total_cents <> ROUND(total * 100)")[0][0].integer
        #expect(mismatches == 0)
        try caughtUp()
        let replica = try servers.connect(port: servers.replicaPort, database: database)
        defer { replica.close() }
        #expect(try replica.query("SELECT COUNT(*) FROM wp_orders WHERE total_cents IS NULL")[0][0].integer == 0)
    }
}
