/// A workspace's whole state as rows, for `opscadence state copy`: what one backend exports and
/// another loads, table by table, ids included (a delivery keeps its id, and so its webhook-id
/// and its payload).
package struct StateDump: Sendable, Equatable {
    /// One table's rows, each with the values of ``StateDump/tables``' columns in order.
    package var rows: [String: [[StateValue]]]

    package init(rows: [String: [[StateValue]]] = [:]) {
        self.rows = rows
    }

    /// Row counts per table, to check a copy against its source.
    package var counts: [String: Int] { rows.mapValues(\.count) }

    /// Every table of the schema with its columns, parents before children (loading in this
    /// order satisfies the foreign keys). Both backends hold exactly these.
    package static let tables: [(name: String, columns: [String])] = [
        ("playbook_state", ["playbook_id", "watermark", "updated_at", "plan_key", "last_error", "last_error_at"]),
        ("occurrence", ["id", "playbook_id", "scheduled_at", "utc_offset", "nominal_local", "status", "recorded_at", "agenda_path"]),
        (
            "delivery",
            [
                "id", "occurrence_id", "playbook_id", "target", "before_seconds", "reminder_at", "idempotency_key", "state", "attempts",
                "next_attempt_at", "expires_at", "lease_owner", "lease_expires_at", "first_attempt_at", "last_attempt_at", "last_status",
                "last_error", "delivered_at", "created_at", "checklist_item",
            ]
        ),
        ("delivery_payload", ["delivery_id", "kind", "query", "body"]),
        ("checklist_mark", ["playbook_id", "scheduled_at", "item_index", "item", "done_at", "done_by"]),
        (
            "action_item",
            ["id", "playbook_id", "text", "owner", "due_date", "created_at", "done_at", "plan_item", "plan_phase", "created_by", "done_by"]
        ),
        ("kpi_value", ["kpi", "measured_on", "value", "recorded_at", "recorded_by"]),
        ("assessment", ["quarter", "inventory", "fulfillment", "planning", "reporting", "governance", "notes", "recorded_at"]),
        ("plan", ["id", "start_month", "assessment_quarter", "created_at"]),
        ("web_invite", ["token_digest", "person", "created_at", "expires_at", "used_at"]),
        ("web_session", ["token_digest", "person", "csrf_token", "created_at", "expires_at"]),
        ("meeting_note", ["playbook_id", "scheduled_at", "text", "updated_by", "updated_at"]),
        ("meeting_rating", ["playbook_id", "scheduled_at", "person", "rating", "rated_at"]),
        ("acknowledgement", ["playbook_id", "scheduled_at", "acknowledged_by", "via", "acknowledged_at"]),
        (
            "chat_reply",
            [
                "id", "idempotency_key", "target", "url", "body", "state", "attempts", "next_attempt_at", "expires_at", "lease_owner",
                "lease_expires_at", "last_status", "last_error", "created_at", "finished_at",
            ]
        ),
        ("instance", ["name", "host", "pid", "version", "started_at", "last_tick_at", "last_tick_duration_ms"]),
    ]
}

/// One stored value, as both backends hold it.
package enum StateValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}
