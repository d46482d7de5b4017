/// Turns the JSON of a migration file into a `Migration`, or explains precisely why not.
///
/// Every key is checked: an unknown key is an error (a typo such as `"nullabel": true` must
/// not silently produce a NOT NULL column), and so is a wrong type. Each step is checked on
/// its own so that one pass reports every broken step of a file.
struct MigrationDecoder {
    let file: String
    let version: String
    let name: String

    func decode(_ root: JSONValue) -> Result<Migration, InvalidMigrationSet> {
        var problems: [MigrationProblem] = []
        func fileProblem(_ reason: String) -> Result<Migration, InvalidMigrationSet> {
            .failure(InvalidMigrationSet(problems: [MigrationProblem(.invalidStep, file: file, version: version, reason: reason)]))
        }
        let description: String
        let stepValues: [JSONValue]
        var gates: PendingWorkGate?
        do throws(DecodingFailure) {
            let document = try FieldReader(root, what: "the migration", allowedKeys: ["description", "steps", "gates"])
            description = try document.string("description") ?? ""
            if let gate = try document.string("gates") {
                guard let known = PendingWorkGate(rawValue: gate) else {
                    throw DecodingFailure("\"gates\" is \"\(gate)\"; expected one of \(PendingWorkGate.allCases.map(\.rawValue).joined(separator: ", ")) (what PET must not do while this migration's data work runs)")
                }
                gates = known
            }
            guard let values = try document.array("steps") else { throw DecodingFailure("\"steps\" is missing") }
            guard !values.isEmpty else { throw DecodingFailure("\"steps\" is empty: a migration does at least one thing") }
            stepValues = values
        } catch {
            return fileProblem(error.reason)
        }

        var steps: [MigrationStep] = []
        for (offset, value) in stepValues.enumerated() {
            do {
                // Raw SQL is judged with the whole set (`MigrationSetJudge`): what a statement
                // may write depends on what the set's migrations create.
                steps.append(try decodeStep(value))
            } catch {
                problems.append(MigrationProblem(error.kind, file: file, version: version, step: offset + 1, reason: error.reason))
            }
        }
        if problems.isEmpty { problems = crossStepProblems(steps) }
        let background = steps.contains(where: \.isBackgroundStep)
        if problems.isEmpty, background, gates == nil {
            return fileProblem("a migration with backfill or copy_rows steps must say what PET may not do while that work runs in the background: \"gates\": \"writes\" (PET's writes wait), \"everything\" (all PET features wait) or \"nothing\"")
        }
        if problems.isEmpty, !background, gates != nil {
            return fileProblem("\"gates\" applies only to a migration with backfill or copy_rows steps (their work runs in the background); this one has none")
        }
        guard problems.isEmpty else { return .failure(InvalidMigrationSet(problems: problems)) }
        let migration = Migration(version: version, name: name, description: description, steps: steps, gates: gates, file: file,
                                  checksum: CanonicalForm.checksum(description: description, steps: steps, gates: gates))
        return .success(migration)
    }

    /// Checks that need the whole migration: an object must not be created twice, and data
    /// steps come after every schema step. That order is what lets MariaDB, whose schema
    /// changes commit one by one, still apply a migration all or nothing: the schema changes
    /// are journalled and compensated, and the data steps commit in one transaction together
    /// with the registry row — so no row is ever written by a migration that is then undone.
    private func crossStepProblems(_ steps: [MigrationStep]) -> [MigrationProblem] {
        var problems: [MigrationProblem] = []
        var created: Set<String> = []
        var firstDataStep: Int?
        var firstBackgroundStep: Int?
        for (offset, step) in steps.enumerated() {
            if step.isBackgroundStep {
                firstBackgroundStep = firstBackgroundStep ?? offset + 1
            } else if let firstBackgroundStep {
                problems.append(MigrationProblem(.invalidStep, file: file, version: version, step: offset + 1,
                                                 reason: "this \(step.op) step comes after the \(steps[firstBackgroundStep - 1].op) step \(firstBackgroundStep); backfill and copy_rows go last in their migration (they run in the background after it is applied), so put later changes in a new migration"))
            }
            if step.isDataStep {
                firstDataStep = firstDataStep ?? offset + 1
            } else if let firstDataStep {
                problems.append(MigrationProblem(.invalidStep, file: file, version: version, step: offset + 1,
                                                 reason: "this schema step comes after the data step \(firstDataStep); data steps (sql with applied_if row_exists) go after every schema step of their migration, so that the data and the migration's registration commit together"))
            }
            let key: String?
            switch step {
            case .createTable(let table): key = "table \(table.name)"
            case .addColumn(let table, let column): key = "column \(table).\(column.name)"
            case .addIndex(let table, let index): key = "index \(table).\(index.name)"
            case .sql, .backfill, .copyRows: key = nil
            }
            if let key, !created.insert(key).inserted {
                problems.append(MigrationProblem(.invalidStep, file: file, version: version, step: offset + 1,
                                                 reason: "\(key) is created twice in this migration"))
            }
        }
        return problems
    }

