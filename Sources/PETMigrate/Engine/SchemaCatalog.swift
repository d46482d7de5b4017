/// The shape of the site's tables (columns and index names) as the engine last saw them.
///
/// Every step checks before it creates, and compensation checks what is left: asked of
/// `information_schema` each time, that was four server round trips per migration. The
/// catalog reads every table of the prefix once, under the migration lock (so no other
/// migrating process changes it meanwhile), and is kept in step as the engine's own DDL
/// runs. A table that raw SQL or compensation changed is read from the server again.
final class SchemaCatalog {

    private let driver: DatabaseDriver
    private let prefix: String
    private var tables: [String: TableShape]?
    /// Tables changed by something the catalog cannot follow: read from the server again.
    private var stale: Set<String> = []

    init(driver: DatabaseDriver, prefix: String) {
        self.driver = driver
        self.prefix = prefix
    }

    private func known(_ table: String) throws(DatabaseError) -> TableShape?? {
        guard table.hasPrefix(prefix), !stale.contains(table) else { return .none }
        if tables == nil { tables = try driver.describeTables(withPrefix: prefix) }
        return .some(tables?[table])
    }

    func tableExists(_ table: String) throws(DatabaseError) -> Bool {
        if let shape = try known(table) { return shape != nil }
        return try driver.tableExists(table)
    }

    func columnNames(of table: String) throws(DatabaseError) -> [String] {
        if let shape = try known(table) { return shape?.columns ?? [] }
        return try driver.columnNames(of: table)
    }

    func indexExists(_ index: String, on table: String) throws(DatabaseError) -> Bool {
        if let shape = try known(table) { return shape?.indexes.contains(index) ?? false }
        return try driver.indexExists(index, on: table)
    }

    func exists(_ object: SchemaObject) throws(DatabaseError) -> Bool {
        switch object {
        case .table(let name): return try tableExists(name)
        case .column(let table, let column): return try columnNames(of: table).contains(column)
        case .index(let table, let index): return try indexExists(index, on: table)
        }
    }

    /// The engine created a table with these columns and indexes.
    func didCreateTable(_ table: String, columns: [String], indexes: [String]) {
        guard tables != nil, !stale.contains(table) else { return }
        tables?[table] = TableShape(columns: columns, indexes: Set(indexes))
    }

    func didAddColumn(_ column: String, to table: String) {
        guard tables?[table] != nil, !stale.contains(table) else { return }
        tables?[table]?.columns.append(column)
    }

    func didAddIndex(_ index: String, to table: String) {
        guard tables?[table] != nil, !stale.contains(table) else { return }
        tables?[table]?.indexes.insert(index)
    }

    /// Something the catalog cannot follow changed the table (raw SQL, a drop by compensation).
    func markStale(_ table: String) {
        stale.insert(table)
    }
}

/// A table's columns, in order, and the names of its indexes.
public struct TableShape: Equatable, Sendable {
    public var columns: [String]
    public var indexes: Set<String>
}
