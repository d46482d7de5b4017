import PETMigrate

extension FuzzTargets {
    /// The ABI's configuration JSON, read as `pet_migrate_*` read it (a C string, so up to
    /// the first NUL, and valid UTF-8 only), parsed and validated with and without a
    /// database, and the migration lock's name derived from whatever it names: what a PHP
    /// worker hands the library, where a trap would kill the worker.
    public static let configuration = FuzzTarget(name: "configuration") { bytes in
        let cString = bytes.prefix { $0 != 0 }
        guard let text = String(validating: cString, as: UTF8.self) else { return }
        for needsDatabase in [true, false] {
            guard let configuration = try? EngineConfiguration.parse(json: text, needsDatabase: needsDatabase) else { continue }
            _ = MigrationLockRequest(prefix: configuration.prefix, leaseSeconds: configuration.lockLeaseSeconds).owner
            _ = configuration.problem(needsDatabase: needsDatabase)
        }
    }
}
