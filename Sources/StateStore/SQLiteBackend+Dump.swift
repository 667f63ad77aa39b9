import Foundation
import GRDB

extension SQLiteBackend {
    package func dump() throws(StateError) -> StateDump {
        try read { db in
            var dump = StateDump()
            for table in StateDump.tables {
                // A file of an older schema, opened read-only, is not migrated: a table it does
                // not have yet has no rows, a column it does not have yet is NULL.
                let present = Set(try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?)", arguments: [table.name]))
                guard !present.isEmpty else {
                    dump.rows[table.name] = []
                    continue
                }
                let columns = table.columns.map { present.contains($0) ? $0 : "NULL" }
                let sql = "SELECT \(columns.joined(separator: ", ")) FROM \(table.name) ORDER BY rowid"
                dump.rows[table.name] = try Row.fetchAll(db, sql: sql).map { row in
                    (0..<table.columns.count).map { StateValue(row[$0] as DatabaseValue) }
                }
            }
            return dump
        }
    }

    package func load(_ dump: StateDump) throws(StateError) {
        let path = self.path
        try write { db in
            for table in StateDump.tables {
                if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM \(table.name))") == true {
                    throw StateError(.notEmpty, path: path, detail: "table \(table.name) already has rows; copy only into an empty state")
                }
            }
            for table in StateDump.tables {
                let placeholders = Array(repeating: "?", count: table.columns.count).joined(separator: ", ")
                let statement = try db.makeStatement(
                    sql: "INSERT INTO \(table.name) (\(table.columns.joined(separator: ", "))) VALUES (\(placeholders))")
                for row in dump.rows[table.name] ?? [] {
                    try statement.execute(arguments: StatementArguments(row.map(\.databaseValue)))
                }
            }
        }
    }
}

extension StateValue {
    init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case .int64(let v): self = .integer(v)
        case .double(let v): self = .real(v)
        case .string(let v): self = .text(v)
        case .blob(let v): self = .blob([UInt8](v))
        }
    }

    var databaseValue: DatabaseValue {
        switch self {
        case .null: .null
        case .integer(let v): v.databaseValue
        case .real(let v): v.databaseValue
        case .text(let v): v.databaseValue
        case .blob(let v): Data(v).databaseValue
        }
    }
}
