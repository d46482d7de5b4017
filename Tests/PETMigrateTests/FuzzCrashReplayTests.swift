import Foundation
import Testing
import PETMigrateFuzzTargets

/// Every input a fuzz target ever crashed on (`Tests/Fuzz/crashes/<target>/`) and every seed
/// runs through the same target in every `swift test`: a fixed crash stays fixed, and a
/// target that traps on its own seeds is noticed without a fuzzing run.
@Suite struct FuzzCrashReplayTests {
    static let inputs: [String] = FuzzTargets.all.flatMap { target in
        ["Tests/Fuzz/crashes/\(target.name)", "Tests/Fuzz/seeds/\(target.name)"].flatMap { directory in
            ((try? FileManager.default.contentsOfDirectory(atPath: repositoryRoot + "/" + directory)) ?? [])
                .filter { !$0.hasPrefix(".") && !$0.hasPrefix("README") }.sorted()
                .map { "\(target.name):\(directory)/\($0)" }
        }
    }

    @Test func everyTargetHasSeeds() {
        for target in FuzzTargets.all {
            #expect(Self.inputs.contains { $0.hasPrefix("\(target.name):Tests/Fuzz/seeds/") }, "no seeds for \(target.name)")
        }
    }

    @Test(arguments: inputs)
    func replaysWithoutCrashing(_ input: String) throws {
        let parts = input.split(separator: ":", maxSplits: 1).map(String.init)
        let target = try #require(FuzzTargets.named(parts[0]))
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: repositoryRoot + "/" + parts[1])))
        target.run(bytes)
    }
}
