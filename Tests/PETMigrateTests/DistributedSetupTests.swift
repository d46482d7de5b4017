import Foundation
import Synchronization
import Testing
@testable import PETMigrate

/// A 3-node Galera cluster and a primary with a replica (`scripts/galera-test-cluster.sh`),
/// all real MariaDB servers on loopback. `make test` starts them; without them these tests
/// do not run.
struct DistributedServers {
    var galeraPorts: [Int]
    var primaryPort: Int
    var replicaPort: Int
    var user: String
    var password: String
    var adminDatabase: String

    static let fromEnvironment: DistributedServers? = {
        let environment = ProcessInfo.processInfo.environment
        guard let ports = environment["PET_TEST_GALERA_PORTS"], let user = environment["PET_TEST_DISTRIBUTED_USER"] else { return nil }
        return DistributedServers(galeraPorts: ports.split(separator: ",").compactMap { Int($0) },
                                  primaryPort: Int(environment["PET_TEST_REPLICA_PRIMARY_PORT"] ?? "") ?? 0,
                                  replicaPort: Int(environment["PET_TEST_REPLICA_PORT"] ?? "") ?? 0,
                                  user: user, password: environment["PET_TEST_DISTRIBUTED_PASSWORD"] ?? "",
                                  adminDatabase: environment["PET_TEST_DISTRIBUTED_DATABASE"] ?? "pet_test")
    }()

    func endpoint(port: Int, database: String) -> MariaDBEndpoint {
        MariaDBEndpoint(host: "127.0.0.1", port: port, user: user, password: password, database: database)
    }

    /// A connection that reads only after every write the cluster committed has arrived.
    func connect(port: Int, database: String) throws -> MariaDBDriver {
        let driver = try MariaDBDriver(endpoint: endpoint(port: port, database: database))
        if galeraPorts.contains(port) { try driver.execute("SET SESSION wsrep_sync_wait = 15") }
        return driver
    }

    /// A fresh database created through `port` (on Galera it reaches every node).
    func createDatabase(port: Int) throws -> String {
        let name = "pet_d_\(UInt32.random(in: 0...UInt32.max))"
        let admin = try connect(port: port, database: adminDatabase)
        defer { admin.close() }
        try admin.execute("CREATE DATABASE `\(name)`")
        // Every node applies it before the test connects there (`wsrep_sync_wait` waits).
        for node in galeraPorts where node != port && galeraPorts.contains(port) {
            let other = try connect(port: node, database: adminDatabase)
            defer { other.close() }
            guard try !other.query("SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", [.text(name)]).isEmpty else {
                throw TestSetupError("database \(name) did not reach node \(node)")
            }
        }
        return name
    }

    /// Waits until the replica has applied everything the primary wrote.
    func replicaCaughtUp() throws {
        let primary = try connect(port: primaryPort, database: adminDatabase)
        let position = try primary.query("SELECT @@gtid_binlog_pos")[0][0].text ?? ""
        primary.close()
        let replica = try connect(port: replicaPort, database: adminDatabase)
        defer { replica.close() }
        let waited = try replica.query("SELECT MASTER_GTID_WAIT(?, 20)", [.text(position)])[0][0].integer
        guard waited == 0 else { throw TestSetupError("the replica did not catch up") }
    }

    func dropDatabase(_ name: String, port: Int) {
        if let admin = try? connect(port: port, database: adminDatabase) {
            try? admin.execute("DROP DATABASE IF EXISTS `\(name)`")
            admin.close()
        }
    }

    func configuration(port: Int, database: String, migrations: MigrationDirectory, lockTimeoutSeconds: Int = 20,
                       leaseSeconds: Int = 60) -> EngineConfiguration {
        var configuration = EngineConfiguration(database: .mariadb(endpoint(port: port, database: database)),
                                                migrationsDirectory: migrations.path, lockTimeoutSeconds: lockTimeoutSeconds)
        configuration.lockLeaseSeconds = leaseSeconds
        return configuration
    }

    /// Every table (not the engine's lock row) with its columns, indexes and rows, as one node sees it.
    func snapshot(port: Int, database: String) throws -> [String] {
        let driver = try connect(port: port, database: database)
        defer { driver.close() }
        var lines: [String] = []
        let tables = try driver.query("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME").compactMap { $0.first?.text }
        for table in tables where !table.hasSuffix("pet_migration_lock") {
            lines += try driver.query("SELECT COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION", [.text(table)]).map { "\(table) column \($0.map { $0.text ?? "NULL" })" }
            lines += try driver.query("SELECT INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY INDEX_NAME, SEQ_IN_INDEX", [.text(table)]).map { "\(table) index \($0.map { $0.text ?? "NULL" })" }
            if table.hasSuffix("pet_migrations") {
                lines += try driver.query("SELECT version, checksum FROM `\(table)` ORDER BY version").map { "\(table) row \($0.map { $0.text ?? "NULL" })" }
            }
        }
        return lines
    }
}

