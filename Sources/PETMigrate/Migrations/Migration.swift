/// A migration as loaded from its file: identity, steps and the checksum of their meaning.
public struct Migration: Equatable, Sendable {
    /// `YYYY_MM_DD_NNNN`: the authoritative order (fixed width, so text order is version order).
    public var version: String
    /// Lowercase snake case, from the file name.
    public var name: String
    public var description: String
    public var steps: [MigrationStep]
    /// What PET must not do while this migration's data work runs; set exactly when it has
    /// `backfill` or `copy_rows` steps.
    public var gates: PendingWorkGate? = nil
    /// The file it came from, as shown in messages (the file name, not a full path).
    public var file: String
    /// SHA-256 (hex) of the canonical form; see `CanonicalForm`. What the registry stores.
    public var checksum: String
    /// The checksum releases before 0.2 computed for the same file (`LegacyCanonicalForm`),
    /// which registry rows written by them hold. Equal to `checksum` for most files; computed
    /// only when a registry row does not hold the current one (a second canonical form and
    /// SHA-256 per file would double the cost of loading a set).
    public var legacyChecksum: String {
        LegacyCanonicalForm.checksum(description: description, steps: steps)
    }

    /// Whether a registry row's checksum is this file's: the current one, or the one an
    /// earlier release registered. Either proves the file is the one that was applied.
    public func matches(registeredChecksum: String) -> Bool {
        registeredChecksum == checksum || registeredChecksum == legacyChecksum
    }

    public var identifier: String { "\(version)_\(name)" }

    /// Whether the migration leaves work for the background runner.
    public var hasBackgroundWork: Bool { steps.contains(where: \.isBackgroundStep) }
}
