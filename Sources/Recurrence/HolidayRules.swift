/// Public holidays computed from rules kept as data (`Resources/holidays.txt`, format described
/// at its top): fixed dates, nth weekdays, Easter offsets, "weekday on or after", equinoxes,
/// tables of dates for lunar calendars, and substitute ("observed") days per country.
///
/// Pure: the text is parsed once; computing a year reads nothing.
package struct HolidayRules: Sendable {
    /// A country and its regions, as the data file names them.
    package struct Country: Sendable {
        package let code: String
        package let name: String
        /// Region codes (e.g. `BY`) and names, in file order.
        package let regions: [(code: String, name: String)]
        fileprivate let rules: [Rule]
        fileprivate let regionRules: [String: [Rule]]
        fileprivate let observedName: String?
        fileprivate let bridgeName: String?
    }

    /// A malformed line of the data file.
    package struct FormatError: Error, CustomStringConvertible {
        package let line: Int
        package let message: String
        package var description: String { "holidays data line \(line): \(message)" }
    }

    /// Countries by code, in file order.
    package let countries: [Country]

    package func country(_ code: String) -> Country? { countries.first { $0.code == code.uppercased() } }

    /// Holidays of `country` (and `region`, when given) dated within `years`, sorted; a day that is
    /// two holidays appears twice. Nil when the country or region is unknown.
    package func holidays(country code: String, region: String? = nil, years: ClosedRange<Int>) -> [Holiday]? {
        guard let country = country(code) else { return nil }
        var rules = country.rules
        if let region {
            guard let extra = country.regionRules[region.uppercased()] else { return nil }
            // A region's rules replace the national rules of the same name; `remove` drops them.
            let names = Set(extra.map(\.name))
            rules.removeAll { names.contains($0.name) }
            rules += extra.filter { !$0.isRemoval }
        }
        var all: [Holiday] = []
        for year in (years.lowerBound - 1)...(years.upperBound + 1) {
            all += Self.compute(year: year, rules: rules, country: country)
        }
        return all.filter { years.contains($0.date.year) }.sorted()
    }

    private static func compute(year: Int, rules: [Rule], country: Country) -> [Holiday] {
        var base: [(date: CivilDate, rule: Rule)] = []
        for rule in rules where rule.applies(in: year) {
            for var date in rule.dates(in: year) {
                if let only = rule.only, !only.contains(date.weekday) { continue }
                if let (month, day, weekday) = rule.unless,
                    CivilDate(year: date.year, month: month, day: day).weekday == weekday
                { continue }
                if let shift = rule.shift?.offsets[date.weekday] { date = date.adding(days: shift) }
                base.append((date, rule))
            }
        }
        base.sort { $0.date < $1.date }
        var taken = Set(base.map(\.date.dayNumber))
        var result = base.map { Holiday(date: $0.date, name: $0.rule.name) }
        for (date, rule) in base {
            guard let policy = rule.observed else { continue }
            let name = country.observedName ?? "\(rule.name) (observed)"
            switch policy {
            case .offsets(let offsets):
                if let offset = offsets[date.weekday] {
                    let moved = date.adding(days: offset)
                    taken.insert(moved.dayNumber)
                    result.append(Holiday(date: moved, name: name))
                }
            case .nextFreeWeekday, .nextFreeDay:
                let weekendOnly = policy == .nextFreeWeekday
                guard weekendOnly ? date.weekday.isWeekend : date.weekday == .sunday else { continue }
                var day = date.dayNumber + 1
                while taken.contains(day) || (weekendOnly && CivilDate(dayNumber: day).weekday.isWeekend) { day += 1 }
                taken.insert(day)
                result.append(Holiday(date: CivilDate(dayNumber: day), name: name))
            }
        }
        if let bridge = country.bridgeName {
            // A day between two holidays (not a Sunday) is a holiday too (Japan's "citizens' holiday").
            for day in taken.sorted() where taken.contains(day + 2) && !taken.contains(day + 1) {
                let date = CivilDate(dayNumber: day + 1)
                if date.weekday != .sunday { result.append(Holiday(date: date, name: bridge)) }
            }
        }
        return result
    }
}

// MARK: - Rules

extension HolidayRules {
    fileprivate enum Observed: Equatable, Sendable {
        /// Fixed moves by weekday (`sat-1,sun+1`), holidays or not.
        case offsets([Weekday: Int])
        /// On a Saturday or Sunday: the next weekday that is not already a holiday (`next`).
        case nextFreeWeekday
        /// On a Sunday: the next day that is not already a holiday (`sun-next`).
        case nextFreeDay
    }

    fileprivate struct Shift: Equatable, Sendable { var offsets: [Weekday: Int] }

