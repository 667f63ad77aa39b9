extension HolidayRules {
    /// The rules shipped in the binary (`Resources/holidays.txt`), parsed on first use.
    public static let builtIn: HolidayRules = {
        do {
            return try HolidayRules(text: String(decoding: PackageResources.holidays_txt, as: UTF8.self))
        } catch {
            // The file is checked by the tests; a broken one is a build defect, not user input.
            preconditionFailure("\(error)")
        }
    }()
}
