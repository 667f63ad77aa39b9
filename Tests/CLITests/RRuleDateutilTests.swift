import Foundation
import OpsCadenceTesting
import Recurrence
import Testing

/// Random RRULEs expanded by our `RecurrenceRule` and by python-dateutil, the implementation
/// most users would otherwise reach for, must give the same local date-times.
///
/// The generator avoids the two places where we follow RFC 5545 and dateutil does not (see
/// docs/SEMANTICS.md): BYSETPOS on WEEKLY rules (dateutil cuts the first week at DTSTART) and
/// BYDAY lists that mix plain and numbered weekdays.
@Suite struct RRuleDateutilTests {
    struct Case: Encodable {
        var rule: String
        var dtstart: String
        var limit: Int
        var end: String
    }

    /// A fixed seed makes a failure reproducible from its rule text alone.
    struct Generator {
        var random: SeededGenerator
        init(seed: UInt64) { random = SeededGenerator(seed: seed) }
        mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(random.next() % UInt64(range.count)) }
        mutating func chance(_ percent: Int) -> Bool { int(0...99) < percent }
        mutating func some(_ count: ClosedRange<Int>, from values: [Int]) -> [Int] {
            (0..<int(count)).map { _ in values[int(0...(values.count - 1))] }
        }
    }

    static func randomRule(_ g: inout Generator) -> String {
        let frequency = ["YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY"][g.int(0...4)]
        var parts = ["FREQ=\(frequency)"]
        if g.chance(40) { parts.append("INTERVAL=\(g.int(2...4))") }
        if g.chance(35) { parts.append("BYMONTH=" + g.some(1...3, from: Array(1...12)).map(String.init).joined(separator: ",")) }
        if frequency != "WEEKLY", g.chance(30) {
            parts.append("BYMONTHDAY=" + g.some(1...3, from: Array(-31...(-1)) + Array(1...31)).map(String.init).joined(separator: ","))
        }
        if frequency == "YEARLY", g.chance(15) {
            parts.append("BYYEARDAY=" + g.some(1...2, from: Array(-366...(-1)) + Array(1...366)).map(String.init).joined(separator: ","))
        }
        if frequency == "YEARLY", g.chance(15) {
            parts.append("BYWEEKNO=" + g.some(1...2, from: Array(-53...(-1)) + Array(1...53)).map(String.init).joined(separator: ","))
        }
        if g.chance(50) {
            let days = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
            let numbered = (frequency == "MONTHLY" || frequency == "YEARLY") && g.chance(50)
            let picked = g.some(1...3, from: Array(0...6)).map { day in
                numbered ? "\([-5, -4, -3, -2, -1, 1, 2, 3, 4, 5][g.int(0...9)])\(days[day])" : days[day]
            }
            parts.append("BYDAY=" + picked.joined(separator: ","))
        }
        if g.chance(30) { parts.append("BYHOUR=" + g.some(1...2, from: Array(0...23)).map(String.init).joined(separator: ",")) }
        if g.chance(25) { parts.append("BYMINUTE=" + g.some(1...2, from: [0, 15, 30, 45, 59]).map(String.init).joined(separator: ",")) }
        // Only where a period holds several instances: in a DAILY or HOURLY period BYSETPOS other
        // than ±1 selects nothing, and dateutil then walks to year 9999 before giving up.
        if frequency == "MONTHLY" || frequency == "YEARLY", g.chance(25) {
            parts.append("BYSETPOS=" + g.some(1...2, from: [-3, -2, -1, 1, 2, 3]).map(String.init).joined(separator: ","))
        }
        if g.chance(20) { parts.append("WKST=SU") }
        return parts.joined(separator: ";")
    }

    static func text(_ local: LocalDateTime) -> String {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(local.date.year)-\(two(local.date.month))-\(two(local.date.day))T\(two(local.hour)):\(two(local.minute)):\(two(local.second))"
    }

    @Test func randomRulesMatchDateutil() throws {
        var g = Generator(seed: 20_261_126)
        var cases: [Case] = []
        var rules: [(RecurrenceRule, LocalDateTime, LocalDateTime)] = []
        while cases.count < 400 {
            let text = Self.randomRule(&g)
            // Combinations RFC 5545 forbids (BYWEEKNO outside YEARLY...) are refused by the parser: skip them.
            guard let rule = try? RecurrenceRule(parsing: text) else { continue }
            let start = LocalDateTime(year: g.int(2020...2030), month: g.int(1...12), day: g.int(1...28), hour: g.int(0...23), minute: g.int(0...59))
            // dateutil walks a silent rule to its end hour by hour: keep sub-daily windows short.
            let end = LocalDateTime(year: start.date.year + (rule.frequency == .hourly ? 2 : 40), month: 1, day: 1)
            cases.append(Case(rule: text, dtstart: Self.text(start), limit: 12, end: Self.text(end)))
            rules.append((rule, start, end))
        }

        let expected = try Self.dateutil(cases)
        try #require(expected.count == cases.count)
        var mismatches = 0
        var refused = 0
        var incomplete = 0
        for (index, (rule, start, end)) in rules.enumerated() {
            var ours: [String] = []
            for local in rule.expansion(start: start, anchored: false) {
                if local >= end || ours.count == cases[index].limit { break }
                ours.append(Self.text(local))
            }
            let result = try #require(expected[index] as? [String: Any])
            if let error = result["error"] as? String {
                // dateutil refuses rules it can prove empty (BYHOUR out of INTERVAL's reach): so must we be.
                #expect(error.contains("empty set") && ours.isEmpty, "dateutil: \(error); ours: \(ours) for \(cases[index].rule)")
                refused += 1
                continue
            }
            let reference = try #require(result["values"] as? [String])
            if result["complete"] as? Bool == false {
                // dateutil ran out of time: compare what it found.
                ours = Array(ours.prefix(reference.count))
                incomplete += 1
            }
            if ours != reference {
                mismatches += 1
                Issue.record("DTSTART \(cases[index].dtstart) RRULE \(cases[index].rule)\n  ours:     \(ours)\n  dateutil: \(reference)")
            }
            if mismatches > 5 { break }
        }
        // The comparison must stay meaningful: nearly every rule compared in full.
        #expect(refused + incomplete < cases.count / 20, "refused \(refused), incomplete \(incomplete)")
    }

    static func dateutil(_ cases: [Case]) throws -> [Any] {
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", repositoryRoot + "/Tests/CLITests/Scripts/rrule_expand.py"]
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        python.standardInput = input
        python.standardOutput = output
        python.standardError = errors
        try python.run()
        input.fileHandleForWriting.write(try JSONEncoder().encode(cases))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        python.waitUntilExit()
        #expect(python.terminationStatus == 0, "\(String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))")
        return try #require(try JSONSerialization.jsonObject(with: data) as? [Any])
    }
}
