/// Weekends plus a list of holiday dates: what the holiday policies measure "business day" against.
package struct BusinessCalendar: Hashable, Sendable {
    /// Non-business days of the week (Saturday and Sunday unless configured otherwise).
    package var weekend: Set<Weekday> {
        didSet {
            weekendMask = Self.mask(weekend)
            longestNonBusinessRun = computeLongestRun()
        }
    }
    /// Holiday dates, stored as day numbers for cheap lookups.
    package private(set) var holidayDays: Set<Int>
    /// Holiday names by day number (two holidays on one day: joined with "; "); days given
    /// without a name have none.
    package private(set) var holidayNames: [Int: String] = [:]
    /// `weekend` as bits by weekday number: checked for every occurrence of a business-day rule.
    private var weekendMask: UInt8

    package init(holidays: [CivilDate] = [], weekend: Set<Weekday> = [.saturday, .sunday]) {
        self.weekend = weekend
        self.weekendMask = Self.mask(weekend)
        self.holidayDays = Set(holidays.map(\.dayNumber))
        self.longestNonBusinessRun = 0
        self.longestNonBusinessRun = computeLongestRun()
    }

    /// A calendar of named holidays (from ``HolidayRules``, a calendar file, or both).
    package init(namedHolidays holidays: [Holiday], weekend: Set<Weekday> = [.saturday, .sunday]) {
        self.init(holidays: holidays.map(\.date), weekend: weekend)
        for holiday in holidays.sorted() where !holiday.name.isEmpty {
            let day = holiday.date.dayNumber
            if let name = holidayNames[day] {
                if !name.split(separator: ";").contains(where: { $0.trimmingPrefix(" ") == holiday.name }) {
                    holidayNames[day] = name + "; " + holiday.name
                }
            } else {
                holidayNames[day] = holiday.name
            }
        }
    }

    /// The holiday's name on `date`, if it is a named holiday.
    package func holidayName(on date: CivilDate) -> String? { holidayNames[date.dayNumber] }

    /// Why `date` is not a business day, for people: the holiday's name, "Saturday", or nil on a
    /// business day ("holiday" for an unnamed holiday date).
    package func reason(for date: CivilDate) -> String? {
        if let name = holidayNames[date.dayNumber] { return name }
        if holidayDays.contains(date.dayNumber) { return "holiday" }
        return weekend.contains(date.weekday) ? date.weekday.name : nil
    }

    private static func mask(_ days: Set<Weekday>) -> UInt8 {
        days.reduce(0) { $0 | UInt8(1) << UInt8($1.rawValue) }
    }

    /// The holiday dates, sorted.
    package var holidays: [CivilDate] { holidayDays.sorted().map { CivilDate(dayNumber: $0) } }

    package func isBusinessDay(_ date: CivilDate) -> Bool {
        let day = date.dayNumber
        return weekendMask & (UInt8(1) << UInt8(Weekday(dayNumber: day).rawValue)) == 0 && (holidayDays.isEmpty || !holidayDays.contains(day))
    }

    /// The longest run of consecutive non-business days; bounds how far a holiday shift can move
    /// an occurrence, which is what lets shifted occurrences stream in order. Computed once:
    /// every holiday-adjusted stream asks, and a country's rules give a century of holidays.
    package private(set) var longestNonBusinessRun: Int

    private func computeLongestRun() -> Int {
        guard weekend.count < 7 else { return Int.max }
        var longest = 0
        var run = 0
        // Weekends repeat weekly; holidays add to them. Walk a window around every holiday.
        var days = Set(holidayDays)
        if days.isEmpty { days.insert(CivilDate(year: 2024, month: 1, day: 1).dayNumber) }
        for day in days.sorted() {
            var start = day
            while !isBusinessDay(CivilDate(dayNumber: start - 1)), day - start < 400 { start -= 1 }
            run = 0
            var d = start
            while !isBusinessDay(CivilDate(dayNumber: d)), run < 400 {
                run += 1
                d += 1
            }
            longest = max(longest, run)
        }
        return max(longest, weekend.count)
    }

    /// `date` itself when it is a business day, else the next one.
    package func businessDay(onOrAfter date: CivilDate) -> CivilDate {
        var d = date
        var guardDays = 0
        while !isBusinessDay(d), guardDays < 3660 {
            d = d.adding(days: 1)
            guardDays += 1
        }
        return d
    }

    /// `date` itself when it is a business day, else the previous one.
    package func businessDay(onOrBefore date: CivilDate) -> CivilDate {
        var d = date
        var guardDays = 0
        while !isBusinessDay(d), guardDays < 3660 {
            d = d.adding(days: -1)
            guardDays += 1
        }
        return d
    }
}

/// What happens to an occurrence that falls on a weekend or holiday.
package enum HolidayPolicy: String, CaseIterable, Hashable, Sendable, Codable {
    /// Fire as scheduled.
    case ignore
    /// Drop the occurrence.
    case skip
    /// Move it to the next business day at the same wall-clock time.
    case nextBusinessDay = "next_business_day"
    /// Move it to the previous business day at the same wall-clock time.
    case previousBusinessDay = "previous_business_day"
}
