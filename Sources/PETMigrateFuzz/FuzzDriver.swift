import PETMigrateFuzzTargets

/// The target libFuzzer's C callback runs: a C function pointer captures nothing, so the
/// choice made once at start-up lives here.
enum FuzzDriver {
    nonisolated(unsafe) static var target: FuzzTarget?

    static func run(_ data: UnsafePointer<UInt8>?, _ size: Int) {
        guard let target else { return }
        let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
        target.run(bytes)
    }
}

#if PET_FUZZ
/// The callback libFuzzer's runtime expects by name (its archive refers to it even when the
/// driver is started by `LLVMFuzzerRunDriver`); the same function is handed to the driver.
@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzDriver.run(data, size)
    return 0
}

/// libFuzzer's entry for a host that has its own `main` (see main.swift).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32
#endif
