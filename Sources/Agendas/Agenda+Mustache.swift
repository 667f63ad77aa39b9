import Mustache

// Without these conformances Mustache looks every name up through Mirror, and on a name it does
// not find it reflects every enclosing context too: that was most of the CPU time of a tick that
// renders many agendas. Templates may be overridden per workspace, so every stored property is
// reachable, plus the precomputed conditions the shipped templates use (Mustache has no logic).

/// What a row answers for a field it has but leaves empty. Returning nil would make Mustache look
/// the name up in the enclosing contexts, so a checklist item without an owner would show the
/// playbook's owner; this stops the lookup, renders as nothing and skips `{{#owner}}` sections.
package struct Absent: MustacheCustomRenderable {
    package var renderText: String { "" }
    package var isNull: Bool { true }

    /// `value`, or ``Absent`` when there is none.
    package static func or(_ value: Any?) -> Any { value ?? Absent() }
}

extension Agenda: MustacheParent {
    package func child(named name: String) -> Any? {
        switch name {
        case "playbookId": playbookId
        case "title": title
        case "description": description
        case "descriptionLines": descriptionLines
        case "occurrence": occurrence
        case "date": date
        case "startTime": startTime
        case "endTime": endTime
        case "timeZone": timeZone
        case "zoneAbbreviation": zoneAbbreviation
        case "duration": duration
        case "schedule": schedule
        case "owner": owner
        case "attendees": attendees
        case "sections": sections
        case "checklist": checklist
        case "actionItems": actionItems
        case "alerts": alerts
        case "generatedAt": generatedAt
        case "escalation": escalation
        case "health": health
        case "holiday": holiday
        case "hasAttendees": hasAttendees
        case "attendeeList": attendeeList
        case "hasChecklist": hasChecklist
        case "hasActionItems": hasActionItems
        case "hasAlerts": hasAlerts
        case "openChecklistCount": openChecklistCount
        case "overdueActionCount": overdueActionCount
        default: nil
        }
    }
}

extension Agenda.Section: MustacheParent {
    package func child(named name: String) -> Any? {
        switch name {
        case "number": number
        case "title": title
        case "minutes": minutes
        case "start": start
        case "end": end
        case "items": items
        case "carryOver": carryOver
        case "showsRedKPIs": showsRedKPIs
        case "scorecard": scorecard
        case "actionItems": actionItems
        case "redKPIs": redKPIs
        case "assessment": assessment
        case "roadmap": roadmap
        case "plan": plan
        case "hasItems": hasItems
        case "hasScorecard": hasScorecard
        case "hasCarriedActions": hasCarriedActions
        case "hasRedKPIs": hasRedKPIs
        default: nil
        }
    }
}

extension Agenda.ChecklistRow: MustacheParent {
    package func child(named name: String) -> Any? {
        switch name {
        case "number": number
        case "item": item
        case "owner": Absent.or(owner)
        case "due": Absent.or(due)
        case "done": done
        case "doneBy": Absent.or(doneBy)
        case "doneAt": Absent.or(doneAt)
        case "dueTime": Absent.or(dueTime)
        case "doneTime": Absent.or(doneTime)
        default: nil
        }
    }
}

extension Agenda.ActionRow: MustacheParent {
    package func child(named name: String) -> Any? {
        switch name {
        case "id": id
        case "text": text
        case "owner": Absent.or(owner)
        case "due": Absent.or(due)
        case "overdue": overdue
        default: nil
        }
    }
}

extension ScorecardRow: MustacheParent {
    package func child(named name: String) -> Any? {
        switch name {
        case "key": key
        case "title": title
        case "latest": latest
        case "target": target
        case "trend": trend
        case "status": status
        case "stage": stage
        case "isRed": isRed
        default: nil
        }
    }
}

extension AssessmentBlock: MustacheParent {
    package func child(named name: String) -> Any? {
        switch name {
        case "lastQuarter": lastQuarter
        case "rows": rows
        case "overall": overall
        case "flatWarning": flatWarning
        default: nil
        }
    }
}

extension AssessmentBlock.Row: MustacheParent {
    package func child(named name: String) -> Any? {
        switch name {
        case "dimension": dimension
        case "key": key
        case "previous": previous
        case "descriptions": descriptions
        default: nil
        }
    }
}

extension RoadmapBlock: MustacheParent {
    package func child(named name: String) -> Any? {
        switch name {
        case "heading": heading
        case "items": items
        case "advice": advice
        default: nil
        }
    }
}

extension PlanBlock: MustacheParent {
    package func child(named name: String) -> Any? {
        switch name {
        case "phases": phases
        case "hasPhases": !phases.isEmpty
        case "thisMonth": thisMonth
        case "hasThisMonth": !thisMonth.isEmpty
        case "hint": hint
        default: nil
        }
    }
}

extension PlanBlock.Phase: MustacheParent {
    package func child(named name: String) -> Any? {
        switch name {
        case "name": self.name
        case "months": months
        case "done": done
        case "total": total
        case "open": open
        default: nil
        }
    }
}

extension EscalationBlock: MustacheParent {
    package func child(named name: String) -> Any? {
        switch name {
        case "heading": heading
        case "from": from
        case "kpis": kpis
        case "none": none
        case "hasKPIs": hasKPIs
        default: nil
        }
    }
}

extension EscalatedKPIRow: MustacheParent {
    package func child(named name: String) -> Any? {
        switch name {
        case "key": key
        case "title": title
        case "streak": streak
        case "count": count
        case "values": values
        case "valuesText": valuesText
        case "target": target
        default: nil
        }
    }
}

extension HealthBlock: MustacheParent {
    package func child(named name: String) -> Any? {
        switch name {
        case "period": period
        case "rows": rows
        case "legend": legend
        default: nil
        }
    }
}

extension HealthBlock.Row: MustacheParent {
    package func child(named name: String) -> Any? {
        switch name {
        case "title": title
        case "occurrences": occurrences
        case "cells": cells
        default: nil
        }
    }
}

extension HealthBlock.Cell: MustacheParent {
    package func child(named name: String) -> Any? {
        switch name {
        case "text": text
        case "isRed": isRed
        default: nil
        }
    }
}
