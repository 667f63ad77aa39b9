import Agendas
import Mustache

// Without these conformances Mustache looks every name up through Mirror, and on a name it does
// not find it reflects every enclosing context too: that was about three quarters of the CPU time
// of a meeting page with 50 action items (docs/PERFORMANCE.md). Every stored property is
// reachable, as through Mirror. A property that is nil answers nil, as Mirror's lookup did, so
// Mustache goes on looking in the enclosing contexts, except for a row's own optional fields:
// those answer `Absent`, so an item without an owner shows none rather than the meeting's owner.

extension Chrome: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "title": title
        case "person": person
        case "isAdmin": isAdmin
        case "csrf": csrf
        case "banner": banner
        case "nav": nav
        case "refresh": refresh
        default: nil
        }
    }
}

extension Chrome.Link: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "href": href
        case "label": label
        case "current": current
        default: nil
        }
    }
}

extension TodayView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "chrome": chrome
        case "today": today
        case "meetings": meetings
        case "hasMeetings": hasMeetings
        case "redKPIs": redKPIs
        case "hasRedKPIs": hasRedKPIs
        case "overdue": overdue
        case "hasOverdue": hasOverdue
        case "deadDeliveries": deadDeliveries
        case "hasDeadDeliveries": hasDeadDeliveries
        case "failing": failing
        case "hasFailing": hasFailing
        case "unacknowledged": unacknowledged
        case "hasUnacknowledged": hasUnacknowledged
        default: nil
        }
    }
}

extension TodayView.Meeting: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "playbook": playbook
        case "title": title
        case "occurrence": occurrence
        case "when": when
        case "href": href
        case "isToday": isToday
        case "isOver": isOver
        case "checklist": checklist
        default: nil
        }
    }
}

extension TodayView.RedKPI: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "key": key
        case "title": title
        case "latest": latest
        case "target": target
        default: nil
        }
    }
}

extension TodayView.Action: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "id": id
        case "text": text
        case "owner": Absent.or(owner)
        case "due": Absent.or(due)
        case "playbook": Absent.or(playbook)
        default: nil
        }
    }
}

extension TodayView.Failing: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "playbook": playbook
        case "error": error
        default: nil
        }
    }
}

extension MeetingView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "chrome": chrome
        case "playbook": playbook
        case "title": title
        case "occurrence": occurrence
        case "when": when
        case "duration": duration
        case "owner": owner
        case "attendees": attendees
        case "descriptionLines": descriptionLines
        case "sections": sections
        case "checklist": checklist
        case "hasChecklist": hasChecklist
        case "checklistDone": checklistDone
        case "checklistTotal": checklistTotal
        case "actions": actions
        case "hasActions": hasActions
        case "notes": notes
        case "notesHTML": notesHTML
        case "notesBy": notesBy
        case "notesAt": notesAt
        case "path": path
        case "previous": previous
        case "next": next
        case "agendaFile": agendaFile
        case "rating": rating
        case "acknowledgement": acknowledgement
        case "escalation": Absent.or(escalation)
        case "health": Absent.or(health)
        case "notesTime": Absent.or(notesTime)
        case "carriesActions": carriesActions
        default: nil
        }
    }
}

extension MeetingView.Rating: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "isOpen": isOpen
        case "average": Absent.or(average)
        case "count": count
        case "entries": entries
        case "options": options
        case "mine": Absent.or(mine)
        default: nil
        }
    }
}

extension MeetingView.Rating.Entry: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "person": person
        case "rating": rating
        default: nil
        }
    }
}

extension MeetingView.Rating.Option: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "value": value
        case "selected": selected
        default: nil
        }
    }
}

extension MeetingView.Acknowledgement: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "isAcknowledged": isAcknowledged
        case "by": Absent.or(by)
        case "via": Absent.or(via)
        case "at": Absent.or(at)
        case "due": Absent.or(due)
        case "isOverdue": isOverdue
        case "canAcknowledge": canAcknowledge
        case "atTime": Absent.or(atTime)
        case "dueTime": Absent.or(dueTime)
        default: nil
        }
    }
}

extension MeetingView.Section: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "number": number
        case "title": title
        case "minutes": minutes
        case "start": start
        case "end": end
        case "items": items
        case "hasItems": hasItems
        case "scorecard": scorecard
        case "hasScorecard": hasScorecard
        case "redKPIs": redKPIs
        case "hasRedKPIs": hasRedKPIs
        default: nil
        }
    }
}

extension MeetingView.Section.KPI: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "title": title
        case "latest": latest
        case "target": target
        case "trend": trend
        case "status": status
        case "tone": tone
        case "isRed": isRed
        default: nil
        }
    }
}

extension MeetingView.ChecklistItem: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "number": number
        case "item": item
        case "owner": Absent.or(owner)
        case "due": Absent.or(due)
        case "done": done
        case "doneBy": Absent.or(doneBy)
        case "doneAt": Absent.or(doneAt)
        case "action": action
        case "nextValue": nextValue
        case "button": button
        case "dueTime": Absent.or(dueTime)
        case "doneTime": Absent.or(doneTime)
        default: nil
        }
    }
}

extension MeetingView.Action: MustacheParent {
    func child(named name: String) -> Any? {
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

extension ActionsView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "chrome": chrome
        case "items": items
        case "hasItems": hasItems
        case "owners": owners
        case "playbooks": playbooks
        case "statuses": statuses
        case "addPlaybooks": addPlaybooks
        case "returnTo": returnTo
        case "filtered": filtered
        default: nil
        }
    }
}

extension ActionsView.Item: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "id": id
        case "text": text
        case "owner": Absent.or(owner)
        case "due": Absent.or(due)
        case "playbook": Absent.or(playbook)
        case "overdue": overdue
        case "done": done
        case "doneBy": Absent.or(doneBy)
        case "createdBy": Absent.or(createdBy)
        case "meetingHref": Absent.or(meetingHref)
        default: nil
        }
    }
}

extension ActionsView.Option: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "value": value
        case "label": label
        case "selected": selected
        default: nil
        }
    }
}

extension KPIsView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "chrome": chrome
        case "weeks": weeks
        case "rows": rows
        case "recent": recent
        case "hasRecent": hasRecent
        case "kpis": kpis
        case "today": today
        default: nil
        }
    }
}

extension KPIsView.Cell: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "text": text
        case "status": status
        default: nil
        }
    }
}

extension KPIsView.Row: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "key": key
        case "title": title
        case "unit": unit
        case "target": target
        case "cells": cells
        case "latest": latest
        case "status": status
        case "tone": tone
        default: nil
        }
    }
}

extension KPIsView.Value: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "kpi": kpi
        case "title": title
        case "date": date
        case "value": value
        case "status": status
        case "recordedBy": Absent.or(recordedBy)
        case "deleteAction": deleteAction
        default: nil
        }
    }
}

extension KPIsView.Option: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "value": value
        case "label": label
        default: nil
        }
    }
}

extension OutboxView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "chrome": chrome
        case "rows": rows
        case "hasRows": hasRows
        default: nil
        }
    }
}

extension OutboxView.Row: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "id": id
        case "playbook": playbook
        case "target": target
        case "state": state
        case "attempts": attempts
        case "reminderAt": reminderAt
        case "lastError": Absent.or(lastError)
        case "canRetry": canRetry
        case "canDrop": canDrop
        default: nil
        }
    }
}

extension MessageView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "chrome": chrome
        case "heading": heading
        case "message": message
        case "signInAction": signInAction
        case "person": person
        case "actionForm": actionForm
        case "actionLabel": actionLabel
        default: nil
        }
    }
}
