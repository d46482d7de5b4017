/// One reason why a migration set may not run. Every problem names the file and, where it
/// applies, the step (1-based, as an author counts them) so it can be fixed without guessing.
public struct MigrationProblem: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case fileName = "file_name"
        case unreadable
        case syntax
        case duplicateVersion = "duplicate_version"
        case invalidStep = "invalid_step"
        case destructive
        case checksumMismatch = "checksum_mismatch"
        case missingFile = "missing_file"
        case outOfOrder = "out_of_order"
    }

    public var kind: Kind
    public var file: String?
    public var version: String?
    /// 1-based step number, or nil when the problem is with the file as a whole.
    public var step: Int?
    public var reason: String

    public init(_ kind: Kind, file: String?, version: String? = nil, step: Int? = nil, reason: String) {
        self.kind = kind
        self.file = file
        self.version = version
        self.step = step
        self.reason = reason
    }

    public var description: String {
        var location = file ?? version ?? "migration set"
        if let step { location += ", step \(step)" }
        return "\(location): \(reason)"
    }

}

/// The migration set is invalid: nothing runs until every problem is fixed.
public struct InvalidMigrationSet: Error, Sendable {
    public var problems: [MigrationProblem]

    public var message: String {
        guard let first = problems.first else { return "The migration set is invalid." }
        let more = problems.count > 1 ? " (and \(problems.count - 1) more problem\(problems.count > 2 ? "s" : ""))" : ""
        return "The migration set is invalid, nothing was run: \(first)\(more)."
    }
}