/// Migrations that each create one table, for races with many of them.
func manyTables(_ count: Int) throws -> MigrationDirectory {
    let directory = try MigrationDirectory()
    for number in 1...count {
        let version = String(format: "2026_04_01_%04d", number)
        try directory.write("\(version)_table_\(number).json", """
            {"steps": [{"op": "create_table", "table": "pet_t\(number)",
              "columns": [{"name": "id", "type": "bigint", "auto_increment": true}, {"name": "v", "type": "string", "length": 20, "default": "x"}],
              "primary_key": ["id"], "indexes": [{"name": "v", "columns": ["v"]}]}]}
            """)
    }
    return directory
}

@Suite(.serialized, .enabled(if: DistributedServers.fromEnvironment != nil, "needs scripts/galera-test-cluster.sh"))
struct GaleraTests {
    let servers = DistributedServers.fromEnvironment!

    /// Activations started together on different nodes; after each round every migration is
    /// applied once, every table exists and is the same on every node, every process said
    /// OK or LOCKED, and no live attempt was ever undone.
    func race(rounds: Int, processes: Int, migrations: MigrationDirectory, migrationCount: Int, label: String) throws {
        var outcomes: [ResultCode: Int] = [:]
        var wrongRounds = 0
        let started = ContinuousClock.now
        for _ in 1...rounds {
            let database = try servers.createDatabase(port: servers.galeraPorts[0])
            defer { servers.dropDatabase(database, port: servers.galeraPorts[0]) }
            let results = Mutex<[ResultCode]>([])
            let messages = Mutex<[String]>([])
            let configurations = (0..<processes).map { index in
                servers.configuration(port: servers.galeraPorts[index % servers.galeraPorts.count], database: database, migrations: migrations)
            }
            DispatchQueue.concurrentPerform(iterations: processes) { index in
                let report = MigrationEngine(configuration: configurations[index]).activate()
                results.withLock { $0.append(report.result) }
                if report.result != .ok && report.result != .locked { messages.withLock { $0.append(report.message) } }
            }
            let codes = results.withLock { $0 }
            for code in codes { outcomes[code, default: 0] += 1 }
            let first = try servers.snapshot(port: servers.galeraPorts[0], database: database)
            let driver = try servers.connect(port: servers.galeraPorts[1], database: database)
            let applied = try driver.query("SELECT COUNT(*) FROM wp_pet_migrations")[0][0].integer
            let completions = try driver.query("SELECT version, COUNT(*) FROM wp_pet_migration_events WHERE event = 'completed' GROUP BY version HAVING COUNT(*) <> 1")
            let undone = try driver.query("SELECT COUNT(*) FROM wp_pet_migration_events WHERE event = 'compensated'")[0][0].integer
            let tables = try driver.query("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME NOT LIKE '%pet\\_migration%'")[0][0].integer
            driver.close()
            let identical = try servers.galeraPorts.dropFirst().allSatisfy { try servers.snapshot(port: $0, database: database) == first }
            let right = codes.allSatisfy { $0 == .ok || $0 == .locked } && applied == Int64(migrationCount) && completions.isEmpty
                && undone == 0 && identical && tables == Int64(migrationCount == 1 ? 2 : migrationCount)
            if !right { wrongRounds += 1 }
            #expect(right, "codes \(codes) \(messages.withLock { $0 }), applied \(applied ?? -1), duplicate completions \(completions.count), compensations \(undone ?? -1), tables \(tables ?? -1), identical \(identical)")
        }
        let summary = outcomes.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.name) \($0.value)" }.joined(separator: ", ")
        print("galera \(label): \(rounds) rounds, \(wrongRounds) wrong (lost tables, double applications, undone live attempts); outcomes \(summary); \(ContinuousClock.now - started)")
    }

    @Test func twoActivationsOnTwoNodesApplyTheMigrationOnce() throws {
        let rounds = Int(ProcessInfo.processInfo.environment["PET_TEST_GALERA_ROUNDS"] ?? "") ?? 50
        try race(rounds: rounds, processes: 2, migrations: try MigrationDirectory.bundled(), migrationCount: 1, label: "2 processes on 2 nodes, the bundled migration")
    }

    @Test func sixActivationsOverThreeNodesApplyTwentyMigrationsOnce() throws {
        let rounds = Int(ProcessInfo.processInfo.environment["PET_TEST_GALERA_ROUNDS_MANY"] ?? "") ?? 20
        try race(rounds: rounds, processes: 6, migrations: try manyTables(20), migrationCount: 20, label: "6 processes over 3 nodes, 20 migrations")
    }

    @Test func aKilledHolderIsRecoveredFromAnotherNodeAfterItsLease() throws {
        let database = try servers.createDatabase(port: servers.galeraPorts[0])
        defer { servers.dropDatabase(database, port: servers.galeraPorts[0]) }
        let directory = try manyTables(3)
        let lease = 4
        let holder = try ChildProcess.run([
            "activate", "--migrations", directory.path, "--format", "json", "--lock-lease", "\(lease)",
            "--database", "mariadb://\(servers.user)@127.0.0.1:\(servers.galeraPorts[0])/\(database)",
            "--test-fault", "after_ddl:kill:1:2026_04_01_0002",
        ], environment: ["PET_MIGRATE_TEST_FAULTS": "1", "PET_DB_PASSWORD": servers.password])
        #expect(holder.killedBySIGKILL, "\(holder.output)")

        let started = ContinuousClock.now
        let report = MigrationEngine(configuration: servers.configuration(port: servers.galeraPorts[1], database: database,
                                                                          migrations: directory, lockTimeoutSeconds: 30)).activate()
        let waited = ContinuousClock.now - started
        #expect(report.result == .ok, "\(report.message)")
        #expect(waited < .seconds(lease + 5))
        print("galera: after kill -9 of the holder on node 1, node 2 proceeded after \(waited) (lease \(lease) s)")
        let driver = try servers.connect(port: servers.galeraPorts[2], database: database)
        defer { driver.close() }
        let events = try driver.query("SELECT event FROM wp_pet_migration_events WHERE version = '2026_04_01_0002' ORDER BY id").compactMap { $0.first?.text }
        #expect(events.contains("compensated") && events.last == "completed", "\(events)")
        let first = try servers.snapshot(port: servers.galeraPorts[0], database: database)
        #expect(try servers.snapshot(port: servers.galeraPorts[2], database: database) == first)
        #expect(first.filter { $0.hasPrefix("wp_pet_migrations row") }.count == 3)
    }

    @Test func rollingSchemaUpgradeIsRefused() throws {
        let database = try servers.createDatabase(port: servers.galeraPorts[0])
        defer { servers.dropDatabase(database, port: servers.galeraPorts[0]) }
        let node = servers.galeraPorts[2]
        let admin = try servers.connect(port: node, database: database)
        defer {
            try? admin.execute("SET GLOBAL wsrep_OSU_method = 'TOI'")
            admin.close()
        }
        try admin.execute("SET GLOBAL wsrep_OSU_method = 'RSU'")
        let before = try servers.snapshot(port: node, database: database)
        let directory = try MigrationDirectory.bundled()
        let report = MigrationEngine(configuration: servers.configuration(port: node, database: database, migrations: directory)).activate()
        #expect(report.result == .config)
        #expect(report.message.contains("wsrep_OSU_method=RSU"), "\(report.message)")
        #expect(try servers.snapshot(port: node, database: database) == before)
        #expect(try servers.snapshot(port: servers.galeraPorts[0], database: database) == before)
    }

    @Test func aFailedMigrationIsCompensatedIdenticallyOnEveryNode() throws {
        let database = try servers.createDatabase(port: servers.galeraPorts[0])
        defer { servers.dropDatabase(database, port: servers.galeraPorts[0]) }
        let directory = try MigrationDirectory.firstRelease()
        #expect(MigrationEngine(configuration: servers.configuration(port: servers.galeraPorts[0], database: database, migrations: directory)).activate().result == .ok)
        let before = try servers.snapshot(port: servers.galeraPorts[0], database: database)
        try directory.write("2026_02_11_0001_fails.json", Fixtures.failsAtStepThree)
        let report = MigrationEngine(configuration: servers.configuration(port: servers.galeraPorts[1], database: database, migrations: directory)).activate()
        #expect(report.result == .maintenance, "\(report.message)")
        for port in servers.galeraPorts {
            #expect(try servers.snapshot(port: port, database: database) == before, "node \(port) differs")
        }
    }
}

