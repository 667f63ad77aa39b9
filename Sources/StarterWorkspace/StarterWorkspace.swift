import Foundation

/// The files `opscadence init` writes: an `opscadence.yaml` made from a team's answers and the
/// shipped playbooks of the cadences it picked. Pure: it makes text; the command writes it.
package enum StarterWorkspace {
    /// A cadence a team can start with, and the shipped playbooks it brings.
    package enum Cadence: String, CaseIterable, Sendable, Codable {
        case daily, weekly, monthly, quarterly, annual, transformation

        /// The playbook files, as shipped in the repository's `playbooks/`.
        package var files: [String] {
            switch self {
            case .daily: ["daily-red-alert-check.yaml"]
            case .weekly: ["weekly-kpi-review.yaml"]
            case .monthly: ["monthly-process-improvement.yaml"]
            case .quarterly: ["quarterly-maturity-assessment.yaml"]
            case .annual: ["annual-strategic-planning.yaml"]
            case .transformation:
                [
                    "transformation-1-foundations.yaml", "transformation-2-systems.yaml", "transformation-3-optimization.yaml",
                    "transformation-4-advancement.yaml",
                ]
            }
        }

        /// What it is, for the prompt, read from its first playbook: `Weekly KPI review — weekly on monday at 09:00, 30m`.
        package var summary: String {
            let text = StarterWorkspace.playbook(named: files[0])
            func field(_ name: String) -> String {
                text.split(separator: "\n").first { $0.hasPrefix(name + ":") }.map {
                    $0.dropFirst(name.count + 1).split(separator: "#")[0].trimmingCharacters(in: .whitespaces)
                } ?? "?"
            }
            let more = files.count > 1 ? " (and \(files.count - 1) more phases)" : ""
            return "\(field("title")) — \(field("schedule")), \(field("duration"))\(more)"
        }

        /// The leadership cadence of the maturity model; the transformation plan is an opt-in.
        package static let defaults: [Cadence] = [.daily, .weekly, .monthly, .quarterly, .annual]
    }

    /// The chat services a reminder target can be.
    package static let chatKinds = ["slack", "discord", "msteams", "googlechat", "mattermost", "generic"]

    /// What a team told `init`.
    package struct Answers: Sendable, Equatable {
        package var timeZone: String
        /// ISO 3166 country and subdivision for public holidays; nil for none.
        package var country: String?
        package var region: String?
        package var chatKind: String = "slack"
        /// The environment variable that will hold the webhook URL.
        package var webhookVariable: String = "OPS_SLACK_WEBHOOK"
        package var cadences: [Cadence] = Cadence.defaults
        /// ISO 4217 code for the money KPIs, nil for the model's dollars.
        package var currency: String?
        /// `locale:` for dates and numbers, nil for the house style.
        package var locale: String?

        package init(timeZone: String, country: String? = nil, region: String? = nil) {
            self.timeZone = timeZone
            self.country = country
            self.region = region
        }

        /// The currency people in a country count in.
        package static func currency(of country: String?) -> String? {
            guard let country else { return nil }
            let table = [
                "US": "USD", "CA": "CAD", "MX": "MXN", "BR": "BRL", "GB": "GBP", "CH": "CHF", "PL": "PLN", "SE": "SEK", "DK": "DKK",
                "NO": "NOK", "AU": "AUD", "NZ": "NZD", "IN": "INR", "JP": "JPY", "SG": "SGD",
            ]
            let euro: Set = ["IE", "DE", "AT", "FR", "BE", "NL", "ES", "IT", "PT", "FI"]
            return table[country] ?? (euro.contains(country) ? "EUR" : nil)
        }

        /// The supported locale whose formats a country uses, if there is one without doubt
        /// (Belgium and Switzerland have several).
        package static func locale(of country: String?) -> String? {
            let table = ["US": "en-US", "GB": "en-GB", "IE": "en-GB", "DE": "de-DE", "AT": "de-DE", "FR": "fr-FR", "NL": "nl-NL", "ES": "es-ES"]
            return country.flatMap { table[$0] }
        }

        /// The default variable for a chat kind: `OPS_SLACK_WEBHOOK`, `OPS_MSTEAMS_WEBHOOK`, …
        package static func defaultVariable(for kind: String) -> String { "OPS_\(kind.uppercased())_WEBHOOK" }
    }

    /// Relative path and text of every file to write.
    package static func files(for answers: Answers) -> [(path: String, text: String)] {
        let playbooks = Cadence.allCases.filter(answers.cadences.contains).flatMap(\.files)
        var files = [(path: "opscadence.yaml", text: configuration(for: answers, playbooks: playbooks))]
        for name in playbooks { files.append((path: "playbooks/" + name, text: playbook(named: name))) }
        return files
    }

    /// The shipped text of a playbook file.
    package static func playbook(named name: String) -> String {
        let bytes: [UInt8] =
            switch name {
            case "daily-red-alert-check.yaml": PackageResources.daily_red_alert_check_yaml
            case "weekly-kpi-review.yaml": PackageResources.weekly_kpi_review_yaml
            case "monthly-process-improvement.yaml": PackageResources.monthly_process_improvement_yaml
            case "quarterly-maturity-assessment.yaml": PackageResources.quarterly_maturity_assessment_yaml
            case "annual-strategic-planning.yaml": PackageResources.annual_strategic_planning_yaml
            case "transformation-1-foundations.yaml": PackageResources.transformation_1_foundations_yaml
            case "transformation-2-systems.yaml": PackageResources.transformation_2_systems_yaml
            case "transformation-3-optimization.yaml": PackageResources.transformation_3_optimization_yaml
            case "transformation-4-advancement.yaml": PackageResources.transformation_4_advancement_yaml
            default: []
            }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The names the chosen playbooks give as owners and attendees, in order of first use: the
    /// people the web app signs in, the first one its admin.
    static func people(in playbooks: [String]) -> [String] {
        var names: [String] = []
        for file in playbooks {
            for line in playbook(named: file).split(separator: "\n") {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.hasPrefix("owner:") {
                    names.append(String(trimmed.dropFirst("owner:".count)).trimmingCharacters(in: .whitespaces))
                } else if trimmed.hasPrefix("attendees:"), let open = trimmed.firstIndex(of: "["), let close = trimmed.lastIndex(of: "]") {
                    names += trimmed[trimmed.index(after: open)..<close].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                }
            }
        }
        var seen = Set<String>()
        return names.filter { !$0.isEmpty && seen.insert($0).inserted }
    }

    static func configuration(for answers: Answers, playbooks: [String]) -> String {
        var lines = [
            "# OpsCadence workspace, made by `opscadence init`. Reference: docs/PLAYBOOKS.md",
            "timezone: \(answers.timeZone)",
            "state: .opscadence/state.sqlite        # embedded SQLite state (created on first use)",
            "output: agendas/                        # rendered agendas and checklists land here",
            "",
        ]
        if let country = answers.country {
            lines.append("# Public holidays, for the playbooks' holiday policies. Add your own closure days with extra: [YYYY-MM-DD].")
            lines.append("holidays: { country: \(country)\(answers.region.map { ", region: \($0)" } ?? "") }")
        } else {
            lines.append("# Public holidays: holidays: { country: US } (see docs/PLAYBOOKS.md), or a list of dates.")
            lines.append("holidays: []")
        }
        if answers.locale != nil || answers.currency != nil {
            lines.append("")
            lines.append("# How dates, numbers and money are written in agendas and reminders (docs/PLAYBOOKS.md).")
            if let locale = answers.locale { lines.append("locale: \(locale)") }
            if let currency = answers.currency { lines.append("currency: \(currency)") }
        }
        lines += [
            "",
            "targets:",
            "  ops-chat:",
            "    kind: \(answers.chatKind)",
            "    url: ${env:\(answers.webhookVariable)}   # set it, then: opscadence notify test --target ops-chat",
            "    optional: true                      # skipped with a warning until \(answers.webhookVariable) is set",
        ]
        if playbooks.contains("weekly-kpi-review.yaml") {
            lines += [
                "  audit:                                # the weekly review's record, signed (Standard Webhooks); optional",
                "    kind: generic",
                "    url: ${env:OPS_AUDIT_URL}",
                "    secret: ${env:OPS_AUDIT_SECRET}",
                "    optional: true",
            ]
        }
        lines += [
            "",
            "# The seed's KPIs are built in; cost_per_order has no threshold in the maturity model: set your target.",
            "kpis:",
            "  cost_per_order: { green: 4.50, red: 6.00 }",
            "",
            "# Who may sign in to the web app (opscadence serve); opscadence people invite NAME makes a link.",
            "people:",
        ]
        for (index, name) in people(in: playbooks).enumerated() {
            lines.append("  - { name: \(name)\(index == 0 ? ", role: admin" : "") }")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
