/// A schema object a step creates, by physical name: what compensation would remove.
public enum SchemaObject: Equatable, Sendable {
    case table(String)
    case column(table: String, column: String)
    case index(table: String, index: String)

    var kind: String {
        switch self {
        case .table: return "table"
        case .column: return "column"
        case .index: return "index"
        }
    }

    var tableName: String {
        switch self {
        case .table(let table), .column(let table, _), .index(let table, _): return table
        }
    }

    var objectName: String? {
        switch self {
        case .table: return nil
        case .column(_, let column): return column
        case .index(_, let index): return index
        }
    }

    var description: String {
        switch self {
        case .table(let table): return "table \(table)"
        case .column(let table, let column): return "column \(table).\(column)"
        case .index(let table, let index): return "index \(index) on \(table)"
        }
    }
}

/// What the atomicity strategy lets a step do around its changes: make sure what it is
/// about to create is journalled (so a failure or crash can undo it), and run data
/// statements inside the transaction that will also register the migration.
protocol StepContext {
    func willCreate(_ object: SchemaObject, step: Int) throws
    func inDataTransaction(_ body: () throws -> Void) throws
}

/// An object a migration's step will create, known before the migration starts.
struct PlannedObject: Equatable {
    var step: Int
    var object: SchemaObject
}

/// A step could not be applied; `reason` is meant for the site administrator.
struct StepFailure: Error {
    var reason: String
    var kind: FailureKind
}

/// Applies one step: guard first (check before create, so a re-run is safe), then the DDL.
struct StepRunner {
    let driver: DatabaseDriver
    let catalog: SchemaCatalog
    let prefix: String
    let faults: FaultInjector
    let ddlLockWaitSeconds: Int
    /// Extends the migration lock's lease when a migration runs long, so that it keeps the
    /// lock and a process that lost it stops before changing anything more.
    var renewLock: () throws(DatabaseError) -> Void = {}

    func run(_ step: MigrationStep, number: Int, of migration: Migration, context: StepContext) throws {
        try renewLock()
        try faults.check(.beforeStep, version: migration.version, step: number)
        do {
            switch step {
            case .createTable(let definition):
                try createTable(definition, number: number, migration: migration, context: context)
            case .addColumn(let table, let column):
                let physical = try existingTable(table)
                if try catalog.columnNames(of: physical).contains(column.name) { break }
                try change(.column(table: physical, column: column.name), number: number, migration: migration, context: context) {
                    try driver.executeSchemaChange(driver.addColumnStatement(column, table: physical), kind: .addColumn)
                }
                catalog.didAddColumn(column.name, to: physical)
            case .addIndex(let table, let index):
                let physical = try existingTable(table)
                let indexName = driver.physicalIndexName(index.name, table: physical)
                if try catalog.indexExists(indexName, on: physical) { break }
                let columns = try catalog.columnNames(of: physical)
                if let missing = index.columns.first(where: { !columns.contains($0) }) {
                    throw StepFailure(reason: "index \(index.name) names column \(missing), which table \(physical) does not have", kind: .missingColumn)
                }
                try change(.index(table: physical, index: indexName), number: number, migration: migration, context: context) {
                    try driver.executeSchemaChange(driver.addIndexStatement(index, table: physical), kind: .addIndex)
                }
                catalog.didAddIndex(indexName, to: physical)
            case .backfill, .copyRows:
                try prepareBackgroundWork(step)
            case .sql(let sql, let condition):
                if try isApplied(condition) { break }
                try runRawSQL(sql.text(for: driver.dialect), role: MigrationSetJudge.role(of: condition), number: number,
                              migration: migration, context: context)
            }
        } catch let error as DatabaseError {
            throw failure(from: error, step: step)
        }
        try faults.check(.afterStep, version: migration.version, step: number)
    }

