#if canImport(Glibc)
import Glibc
#endif

/// Runs queued data steps in chunks until they are done or the time budget would be overrun
/// by the next chunk. Each chunk is one transaction that applies the rows of a key range and
/// advances the step's cursor (`Bookkeeping.advance`): a chunk is applied exactly once, and a
/// process killed at any moment loses at most the chunk in flight.
///
/// A chunk that fails is retried: after a lock wait timeout or a deadlock at half the size,
/// after any other error at half its rows, down to one row — the row that still fails alone
/// stops the work, named by its key, so one bad value never makes the work spin (WooCommerce
/// HPOS's "retried forever") and never hides among its neighbours.
final class BackgroundRunner {
    /// Why a call stopped.
    enum Outcome: Equatable {
        case finished
        /// The budget would be overrun by the next chunk (or ran out while the load checks
        /// held the work: the reason is theirs).
        case outOfBudget(throttledBecause: String?)
        case pausedByOperator
        /// The row at `key` fails on its own; the work stops there.
        case failed(DataWorkItem, key: String, reason: String)
        /// Another runner moved the cursor (this one lost its claim).
        case claimLost
    }

    typealias Progress = BackgroundWorkProgress

    let driver: DatabaseDriver
    let bookkeeping: Bookkeeping
    let set: MigrationSet
    let configuration: EngineConfiguration
    let deadline: Double?
    let lease: LeaseRenewal
    let throttle: LoadThrottle
    let chunkLog: ChunkLog?
    let report: (Progress) -> Void
    /// Progress events are written at most this often (and at each step's start and end):
    /// an audit log with a row per chunk would outgrow the data.
    static let progressEventInterval = 10.0
    /// Lock waits in a row before the call gives up until the next resume.
    static let contentionLimit = 8
    private var lastProgressEvent = Clock.monotonicSeconds()
    private var chunksThisCall = 0

    init(driver: DatabaseDriver, bookkeeping: Bookkeeping, set: MigrationSet, configuration: EngineConfiguration,
         deadline: Double?, lease: LeaseRenewal, report: @escaping (Progress) -> Void) {
        self.driver = driver
        self.bookkeeping = bookkeeping
        self.set = set
        self.configuration = configuration
        self.deadline = deadline
        self.lease = lease
        self.report = report
        self.throttle = LoadThrottle(driver: driver, heartbeatTable: bookkeeping.heartbeatTable,
                                     maxThreadsRunning: configuration.maxThreadsRunning, replicas: configuration.replicas,
                                     maxReplicaLagSeconds: Double(configuration.maxReplicaLagMilliseconds) / 1000)
        self.chunkLog = ChunkLog.fromEnvironment()
    }

    private var targetSeconds: Double { Double(configuration.chunkTargetMilliseconds) / 1000 }

    private func remainingSeconds() -> Double {
        deadline.map { $0 - Clock.monotonicSeconds() } ?? .infinity
    }

    func run() throws -> Outcome {
        // A chunk waits for a busy row about as long as a chunk lasts, then is retried smaller.
        try driver.prepareForChunks(lockWaitSeconds: Int((2 * targetSeconds).rounded(.up)))
        if configuration.resumePaused, try bookkeeping.setPaused(false) > 0 {
            try bookkeeping.record(.resumed, version: nil, message: Sentences.workUnpaused)
        }
        for var item in try bookkeeping.unfinishedWork() {
            if item.paused { return .pausedByOperator }
            guard let migration = set.migrations.first(where: { $0.version == item.version }),
                  item.step >= 1, item.step <= migration.steps.count else {
                return .failed(item, key: item.cursorKey ?? "", reason: "its migration file no longer has step \(item.step)")
            }
            let outcome = try run(&item, step: migration.steps[item.step - 1], of: migration)
            if outcome != .finished { return outcome }
        }
        return .finished
    }

