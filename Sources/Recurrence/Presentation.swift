import Foundation
import Synchronization

/// How a workspace writes dates, numbers and money for people: `locale:` and `currency:` in
/// `opscadence.yaml`. Without a locale, the house style: English, 24-hour clock, day before
/// month (`Mon 7 Dec 2026, 09:00`), `.` for decimals. With one, the locale's own formats from
/// the system's ICU data (`Fr. 4. Dez. 2026`, `17:00`, `4,20 €`). Wording stays English: the
/// agenda templates are the team's to translate.
package struct Presentation: Sendable, Hashable {
    /// The locales whose formats are supported and tested.
    package static let supportedLocales = ["en-US", "en-GB", "de-DE", "fr-FR", "nl-NL", "es-ES"]

    /// Currencies by ISO 4217 code, with the symbol the house style writes before amounts.
    package static let currencies: [String: String] = [
        "USD": "$", "EUR": "€", "GBP": "£", "CHF": "CHF", "SEK": "kr", "DKK": "kr", "NOK": "kr", "PLN": "zł", "JPY": "¥",
        "AUD": "A$", "CAD": "CA$", "NZD": "NZ$", "INR": "₹", "SGD": "S$", "BRL": "R$", "MXN": "MX$",
    ]

    /// A supported locale (`de-DE`), or nil for the house style.
    package var locale: String?
    /// An ISO 4217 code from ``currencies``, or nil for the KPIs' own units.
    package var currency: String?

    /// English, 24-hour, as OpsCadence writes without a `locale:`.
    package static let house = Presentation()

    package init(locale: String? = nil, currency: String? = nil) {
        self.locale = locale
        self.currency = currency
    }

    /// The symbol money KPIs carry in this workspace, when a currency is set.
    package var currencySymbol: String? { currency.flatMap { Self.currencies[$0] } }

    /// Whether numbers are written with a decimal comma (`4,20`).
    package var usesDecimalComma: Bool { decimalSeparator == "," }

    var decimalSeparator: String {
        guard let locale else { return "." }
        return Self.formatters.withLock { $0.number(locale).decimalSeparator ?? "." }
    }

    // MARK: Dates

    /// `Mon 7 Dec` (house) or the locale's weekday, day and short month.
    package func shortDate(_ date: CivilDate) -> String {
        guard let locale else { return "\(date.weekday.shortName) \(date.day) \(Self.monthNames[date.month - 1].prefix(3))" }
        return format(date, hour: 0, minute: 0, template: "EEEdMMM", locale: locale)
    }

    /// `Mon 7 Dec 2026` (house) or the locale's: `Fr. 4. Dez. 2026`, `Fri, Dec 4, 2026`.
    package func shortDateWithYear(_ date: CivilDate) -> String {
        guard let locale else { return "\(shortDate(date)) \(date.year)" }
        return format(date, hour: 0, minute: 0, template: "EEEdMMMyyyy", locale: locale)
    }

    /// `Monday 7 December 2026` (house) or the locale's: `Freitag, 4. Dezember 2026`.
    package func longDate(_ date: CivilDate) -> String {
        guard let locale else { return "\(date.weekday.name) \(date.day) \(Self.monthNames[date.month - 1]) \(date.year)" }
        return format(date, hour: 0, minute: 0, template: "EEEEdMMMMyyyy", locale: locale)
    }

    /// `09:05` (house, and most locales) or `9:05 AM` (en-US).
    package func clock(_ local: LocalDateTime) -> String {
        guard let locale else { return Self.pad2(local.hour) + ":" + Self.pad2(local.minute) }
        return format(local.date, hour: local.hour, minute: local.minute, template: "jjmm", locale: locale)
    }

    /// `Mon 7 Dec 09:05`.
    package func shortDateTime(_ local: LocalDateTime) -> String { shortDate(local.date) + " " + clock(local) }

    /// A date as KPI values and action items show it: `2026-12-04` (house) or the locale's
    /// numeric date (`04.12.2026`, `12/4/2026`).
    package func numericDate(_ date: CivilDate) -> String {
        guard let locale else { return date.description }
        return format(date, hour: 0, minute: 0, template: "ddMMyyyy", locale: locale)
    }

    // MARK: Numbers and money

    /// A plain number with up to `digits` decimals: `1234.5` (house, as typed) or `1.234,5`.
    package func number(_ value: Double, maximumFractionDigits digits: Int = 4) -> String? {
        guard let locale, value.isFinite else { return nil }
        return Self.formatters.withLock { cache in
            let formatter = cache.number(locale)
            formatter.maximumFractionDigits = digits
            return formatter.string(from: NSNumber(value: value))
        }
    }

    /// An amount in the workspace currency, in the locale's format (`4,20 €`, `€4.20`), or nil
    /// without a locale or currency (the KPI formats it the house way).
    package func money(_ value: Double) -> String? {
        guard let locale, let currency, value.isFinite else { return nil }
        return Self.formatters.withLock { $0.money(locale, currency).string(from: NSNumber(value: value)) }
    }

    /// A number as a person in this locale types it: `4,20`, `1.234,50`, `4,20 €` in de-DE;
    /// `4.20`, `1,234.50` in the house style and en-*. Grouping must be in threes; a currency
    /// symbol or `%` around it is for the caller to check and strip first.
    package func parseNumber(_ text: String) -> Double? {
        let decimal: Character = usesDecimalComma ? "," : "."
        let group: Set<Character> = usesDecimalComma ? [".", " ", "\u{00A0}", "\u{202F}"] : [","]
        var t = text.trimmingCharacters(in: .whitespaces)
        var sign = ""
        if let first = t.first, first == "-" || first == "+" || first == "−" {
            sign = first == "+" ? "" : "-"
            t.removeFirst()
        }
        let parts = t.split(separator: decimal, maxSplits: 1, omittingEmptySubsequences: false)
        guard let integer = parts.first, !integer.isEmpty || parts.count == 2 else { return nil }
        var digits = String(integer)
        if digits.contains(where: group.contains) {
            let groups = digits.split(omittingEmptySubsequences: false, whereSeparator: group.contains)
            guard (1...3).contains(groups[0].count), groups.dropFirst().allSatisfy({ $0.count == 3 }) else { return nil }
            digits = groups.joined()
        }
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        var normalized = sign + (digits.isEmpty ? "0" : digits)
        if parts.count == 2 {
            guard !parts[1].isEmpty, parts[1].allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            normalized += "." + parts[1]
        }
        guard let value = Double(normalized), value.isFinite else { return nil }
        return value
    }

    // MARK: Formatting through ICU

    static let monthNames = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
    ]

    static func pad2(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    /// The civil fields formatted in UTC, so that ICU never applies a zone: the zone rules
    /// (and so the local fields) are ours, from the tz database.
    private func format(_ date: CivilDate, hour: Int, minute: Int, template: String, locale: String) -> String {
        let seconds = (Int64(date.dayNumber) * 86_400) + Int64(hour * 3600 + minute * 60)
        return Self.formatters.withLock { $0.date(locale, template).string(from: Date(timeIntervalSince1970: TimeInterval(seconds))) }
    }

    /// Formatters are costly to make and not Sendable: made once per locale and pattern and used
    /// under the lock.
    private static let formatters = Mutex(Formatters())

    private struct Formatters: ~Copyable {
        var dates: [String: DateFormatter] = [:]
        var numbers: [String: NumberFormatter] = [:]

        mutating func date(_ locale: String, _ template: String) -> DateFormatter {
            let key = locale + "|" + template
            if let formatter = dates[key] { return formatter }
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: locale.replacingOccurrences(of: "-", with: "_"))
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.calendar = Calendar(identifier: .gregorian)
            formatter.setLocalizedDateFormatFromTemplate(template)
            dates[key] = formatter
            return formatter
        }

        mutating func number(_ locale: String) -> NumberFormatter {
            if let formatter = numbers[locale] { return formatter }
            let formatter = NumberFormatter()
            formatter.locale = Locale(identifier: locale.replacingOccurrences(of: "-", with: "_"))
            formatter.numberStyle = .decimal
            formatter.maximumFractionDigits = 4
            numbers[locale] = formatter
            return formatter
        }

        mutating func money(_ locale: String, _ currency: String) -> NumberFormatter {
            let key = locale + "|" + currency
            if let formatter = numbers[key] { return formatter }
            let formatter = NumberFormatter()
            formatter.locale = Locale(identifier: locale.replacingOccurrences(of: "-", with: "_"))
            formatter.numberStyle = .currency
            formatter.currencyCode = currency
            numbers[key] = formatter
            return formatter
        }
    }
}
