import PETMigrate

/// The `--format table` rendering of a report: the verdict first, then the details a person
/// needs to act on it.
enum ReportPrinter {
    static func text(for report: Report) -> String {
        var lines: [String] = ["\(report.result.name): \(report.message)"]
        if let mode = report.mode { lines.append("mode: \(mode.rawValue)") }
        if report.schemaVersion != nil || report.targetVersion != nil {
            lines.append("schema version: \(report.schemaVersion ?? "none"), target: \(report.targetVersion ?? "none")")
        }
        if !report.problems.isEmpty {
            lines.append("")
            lines.append("problems:")
            for problem in report.problems {
                var place = problem.file ?? problem.version ?? "migration set"
                if let step = problem.step { place += ", step \(step)" }
                lines.append("  - \(place): \(problem.reason)")
            }
        }
        if !report.applied.isEmpty {
            lines.append("")
            lines.append(table(header: ["applied", "name", "applied at", "checksum"],
                               rows: report.applied.map { [$0.version, $0.name, $0.appliedAt, String($0.checksum.prefix(12))] }))
        }
        if !report.pending.isEmpty {
            lines.append("")
            lines.append(table(header: ["pending", "name"], rows: report.pending.map { [$0.version, $0.name] }))
        }
        if !report.work.isEmpty {
            lines.append("")
            if let gates = report.gates { lines.append("while background work remains, PET gates: \(gates.rawValue)") }
            lines.append(table(header: ["data step", "op", "table", "status", "rows", "rate", "eta", "at key", "note"],
                               rows: report.work.map(workRow)))
        }
        if !report.cutovers.isEmpty {
            lines.append("")
            lines.append(table(header: ["cut-over", "phase", "on for", "tables", "verification", "switched"],
                               rows: report.cutovers.map(cutoverRow)))
        }
        if let events = report.events, !events.isEmpty {
            lines.append("")
            lines.append(table(header: ["id", "at", "event", "version", "message"],
                               rows: events.map { [String($0.id), $0.occurredAt, $0.kind, $0.version ?? "", $0.message] }))
        }
        return lines.joined(separator: "\n")
    }

    private static func workRow(_ item: DataWorkItem) -> [String] {
        let rows = item.rowsEstimated.map { "\(item.rowsDone)/\($0)" } ?? "\(item.rowsDone)"
        let rate = item.rowsPerSecond.map { "\(Int($0.rounded()))/s" } ?? ""
        let eta = item.etaSeconds.map { "\(Int($0.rounded(.up))) s" } ?? ""
        let status = item.paused ? "paused" : item.status.rawValue
        let note = item.lastError ?? item.throttle.map { "waiting: \($0)" } ?? ""
        let table = item.op == "copy_rows" ? "\(item.sourceTable) -> \(item.targetTable)" : item.targetTable
        return ["\(item.version) #\(item.step)", item.op, table, status, rows, rate, eta, item.cursorKey ?? "", note]
    }

    private static func cutoverRow(_ status: CutoverStatus) -> [String] {
        let record = status.record
        let verification: String
        if record.verifyStartedAt == nil {
            verification = "not run"
        } else {
            let state = record.isVerified ? "passed" : record.verifyProblem != nil ? "failed" : "running"
            verification = "\(state): \(record.rangesChecked) ranges, \(record.mismatchesFound) mismatches, \(record.mismatchesRepaired) repaired"
        }
        let switched = record.switchedAt.map { "\($0) by \(record.switchedBy ?? "?")" } ?? ""
        let phase = status.missingTriggers.isEmpty ? status.phase.rawValue : "\(status.phase.rawValue) (sync triggers missing)"
        return [record.flag, phase, "\(status.effectivePercent) %", "\(record.sourceTable) -> \(record.targetTable)", verification, switched]
    }

    static func table(header: [String], rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for row in rows {
            for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                column == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count)
            }.joined(separator: "  ")
        }
        return ([line(header), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line)).joined(separator: "\n")
    }
}
