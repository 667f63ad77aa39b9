import Foundation
import Playbooks
import PostgresNIO
import StateStore

// State copies: every table's rows out, or into an empty state, all or nothing.
extension PostgresBackend {
    /// Every row of every table, read in one snapshot, ordered by each table's key (ids, or the
    /// primary key's columns).
    package func dump() throws(StateError) -> StateDump {
        let tables = try read { transaction in
            try StateDump.tables.map { table in
                // A schema of an older version, opened read-only, is not upgraded: a table it
                // does not have yet has no rows, a column it does not have yet is NULL.
                let present = Set(
                    try transaction.rows(
                        "SELECT column_name::text FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = \(table.name)"
                    ).map { try $0.string(0) })
                guard !present.isEmpty else { return (table, [PostgresRandomAccessRow]()) }
                let columns = table.columns.map { present.contains($0) ? $0 : "NULL" }.joined(separator: ", ")
                let order = Self.orderKey[table.name] ?? table.columns[0]
                return (table, try transaction.rows(PostgresQuery(unsafeSQL: "SELECT \(columns) FROM \(table.name) ORDER BY \(order)")))
            }
        }
        var dump = StateDump()
        for (table, rows) in tables {
            dump.rows[table.name] = try decode(rows) { row in try (0..<table.columns.count).map { try row.stateValue($0) } }
        }
        return dump
    }

    /// Each table's primary key, as an ORDER BY (text compared bytewise, as SQLite does).
    private static let orderKey: [String: String] = [
        "playbook_state": "playbook_id COLLATE \"C\"",
        "occurrence": "id", "delivery": "id", "delivery_payload": "delivery_id", "action_item": "id", "chat_reply": "id", "plan": "id",
        "checklist_mark": "playbook_id COLLATE \"C\", scheduled_at, item_index",
        "kpi_value": "kpi COLLATE \"C\", measured_on COLLATE \"C\"",
        "assessment": "quarter COLLATE \"C\"",
        "web_invite": "token_digest COLLATE \"C\"", "web_session": "token_digest COLLATE \"C\"",
        "meeting_note": "playbook_id COLLATE \"C\", scheduled_at",
        "meeting_rating": "playbook_id COLLATE \"C\", scheduled_at, person COLLATE \"C\"",
        "acknowledgement": "playbook_id COLLATE \"C\", scheduled_at",
        "instance": "name COLLATE \"C\"",
    ]

    /// Loads `dump` into this state, which must hold no rows yet, in one transaction; then
    /// moves each identity sequence past the largest id loaded, so new rows do not collide.
    package func load(_ dump: StateDump) throws(StateError) {
        let location = self.location
        try write { transaction in
            for table in StateDump.tables {
                // The table names come from the fixed list in StateDump, not from input.
                if try transaction.rows(PostgresQuery(unsafeSQL: "SELECT EXISTS (SELECT 1 FROM \(table.name))")).first?.bool(0) == true {
                    throw StateError(.notEmpty, path: location.description, detail: "table \(table.name) already has rows; copy only into an empty state")
                }
            }
            for table in StateDump.tables {
                let placeholders = (1...table.columns.count).map { "$\($0)" }.joined(separator: ", ")
                let sql = "INSERT INTO \(table.name) (\(table.columns.joined(separator: ", "))) VALUES (\(placeholders))"
                for row in dump.rows[table.name] ?? [] {
                    guard row.count == table.columns.count else {
                        throw StateError(.other, path: location.description, detail: "a row of \(table.name) has \(row.count) values for \(table.columns.count) columns")
                    }
                    var bindings = PostgresBindings(capacity: row.count)
                    for value in row {
                        switch value {
                        case .null: bindings.appendNull()
                        case .integer(let v): bindings.append(v)
                        case .real(let v): bindings.append(v)
                        case .text(let v): bindings.append(v)
                        case .blob(let v): try bindings.append(Data(v))
                        }
                    }
                    try transaction.run(PostgresQuery(unsafeSQL: sql, binds: bindings))
                }
            }
            for table in PostgresSchema.identityTables {
                try transaction.run(
                    PostgresQuery(
                        unsafeSQL: """
                            SELECT setval(pg_get_serial_sequence('\(table)', 'id'), COALESCE((SELECT MAX(id) FROM \(table)), 1),
                                (SELECT MAX(id) FROM \(table)) IS NOT NULL)
                            """))
            }
        }
    }
}