    private func run(_ item: inout DataWorkItem, step: MigrationStep, of migration: Migration) throws -> Outcome {
        let starting = item.keyColumn == nil || item.status == .queued
        if starting, let failure = try start(&item, step: step, of: migration) { return failure }
        guard let keyName = item.keyColumn, let upper = item.upperKey else {
            try finish(&item, migration: migration)
            return .finished
        }
        var statements = ChunkStatements(driver: driver, step: step, prefix: bookkeeping.prefix,
                                         key: KeyColumn(name: keyName, isInteger: item.keyType == .integer), upperKey: upper)
        if let sync = try syncTriggers(for: item, step: step) {
            // `start` has just made sure of them; a later call checks again, since a restore or
            // a hand-made DROP TRIGGER may have removed them meanwhile.
            if !starting, var record = try bookkeeping.cutover(version: item.version, step: item.step) {
                _ = try sync.ensure(&record, bookkeeping: bookkeeping)
            }
            statements.syncedTargetKey = sync.targetKey
        }
        var sizer = ChunkSizer(targetSeconds: targetSeconds, size: item.chunkSize, rowsPerSecond: item.rowsPerSecond)
        var contention = 0
        var throttledBecause: String?
        while true {
            // Every call moves the work by at least one chunk (a quarter of the target long),
            // however little budget the call had left after loading the set and connecting:
            // a budget that is always spent before the first chunk would never finish.
            let remaining = remainingSeconds()
            let rows = chunksThisCall == 0 ? max(1, sizer.rows(fitting: max(remaining, targetSeconds / 4))) : sizer.rows(fitting: remaining)
            if chunksThisCall > 0, remaining <= 0 || rows < 1 { return .outOfBudget(throttledBecause: throttledBecause) }
            if chunksThisCall == 0, remaining <= 0, throttledBecause != nil { return .outOfBudget(throttledBecause: throttledBecause) }
            if let reason = try throttle.reasonToWait() {
                // One event per pause, however its figures move while it lasts.
                if throttledBecause == nil { try recordThrottle(reason, item: &item, migration: migration) }
                throttledBecause = reason
                Self.sleep(seconds: min(0.25, max(0, remaining)))
                continue
            }
            if throttledBecause != nil {
                throttledBecause = nil
                try recordThrottle(nil, item: &item, migration: migration)
            }
            try lease.renewIfDue()

            let started = Clock.monotonicSeconds()
            let bounds = try driver.query(statements.bounds(after: item.cursorKey, rows: rows)).first ?? []
            let count = Int(bounds.first?.integer ?? 0)
            guard count > 0, bounds.count > 1, let last = bounds[1].text else {
                try finish(&item, migration: migration)
                return .finished
            }
            let attempt: ChunkAttempt
            do {
                attempt = try applyChunk(item, statements: statements, through: last, rows: count, sizer: sizer, started: started, migration: migration)
            } catch let error as DatabaseError {
                try? driver.rollback()
                attempt = .failed(error)
            } catch let refusal as StatementRefusal {
                try? driver.rollback()
                return try fail(&item, key: last, reason: refusal.description, migration: migration)
            }
            switch attempt {
            case .applied(let advanced, let measured, let seconds):
                chunksThisCall += 1
                item = advanced
                sizer = measured
                contention = 0
                report(Progress(item: item, chunkRows: count, chunkSeconds: seconds, throttle: nil))
                if last == upper {
                    // The chunk reached the key fixed at the start: the step is done now, not
                    // after one more bounds query that a spent budget might never make.
                    try finish(&item, migration: migration)
                    return .finished
                }
                if driver.writersPollForTheLock { Self.sleep(seconds: min(Self.gapForPollingWriters(after: seconds), max(0, remainingSeconds()))) }
                if Clock.monotonicSeconds() - lastProgressEvent >= Self.progressEventInterval {
                    try bookkeeping.record(.progress, version: item.version, message: Sentences.progress(item, migration: migration))
                    lastProgressEvent = Clock.monotonicSeconds()
                }
            case .cursorMoved:
                let paused = try bookkeeping.unfinishedWork().contains { $0.version == item.version && $0.step == item.step && $0.paused }
                return paused ? .pausedByOperator : .claimLost
            case .failed(let error):
                switch error.kind {
                case .lockWaitTimeout, .busy:
                    sizer.halve()
                    contention += 1
                    if contention >= Self.contentionLimit {
                        return .outOfBudget(throttledBecause: "rows of \(item.targetTable) stayed locked by other connections through \(contention) attempts")
                    }
                case .connection:
                    throw error
                case .statement, .missingTable:
                    guard count > 1 else { return try fail(&item, key: last, reason: error.message, migration: migration) }
                    sizer.shrink(toAtMost: count / 2)
                }
            }
        }
    }

