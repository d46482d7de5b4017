import Foundation
@testable import PETMigrate

/// The orders site's own traffic during a cut-over test: four writers, each on its own
/// connection, inserting, updating and deleting orders as fast as the database lets them
/// (bounded: they stop when told, or after `maximumOperations` each). Each writer owns the
/// ids ≡ its number (mod 4), so what each id must finally hold is known exactly: the log of
/// committed writes is the reference the tests check both tables against.
final class SiteWriters: @unchecked Sendable {
    /// Which structure the writes go to: the old table (before the cut-over, or a host that
    /// has not seen the flag yet) or the new one.
    enum Structure: Sendable { case old, new }

    /// What an id must hold, in the terms of the table it was last written in.
    enum Expected: Equatable {
        case old(total: String, status: String)
        case new(cents: Int64, state: String)
        case deleted
    }

    struct Counts: CustomStringConvertible {
        var inserts = 0, updates = 0, deletes = 0, retries = 0
        var total: Int { inserts + updates + deletes }
        var description: String { "\(inserts) inserts, \(updates) updates, \(deletes) deletes (\(total) writes; \(retries) retried after a lock conflict)" }
    }

    let site: DataMigrationSite
    let seededRows: Int64
    let maximumOperations: Int
    private let lock = NSLock()
    private var stopRequested = false
    private var structure: Structure
    private var expected: [Int64: Expected] = [:]
    private var counts = Counts()
    private var failures: [String] = []
    private var threads: [Thread] = []
    private var finished = 0

    init(site: DataMigrationSite, seededRows: Int64, structure: Structure = .old, maximumOperations: Int = 1_000_000) {
        self.site = site
        self.seededRows = seededRows
        self.structure = structure
        self.maximumOperations = maximumOperations
    }

    func start(writers: Int = 4) {
        for number in 0..<writers {
            let thread = Thread { [self] in self.write(as: number, of: writers) }
            threads.append(thread)
            thread.start()
        }
    }

    /// Hosts switching to the other structure (as they read the flag): writes already made
    /// stay where they were made.
    func switchTo(_ structure: Structure) {
        lock.withLock { self.structure = structure }
    }

    func stop() -> Counts {
        lock.withLock { stopRequested = true }
        while lock.withLock({ finished < threads.count }) { usleep(10_000) }
        return lock.withLock { counts }
    }

    var snapshot: (counts: Counts, expected: [Int64: Expected], failures: [String]) {
        lock.withLock { (counts, expected, failures) }
    }

