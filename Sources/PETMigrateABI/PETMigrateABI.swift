import PETMigrate
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The C ABI of include/pet_migrate.h. Each function only translates: JSON text in, an
// engine call, a JSON report out. Nothing here may trap on bad input — a crash would take
// the whole PHP worker down — so every failure becomes a PET_CONFIG report.

@_cdecl("pet_migrate_activate")
public func pet_migrate_activate(_ config: UnsafePointer<CChar>?, _ report: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    respond(report) { try MigrationEngine(configuration: parse(config)).activate() }
}

@_cdecl("pet_migrate_status")
public func pet_migrate_status(_ config: UnsafePointer<CChar>?, _ report: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    respond(report) { try MigrationEngine(configuration: parse(config)).status() }
}

@_cdecl("pet_migrate_resume")
public func pet_migrate_resume(_ config: UnsafePointer<CChar>?, _ report: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    respond(report) { try MigrationEngine(configuration: parse(config)).resume() }
}

@_cdecl("pet_migrate_pause")
public func pet_migrate_pause(_ config: UnsafePointer<CChar>?, _ report: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    respond(report) { try MigrationEngine(configuration: parse(config)).pause() }
}

@_cdecl("pet_migrate_verify")
public func pet_migrate_verify(_ config: UnsafePointer<CChar>?, _ report: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    respond(report) { try MigrationEngine(configuration: parse(config)).verify() }
}

@_cdecl("pet_migrate_cutover")
public func pet_migrate_cutover(_ config: UnsafePointer<CChar>?, _ request: UnsafePointer<CChar>?,
                                _ report: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    respond(report) {
        let configuration = try parse(config)
        guard let request else { throw ConfigurationError("bad cut-over request: the request is NULL (pass a JSON object)") }
        guard let text = String(validatingCString: request) else { throw ConfigurationError("bad cut-over request: the request is not valid UTF-8") }
        return MigrationEngine(configuration: configuration).cutover(try CutoverRequest.parse(json: text, defaultActor: "a caller of the C ABI (pid \(getpid()))"))
    }
}

@_cdecl("pet_migrate_rollout_bucket")
public func pet_migrate_rollout_bucket(_ flag: UnsafePointer<CChar>?, _ key: UnsafePointer<CChar>?) -> Int32 {
    guard let flag, let key, let flagText = String(validatingCString: flag), let keyText = String(validatingCString: key) else { return -1 }
    return Int32(RolloutBucket.bucket(flag: flagText, key: keyText))
}

@_cdecl("pet_migrate_events")
public func pet_migrate_events(_ config: UnsafePointer<CChar>?, _ report: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    respond(report) { try MigrationEngine(configuration: parse(config)).events() }
}

@_cdecl("pet_migrate_lint")
public func pet_migrate_lint(_ config: UnsafePointer<CChar>?, _ report: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    respond(report) { try MigrationEngine(configuration: parse(config, needsDatabase: false)).lint() }
}

@_cdecl("pet_migrate_files")
public func pet_migrate_files(_ config: UnsafePointer<CChar>?, _ report: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    do {
        let listing = MigrationFileListing.make(try MigrationFileListing.configuration(config))
        report?.pointee = strdup(listing.jsonText)
        return listing.result.rawValue
    } catch {
        report?.pointee = strdup(JSONWriter.serialize(Report(result: .config, message: error.reason).json))
        return ResultCode.config.rawValue
    }
}

@_cdecl("pet_migrate_free")
public func pet_migrate_free(_ string: UnsafeMutablePointer<CChar>?) {
    free(string)
}

/// A static C string: it lives as long as the library (kept mapped by `-z nodelete`).
/// `strdup` may fail when memory is exhausted; then a literal stands in, never a trap.
nonisolated(unsafe) private let versionCString: UnsafeMutablePointer<CChar>? = strdup(PETMigrateVersion.string)
private let unknownVersion: StaticString = "unknown"

@_cdecl("pet_migrate_version")
public func pet_migrate_version() -> UnsafePointer<CChar> {
    if let versionCString { return UnsafePointer(versionCString) }
    return UnsafeRawPointer(unknownVersion.utf8Start).assumingMemoryBound(to: CChar.self)
}

func parse(_ config: UnsafePointer<CChar>?, needsDatabase: Bool = true) throws(ConfigurationError) -> EngineConfiguration {
    guard let config else { throw ConfigurationError("bad configuration: the configuration is NULL (pass a JSON object)") }
    guard let text = String(validatingCString: config) else { throw ConfigurationError("bad configuration: the configuration is not valid UTF-8") }
    return try EngineConfiguration.parse(json: text, needsDatabase: needsDatabase)
}

private func respond(_ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ work: () throws -> Report) -> Int32 {
    let report: Report
    do {
        report = try work()
    } catch let error as ConfigurationError {
        report = Report(result: .config, message: error.reason)
    } catch {
        report = Report(result: .config, message: "unexpected error: \(error)")
    }
    out?.pointee = strdup(JSONWriter.serialize(report.json))
    return report.result.rawValue
}