    private enum ChunkAttempt {
        case applied(DataWorkItem, ChunkSizer, seconds: Double)
        /// The cursor was not where this runner left it (a pause, or another runner).
        case cursorMoved
        case failed(DatabaseError)
    }

    /// One chunk, one transaction: the rows of `(cursor, last]` and the cursor's move to
    /// `last` commit together or not at all.
    private func applyChunk(_ item: DataWorkItem, statements: ChunkStatements, through last: String, rows count: Int,
                            sizer: ChunkSizer, started: Double, migration: Migration) throws -> ChunkAttempt {
        try driver.begin()
        let written = try driver.executeChunk(statements.chunk(after: item.cursorKey, through: last))
        let seconds = Clock.monotonicSeconds() - started
        var measured = sizer
        measured.record(rows: count, seconds: seconds)
        var advanced = item
        advanced.cursorKey = last
        advanced.rowsDone += Int64(count)
        advanced.rowsWritten += written
        advanced.chunkSize = measured.size
        advanced.rowsPerSecond = measured.rowsPerSecond
        advanced.status = .running
        advanced.throttle = nil
        advanced.lastError = nil
        guard try bookkeeping.advance(item, to: last, rows: Int64(count), written: written, chunkSize: measured.size,
                                      rowsPerSecond: measured.rowsPerSecond) else {
            try driver.rollback()
            return .cursorMoved
        }
        try bookkeeping.writeProgress(ProgressSummary(item: advanced, migration: migration).json)
        chunkLog?.record(version: item.version, step: item.step, rows: count)
        try driver.commit()
        return .applied(advanced, measured, seconds: seconds)
    }

    /// Fixes the key range (the upper key now; rows inserted later are not this work's) and
    /// estimates the rows, in a commit of its own before the first chunk.
    private func start(_ item: inout DataWorkItem, step: MigrationStep, of migration: Migration) throws -> Outcome? {
        let key = try driver.primaryKey(of: item.sourceTable)
        guard key.count == 1, let column = key.first else {
            return try fail(&item, key: "", reason: "table \(item.sourceTable) has \(key.isEmpty ? "no primary key" : "a primary key of \(key.count) columns"); data steps walk a single-column primary key", migration: migration)
        }
        // The sync starts before the upper key is fixed: a row written from now on reaches the
        // target through the triggers, a row before it through the chunks (or both, which
        // the chunks' upsert makes harmless).
        if var record = try bookkeeping.cutover(version: item.version, step: item.step) {
            item.keyColumn = column.name
            guard let sync = try syncTriggers(for: item, step: step) else {
                return try fail(&item, key: "", reason: "its cut-over \(record.flag) needs the target's key copied unchanged from \(item.sourceTable).\(column.name), the source's primary key", migration: migration)
            }
            _ = try sync.ensure(&record, bookkeeping: bookkeeping)
        }
        let q = driver.quoteIdentifier
        let upper = try driver.query("SELECT MAX(\(q(column.name))) FROM \(q(item.sourceTable))").first?.first?.text
        let estimate: Int64 = upper == nil ? 0 : try driver.estimatedRowCount(of: item.sourceTable) ?? 0
        item.keyColumn = column.name
        item.keyType = column.isInteger ? .integer : .text
        item.upperKey = upper
        item.rowsEstimated = estimate
        item.status = .running
        item.startedAt = item.startedAt ?? Clock.now()
        try bookkeeping.update(item)
        try bookkeeping.record(.progress, version: item.version, message: Sentences.workStarted(item, migration: migration))
        return nil
    }