    private func write(as number: Int, of writers: Int) {
        defer { lock.withLock { finished += 1 } }
        let driver: DatabaseDriver
        do {
            switch site.database.configurationDatabase {
            case .sqlite(let path): driver = try SQLiteDriver(path: path, create: false, busyTimeoutMilliseconds: 30_000)
            case .mariadb(let endpoint): driver = try MariaDBDriver(endpoint: endpoint)
            }
        } catch {
            lock.withLock { failures.append("writer \(number) could not connect: \(error)") }
            return
        }
        defer { driver.close() }
        var generator = SystemRandomNumberGenerator()
        var nextNewID = 5_000_000 + Int64(number)
        for operation in 0..<maximumOperations {
            let (stop, structure) = lock.withLock { (stopRequested, self.structure) }
            if stop { return }
            // SQLite's busy handler is not fair: writers that never pause would starve the
            // runner (and any other process) of the write lock. A site's traffic pauses.
            if site.dialect == .sqlite { usleep(1_500) }
            let owned = Int64.random(in: 0..<(seededRows / Int64(writers)), using: &generator) * Int64(writers) + Int64(number == 0 ? writers : number)
            let cents = Int64.random(in: 100...999_999, using: &generator)
            let status = ["new", "paid", "shipped", "refunded"][operation % 4]
            let choice = Int.random(in: 0..<10, using: &generator)
            var sql: String
            var parameters: [SQLValue]
            var id: Int64
            var outcome: Expected
            switch (choice, structure) {
            case (0..<3, .old):
                id = nextNewID
                sql = "INSERT INTO wp_orders (id, total, status) VALUES (?, ?, ?)"
                parameters = [.integer(id), .text(Self.total(cents)), .text(status)]
                outcome = .old(total: Self.total(cents), status: status)
            case (0..<3, .new):
                id = nextNewID
                sql = "INSERT INTO wp_orders_v2 (id, cents, state) VALUES (?, ?, ?)"
                parameters = [.integer(id), .integer(cents), .text(status.uppercased())]
                outcome = .new(cents: cents, state: status.uppercased())
            case (3..<8, .old):
                id = owned
                sql = "UPDATE wp_orders SET total = ?, status = ? WHERE id = ?"
                parameters = [.text(Self.total(cents)), .text(status), .integer(id)]
                outcome = .old(total: Self.total(cents), status: status)
            case (3..<8, .new):
                id = owned
                sql = "UPDATE wp_orders_v2 SET cents = ?, state = ? WHERE id = ?"
                parameters = [.integer(cents), .text(status.uppercased()), .integer(id)]
                outcome = .new(cents: cents, state: status.uppercased())
            default:
                id = owned
                sql = "DELETE FROM \(structure == .old ? "wp_orders" : "wp_orders_v2") WHERE id = ?"
                parameters = [.integer(id)]
                outcome = .deleted
            }
            var attempts = 0
            while true {
                attempts += 1
                do {
                    let changed = try driver.executeCountingChanges(sql, parameters)
                    lock.withLock {
                        if changed > 0 {
                            expected[id] = outcome
                            switch choice {
                            case 0..<3: counts.inserts += 1
                            case 3..<8: counts.updates += 1
                            default: counts.deletes += 1
                            }
                        }
                    }
                    if choice < 3 { nextNewID += Int64(writers) }
                    break
                } catch where (error.kind == .busy || error.kind == .lockWaitTimeout) && attempts < 50 {
                    lock.withLock { counts.retries += 1 }
                    usleep(2_000)
                } catch {
                    lock.withLock { failures.append("writer \(number): \(sql) failed: \(error)") }
                    return
                }
            }
        }
    }

    /// "12.34" for 1234 cents: the text the old table holds, and what the reverse sync writes.
    static func total(_ cents: Int64) -> String {
        "\(cents / 100).\(String(format: "%02lld", cents % 100))"
    }

    /// Every id the writers wrote, checked in both tables: the row as last written in the
    /// table it was written in, and its image through the mapping in the other. Returns the
    /// ids that differ (with what was found) and the number checked.
    func lostWrites() throws -> (checked: Int, lost: [String]) {
        let expected = snapshot.expected
        var lost: [String] = []
        try site.withConnection { driver in
            for (id, want) in expected.sorted(by: { $0.key < $1.key }) {
                let old = try driver.query("SELECT total, status FROM wp_orders WHERE id = ?", [.integer(id)]).first
                let new = try driver.query("SELECT cents, state FROM wp_orders_v2 WHERE id = ?", [.integer(id)]).first
                let found = "old \(old.map { $0.map { $0.text ?? "NULL" } } ?? []), new \(new.map { $0.map { $0.text ?? "NULL" } } ?? [])"
                switch want {
                case .deleted:
                    if old != nil || new != nil { lost.append("\(id): deleted, found \(found)") }
                case .old(let total, let status):
                    let cents = Int64((Double(total) ?? 0) * 100 + 0.5)
                    if old?[0].text != total || old?[1].text != status || new?[0].integer != cents || new?[1].text != status.uppercased() {
                        lost.append("\(id): written old (\(total), \(status)), found \(found)")
                    }
                case .new(let cents, let state):
                    if new?[0].integer != cents || new?[1].text != state || old?[0].text != Self.total(cents) || old?[1].text != state.lowercased() {
                        lost.append("\(id): written new (\(cents), \(state)), found \(found)")
                    }
                }
            }
        }
        return (expected.count, lost)
    }
}
