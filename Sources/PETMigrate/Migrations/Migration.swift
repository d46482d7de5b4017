/// A migration as loaded from its file: identity, steps and the checksum of their meaning.
public struct Migration: Equatable, Sendable {
    /// `YYYY_MM_DD_NNNN`: the authoritative order (fixed width, so text order is version order).
    public var version: String
    /// Lowercase snake case, from the file name.
    public var name: String
    public var description: String
    public var steps: [MigrationStep]
    /// The file it came from, as shown in messages (the file name, not a full path).
    public var file: String
    /// SHA-256 (hex) of the canonical form; see `CanonicalForm`.
    public var checksum: String

    public var identifier: String { "\(version)_\(name)" }
}