    /// The sync triggers of a copy with a cut-over flag, once its key is known.
    private func syncTriggers(for item: DataWorkItem, step: MigrationStep) throws -> SyncTriggers? {
        guard case .copyRows(let copy) = step, let flag = copy.cutover, let key = item.keyColumn,
              let targetKey = copy.targetColumn(copiedFrom: key) else { return nil }
        return SyncTriggers(driver: driver, prefix: bookkeeping.prefix, flag: flag, copy: copy, sourceKey: key, targetKey: targetKey)
    }

    private func finish(_ item: inout DataWorkItem, migration: Migration) throws {
        item.status = .done
        item.finishedAt = Clock.now()
        item.throttle = nil
        item.lastError = nil
        try bookkeeping.update(item)
        try bookkeeping.record(.completed, version: item.version, message: Sentences.workFinished(item, migration: migration))
    }

    private func fail(_ item: inout DataWorkItem, key: String, reason: String, migration: Migration) throws -> Outcome {
        item.status = .failed
        item.lastError = Sentences.rowFailed(item, key: key, reason: reason, migration: migration)
        try bookkeeping.update(item)
        return .failed(item, key: key, reason: reason)
    }

    private func recordThrottle(_ reason: String?, item: inout DataWorkItem, migration: Migration) throws {
        item.throttle = reason
        try bookkeeping.update(item)
        try bookkeeping.writeProgress(ProgressSummary(item: item, migration: migration).json)
        if let reason {
            try bookkeeping.record(.progress, version: item.version, message: "Paused \(Sentences.describe(item, migration: migration)): \(reason); it goes on by itself when that passes.")
            report(Progress(item: item, chunkRows: 0, chunkSeconds: 0, throttle: reason))
        }
    }

    /// How long the write lock stays free after a chunk so that a writer polling for it gets
    /// it: SQLite's busy handler polls after 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50 ms, then
    /// every 100 ms. A writer that began waiting when the chunk began has waited about the
    /// chunk's duration, so its next poll comes within the interval it has reached by then;
    /// a gap that long lets it in (at the cost of that much idle time per chunk).
    static func gapForPollingWriters(after chunkSeconds: Double) -> Double {
        switch chunkSeconds {
        case ..<0.1: return 0.025
        case ..<0.2: return 0.05
        default: return 0.1
        }
    }

    static func sleep(seconds: Double) {
        guard seconds > 0 else { return }
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - Double(Int(seconds))) * 1_000_000_000))
        nanosleep(&request, nil)
    }
}

/// Where background work stands after a chunk (or as it starts waiting on the load checks),
/// for hosts showing a progress bar.
public struct BackgroundWorkProgress: Sendable {
    public var item: DataWorkItem
    public var chunkRows: Int
    public var chunkSeconds: Double
    public var throttle: String?
}

/// Crash tests only: each chunk's rows, appended right before its commit, so a test that
/// kills the runner can count the rows that were done twice. Honoured solely with
/// `PET_MIGRATE_TEST_FAULTS=1`, like the fault points.
struct ChunkLog {
    let path: String

    static func fromEnvironment() -> ChunkLog? {
        guard FaultInjector.isEnabled, let path = getenv("PET_MIGRATE_TEST_CHUNK_LOG") else { return nil }
        return ChunkLog(path: String(cString: path))
    }

    func record(version: String, step: Int, rows: Int) {
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        let line = Array("\(version) \(step) \(rows)\n".utf8)
        _ = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    }
}