@Suite(.serialized, .enabled(if: DistributedServers.fromEnvironment != nil, "needs scripts/galera-test-cluster.sh"))
struct ReplicaTests {
    let servers = DistributedServers.fromEnvironment!

    func caughtUp() throws { try servers.replicaCaughtUp() }

    @Test func aReplicaIsNeverWrittenAndReplicationKeepsRunning() throws {
        let database = try servers.createDatabase(port: servers.primaryPort)
        defer { servers.dropDatabase(database, port: servers.primaryPort) }
        try caughtUp()
        let directory = try MigrationDirectory.bundled()
        let onReplica = servers.configuration(port: servers.replicaPort, database: database, migrations: directory)

        // read_only, though the user has ALL PRIVILEGES (READ ONLY ADMIN among them).
        let refused = MigrationEngine(configuration: onReplica).activate()
        #expect(refused.result == .config)
        #expect(refused.message.contains("read-only"), "\(refused.message)")
        #expect(try servers.snapshot(port: servers.replicaPort, database: database).isEmpty)

        // Not read-only, but still a replica.
        let admin = try servers.connect(port: servers.replicaPort, database: servers.adminDatabase)
        defer {
            try? admin.execute("SET GLOBAL read_only = ON")
            admin.close()
        }
        try admin.execute("SET GLOBAL read_only = OFF")
        let stillRefused = MigrationEngine(configuration: onReplica).activate()
        #expect(stillRefused.result == .config)
        #expect(stillRefused.message.contains("replica of 127.0.0.1:\(servers.primaryPort)"), "\(stillRefused.message)")
        #expect(try servers.snapshot(port: servers.replicaPort, database: database).isEmpty)

        let status = MigrationEngine(configuration: onReplica).status()
        #expect(status.result == .pending)
        #expect(status.message.contains("may lag"), "\(status.message)")

        // The primary migrates; the replica follows, and replication keeps running.
        let applied = MigrationEngine(configuration: servers.configuration(port: servers.primaryPort, database: database, migrations: directory)).activate()
        #expect(applied.result == .ok, "\(applied.message)")
        try caughtUp()
        #expect(try servers.snapshot(port: servers.replicaPort, database: database) == servers.snapshot(port: servers.primaryPort, database: database))
        let replicaStatus = MigrationEngine(configuration: onReplica).status()
        #expect(replicaStatus.result == .ok, "\(replicaStatus.message)")
    }
}