    private func decodeStep(_ value: JSONValue) throws(DecodingFailure) -> MigrationStep {
        guard let op = value["op"]?.stringValue else {
            if case .object = value { throw DecodingFailure("\"op\" is missing (one of create_table, add_column, add_index, backfill, copy_rows, sql)") }
            throw DecodingFailure("a step must be an object, found \(value.typeName)")
        }
        switch op {
        case "create_table":
            let fields = try FieldReader(value, what: "create_table", allowedKeys: ["op", "table", "columns", "primary_key", "indexes"])
            return .createTable(try decodeTable(fields))
        case "add_column":
            let fields = try FieldReader(value, what: "add_column", allowedKeys: ["op", "table", "column"])
            let table = try tableName(fields)
            guard let columnValue = try fields.value("column") else { throw DecodingFailure("\"column\" is missing") }
            let column = try decodeColumn(columnValue)
            if !column.nullable && column.defaultValue == nil {
                throw DecodingFailure("column \"\(column.name)\" is added NOT NULL without a default: existing rows would have no value (give it a \"default\" or make it \"nullable\": true)")
            }
            if column.defaultValue == .null && !column.nullable {
                throw DecodingFailure("column \"\(column.name)\" has a null default but is not nullable")
            }
            if column.autoIncrement {
                throw DecodingFailure("column \"\(column.name)\": auto_increment is only possible in create_table, on the primary key")
            }
            return .addColumn(table: table, column: column)
        case "add_index":
            let fields = try FieldReader(value, what: "add_index", allowedKeys: ["op", "table", "index"])
            let table = try tableName(fields)
            guard let indexValue = try fields.value("index") else { throw DecodingFailure("\"index\" is missing") }
            return .addIndex(table: table, index: try decodeIndex(indexValue))
        case "sql":
            let fields = try FieldReader(value, what: "sql", allowedKeys: ["op", "sqlite", "mariadb", "applied_if"])
            guard let sqlite = try fields.string("sqlite"), let mariadb = try fields.string("mariadb") else {
                throw DecodingFailure("a sql step needs both \"sqlite\" and \"mariadb\" text, so it means the same on every site")
            }
            guard let condition = try fields.value("applied_if") else {
                throw DecodingFailure("a sql step needs \"applied_if\": how the engine detects that it already took effect, so a re-run skips it")
            }
            let sql = DialectSQL(sqlite: sqlite, mariadb: mariadb)
            let appliedIf = try decodeCondition(condition)
            return .sql(sql, appliedIf: appliedIf)
        case "backfill":
            let fields = try FieldReader(value, what: "backfill", allowedKeys: ["op", "table", "set", "where"])
            let table = try tableName(fields)
            guard let set = try fields.value("set") else { throw DecodingFailure("\"set\" is missing: {\"new_column\": expression, …}") }
            return .backfill(BackfillStep(table: table, assignments: try decodeMappings(set, key: "set"),
                                          condition: try fields.value("where").map { value throws(DecodingFailure) in try decodeExpression(value, key: "where") }))
        case "copy_rows":
            let fields = try FieldReader(value, what: "copy_rows", allowedKeys: ["op", "from", "to", "columns", "where", "cutover", "reverse"])
            guard let source = try fields.string("from") else { throw DecodingFailure("\"from\" is missing: the table the rows are copied from") }
            guard let target = try fields.string("to") else { throw DecodingFailure("\"to\" is missing: the new table the rows are copied into") }
            for name in [source, target] {
                if let problem = Identifier.problem(with: name) { throw DecodingFailure("table: \(problem)") }
            }
            if source == target { throw DecodingFailure("copy_rows copies from \"\(source)\" into itself; the source is never written: copy into a new table") }
            guard let columns = try fields.value("columns") else { throw DecodingFailure("\"columns\" is missing: {\"target_column\": expression over the source row, …}") }
            let cutover = try fields.string("cutover")
            if let cutover, let problem = Identifier.problem(with: cutover) { throw DecodingFailure("\"cutover\": the flag's name: \(problem)") }
            let reverse = try fields.value("reverse")
            if reverse != nil, cutover == nil {
                throw DecodingFailure("\"reverse\" says how writes to the new table reach the old one after a cut-over; it needs \"cutover\": the name of that flag")
            }
            return .copyRows(CopyRowsStep(source: source, target: target, columns: try decodeMappings(columns, key: "columns"),
                                          condition: try fields.value("where").map { value throws(DecodingFailure) in try decodeExpression(value, key: "where") },
                                          cutover: cutover, reverse: try reverse.map { value throws(DecodingFailure) in try decodeMappings(value, key: "reverse") } ?? []))
        case "drop_table", "drop_column", "drop_index", "rename_table", "rename_column", "truncate", "delete", "change_column", "modify_column":
            throw DecodingFailure("op \"\(op)\" is destructive and not supported: migrations are forward-only and never remove or rewrite data; add new structures alongside the old ones instead", kind: .destructive)
        default:
            throw DecodingFailure("unknown op \"\(op)\" (expected create_table, add_column, add_index, backfill, copy_rows or sql)")
        }
    }

