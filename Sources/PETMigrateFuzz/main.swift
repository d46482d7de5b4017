import PETMigrateFuzzTargets
#if canImport(Glibc)
import Glibc
#endif

// The libFuzzer driver for every target of `FuzzTargets`.
//
// Built by `scripts/fuzz.sh` with `-Xswiftc -sanitize=fuzzer,address -Xswiftc -DPET_FUZZ`
// into `.build-fuzz`. SwiftPM links an executable with `--defsym main=PETMigrateFuzz_main`,
// so libFuzzer's own `main` is not the entry point: this file is, and it hands control to
// `LLVMFuzzerRunDriver` with the chosen target. The target is chosen by PET_FUZZ_TARGET;
// `--list` prints every target and its seed directories, one per line.
//
// In an ordinary `swift build` (no sanitizer, no PET_FUZZ) there is no libFuzzer to link,
// so the same executable only replays the files it is given through the target: a
// reproducer without sanitizers, and a build that never breaks the package.

let arguments = CommandLine.arguments
if arguments.count == 2, arguments[1] == "--list" {
    for target in FuzzTargets.all {
        print(([target.name, "Tests/Fuzz/seeds/\(target.name)"] + target.seedDirectories).joined(separator: " "))
    }
    exit(0)
}

let targetName = getenv("PET_FUZZ_TARGET").map { String(cString: $0) } ?? ""
guard let chosen = FuzzTargets.named(targetName) else {
    let names = FuzzTargets.all.map(\.name).joined(separator: ", ")
    let line = "set PET_FUZZ_TARGET to one of: \(names) (or run `PETMigrateFuzz --list`)\n"
    _ = line.withCString { write(STDERR_FILENO, $0, strlen($0)) }
    exit(2)
}
FuzzDriver.target = chosen

#if PET_FUZZ
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
    FuzzDriver.run(data, size)
    return 0
})
#else
for path in arguments.dropFirst() {
    guard let file = fopen(path, "rb") else {
        print("cannot open \(path)")
        exit(1)
    }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = fread(&buffer, 1, buffer.count, file)
        bytes += buffer[0..<count]
        if count < buffer.count { break }
    }
    fclose(file)
    FuzzDriver.target?.run(bytes)
    print("\(path): ok")
}
#endif