/// On one server the row lock frees as fast as `GET_LOCK` did: the holder's connection id
/// vanishes from the server's process list when the holder dies.
@Suite struct SingleServerLockTests {
    @Test func aKilledHolderFreesTheLockAtOnce() throws {
        let database = try TestDatabase(.mariadb)
        let directory = try manyTables(3)
        let holder = try ChildProcess.activate(database, directory, faults: ["after_ddl:kill:1:2026_04_01_0002"])
        #expect(holder.killedBySIGKILL, "\(holder.output)")
        let started = ContinuousClock.now
        let report = database.engine(directory, lockTimeoutSeconds: 30).activate()
        let waited = ContinuousClock.now - started
        #expect(report.result == .ok, "\(report.message)")
        #expect(waited < .seconds(3), "waited \(waited) although the holder's lease is 60 s")
        print("single server: after kill -9 of the holder, the next activation proceeded after \(waited) (lease 60 s)")
        let driver = try database.connect()
        defer { driver.close() }
        let events = try driver.query("SELECT event FROM wp_pet_migration_events WHERE version = '2026_04_01_0002' ORDER BY id").compactMap { $0.first?.text }
        #expect(events.contains("compensated") && events.last == "completed", "\(events)")
    }

    /// A holder that is alive but stalled past its lease loses the lock: another process takes
    /// it, and the stalled holder's next renewal fails instead of letting it go on.
    @Test func aLapsedLeaseIsTakenOverAndTheStalledHolderStops() throws {
        let database = try TestDatabase(.mariadb)
        let stalled = try database.connect()
        let contender = try database.connect()
        defer { stalled.close(); contender.close() }
        let first = MigrationLockRequest(prefix: "wp_", leaseSeconds: 2)
        let second = MigrationLockRequest(prefix: "wp_", leaseSeconds: 60)
        #expect(try stalled.acquireMigrationLock(first, timeoutSeconds: 0))
        #expect(try !contender.acquireMigrationLock(second, timeoutSeconds: 0), "a live holder within its lease keeps the lock")
        #expect(try contender.isMigrationLockHeld(second) == true)
        let started = ContinuousClock.now
        #expect(try contender.acquireMigrationLock(second, timeoutSeconds: 10), "the lapsed lease is taken over")
        #expect(ContinuousClock.now - started < .seconds(4))
        #expect(throws: DatabaseError.self) { try stalled.renewMigrationLock(first) }
        try stalled.releaseMigrationLock(first, commit: true) // releases nothing of the new holder's
        #expect(try database.connect().isMigrationLockHeld(first) == true)
    }
}