    /// What the migration's steps will create, as far as can be known before it starts:
    /// the journal records all of it in one write before the first change.
    func plannedObjects(of migration: Migration) throws -> [PlannedObject] {
        var planned: [PlannedObject] = []
        var willExist: [SchemaObject] = []
        func absent(_ object: SchemaObject) throws -> Bool {
            if willExist.contains(object) { return false }
            return !(try catalog.exists(object))
        }
        for (offset, step) in migration.steps.enumerated() {
            var objects: [SchemaObject] = []
            switch step {
            case .createTable(let definition):
                objects = [.table(prefix + definition.name)]
            case .addColumn(let table, let column):
                objects = [.column(table: prefix + table, column: column.name)]
            case .addIndex(let table, let index):
                objects = [.index(table: prefix + table, index: driver.physicalIndexName(index.name, table: prefix + table))]
            case .sql(let sql, let condition):
                guard MigrationSetJudge.role(of: condition) == .schema, driver.dialect == .mariadb else { continue }
                let judged = (try? MigrationSetJudge.judgeText(sql.mariadb, role: .schema, prefix: prefix, dialect: .mariadb)) ?? []
                objects = judged.flatMap(\.creates)
            case .backfill, .copyRows:
                continue
            }
            for object in objects {
                guard try absent(object) else { continue }
                planned.append(PlannedObject(step: offset + 1, object: object))
                willExist.append(object)
            }
        }
        return planned
    }

    private func createTable(_ definition: TableDefinition, number: Int, migration: Migration, context: StepContext) throws {
        let physical = prefix + definition.name
        if try catalog.tableExists(physical) {
            let existing = try catalog.columnNames(of: physical)
            let expected = definition.columns.map(\.name)
            guard Set(existing) == Set(expected) else {
                throw StepFailure(reason: "table \(physical) already exists with columns (\(existing.joined(separator: ", "))), not the migration's (\(expected.joined(separator: ", "))); it was not created by this migration, so PET leaves it alone. Move it out of the way (rename it) and activate again", kind: .tableMismatch)
            }
            return
        }
        try change(.table(physical), number: number, migration: migration, context: context) {
            for statement in driver.createTableStatements(definition, physicalName: physical, ifNotExists: false) {
                try driver.execute(statement)
            }
        }
        catalog.didCreateTable(physical, columns: definition.columns.map(\.name),
                               indexes: definition.indexes.map { driver.physicalIndexName($0.name, table: physical) })
    }

    /// Journal, fault points and DDL around one change, in the order crash safety needs.
    private func change(_ object: SchemaObject, number: Int, migration: Migration, context: StepContext, _ body: () throws -> Void) throws {
        try context.willCreate(object, step: number)
        try faults.check(.afterIntent, version: migration.version, step: number)
        do {
            try body()
        } catch {
            catalog.markStale(object.tableName) // a DDL that failed half-way is read again
            throw error
        }
        try faults.check(.afterDDL, version: migration.version, step: number)
    }

    /// A raw SQL step, statement by statement as the dialect's judge reads it. A schema
    /// statement's every new object is journalled before it runs (objects that already
    /// exist are not: they are not this attempt's to remove); data statements run inside
    /// the transaction that will also register the migration.
    private func runRawSQL(_ text: String, role: StatementRole, number: Int, migration: Migration, context: StepContext) throws {
        guard role == .schema else {
            try context.inDataTransaction {
                _ = try driver.runJudged(text, role: role, prefix: prefix) { _ in }
            }
            try faults.check(.afterDDL, version: migration.version, step: number)
            return
        }
        _ = try driver.runJudged(text, role: role, prefix: prefix) { statement in
            for object in statement.creates {
                if !(try catalog.exists(object)) { try context.willCreate(object, step: number) }
                // What raw SQL did to a table is read from the server from now on.
                catalog.markStale(object.tableName)
            }
            try faults.check(.afterIntent, version: migration.version, step: number)
        }
        try faults.check(.afterDDL, version: migration.version, step: number)
    }

    /// A data step is not run here: it is checked against this site's schema — the tables and
    /// columns it names exist, the source has a single-column primary key, the server resolves
    /// every expression — and then queued with the migration's registration. A step that
    /// cannot work fails its migration now, undone with it, not hours later in the background.
    private func prepareBackgroundWork(_ step: MigrationStep) throws {
        let source: String, target: String, columns: [String]
        switch step {
        case .backfill(let backfill): (source, target, columns) = (backfill.table, backfill.table, backfill.assignments.map(\.column))
        case .copyRows(let copy): (source, target, columns) = (copy.source, copy.target, copy.columns.map(\.column))
        default: return
        }
        let physicalSource = try existingTable(source)
        let physicalTarget = try existingTable(target)
        let targetColumns = try catalog.columnNames(of: physicalTarget)
        if let missing = columns.first(where: { !targetColumns.contains($0) }) {
            throw StepFailure(reason: "table \(physicalTarget) has no column \(missing) to fill", kind: .missingColumn)
        }
        let key = try driver.primaryKey(of: physicalSource)
        guard key.count == 1, let column = key.first else {
            throw StepFailure(reason: "table \(physicalSource) has \(key.isEmpty ? "no primary key" : "a primary key of \(key.count) columns"); data steps walk the rows by a single-column primary key", kind: .invalidSource)
        }
        let statements = ChunkStatements(driver: driver, step: step, prefix: prefix, key: column, upperKey: "")
        do {
            _ = try driver.query(statements.dryRun())
        } catch {
            throw StepFailure(reason: "the server cannot evaluate the step's expressions on \(physicalSource): \(error.message)", kind: .invalidExpression)
        }
        if case .copyRows(let copy) = step, copy.cutover != nil {
            try prepareCutover(copy, sourceKey: column.name, source: physicalSource, target: physicalTarget)
        }
    }

