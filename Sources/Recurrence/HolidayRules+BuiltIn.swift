extension HolidayRules {
    /// The rules shipped in the binary (`Resources/holidays.txt`), parsed on first use.
    package static let builtIn: HolidayRules = {
        do {
            return try HolidayRules(text: String(decoding: PackageResources.holidays_txt, as: UTF8.self))
        } catch {
            // The file is checked by the tests; a broken one is a build defect, not user input.
            preconditionFailure("\(error)")
        }
    }()

    /// The rules of one country alone, or nil when the file has none for `code`: a workspace
    /// names one country, and reading the whole file (about a twelfth of an idle tick) for it
    /// at every start is work thrown away.
    package static func builtIn(country code: String) -> HolidayRules? {
        let bytes = PackageResources.holidays_txt
        let header = Array("country \(code.uppercased()) ".utf8)
        let nextCountry = Array("country ".utf8)
        func matches(_ needle: [UInt8], at index: Int) -> Bool {
            index + needle.count <= bytes.count && bytes[index..<(index + needle.count)].elementsEqual(needle)
        }
        var start: Int?
        var index = 0
        while index < bytes.count {
            // Each line: is it the country's header, or the next country's after it?
            if matches(header, at: index) { start = index } else if start != nil, matches(nextCountry, at: index) { break }
            guard let newline = bytes[index...].firstIndex(of: UInt8(ascii: "\n")) else {
                index = bytes.count
                break
            }
            index = newline + 1
        }
        guard let start else { return nil }
        return try? HolidayRules(text: String(decoding: bytes[start..<index], as: UTF8.self))
    }
}
