import Recurrence

/// A KPI with its targets: green at or better than `green`, red worse than `red`, amber between.
package struct KPIDefinition: Hashable, Codable, Sendable {
    package var key: String
    package var title: String
    package var unit: String
    package var higherIsBetter: Bool
    package var green: Double?
    package var red: Double?
    /// What a value says about the maturity stage, highest stage first.
    package var evidence: [StageThreshold]
    /// Where the numbers come from in the model.
    package var source: String?
    /// How values are written for people: the workspace's `locale:` and `currency:`.
    package var presentation: Presentation = .house
    /// The values that can be measured at all (a share lies within 0–100%, hours in a week are
    /// at most 168), from the model; nil where it sets no bound (a team's own KPI).
    package var minimum: Double? = nil
    package var maximum: Double? = nil

    package init(
        key: String, title: String, unit: String, higherIsBetter: Bool, green: Double?, red: Double?,
        evidence: [StageThreshold] = [], source: String? = nil
    ) {
        self.key = key
        self.title = title
        self.unit = unit
        self.higherIsBetter = higherIsBetter
        self.green = green
        self.red = red
        self.evidence = evidence
        self.source = source
    }

    enum CodingKeys: String, CodingKey {
        case key, title, unit, higherIsBetter = "higher_is_better", green, red, evidence, source, minimum = "min", maximum = "max"
    }

    /// A bound on a KPI value that evidences a stage.
    package struct StageThreshold: Hashable, Codable, Sendable {
        package var stage: Int
        package var above: Double?
        package var below: Double?
        package var atLeast: Double?
        package var atMost: Double?

        enum CodingKeys: String, CodingKey { case stage, above, below, atLeast = "at_least", atMost = "at_most" }

        func contains(_ value: Double) -> Bool {
            if let above, !(value > above) { return false }
            if let below, !(value < below) { return false }
            if let atLeast, !(value >= atLeast) { return false }
            if let atMost, !(value <= atMost) { return false }
            return true
        }
    }

    /// Green, amber or red against the team's targets.
    package func status(of value: Double) -> KPIStatus {
        guard let green, let red else { return .noTarget }
        if higherIsBetter {
            if value >= green { return .green }
            if value < red { return .red }
        } else {
            if value <= green { return .green }
            if value > red { return .red }
        }
        return .amber
    }

    /// The maturity stage a value is evidence of (stockout 2.4% is Stage 3: below 3%).
    package func evidencedStage(for value: Double) -> Stage? {
        evidence.first { $0.contains(value) }.flatMap { Stage($0.stage) }
    }

    /// Units that are currencies: shown before the number, with cents.
    package static let currencyUnits: Set<String> = Set(Presentation.currencies.values).union(["$", "€", "£"])

    /// `99.5 %`, `2.4 %`, `$4.20`, `12 h`; in the workspace's locale when it has one
    /// (`4,20 €`, `2,4 %`).
    package func format(_ value: Double) -> String {
        if presentation.locale != nil, let text = localized(value) { return text }
        let number = KPIDefinition.trim(value)
        switch unit {
        case "%": return "\(number)%"
        case let currency where KPIDefinition.currencyUnits.contains(currency):
            // Money shows cents, as on an invoice: `$4.20`, not `$4.2`.
            let cents = (value * 100).rounded()
            guard abs(cents) < 1e15 else { return "\(unit)\(number)" }
            let whole = Int64(cents)
            let sign = whole < 0 ? "-" : ""
            let fraction = abs(whole) % 100
            // A symbol of letters (CHF, kr) is set apart, as people write it.
            let symbol = unit.last?.isLetter == true ? unit + " " : unit
            return "\(sign)\(symbol)\(abs(whole) / 100).\(fraction < 10 ? "0" : "")\(fraction)"
        case "": return number
        default: return "\(number) \(unit)"
        }
    }

    /// A value in the workspace's locale; nil when the locale cannot format it.
    private func localized(_ value: Double) -> String? {
        if KPIDefinition.currencyUnits.contains(unit) {
            let code = presentation.currencySymbol == unit ? presentation.currency : Self.currencyCodes[unit]
            guard let code else { return nil }
            return Presentation(locale: presentation.locale, currency: code).money(value)
        }
        guard let number = presentation.number(value) else { return nil }
        switch unit {
        case "": return number
        // German, French, Dutch and Spanish set the percent sign apart (with a no-break space).
        case "%": return presentation.usesDecimalComma ? number + "\u{00A0}%" : number + "%"
        default: return "\(number) \(unit)"
        }
    }

    /// The currency a symbol stands for, where it is unambiguous.
    static let currencyCodes: [String: String] = ["$": "USD", "€": "EUR", "£": "GBP", "zł": "PLN", "₹": "INR", "R$": "BRL", "CHF": "CHF"]

    /// The target as text: `≥ 99.5%`, `≤ 3%`, or `no target`.
    package var targetText: String {
        guard let green else { return "no target" }
        return (higherIsBetter ? "≥ " : "≤ ") + format(green)
    }

    static func trim(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        // Too big for four exact decimals (or not finite): Swift's shortest form, 1e+20.
        guard value.isFinite, abs(value) < String.largestWithFourDecimals else { return String.shortest(value) }
        var text = String(format2: value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// Applies a workspace's overrides to the defaults and adds the team's own KPIs.
    package static func merged(defaults: [KPIDefinition], overrides: [KPIOverride]) -> [KPIDefinition] {
        var result = defaults
        for o in overrides {
            if let index = result.firstIndex(where: { $0.key == o.key }) {
                if let t = o.title { result[index].title = t }
                if let u = o.unit { result[index].unit = u }
                if let h = o.higherIsBetter { result[index].higherIsBetter = h }
                if let g = o.green { result[index].green = g }
                if let r = o.red { result[index].red = r }
            } else {
                result.append(
                    KPIDefinition(
                        key: o.key, title: o.title ?? o.key, unit: o.unit ?? "", higherIsBetter: o.higherIsBetter ?? true, green: o.green,
                        red: o.red))
            }
        }
        return result
    }
}

extension String {
    /// Below this, a value times 10,000 is an exact Int (under 2^53).
    static let largestWithFourDecimals = 1e11

    /// Swift's shortest text for a Double, without a trailing `.0`: `1e+20`, `123456789012.5`.
    static func shortest(_ value: Double) -> String {
        let text = "\(value)"
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }

    /// Up to four decimals, without Foundation's locale-dependent formatters. Values too large
    /// for that (from 1e11, or not finite) come out in Swift's shortest form, `1e+20`, instead
    /// of trapping on the conversion to Int.
    init(format2 value: Double) {
        guard value.isFinite, abs(value) < String.largestWithFourDecimals else {
            self = String.shortest(value)
            return
        }
        let scaled = (value * 10_000).rounded()
        let sign = scaled < 0 ? "-" : ""
        let magnitude = Int(abs(scaled))
        let fraction = magnitude % 10_000
        let digits = String(fraction)
        self = "\(sign)\(magnitude / 10_000)." + String(repeating: "0", count: 4 - digits.count) + digits
    }
}

/// A workspace's change to a KPI: new thresholds for a default, or a whole new KPI.
package struct KPIOverride: Hashable, Sendable {
    package var key: String
    package var title: String?
    package var unit: String?
    package var higherIsBetter: Bool?
    package var green: Double?
    package var red: Double?

    package init(key: String, title: String? = nil, unit: String? = nil, higherIsBetter: Bool? = nil, green: Double? = nil, red: Double? = nil) {
        self.key = key
        self.title = title
        self.unit = unit
        self.higherIsBetter = higherIsBetter
        self.green = green
        self.red = red
    }
}

/// A KPI value's status.
package enum KPIStatus: String, Codable, Sendable {
    case green, amber, red
    case noTarget = "no target"
}

/// The recent history of one KPI.
package struct KPITrend: Sendable {
    package enum Direction: String, Codable, Sendable {
        case improving, worsening, flat, unknown
    }

    package var latest: (date: String, value: Double)?
    package var direction: Direction
    /// The latest value is red and the one before it was not: worth an alert of its own.
    package var crossedIntoRed: Bool

    /// - Parameters:
    ///   - points: `(YYYY-MM-DD, value)` sorted by date.
    package init(points: [(date: String, value: Double)], definition: KPIDefinition) {
        latest = points.last
        guard let last = points.last else {
            direction = .unknown
            crossedIntoRed = false
            return
        }
        // Compare with the value about four weeks earlier, or the earliest one within 28 days.
        let cutoff = KPITrend.day(last.date) - 28
        let base = points.last { KPITrend.day($0.date) <= cutoff } ?? points.first { KPITrend.day($0.date) >= cutoff }
        if let base, base.date != last.date {
            let change = last.value - base.value
            let tolerance = max(abs(base.value) * 0.001, 1e-9)
            if abs(change) <= tolerance {
                direction = .flat
            } else {
                direction = (change > 0) == definition.higherIsBetter ? .improving : .worsening
            }
        } else {
            direction = .unknown
        }
        if points.count >= 2 {
            crossedIntoRed = definition.status(of: last.value) == .red && definition.status(of: points[points.count - 2].value) != .red
        } else {
            crossedIntoRed = definition.status(of: last.value) == .red
        }
    }

    /// Days since 1970 of a `YYYY-MM-DD` date.
    static func day(_ text: String) -> Int {
        let p = text.split(separator: "-").compactMap { Int($0) }
        guard p.count == 3 else { return 0 }
        let y = p[1] <= 2 ? p[0] - 1 : p[0]
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (p[1] > 2 ? p[1] - 3 : p[1] + 9) + 2) / 5 + p[2] - 1
        return era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
    }
}
