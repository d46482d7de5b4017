// swift-tools-version:6.1
import PackageDescription

/// Linker flags for the shared library that PHP loads.
/// - `-z defs`: a missing symbol fails the build instead of failing `dlopen` inside PHP.
/// - `-z nodelete`: PHP unloads extensions at shutdown; a Swift runtime must stay mapped.
/// - `-soname` and the version script: a stable name, and only `pet_*` exported.
let sharedLibraryLinkerFlags: [String] = [
    "-Xlinker", "-z", "-Xlinker", "defs",
    "-Xlinker", "-z", "-Xlinker", "nodelete",
    "-Xlinker", "-soname=libpet_migrate.so",
    "-Xlinker", "--version-script=\(Context.packageDirectory)/include/pet_migrate.map",
]

let package = Package(
    name: "pet-migrate",
    products: [
        .library(name: "PETMigrate", targets: ["PETMigrate"]),
        .library(name: "pet_migrate", type: .dynamic, targets: ["PETMigrateABI"]),
        .executable(name: "pet-migrate", targets: ["PETMigrateCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CSQLite", pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(
            name: "CMariaDB", pkgConfig: "libmariadb",
            providers: [.apt(["libmariadb-dev"])]),
        .target(
            name: "PETMigrate",
            dependencies: [
                "CSQLite", "CMariaDB",
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        .target(
            name: "PETMigrateABI",
            dependencies: ["PETMigrate"],
            linkerSettings: [
                .unsafeFlags(sharedLibraryLinkerFlags),
                // Every PHP worker maps the library: ship it without debug info (symbols stay).
                .unsafeFlags(["-Xlinker", "--strip-debug"], .when(configuration: .release)),
            ]),
        .executableTarget(
            name: "PETMigrateCLI",
            dependencies: [
                "PETMigrate",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // libFuzzer targets (scripts/fuzz.sh): the inputs' code in a library the tests share
        // (they replay every kept crash), and a driver that only fuzzes when built with
        // `-sanitize=fuzzer -DPET_FUZZ`; an ordinary build makes it a replayer, so it never
        // breaks `swift build`. Not a product: nothing ships it.
        .target(
            name: "PETMigrateFuzzTargets",
            dependencies: ["PETMigrate"]),
        .executableTarget(
            name: "PETMigrateFuzz",
            dependencies: ["PETMigrateFuzzTargets"]),
        .testTarget(
            name: "PETMigrateTests",
            dependencies: ["PETMigrate", "PETMigrateFuzzTargets"]),
    ]
)
