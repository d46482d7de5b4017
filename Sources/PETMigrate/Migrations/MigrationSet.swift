/// A validated, ordered set of migrations: what the code ships.
public struct MigrationSet: Sendable {
    /// Sorted by version, versions unique.
    public let migrations: [Migration]

    public var latestVersion: String? { migrations.last?.version }

    public init(migrations: [Migration]) {
        let inOrder = zip(migrations, migrations.dropFirst()).allSatisfy { $0.version < $1.version }
        self.migrations = inOrder ? migrations : migrations.sorted { $0.version < $1.version }
    }

    /// Loads and validates every file of the source. Either every file is valid, or the
    /// set is invalid as a whole and nothing may run: running the valid part would apply a
    /// later migration before a broken earlier one is fixed.
    ///
    /// `prefix` is the site's table prefix: a table name is checked with it applied against
    /// MariaDB's 64-character limit, so a migration that cannot exist on this site is
    /// refused before anything runs, naming the table.
    public static func load(from source: MigrationSource, prefix: String = "wp_") -> Result<MigrationSet, InvalidMigrationSet> {
        let entries: [MigrationSourceEntry]
        do {
            entries = try source.entries()
        } catch {
            return .failure(InvalidMigrationSet(problems: [MigrationProblem(.unreadable, file: nil, reason: error.reason)]))
        }
        var problems: [MigrationProblem] = []
        var migrations: [Migration] = []
        var filesByVersion: [String: String] = [:]
        for entry in entries.sorted(by: { $0.fileName < $1.fileName }) {
            let file = entry.fileName
            guard let fileName = MigrationFileName(file) else {
                problems.append(MigrationProblem(.fileName, file: file, reason: "the name does not follow the rule: \(MigrationFileName.rule)"))
                continue
            }
            if let other = filesByVersion[fileName.version] {
                problems.append(MigrationProblem(.duplicateVersion, file: file, version: fileName.version,
                                                 reason: "version \(fileName.version) is also used by \(other); every migration needs its own version"))
                continue
            }
            filesByVersion[fileName.version] = file
            let cacheKey = entry.fingerprint.map { ParsedMigrationCache.Key(location: source.location, fileName: file, fingerprint: $0) }
            if let cacheKey, let cached = ParsedMigrationCache.shared.value(for: cacheKey) {
                migrations.append(cached)
                continue
            }
            let bytes: [UInt8]
            switch entry.read() {
            case .success(let contents): bytes = contents
            case .failure(let error):
                problems.append(MigrationProblem(.unreadable, file: file, version: fileName.version, reason: error.reason))
                continue
            }
            let root: JSONValue
            do {
                root = try JSONParser.parse(bytes)
            } catch {
                problems.append(MigrationProblem(.syntax, file: file, version: fileName.version, reason: error.description))
                continue
            }
            switch MigrationDecoder(file: file, version: fileName.version, name: fileName.name).decode(root) {
            case .success(let migration):
                migrations.append(migration)
                if let cacheKey { ParsedMigrationCache.shared.store(migration, for: cacheKey) }
            case .failure(let invalid): problems.append(contentsOf: invalid.problems)
            }
        }
        for migration in migrations { problems += prefixedNameProblems(migration, prefix: prefix) }
        guard problems.isEmpty else { return .failure(InvalidMigrationSet(problems: problems)) }
        return .success(MigrationSet(migrations: migrations))
    }

    /// Table names with the site prefix applied that are longer than MariaDB allows. Done
    /// per load rather than in the decoder, because the parsed file is cached for every
    /// prefix a process serves.
    static func prefixedNameProblems(_ migration: Migration, prefix: String) -> [MigrationProblem] {
        var problems: [MigrationProblem] = []
        for (offset, step) in migration.steps.enumerated() {
            var tables: [String] = step.table.map { [$0] } ?? []
            if case .copyRows(let copy) = step { tables.append(copy.source) }
            if case .sql(_, let condition) = step {
                switch condition {
                case .tableExists(let table), .columnExists(let table, _), .indexExists(let table, _): tables.append(table)
                case .rowExists: break
                }
            }
            for table in tables where prefix.utf8.count + table.utf8.count > Identifier.maximumLength {
                problems.append(MigrationProblem(.invalidStep, file: migration.file, version: migration.version, step: offset + 1,
                                                 reason: "table \"\(table)\" with the site prefix \"\(prefix)\" is \"\(prefix)\(table)\", \(prefix.utf8.count + table.utf8.count) characters; MariaDB allows at most \(Identifier.maximumLength). Use a shorter table name"))
            }
        }
        return problems
    }

    /// Compares the set with what the registry says was applied, and says what is pending.
    ///
    /// Refuses when an applied migration's file is gone or changed (the database and the code
    /// no longer tell the same story), and when a pending migration sorts before an applied
    /// one: applying it now would leave upgraded sites and fresh sites with different histories.
    ///
    /// Both lists are sorted by version (the registry's rows usually arrive so), so one walk
    /// down both pairs them: this runs on every activation and status check, where building
    /// lookup tables of 500 migrations cost more than the database's answer.
    public func plan(applied: [AppliedMigration]) -> Result<MigrationPlan, InvalidMigrationSet> {
        let inOrder = zip(applied, applied.dropFirst()).allSatisfy { $0.version < $1.version }
        let applied = inOrder ? applied : applied.sorted { $0.version < $1.version }
        var problems: [MigrationProblem] = []
        var pending: [Migration] = []
        var next = migrations.startIndex
        for record in applied {
            while next < migrations.endIndex, migrations[next].version < record.version {
                pending.append(migrations[next])
                next += 1
            }
            guard next < migrations.endIndex, migrations[next].version == record.version else {
                problems.append(MigrationProblem(.missingFile, file: "\(record.version)_\(record.name).json", version: record.version,
                                                 reason: "this migration was applied on \(record.appliedAt) but its file is missing; put the file back (migrations are never removed once released)"))
                continue
            }
            if !migrations[next].matches(registeredChecksum: record.checksum) {
                let migration = migrations[next]
                problems.append(MigrationProblem(.checksumMismatch, file: migration.file, version: record.version,
                                                 reason: "the file was changed after it was applied (checksum \(record.checksum.prefix(12))… when applied, \(migration.checksum.prefix(12))… now); restore the released content and put the change in a new migration"))
            }
            next += 1
        }
        if next < migrations.endIndex { pending.append(contentsOf: migrations[next...]) }
        if let newestApplied = applied.last?.version {
            for migration in pending where migration.version < newestApplied {
                problems.append(MigrationProblem(.outOfOrder, file: migration.file, version: migration.version,
                                                 reason: "it is not applied yet but sorts before \(newestApplied), which is; applying it now would give this site a different history from a fresh install. Give it a version after \(newestApplied)"))
            }
        }
        guard problems.isEmpty else { return .failure(InvalidMigrationSet(problems: problems)) }
        return .success(MigrationPlan(applied: applied, pending: pending, target: latestVersion))
    }
}

/// A row of the registry table.
public struct AppliedMigration: Equatable, Sendable {
    public var version: String
    public var name: String
    public var appliedAt: String
    public var checksum: String

    public init(version: String, name: String, appliedAt: String, checksum: String) {
        self.version = version
        self.name = name
        self.appliedAt = appliedAt
        self.checksum = checksum
    }
}

/// What an activation has to do.
public struct MigrationPlan: Sendable {
    public var applied: [AppliedMigration]
    public var pending: [Migration]
    public var target: String?
}
