import PETMigrate

extension FuzzTargets {
    /// Raw SQL through the statement judge, as `lint` and every activation judge it: the
    /// input is the text of a `sql` step (both dialects; as a schema step, a data step, and
    /// a `row_exists` probe), judged for several prefixes — MariaDB's lexer and classifier,
    /// and SQLite's parser and authorizer on a scratch database — and checksummed as the
    /// token stream of each dialect.
    public static let judge = FuzzTarget(name: "judge") { bytes in
        let cString = bytes.prefix { $0 != 0 }
        guard let text = String(validating: cString, as: UTF8.self) else { return }
        let sql = JSONWriter.serialize(.string(text))
        let steps = [
            #"{"op": "sql", "sqlite": \#(sql), "mariadb": \#(sql), "applied_if": {"table_exists": "pet_m"}}"#,
            #"{"op": "sql", "sqlite": \#(sql), "mariadb": \#(sql), "applied_if": {"row_exists": {"sqlite": "SELECT 1", "mariadb": "SELECT 1"}}}"#,
            #"{"op": "sql", "sqlite": "INSERT INTO {prefix}pet_t (id) VALUES (1)", "mariadb": "INSERT INTO {prefix}pet_t (id) VALUES (1)", "applied_if": {"row_exists": {"sqlite": \#(sql), "mariadb": \#(sql)}}}"#,
        ]
        let table = #"{"op": "create_table", "table": "pet_t", "columns": [{"name": "id", "type": "integer"}], "primary_key": ["id"]}"#
        for step in steps {
            let file = Array(#"{"steps": [\#(table), \#(step)]}"#.utf8)
            let source = InMemoryMigrationSource(files: ["2026_01_01_0001_fuzz.json": file])
            for prefix in ["wp_", ""] {
                guard case .success(let set) = MigrationSet.load(from: source, prefix: prefix) else { continue }
                _ = MigrationSetJudge.problems(in: set, prefix: prefix)
            }
        }
    }
}