    fileprivate enum DateSpec: Sendable {
        case fixed(month: Int, day: Int)
        case nth(month: Int, weekday: Weekday, n: Int)
        case onOrAfter(weekday: Weekday, month: Int, day: Int)
        case onOrBefore(weekday: Weekday, month: Int, day: Int)
        case easter(offset: Int)
        case marchEquinox, septemberEquinox
        case table([CivilDate])
    }

    fileprivate struct Rule: Sendable {
        var spec: DateSpec
        var name: String
        var since = Int.min
        var until = Int.max
        var every = 1
        var skip: Set<Int> = []
        var observed: Observed?
        var shift: Shift?
        var only: Set<Weekday>?
        var unless: (Int, Int, Weekday)?
        var isRemoval = false

        func applies(in year: Int) -> Bool {
            if case .table = spec { return true }
            return year >= since && year <= until && year % every == 0 && !skip.contains(year)
        }

        func dates(in year: Int) -> [CivilDate] {
            switch spec {
            case .fixed(let month, let day):
                return CivilDate(validatingYear: year, month: month, day: day).map { [$0] } ?? []
            case .nth(let month, let weekday, let n):
                if n > 0 {
                    let first = CivilDate(year: year, month: month, day: 1)
                    let delta = (weekday.rawValue - first.weekday.rawValue + 7) % 7
                    return [first.adding(days: delta + 7 * (n - 1))]
                }
                let last = CivilDate(year: year, month: month, day: CivilDate.daysInMonth(year: year, month: month))
                let delta = (last.weekday.rawValue - weekday.rawValue + 7) % 7
                return [last.adding(days: -delta - 7 * (-n - 1))]
            case .onOrAfter(let weekday, let month, let day):
                let start = CivilDate(year: year, month: month, day: day)
                return [start.adding(days: (weekday.rawValue - start.weekday.rawValue + 7) % 7)]
            case .onOrBefore(let weekday, let month, let day):
                let start = CivilDate(year: year, month: month, day: day)
                return [start.adding(days: -((start.weekday.rawValue - weekday.rawValue + 7) % 7))]
            case .easter(let offset):
                return [HolidayRules.easter(year).adding(days: offset)]
            case .marchEquinox:
                return [CivilDate(year: year, month: 3, day: HolidayRules.equinoxDay(year, base: 20.8431))]
            case .septemberEquinox:
                return [CivilDate(year: year, month: 9, day: HolidayRules.equinoxDay(year, base: 23.2488))]
            case .table(let dates):
                return dates.filter { $0.year == year }
            }
        }
    }

    /// Western Easter Sunday (the anonymous Gregorian algorithm).
    package static func easter(_ year: Int) -> CivilDate {
        let a = year % 19, b = year / 100, c = year % 100
        let d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4, k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        return CivilDate(year: year, month: month, day: day)
    }

    /// Day of the equinox in Japan's calendar (the formula Japan's almanac uses, 1980–2099).
    static func equinoxDay(_ year: Int, base: Double) -> Int {
        let y = Double(year - 1980)
        return Int(base + 0.242194 * y) - (year - 1980) / 4
    }
}

// MARK: - Parsing

