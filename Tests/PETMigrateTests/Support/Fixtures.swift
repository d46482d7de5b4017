/// Small migration files for the tests, written as an author would write them.
enum Fixtures {
    static let createProjects = """
        {"description": "projects", "steps": [
          {"op": "create_table", "table": "pet_projects",
           "columns": [{"name": "id", "type": "bigint", "auto_increment": true},
                       {"name": "title", "type": "string", "length": 191}],
           "primary_key": ["id"],
           "indexes": [{"name": "title", "columns": ["title"]}]}
        ]}
        """

    static let addStatus = """
        {"steps": [{"op": "add_column", "table": "pet_projects",
                    "column": {"name": "status", "type": "string", "length": 20, "default": "active"}}]}
        """

    static let addStatusIndex = """
        {"steps": [{"op": "add_index", "table": "pet_projects", "index": {"name": "status", "columns": ["status"]}}]}
        """

    static let createTasks = """
        {"steps": [{"op": "create_table", "table": "pet_tasks",
                    "columns": [{"name": "id", "type": "bigint", "auto_increment": true},
                                {"name": "project_id", "type": "bigint"},
                                {"name": "done", "type": "boolean", "default": false}],
                    "primary_key": ["id"]}]}
        """

    /// Five steps that fail at the third: a table, a column, then an index on a table that
    /// does not exist, then more. Replacing `pet_no_such_table` by `pet_projects` fixes it.
    static let failsAtStepThree = """
        {"steps": [
          {"op": "create_table", "table": "pet_notes",
           "columns": [{"name": "id", "type": "bigint", "auto_increment": true}, {"name": "body", "type": "text"}],
           "primary_key": ["id"]},
          {"op": "add_column", "table": "pet_projects", "column": {"name": "color", "type": "string", "length": 7, "nullable": true}},
          {"op": "add_index", "table": "pet_no_such_table", "index": {"name": "color", "columns": ["color"]}},
          {"op": "add_column", "table": "pet_notes", "column": {"name": "pinned", "type": "boolean", "default": false}},
          {"op": "create_table", "table": "pet_labels",
           "columns": [{"name": "id", "type": "integer"}], "primary_key": ["id"]}
        ]}
        """

    /// One step of raw SQL, for the destructive-SQL rules.
    static func sqlStep(_ sql: String) -> String {
        let escaped = sql.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
        return """
            {"steps": [{"op": "sql", "sqlite": "\(escaped)", "mariadb": "\(escaped)",
                        "applied_if": {"column_exists": {"table": "pet_projects", "column": "x"}}}]}
            """
    }
}