    /// `{"column": expression, …}`: at least one column, each a valid name.
    private func decodeMappings(_ value: JSONValue, key: String) throws(DecodingFailure) -> [ColumnMapping] {
        guard case .object(let members) = value, !members.isEmpty else {
            throw DecodingFailure("\"\(key)\" must be an object naming at least one column: {\"column\": expression, …}")
        }
        var mappings: [ColumnMapping] = []
        for (column, expression) in members.sorted(by: { $0.key < $1.key }) {
            if let problem = Identifier.problem(with: column) { throw DecodingFailure("\"\(key)\": \(problem)") }
            mappings.append(ColumnMapping(column: column, value: try decodeExpression(expression, key: "\(key).\(column)")))
        }
        return mappings
    }

    /// An expression: one text both dialects read alike, or `{"sqlite": …, "mariadb": …}`.
    private func decodeExpression(_ value: JSONValue, key: String) throws(DecodingFailure) -> DialectSQL {
        switch value {
        case .string(let text):
            return DialectSQL(sqlite: text, mariadb: text)
        case .object:
            let fields = try FieldReader(value, what: "\"\(key)\"", allowedKeys: ["sqlite", "mariadb"])
            guard let sqlite = try fields.string("sqlite"), let mariadb = try fields.string("mariadb") else {
                throw DecodingFailure("\"\(key)\" needs both \"sqlite\" and \"mariadb\" (or one string both dialects read alike)")
            }
            return DialectSQL(sqlite: sqlite, mariadb: mariadb)
        default:
            throw DecodingFailure("\"\(key)\" must be an expression (a string, or {\"sqlite\": …, \"mariadb\": …}), found \(value.typeName)")
        }
    }

    private func tableName(_ fields: FieldReader) throws(DecodingFailure) -> String {
        guard let table = try fields.string("table") else { throw DecodingFailure("\"table\" is missing") }
        if let problem = Identifier.problem(with: table) { throw DecodingFailure("table: \(problem)") }
        return table
    }

