/// A calendar quarter such as `2026-Q4`.
package struct Quarter: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    package let year: Int
    /// 1 to 4.
    package let quarter: Int

    package init?(year: Int, quarter: Int) {
        guard (1...4).contains(quarter), (1...9999).contains(year) else { return nil }
        self.year = year
        self.quarter = quarter
    }

    /// Parses `2026-Q4` (case-insensitive `q`).
    package init(parsing text: String) throws(MaturityError) {
        let parts = text.uppercased().split(separator: "-")
        guard parts.count == 2, parts[0].count == 4, let y = Int(parts[0]), parts[1].count == 2, parts[1].first == "Q",
            let q = Int(parts[1].dropFirst()), let value = Quarter(year: y, quarter: q)
        else {
            throw MaturityError("expected a quarter YYYY-Qn, e.g. 2026-Q4, got \"\(text)\"")
        }
        self = value
    }

    /// The quarter containing a month; nil for a month outside 1–12 or a year outside 1–9999.
    package static func containing(year: Int, month: Int) -> Quarter? {
        guard (1...12).contains(month) else { return nil }
        return Quarter(year: year, quarter: (month - 1) / 3 + 1)
    }

    /// The quarter before; nil before 0001-Q1.
    package var previous: Quarter? { quarter == 1 ? Quarter(year: year - 1, quarter: 4) : Quarter(year: year, quarter: quarter - 1) }
    /// The quarter after; nil after 9999-Q4.
    package var next: Quarter? { quarter == 4 ? Quarter(year: year + 1, quarter: 1) : Quarter(year: year, quarter: quarter + 1) }

    /// `2026-Q4`; the year has four digits (`0001-Q1`), so the text parses back.
    package var description: String { YearMonth.paddedYear(year) + "-Q\(quarter)" }

    package static func < (lhs: Quarter, rhs: Quarter) -> Bool { (lhs.year, lhs.quarter) < (rhs.year, rhs.quarter) }

    package init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { self = try Quarter(parsing: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A calendar month such as `2027-01`.
package struct YearMonth: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    package let year: Int
    package let month: Int

    package init?(year: Int, month: Int) {
        guard (1...12).contains(month), (1...9999).contains(year) else { return nil }
        self.year = year
        self.month = month
    }

    /// Parses `2027-01`.
    package init(parsing text: String) throws(MaturityError) {
        let parts = text.split(separator: "-")
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let y = Int(parts[0]), let m = Int(parts[1]),
            let value = YearMonth(year: y, month: m)
        else { throw MaturityError("expected a month YYYY-MM, e.g. 2027-01, got \"\(text)\"") }
        self = value
    }

    /// The month `months` later (earlier when negative); nil outside 0001-01 to 9999-12.
    package func adding(months: Int) -> YearMonth? {
        let (index, overflow) = (year * 12 + (month - 1)).addingReportingOverflow(months)
        guard !overflow, index >= 0 else { return nil }
        return YearMonth(year: index / 12, month: index % 12 + 1)
    }

    /// The month's last day, `YYYY-MM-DD`.
    package var lastDay: String {
        let days = [31, (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return description + "-\(days)"
    }

    /// `2027-01`; the year has four digits (`0001-01`), so the text parses back.
    package var description: String { YearMonth.paddedYear(year) + "-\(month < 10 ? "0" : "")\(month)" }

    static func paddedYear(_ year: Int) -> String {
        let digits = String(year)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    package static func < (lhs: YearMonth, rhs: YearMonth) -> Bool { (lhs.year, lhs.month) < (rhs.year, rhs.month) }

    package init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { self = try YearMonth(parsing: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
