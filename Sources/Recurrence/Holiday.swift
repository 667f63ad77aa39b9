/// A public holiday: its date and its English name.
public struct Holiday: Hashable, Sendable, Comparable {
    public var date: CivilDate
    public var name: String

    public init(date: CivilDate, name: String) {
        self.date = date
        self.name = name
    }

    public static func < (lhs: Holiday, rhs: Holiday) -> Bool { (lhs.date, lhs.name) < (rhs.date, rhs.name) }
}
