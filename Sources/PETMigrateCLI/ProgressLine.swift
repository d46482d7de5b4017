import PETMigrate
#if canImport(Glibc)
import Glibc
#endif

/// Progress of background work on standard error: a bar redrawn in place on a terminal, a
/// plain line at most every few seconds otherwise (a log file must not get one per chunk).
/// Standard output stays the report alone.
final class ProgressLine {
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private var lastShown = 0.0
    private var drawn = false

    func show(_ progress: BackgroundWorkProgress) {
        let now = Self.seconds()
        let interval = isTerminal ? 0.1 : 5.0
        guard progress.throttle != nil || now - lastShown >= interval else { return }
        lastShown = now
        let item = progress.item
        var text = "\(item.version) step \(item.step) \(item.op) \(item.targetTable): \(item.rowsDone)"
        var percent: Int?
        if let estimate = item.rowsEstimated, estimate > 0 {
            percent = min(100, Int(item.rowsDone * 100 / estimate))
            text += "/\(estimate) rows"
        } else {
            text += " rows"
        }
        if let rate = item.rowsPerSecond { text += ", \(Int(rate)) rows/s" }
        if let eta = item.etaSeconds { text += ", ETA \(Int(eta.rounded(.up))) s" }
        if let throttle = progress.throttle { text += " — waiting: \(throttle)" }
        if isTerminal {
            let width = 24
            let filled = (percent ?? 0) * width / 100
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            emit("\r\u{1B}[2K[\(bar)] \(percent.map { "\($0)%" } ?? "?") \(text)")
            drawn = true
        } else {
            emit("\(percent.map { "\($0)% " } ?? "")\(text)\n")
        }
    }

    func end() {
        if drawn { emit("\n") }
    }

    private func emit(_ line: String) {
        _ = line.withCString { write(STDERR_FILENO, $0, strlen($0)) }
    }

    private static func seconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1_000_000_000
    }
}
