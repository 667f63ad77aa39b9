import Recurrence
import Testing

/// Dates, numbers and money per `locale:`, as the system's ICU data writes them (Debian 12's
/// ICU 72 puts a narrow no-break space before AM/PM and a no-break space before `€`).
@Suite struct PresentationTests {
    static let friday = CivilDate(year: 2026, month: 12, day: 4)
    static let evening = LocalDateTime(date: friday, hour: 17, minute: 5)

    @Test(arguments: [
        ("en-US", "Fri, Dec 4, 2026", "Friday, December 4, 2026", "5:05\u{202F}PM", "12/04/2026", "€4.20", "1,234.5"),
        ("en-GB", "Fri, 4 Dec 2026", "Friday, 4 December 2026", "17:05", "04/12/2026", "€4.20", "1,234.5"),
        ("de-DE", "Fr. 4. Dez. 2026", "Freitag, 4. Dezember 2026", "17:05", "04.12.2026", "4,20\u{00A0}€", "1.234,5"),
        ("fr-FR", "ven. 4 déc. 2026", "vendredi 4 décembre 2026", "17:05", "04/12/2026", "4,20\u{00A0}€", "1\u{202F}234,5"),
        ("nl-NL", "vr 4 dec 2026", "vrijdag 4 december 2026", "17:05", "04-12-2026", "€\u{00A0}4,20", "1.234,5"),
        ("es-ES", "vie, 4 dic 2026", "viernes, 4 de diciembre de 2026", "17:05", "04/12/2026", "4,20\u{00A0}€", "1234,5"),
    ])
    func aLocaleWritesItsOwnFormats(locale: String, short: String, long: String, clock: String, numeric: String, money: String, number: String) {
        let style = Presentation(locale: locale, currency: "EUR")
        #expect(style.shortDateWithYear(Self.friday) == short)
        #expect(style.longDate(Self.friday) == long)
        #expect(style.clock(Self.evening) == clock)
        #expect(style.numericDate(Self.friday) == numeric)
        #expect(style.money(4.2) == money)
        #expect(style.number(1234.5) == number)
    }

    @Test func theHouseStyleIsUnchanged() {
        let style = Presentation.house
        #expect(style.shortDateWithYear(Self.friday) == "Fri 4 Dec 2026")
        #expect(style.longDate(Self.friday) == "Friday 4 December 2026")
        #expect(style.clock(Self.evening) == "17:05")
        #expect(style.numericDate(Self.friday) == "2026-12-04")
        #expect(style.money(4.2) == nil)
        #expect(style.number(4.2) == nil)
    }

    @Test(arguments: [
        ("de-DE", "4,20", 4.2), ("de-DE", "1.234,50", 1234.5), ("de-DE", "-0,5", -0.5), ("de-DE", "12", 12), ("de-DE", ",5", 0.5),
        ("fr-FR", "1\u{202F}234,5", 1234.5), ("fr-FR", "1 234,5", 1234.5), ("en-GB", "1,234.50", 1234.5), ("en-US", "4.20", 4.2),
    ])
    func numbersAsPeopleTypeThem(locale: String, text: String, value: Double) {
        #expect(Presentation(locale: locale).parseNumber(text) == value)
    }

    @Test(arguments: [("de-DE", "4.20"), ("de-DE", "1.23,4"), ("de-DE", "4,2,0"), ("de-DE", "4,"), ("de-DE", ""), ("en-US", "4,20"), ("de-DE", "4,2x")])
    func malformedNumbersAreRefused(locale: String, text: String) {
        #expect(Presentation(locale: locale).parseNumber(text) == nil)
    }
}
