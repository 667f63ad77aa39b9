import Mustache

// Mustache reads stored properties through Mirror; the precomputed conditions the templates use
// are computed properties, so these types answer for them first.

extension Agenda: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "hasAttendees": return hasAttendees
        case "attendeeList": return attendeeList
        case "hasChecklist": return hasChecklist
        case "hasActionItems": return hasActionItems
        case "hasAlerts": return hasAlerts
        case "openChecklistCount": return openChecklistCount
        case "overdueActionCount": return overdueActionCount
        default: return storedProperty(of: self, named: name)
        }
    }
}

extension Agenda.Section: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "hasItems": return hasItems
        case "hasScorecard": return hasScorecard
        case "hasCarriedActions": return hasCarriedActions
        case "hasRedKPIs": return hasRedKPIs
        default: return storedProperty(of: self, named: name)
        }
    }
}

/// A stored property by name, with optionals unwrapped (nil when absent or nil).
func storedProperty(of object: Any, named name: String) -> Any? {
    guard let value = Mirror(reflecting: object).children.first(where: { $0.label == name })?.value else { return nil }
    let mirror = Mirror(reflecting: value)
    guard mirror.displayStyle == .optional else { return value }
    return mirror.children.first?.value
}
