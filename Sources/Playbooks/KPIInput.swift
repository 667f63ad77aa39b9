import Diagnostics
import Foundation
import MaturityModel
import Recurrence

/// One KPI value as a person typed it or a spreadsheet exported it, checked.
package struct KPIReading: Sendable, Hashable {
    package var kpi: String
    package var date: CivilDate
    package var value: Double
}

/// A KPI value or CSV file that cannot be recorded, at its line; nothing was recorded.
package struct KPIInputError: UserFacingError, Sendable {
    package var file: String
    package var line: Int
    package var message: String

    init(file: String, line: Int, _ message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    package var description: String { "\(file):\(line): \(message)" }
    /// `error: week.csv:3: …`, as `kpi import` has always printed it.
    package var diagnostics: [Diagnostic] { [Diagnostic(description)] }
    package var failure: FailureKind { .input }
}

/// Reading KPI values people type (`kpi record`) and files they import (`kpi import`, and the
/// web form next): numbers as spreadsheets write them, units checked against the KPI, and CSV
/// that is all or nothing, with the line of the first problem.
package enum KPIInput {
    /// A value as typed: `2.4`, `99.5%`, `$4.20`, `1,200.50`; in a workspace whose locale writes
    /// a decimal comma, `4,20`, `4,20 €` and `1.234,50` as well.
    package static func parseValue(_ text: String, presentation: Presentation = .house) -> Double? {
        var t = text.trimmingCharacters(in: .whitespaces)
        if t.hasSuffix("%") { t = String(t.dropLast()).trimmingCharacters(in: spaces) }
        if let symbol = currencySymbol(in: t) {
            t = t.hasPrefix(symbol) ? String(t.dropFirst(symbol.count)) : String(t.dropLast(symbol.count))
            t = t.trimmingCharacters(in: spaces)
        }
        if presentation.usesDecimalComma { return presentation.parseNumber(t) }
        // Thousands separators as spreadsheets write them: 1,200.50 (never a decimal comma).
        if t.contains(",") {
            let groups = t.split(separator: ".", maxSplits: 1)[0].split(separator: ",", omittingEmptySubsequences: false)
            let digits = groups.map { $0.drop { $0 == "-" || $0 == "+" } }
            guard (1...3).contains(digits[0].count), digits.dropFirst().allSatisfy({ $0.count == 3 }),
                digits.allSatisfy({ $0.allSatisfy { ("0"..."9").contains($0) } })
            else { return nil }
            t.removeAll { $0 == "," }
        }
        guard let v = Double(t), v.isFinite else { return nil }
        return v
    }

    /// Spaces that may stand between a number and its unit (locales write a no-break space).
    static let spaces = CharacterSet(charactersIn: " \u{00A0}\u{202F}")

    /// The currency symbol written before or after a value (`$4.20`, `4,20 €`), if any.
    static func currencySymbol(in text: String) -> String? {
        symbolsLongestFirst.first { text.hasPrefix($0) || text.hasSuffix($0) }
    }

    /// Longest first, so that `R$` is found before `$`.
    private static let symbolsLongestFirst = KPIDefinition.currencyUnits.sorted { ($0.count, $0) > ($1.count, $1) }

    /// Why `text` cannot be a value of `kpi`: a `%` on a money KPI, a currency on a
    /// percentage, a currency other than the KPI's. `nil` when it fits.
    package static func unitMismatch(_ text: String, for kpi: KPIDefinition) -> String? {
        let t = text.trimmingCharacters(in: .whitespaces)
        let measured = kpi.unit.isEmpty ? "a plain number" : "\(kpi.unit)"
        if t.hasSuffix("%") && kpi.unit != "%" {
            return "\(kpi.title) is measured in \(measured), not %, got \"\(text)\""
        }
        if let sign = currencySymbol(in: t), kpi.unit != sign {
            return "\(kpi.title) is measured in \(measured), not \(sign), got \"\(text)\""
        }
        return nil
    }

    /// Why `value` (typed as `text`) cannot be a measurement of `kpi`: below or above what the
    /// KPI can measure, or beyond any number a report can show. `nil` when it can be.
    package static func rangeProblem(_ value: Double, typed text: String, for kpi: KPIDefinition) -> String? {
        if let minimum = kpi.minimum, value < minimum {
            return "\(kpi.title) cannot be below \(kpi.format(minimum)), got \"\(text)\""
        }
        if let maximum = kpi.maximum, value > maximum {
            return "\(kpi.title) cannot be above \(kpi.format(maximum)), got \"\(text)\""
        }
        if abs(value) >= largestValue {
            return "\"\(text)\" is too large for a KPI value (at most 100 billion)"
        }
        return nil
    }

    /// Values are shown with up to four decimals; beyond this they would print as `1e+11`.
    static let largestValue = 1e11

    /// The fields of one CSV line (RFC 4180): commas separate, double quotes enclose a field
    /// that holds commas, `""` inside quotes is one quote. `nil` when a quote is not closed.
    package static func csvFields(_ line: Substring, delimiter: Character = ",") -> [String]? {
        var fields: [String] = []
        var field = ""
        var quoted = false
        var index = line.startIndex
        while index < line.endIndex {
            let character = line[index]
            if quoted {
                if character == "\"" {
                    let next = line.index(after: index)
                    if next < line.endIndex && line[next] == "\"" {
                        field.append("\"")
                        index = next
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(character)
                }
            } else if character == "\"" && field.allSatisfy(\.isWhitespace) {
                field = ""
                quoted = true
            } else if character == delimiter {
                fields.append(field.trimmingCharacters(in: .whitespaces))
                field = ""
            } else {
                field.append(character)
            }
            index = line.index(after: index)
        }
        if quoted { return nil }
        fields.append(field.trimmingCharacters(in: .whitespaces))
        return fields
    }

    /// `date,name,value` lines as spreadsheets export them (CRLF or LF, quoted fields, a byte
    /// order mark, an optional header line such as `Date,KPI,Value`); any bad line is an
    /// error with its number. Spreadsheets in locales with a decimal comma export `;`
    /// separators: `delimiter` nil detects them from the first line, and with `;` a value may
    /// have a decimal comma (`2026-12-04;cost_per_order;4,20`).
    package static func parseCSV(
        _ text: String, file: String, definitions: [KPIDefinition], today: CivilDate, delimiter: Character? = nil
    ) throws(KPIInputError) -> [KPIReading] {
        let byKey = Dictionary(definitions.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        var values: [KPIReading] = []
        let body = text.hasPrefix("\u{FEFF}") ? Substring(text.dropFirst()) : Substring(text)
        // "\r\n" is one Character in Swift, so split on every kind of line break, not on "\n".
        let lines = body.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        let separator = delimiter ?? detectedDelimiter(lines)
        let commaDecimals = Presentation(locale: "de-DE")
        func parse(_ text: String, for kpi: KPIDefinition?) -> Double? {
            separator == ";" ? parseValue(text, presentation: commaDecimals) : parseValue(text, presentation: kpi?.presentation ?? .house)
        }
        for (index, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            let number = index + 1
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let fields = csvFields(Substring(line), delimiter: separator) else {
                throw KPIInputError(file: file, line: number, "a quoted field is not closed; nothing was imported")
            }
            guard fields.count == 3 else {
                throw KPIInputError(
                    file: file, line: number, "expected 3 fields date\(separator)name\(separator)value, got \(fields.count); nothing was imported")
            }
            for (field, name) in zip(fields, ["date", "name", "value"]) {
                if let problem = FieldText.oneLineProblem(in: field) {
                    throw KPIInputError(file: file, line: number, "field \(name) \(problem); nothing was imported")
                }
            }
            // A first line with no date and no number is a header (Date,KPI,Value and the like).
            if values.isEmpty && CivilDate(iso: fields[0]) == nil && parse(fields[2], for: nil) == nil
                && lines[..<index].allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty || $0.hasPrefix("#") })
            {
                continue
            }
            guard let date = CivilDate(iso: fields[0]) else {
                throw KPIInputError(file: file, line: number, "expected a date YYYY-MM-DD, got \"\(fields[0])\"; nothing was imported")
            }
            guard date <= today else {
                throw KPIInputError(file: file, line: number, "\(date) is in the future (today is \(today)); nothing was imported")
            }
            guard let kpi = byKey[fields[1]] else {
                throw KPIInputError(file: file, line: number, "unknown KPI '\(fields[1])' (expected one of: \(byKey.keys.sorted().joined(separator: ", "))); nothing was imported")
            }
            guard let value = parse(fields[2], for: kpi) else {
                throw KPIInputError(file: file, line: number, "expected a number, got \"\(fields[2])\"; nothing was imported")
            }
            if let problem = unitMismatch(fields[2], for: kpi) ?? rangeProblem(value, typed: fields[2], for: kpi) {
                throw KPIInputError(file: file, line: number, "\(problem); nothing was imported")
            }
            values.append(KPIReading(kpi: fields[1], date: date, value: value))
        }
        return values
    }

    /// `;` when the first line that is not a comment splits into three fields on it and not on
    /// commas; else `,`.
    static func detectedDelimiter(_ lines: [Substring]) -> Character {
        guard let first = lines.first(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty && !$0.hasPrefix("#") }) else { return "," }
        let semicolons = csvFields(first, delimiter: ";")?.count ?? 0
        let commas = csvFields(first, delimiter: ",")?.count ?? 0
        return semicolons == 3 && commas != 3 ? ";" : ","
    }
}
