import ArgumentParser
import PETMigrate

/// Parses `--database`: `sqlite:PATH` or `mariadb://USER@HOST[:PORT]/DATABASE[?socket=PATH]`.
enum DatabaseURL {
    static func parse(_ text: String, password: String) throws -> EngineConfiguration.Database {
        if text.hasPrefix("sqlite:") {
            let path = String(text.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw ValidationError("--database sqlite:PATH needs a path") }
            return .sqlite(path: path)
        }
        for scheme in ["mariadb://", "mysql://"] where text.hasPrefix(scheme) {
            var rest = Substring(text.dropFirst(scheme.count))
            var socket: String?
            if let query = rest.firstIndex(of: "?") {
                for pair in rest[rest.index(after: query)...].split(separator: "&") {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    guard parts.count == 2, parts[0] == "socket" else {
                        throw ValidationError("--database: unknown parameter \"\(parts.first ?? "")\" (only socket=PATH is known)")
                    }
                    socket = String(parts[1])
                }
                rest = rest[..<query]
            }
            guard let at = rest.lastIndex(of: "@"), let slash = rest[at...].firstIndex(of: "/") else {
                throw ValidationError("--database: expected mariadb://USER@HOST[:PORT]/DATABASE")
            }
            let user = rest[..<at]
            if user.contains(":") {
                throw ValidationError("--database: do not put the password in the URL; set PET_DB_PASSWORD instead")
            }
            let hostPort = rest[rest.index(after: at)..<slash]
            let database = rest[rest.index(after: slash)...]
            var host = String(hostPort)
            var port = 3306
            if hostPort.hasPrefix("["), let close = hostPort.firstIndex(of: "]") {
                host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
                let after = hostPort[hostPort.index(after: close)...]
                if after.hasPrefix(":") { port = try parsePort(after.dropFirst()) }
            } else if let colon = hostPort.lastIndex(of: ":") {
                host = String(hostPort[..<colon])
                port = try parsePort(hostPort[hostPort.index(after: colon)...])
            }
            guard !user.isEmpty, !host.isEmpty, !database.isEmpty else {
                throw ValidationError("--database: expected mariadb://USER@HOST[:PORT]/DATABASE")
            }
            return .mariadb(MariaDBEndpoint(host: host, port: port, socket: socket, user: String(user), password: password, database: String(database)))
        }
        throw ValidationError("--database must be sqlite:PATH or mariadb://USER@HOST[:PORT]/DATABASE")
    }

    private static func parsePort(_ text: Substring) throws -> Int {
        guard let port = Int(text), (1...65535).contains(port) else { throw ValidationError("--database: \"\(text)\" is not a port") }
        return port
    }
}
