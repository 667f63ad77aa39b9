/// A public holiday: its date and its English name.
package struct Holiday: Hashable, Sendable, Comparable {
    package var date: CivilDate
    package var name: String

    package init(date: CivilDate, name: String) {
        self.date = date
        self.name = name
    }

    package static func < (lhs: Holiday, rhs: Holiday) -> Bool { (lhs.date, lhs.name) < (rhs.date, rhs.name) }
}