    private func decodeTable(_ fields: FieldReader) throws(DecodingFailure) -> TableDefinition {
        let name = try tableName(fields)
        guard let columnValues = try fields.array("columns"), !columnValues.isEmpty else {
            throw DecodingFailure("table \"\(name)\" needs at least one column in \"columns\"")
        }
        var columns: [ColumnDefinition] = []
        for value in columnValues {
            let column = try decodeColumn(value)
            if columns.contains(where: { $0.name == column.name }) {
                throw DecodingFailure("column \"\(column.name)\" is listed twice")
            }
            columns.append(column)
        }
        guard let primaryKey = try fields.stringArray("primary_key"), !primaryKey.isEmpty else {
            throw DecodingFailure("table \"\(name)\" needs a \"primary_key\" (a list of column names): rows must be addressable for chunked data work")
        }
        for key in primaryKey {
            guard let column = columns.first(where: { $0.name == key }) else {
                throw DecodingFailure("primary key column \"\(key)\" is not among the columns")
            }
            if column.nullable { throw DecodingFailure("primary key column \"\(key)\" cannot be nullable") }
            if !column.type.isIndexable { throw DecodingFailure("primary key column \"\(key)\" has type \(column.type.rawValue), which cannot be a key") }
        }
        if Set(primaryKey).count != primaryKey.count { throw DecodingFailure("the primary key lists a column twice") }
        for column in columns where column.autoIncrement {
            guard primaryKey == [column.name] else {
                throw DecodingFailure("column \"\(column.name)\": auto_increment needs it to be the whole primary key")
            }
        }
        var indexes: [IndexDefinition] = []
        for value in try fields.array("indexes") ?? [] {
            let index = try decodeIndex(value)
            if indexes.contains(where: { $0.name == index.name }) { throw DecodingFailure("index \"\(index.name)\" is listed twice") }
            for column in index.columns {
                guard let definition = columns.first(where: { $0.name == column }) else {
                    throw DecodingFailure("index \"\(index.name)\" names column \"\(column)\", which is not among the columns")
                }
                try checkIndexable(definition, index: index.name)
            }
            indexes.append(index)
        }
        return TableDefinition(name: name, columns: columns, primaryKey: primaryKey, indexes: indexes)
    }

    private func checkIndexable(_ column: ColumnDefinition, index: String) throws(DecodingFailure) {
        if !column.type.isIndexable {
            throw DecodingFailure("index \"\(index)\" names column \"\(column.name)\" of type \(column.type.rawValue), which cannot be indexed (use a string column)")
        }
        if column.type == .string, let length = column.length, length > 768 {
            throw DecodingFailure("index \"\(index)\" names column \"\(column.name)\" of length \(length): indexed strings may have at most 768 characters")
        }
    }

