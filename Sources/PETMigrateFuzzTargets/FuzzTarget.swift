/// One libFuzzer target: a name, where its seed inputs live, and what one input does.
///
/// The targets live in a library of their own so that the fuzzing executable
/// (`PETMigrateFuzz`, built with `-sanitize=fuzzer,address` by `scripts/fuzz.sh`) and the
/// Swift tests (which replay every kept crash, `Tests/Fuzz/crashes/<name>/`) run exactly
/// the same code. Adding a target: write a `FuzzTarget` value and list it in `all`.
public struct FuzzTarget: Sendable {
    /// Lowercase, used as a directory name under `Tests/Fuzz/{seeds,crashes}/`.
    public let name: String
    /// Directories (relative to the repository) whose files seed the corpus, besides
    /// `Tests/Fuzz/seeds/<name>/`.
    public let seedDirectories: [String]
    /// Runs one input. It must return normally for every input: a trap, a sanitizer report,
    /// a hang or unbounded memory is the bug libFuzzer looks for.
    public let run: @Sendable ([UInt8]) -> Void

    public init(name: String, seedDirectories: [String] = [], run: @escaping @Sendable ([UInt8]) -> Void) {
        self.name = name
        self.seedDirectories = seedDirectories
        self.run = run
    }
}

public enum FuzzTargets {
    /// Every target, in the order `scripts/fuzz.sh` runs them.
    public static let all: [FuzzTarget] = [loader, configuration, judge]

    public static func named(_ name: String) -> FuzzTarget? {
        all.first { $0.name == name }
    }
}
