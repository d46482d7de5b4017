/// How many rows the next chunk takes: as many as fit the target duration at the measured
/// rate, so that the row locks a chunk holds on a live site stay short whatever the rows cost.
///
/// Moves by bounded factors (at most ×1.5 up, ×0.5 down per chunk) so one odd measurement
/// — a checkpoint, a cold page — does not swing it, and aims at 90 % of the target (GitLab's
/// batched migrations aim at 90–95 %) so the usual chunk ends inside it. Halves at once on a
/// lock wait timeout or a deadlock: the chunk met a busy row and must hold fewer.
struct ChunkSizer {
    static let minimum = 1
    static let maximum = 50_000
    static let initial = 500
    static let maximumGrowth = 1.5
    static let maximumShrink = 0.5
    static let aim = 0.9

    private(set) var size: Int
    let targetSeconds: Double
    /// Smoothed seconds per row (exponential moving average of the chunks measured).
    private(set) var secondsPerRow: Double?

    init(targetSeconds: Double, size: Int? = nil, rowsPerSecond: Double? = nil) {
        self.targetSeconds = targetSeconds
        self.size = Self.clamped(size ?? Self.initial)
        self.secondsPerRow = rowsPerSecond.flatMap { $0 > 0 ? 1 / $0 : nil }
    }

    var rowsPerSecond: Double? { secondsPerRow.map { 1 / $0 } }

    mutating func record(rows: Int, seconds: Double) {
        guard rows > 0, seconds > 0 else { return }
        let perRow = seconds / Double(rows)
        secondsPerRow = secondsPerRow.map { 0.7 * $0 + 0.3 * perRow } ?? perRow
        let ideal = targetSeconds * Self.aim / perRow
        let factor = min(max(ideal / Double(size), Self.maximumShrink), Self.maximumGrowth)
        size = Self.clamped(Int((Double(size) * factor).rounded()))
    }

    mutating func halve() {
        size = Self.clamped(size / 2)
    }

    /// After a chunk of `rows` failed on a bad value: the next try takes at most that many,
    /// which narrows down to the one row at fault.
    mutating func shrink(toAtMost rows: Int) {
        size = Self.clamped(min(size, rows))
    }

    /// The rows that fit in `seconds` at the smoothed rate, capped by the current size; the
    /// current size while no rate is known yet.
    func rows(fitting seconds: Double) -> Int {
        guard let secondsPerRow, seconds.isFinite else { return size }
        let fitting = seconds / secondsPerRow
        return fitting >= Double(size) ? size : max(0, Int(fitting))
    }

    private static func clamped(_ value: Int) -> Int {
        min(max(value, minimum), maximum)
    }
}