    /// A cut-over's reverse sync must be able to write the old table when the flag is
    /// switched on, months later perhaps: checked now, so a mapping that cannot work fails the
    /// migration (and is undone with it) instead of the switch — or a site's insert.
    private func prepareCutover(_ copy: CopyRowsStep, sourceKey: String, source: String, target: String) throws {
        let targetKey = try driver.primaryKey(of: target).map(\.name)
        guard let keyCopy = copy.targetColumn(copiedFrom: sourceKey), targetKey == [keyCopy] else {
            throw StepFailure(reason: "the cut-over \(copy.cutover ?? "") keeps \(target) in step with \(source) row by row by \(source)'s primary key \(sourceKey), so \"columns\" must copy \(sourceKey) unchanged into \(target)'s primary key (\(targetKey.joined(separator: ", ")))", kind: .invalidSource)
        }
        let mappings = copy.reverseMappings
        let values = mappings.map { "(\($0.value.text(for: driver.dialect)))" }.joined(separator: ", ")
        do {
            _ = try driver.query("SELECT \(values) FROM \(driver.quoteIdentifier(target)) WHERE 1 = 0")
        } catch {
            throw StepFailure(reason: "the server cannot evaluate the reverse expressions of cut-over \(copy.cutover ?? "") on \(target): \(error.message)", kind: .invalidExpression)
        }
        let sourceColumns = try catalog.columnNames(of: source)
        if let unknown = mappings.first(where: { !sourceColumns.contains($0.column) }) {
            throw StepFailure(reason: "the reverse sync of cut-over \(copy.cutover ?? "") would write \(source).\(unknown.column), which that table does not have", kind: .invalidSource)
        }
        let written = Set(mappings.map(\.column))
        let unmapped = try driver.columnsRequiringValue(of: source).filter { !written.contains($0) }
        if !unmapped.isEmpty {
            throw StepFailure(reason: "after the cut-over \(copy.cutover ?? ""), a row inserted into \(target) is inserted into \(source) too, but \(unmapped.joined(separator: ", ")) of \(source) \(unmapped.count == 1 ? "is" : "are") NOT NULL without a default and not written by the reverse sync: add \(unmapped.count == 1 ? "it" : "them") to \"reverse\" (an expression over the new table's row)", kind: .invalidSource)
        }
    }

    private func existingTable(_ table: String) throws -> String {
        let physical = prefix + table
        guard try catalog.tableExists(physical) else {
            throw StepFailure(reason: "table \(physical) does not exist (it must be created by an earlier migration or step)", kind: .missingTable)
        }
        return physical
    }

    func isApplied(_ condition: AppliedCondition) throws -> Bool {
        switch condition {
        case .tableExists(let table):
            return try catalog.tableExists(prefix + table)
        case .columnExists(let table, let column):
            return try catalog.columnNames(of: prefix + table).contains(column)
        case .indexExists(let table, let index):
            return try catalog.indexExists(driver.physicalIndexName(index, table: prefix + table), on: prefix + table)
        case .rowExists(let query):
            return !(try driver.runJudged(query.text(for: driver.dialect), role: .probe, prefix: prefix) { _ in }).isEmpty
        }
    }

    private func failure(from error: DatabaseError, step: MigrationStep) -> StepFailure {
        switch error.kind {
        case .lockWaitTimeout:
            let table = step.table.map { prefix + $0 } ?? "a table this step changes"
            return StepFailure(reason: "\(table) is in use by another connection (waited \(ddlLockWaitSeconds) s for its lock); retry when the site is quieter", kind: .lockWaitTimeout)
        case .connection:
            return StepFailure(reason: "the database connection was lost: \(error.message)", kind: .connection)
        case .busy, .statement, .missingTable:
            return StepFailure(reason: "the database refused it: \(error.message)", kind: .databaseError)
        }
    }
}