extension HolidayRules {
    /// Parses the data file's text.
    package init(text: String) throws {
        var countries: [Country] = []
        var current: (code: String, name: String, options: [String: String], rules: [Rule],
                      regions: [(code: String, name: String)], regionRules: [String: [Rule]])?
        var region: String?
        func finish() {
            guard let c = current else { return }
            countries.append(Country(
                code: c.code, name: c.name, regions: c.regions, rules: c.rules, regionRules: c.regionRules,
                observedName: c.options["observed-name"], bridgeName: c.options["bridge"]))
        }
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: " \t")
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: "|").map { $0.trimmingCharacters(in: " \t") }
            let fail = { (message: String) in FormatError(line: index + 1, message: message) }
            guard fields.count >= 2 else { throw fail("expected 'date | name | options'") }
            let options = try Self.options(fields.count > 2 ? fields[2] : "", fail: fail)
            if fields[0].hasPrefix("country ") {
                finish()
                current = (String(fields[0].dropFirst(8)), fields[1], options, [], [], [:])
                region = nil
                continue
            }
            guard current != nil else { throw fail("a rule before the first 'country' line") }
            if fields[0].hasPrefix("region ") {
                let code = String(fields[0].dropFirst(7))
                current!.regions.append((code, fields[1]))
                current!.regionRules[code] = []
                region = code
                continue
            }
            var rule: Rule
            if fields[0] == "remove" {
                rule = Rule(spec: .table([]), name: fields[1])
                rule.isRemoval = true
            } else {
                guard let spec = Self.spec(fields[0]) else { throw fail("unknown date '\(fields[0])'") }
                rule = Rule(spec: spec, name: fields[1])
            }
            try Self.apply(options, to: &rule, countryOptions: current!.options, fail: fail)
            if let region { current!.regionRules[region]!.append(rule) } else { current!.rules.append(rule) }
        }
        finish()
        self.countries = countries
    }

    private static func options(_ text: String, fail: (String) -> FormatError) throws -> [String: String] {
        var result: [String: String] = [:]
        for item in text.split(separator: " ") {
            let parts = item.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { throw fail("expected key=value, got '\(item)'") }
            result[String(parts[0])] = String(parts[1]).replacingOccurrences("_", " ")
        }
        return result
    }

    private static func apply(
        _ options: [String: String], to rule: inout Rule, countryOptions: [String: String], fail: (String) -> FormatError
    ) throws {
        let options = countryOptions.filter { $0.key != "observed-name" && $0.key != "bridge" }
            .merging(options) { _, rule in rule }
        if let text = options["observed"], text != "none" {
            switch text {
            case "next": rule.observed = .nextFreeWeekday
            case "sun-next": rule.observed = .nextFreeDay
            default:
                guard let offsets = weekdayOffsets(text) else { throw fail("bad observed '\(text)'") }
                rule.observed = .offsets(offsets)
            }
        }
        for (key, value) in options {
            switch key {
            case "observed": break
            case "since", "until", "every":
                guard let n = Int(value) else { throw fail("\(key) needs a year") }
                if key == "since" { rule.since = n } else if key == "until" { rule.until = n } else { rule.every = n }
            case "skip":
                rule.skip = Set(value.split(separator: ",").compactMap { Int($0) })
            case "shift":
                guard let offsets = weekdayOffsets(value) else { throw fail("bad shift '\(value)'") }
                rule.shift = Shift(offsets: offsets)
            case "only":
                rule.only = Set(value.split(separator: ",").compactMap { weekday($0) })
            case "unless":
                let parts = value.split(separator: ":")
                guard parts.count == 2, let date = monthDay(parts[0]), let wd = weekday(parts[1]) else {
                    throw fail("unless needs MM-DD:weekday")
                }
                rule.unless = (date.0, date.1, wd)
            default: throw fail("unknown option '\(key)'")
            }
        }
    }

    private static let weekdayCodes = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    private static func weekday(some text: Substring) -> Weekday? {
        weekdayCodes.firstIndex(of: String(text)).flatMap { Weekday(rawValue: $0) }
    }

    private static func weekday(_ text: Substring) -> Weekday? { weekday(some: text) }

    private static func monthDay(_ text: Substring) -> (Int, Int)? {
        let parts = text.split(separator: "-")
        guard parts.count == 2, let m = Int(parts[0]), let d = Int(parts[1]), (1...12).contains(m), (1...31).contains(d) else {
            return nil
        }
        return (m, d)
    }

    /// `sat-1,sun+1`.
    private static func weekdayOffsets(_ text: String) -> [Weekday: Int]? {
        var result: [Weekday: Int] = [:]
        for item in text.split(separator: ",") {
            guard item.count > 4, let wd = weekday(item.prefix(3)), let n = Int(item.dropFirst(3)) else { return nil }
            result[wd] = n
        }
        return result
    }

    private static func spec(_ text: String) -> DateSpec? {
        if text.hasPrefix("easter") {
            let rest = text.dropFirst(6)
            if rest.isEmpty { return .easter(offset: 0) }
            return Int(rest.hasPrefix("+") ? rest.dropFirst() : rest).map { .easter(offset: $0) }
        }
        if text == "equinox-march" { return .marchEquinox }
        if text == "equinox-september" { return .septemberEquinox }
        // The file is ASCII: lengths in UTF-8 bytes are O(1), where Character counts walk the
        // long date-table lines grapheme by grapheme at every start.
        if text.utf8.count == 10, let wd = weekday(Substring(text.prefix(3))), let date = monthDay(text.suffix(5)) {
            let op = text.dropFirst(3).prefix(2)
            if op == ">=" { return .onOrAfter(weekday: wd, month: date.0, day: date.1) }
            if op == "<=" { return .onOrBefore(weekday: wd, month: date.0, day: date.1) }
            return nil
        }
        let words = text.split(separator: " ")
        if words.allSatisfy({ $0.utf8.count == 10 }) {
            let dates = words.compactMap { CivilDate(iso: $0) }
            return dates.count == words.count ? .table(dates) : nil
        }
        if words.count == 2, let month = Int(words[0]), (1...12).contains(month) {
            // `05 mon#-1`: the last Monday of May.
            let parts = words[1].split(separator: "#")
            guard parts.count == 2, let wd = weekday(parts[0]), let n = Int(parts[1]), n != 0, abs(n) <= 5 else { return nil }
            return .nth(month: month, weekday: wd, n: n)
        }
        return monthDay(Substring(text)).map { .fixed(month: $0.0, day: $0.1) }
    }
}

extension StringProtocol {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }

    fileprivate func replacingOccurrences(_ a: Character, _ b: Character) -> String {
        String(map { $0 == a ? b : $0 })
    }
}