    private func decodeColumn(_ value: JSONValue) throws(DecodingFailure) -> ColumnDefinition {
        let fields = try FieldReader(value, what: "a column", allowedKeys: ["name", "type", "length", "precision", "scale", "nullable", "default", "auto_increment"])
        guard let name = try fields.string("name") else { throw DecodingFailure("a column has no \"name\"") }
        if let problem = Identifier.problem(with: name) { throw DecodingFailure("column: \(problem)") }
        guard let typeName = try fields.string("type") else { throw DecodingFailure("column \"\(name)\" has no \"type\"") }
        guard let type = PortableType(rawValue: typeName) else {
            throw DecodingFailure("column \"\(name)\" has unknown type \"\(typeName)\" (expected one of \(PortableType.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        var column = ColumnDefinition(name: name, type: type)
        column.nullable = try fields.bool("nullable") ?? false
        column.autoIncrement = try fields.bool("auto_increment") ?? false
        column.length = try fields.int("length")
        column.precision = try fields.int("precision")
        column.scale = try fields.int("scale")

        if type == .string {
            guard let length = column.length else { throw DecodingFailure("string column \"\(name)\" needs a \"length\" (1 to 16000)") }
            guard (1...16000).contains(length) else { throw DecodingFailure("string column \"\(name)\" has length \(length); allowed are 1 to 16000 (use text for longer values)") }
        } else if column.length != nil {
            throw DecodingFailure("column \"\(name)\": \"length\" applies to string columns only")
        }
        if type == .decimal {
            guard let precision = column.precision, (1...65).contains(precision) else {
                throw DecodingFailure("decimal column \"\(name)\" needs a \"precision\" from 1 to 65")
            }
            let scale = column.scale ?? 0
            guard (0...min(30, precision)).contains(scale) else {
                throw DecodingFailure("decimal column \"\(name)\" has scale \(scale); allowed are 0 to \(min(30, precision))")
            }
            column.scale = scale
        } else if column.precision != nil || column.scale != nil {
            throw DecodingFailure("column \"\(name)\": \"precision\" and \"scale\" apply to decimal columns only")
        }
        if column.autoIncrement && type != .integer && type != .bigint {
            throw DecodingFailure("column \"\(name)\": auto_increment needs type integer or bigint")
        }
        if let defaultValue = try fields.value("default") {
            if column.autoIncrement { throw DecodingFailure("column \"\(name)\": an auto_increment column takes no default") }
            column.defaultValue = try decodeDefault(defaultValue, for: column)
        }
        return column
    }

    private func decodeDefault(_ value: JSONValue, for column: ColumnDefinition) throws(DecodingFailure) -> ColumnDefault {
        let name = column.name
        let decoded: ColumnDefault
        switch (column.type, value) {
        case (_, .null):
            guard column.nullable else { throw DecodingFailure("column \"\(name)\" is not nullable, so its default cannot be null") }
            decoded = .null
        case (.boolean, .bool(let flag)):
            decoded = .bool(flag)
        case (.integer, .number(let number)), (.bigint, .number(let number)), (.double, .number(let number)), (.decimal, .number(let number)):
            // The parser refused any number without an exact decimal value.
            guard let exact = number.decimal else { throw DecodingFailure("column \"\(name)\": the default \(number.text) is out of range") }
            decoded = .number(exact)
        case (.string, .string(let text)), (.text, .string(let text)), (.json, .string(let text)),
             (.date, .string(let text)), (.datetime, .string(let text)):
            decoded = .string(text)
        case (.blob, _):
            throw DecodingFailure("column \"\(name)\": a blob column takes no default")
        default:
            throw DecodingFailure("column \"\(name)\": a default of \(value.typeName) does not fit type \(column.type.rawValue)")
        }
        if let problem = ColumnDefaultRules.problem(with: decoded, for: column) { throw DecodingFailure(problem) }
        return decoded
    }

    private func decodeIndex(_ value: JSONValue) throws(DecodingFailure) -> IndexDefinition {
        let fields = try FieldReader(value, what: "an index", allowedKeys: ["name", "columns", "unique"])
        guard let name = try fields.string("name") else { throw DecodingFailure("an index has no \"name\"") }
        if let problem = Identifier.problem(with: name) { throw DecodingFailure("index: \(problem)") }
        guard let columns = try fields.stringArray("columns"), !columns.isEmpty else {
            throw DecodingFailure("index \"\(name)\" needs a list of \"columns\"")
        }
        for column in columns {
            if let problem = Identifier.problem(with: column) { throw DecodingFailure("index \"\(name)\": \(problem)") }
        }
        if Set(columns).count != columns.count { throw DecodingFailure("index \"\(name)\" lists a column twice") }
        return IndexDefinition(name: name, columns: columns, unique: try fields.bool("unique") ?? false)
    }

    private func decodeCondition(_ value: JSONValue) throws(DecodingFailure) -> AppliedCondition {
        let fields = try FieldReader(value, what: "applied_if", allowedKeys: ["table_exists", "column_exists", "index_exists", "row_exists"])
        guard fields.keys.count == 1, let kind = fields.keys.first else {
            throw DecodingFailure("\"applied_if\" takes exactly one of table_exists, column_exists, index_exists, row_exists")
        }
        switch kind {
        case "table_exists":
            guard let table = try fields.string("table_exists") else { throw DecodingFailure("\"table_exists\" takes a table name") }
            if let problem = Identifier.problem(with: table) { throw DecodingFailure("applied_if: \(problem)") }
            return .tableExists(table: table)
        case "column_exists":
            let inner = try FieldReader(try fields.value("column_exists")!, what: "column_exists", allowedKeys: ["table", "column"])
            guard let table = try inner.string("table"), let column = try inner.string("column") else {
                throw DecodingFailure("\"column_exists\" takes {\"table\": …, \"column\": …}")
            }
            for name in [table, column] {
                if let problem = Identifier.problem(with: name) { throw DecodingFailure("applied_if: \(problem)") }
            }
            return .columnExists(table: table, column: column)
        case "index_exists":
            let inner = try FieldReader(try fields.value("index_exists")!, what: "index_exists", allowedKeys: ["table", "index"])
            guard let table = try inner.string("table"), let index = try inner.string("index") else {
                throw DecodingFailure("\"index_exists\" takes {\"table\": …, \"index\": …}")
            }
            for name in [table, index] {
                if let problem = Identifier.problem(with: name) { throw DecodingFailure("applied_if: \(problem)") }
            }
            return .indexExists(table: table, index: index)
        default:
            let inner = try FieldReader(try fields.value("row_exists")!, what: "row_exists", allowedKeys: ["sqlite", "mariadb"])
            guard let sqlite = try inner.string("sqlite"), let mariadb = try inner.string("mariadb") else {
                throw DecodingFailure("\"row_exists\" takes {\"sqlite\": query, \"mariadb\": query}")
            }
            return .rowExists(query: DialectSQL(sqlite: sqlite, mariadb: mariadb))
        }
    }
}

/// Why a piece of a migration file could not be read; the decoder adds file and step.
struct DecodingFailure: Error {
    let reason: String
    let kind: MigrationProblem.Kind
    init(_ reason: String, kind: MigrationProblem.Kind = .invalidStep) {
        self.reason = reason
        self.kind = kind
    }
}

/// Reads the members of a JSON object, rejecting keys it was not told about.
struct FieldReader {
    private let members: [String: JSONValue]
    private let what: String

    /// `allowedKeys` is a list, not a set: a handful of names compared in place costs less
    /// than hashing them into a new set for every object of every file.
    init(_ value: JSONValue, what: String, allowedKeys: [String]) throws(DecodingFailure) {
        guard case .object(let members) = value else {
            throw DecodingFailure("\(what) must be an object, found \(value.typeName)")
        }
        let unknown = members.keys.filter { !allowedKeys.contains($0) }.sorted()
        if let first = unknown.first {
            throw DecodingFailure("unknown key \"\(first)\" in \(what) (allowed: \(allowedKeys.sorted().joined(separator: ", ")))")
        }
        self.members = members
        self.what = what
    }

    var keys: [String] { members.keys.sorted() }

    func value(_ key: String) throws(DecodingFailure) -> JSONValue? { members[key] }

    func string(_ key: String) throws(DecodingFailure) -> String? {
        guard let value = members[key] else { return nil }
        guard case .string(let text) = value else { throw wrongType(key, "a string", value) }
        return text
    }

    func bool(_ key: String) throws(DecodingFailure) -> Bool? {
        guard let value = members[key] else { return nil }
        guard case .bool(let flag) = value else { throw wrongType(key, "true or false", value) }
        return flag
    }

    func int(_ key: String) throws(DecodingFailure) -> Int? {
        guard let value = members[key] else { return nil }
        guard let number = value.integerValue else { throw wrongType(key, "a whole number", value) }
        return number
    }

    func array(_ key: String) throws(DecodingFailure) -> [JSONValue]? {
        guard let value = members[key] else { return nil }
        guard case .array(let elements) = value else { throw wrongType(key, "a list", value) }
        return elements
    }

    func stringArray(_ key: String) throws(DecodingFailure) -> [String]? {
        guard let elements = try array(key) else { return nil }
        var strings: [String] = []
        for element in elements {
            guard case .string(let text) = element else { throw wrongType(key, "a list of names", element) }
            if let problem = Identifier.problem(with: text) { throw DecodingFailure("\"\(key)\" in \(what): \(problem)") }
            strings.append(text)
        }
        return strings
    }

    private func wrongType(_ key: String, _ expected: String, _ found: JSONValue) -> DecodingFailure {
        DecodingFailure("\"\(key)\" in \(what) must be \(expected), found \(found.typeName)")
    }
}
