import Foundation
import MaturityModel
import Recurrence

/// `opscadence.yaml`: the settings shared by every playbook of a workspace.
package struct WorkspaceConfiguration: Sendable {
    /// The default zone of playbooks.
    package var timeZone: ZoneRules
    /// Absolute path of the SQLite state file.
    package var statePath: String
    /// Absolute path of the folder agendas are rendered into.
    package var outputPath: String
    /// Weekends and holidays, for holiday policies.
    package var calendar: BusinessCalendar
    /// Webhook targets by name, in file order.
    package var targets: [Target]
    /// Refuse private and loopback addresses when true (link-local is always refused).
    package var denyPrivateNetworks: Bool
    /// How many deliveries may be in flight at once.
    package var deliveryConcurrency: Int
    /// The longest one webhook request may take, in seconds (`delivery.timeout`, default 20).
    package var deliveryTimeout: Int = 20
    /// KPI definitions and overrides declared by the team.
    package var kpis: [KPISettings]
    /// `output` as written: relative to the workspace unless it starts with `/`.
    package var outputFolder: String = "agendas"
    /// `agenda_url`: where the output folder is served on the web (no trailing slash), so that
    /// reminders link to the HTML agenda; nil when agendas are not published.
    package var agendaBaseURL: String? = nil
    /// `web:`: the public address and key of `opscadence serve`.
    package var web = WebSettings()
    /// `people:`: who may sign in to the web app, and with which role.
    package var people: [Person] = []
    /// `kpi_escalation:`: how many red daily checks take a KPI to the weekly review, and how
    /// many red weekly reviews to the monthly one (3 and 3 unless set).
    package var kpiEscalation = KPILadder.Thresholds()
    /// `locale:` and `currency:`: how dates, numbers and money are written for people.
    package var presentation = Presentation()
    /// `state: postgres://…`: the PostgreSQL database holding the state instead of the file at
    /// ``statePath`` (which then only names the workspace's lock). A secret: it may carry a password.
    package var stateDatabase: Secret? = nil

    /// The person of this name (compared without regard to case), if listed.
    package func person(named name: String) -> Person? {
        people.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }
    }

    package func target(named name: String) -> Target? { targets.first { $0.name == name } }

    /// The team's calendar date at `instant`, in the workspace's zone.
    package func date(at instant: Int64) -> CivilDate { timeZone.localDateTime(at: instant).date }
}

/// A chat or webhook destination.
package struct Target: Sendable, Hashable {
    package enum Kind: String, CaseIterable, Sendable, Hashable, Codable {
        case slack, discord, msteams, googlechat, mattermost, generic
    }

    package var name: String
    package var kind: Kind
    /// The webhook URL; nil when the target is optional and its variables are unset.
    package var url: Secret?
    /// The Standard Webhooks signing secret (generic targets).
    package var signingSecret: Secret?
    /// The Slack app's signing secret (slack targets): the target's reminders get Block Kit
    /// buttons, and the clicks Slack posts back are verified with it.
    package var interactionSecret: Secret? = nil
    /// `buttons: true` (mattermost targets): reminders get interactive message buttons that post
    /// back to the web app.
    package var buttons: Bool = false
    /// `optional: true`: skipped with a warning while its variables are unset.
    package var isOptional: Bool
    /// Retry limits for failing deliveries.
    package var maxAttempts: Int
    package var maxAge: Int
    /// Minimum seconds between two messages to this target (Slack allows about one per second).
    package var minimumInterval: Double
    /// Where the target is defined, for messages.
    package var location: SourceLocation

    /// Whether deliveries can be made (false for an optional target with unset variables).
    package var isEnabled: Bool { url != nil }

    /// The default pacing per kind, from the services' documented limits.
    package static func defaultInterval(for kind: Kind) -> Double {
        switch kind {
        case .slack, .googlechat: return 1.0
        case .discord: return 0.5
        case .msteams: return 0.25
        case .mattermost: return 0.1
        case .generic: return 0
        }
    }
}

/// A KPI as the workspace declares it: a new one, or thresholds that override a default.
package struct KPISettings: Sendable, Hashable {
    package var key: String
    package var title: String?
    package var unit: String?
    /// `higher` or `lower` is better.
    package var higherIsBetter: Bool?
    package var green: Double?
    package var red: Double?
    package var location: SourceLocation
}

/// `web:` in `opscadence.yaml`.
package struct WebSettings: Sendable {
    /// The public base URL of the web app (no trailing slash): sign-in links and reminders use it.
    package var url: String?
    /// The key that signs the app's tokens; required to listen on anything but loopback.
    package var secret: Secret?
    /// Why `secret` is missing although it is configured (an unset variable, an unreadable file).
    package var secretProblem: String?

    package init(url: String? = nil, secret: Secret? = nil, secretProblem: String? = nil) {
        self.url = url
        self.secret = secret
        self.secretProblem = secretProblem
    }

    /// Whether the public URL is https, so cookies are marked `Secure`.
    package var isHTTPS: Bool { url?.lowercased().hasPrefix("https://") == true }
}

/// Someone who may sign in to the web app.
package struct Person: Sendable, Hashable, Codable {
    package enum Role: String, Sendable, Hashable, Codable, CaseIterable {
        /// Everything a member can do, plus the outbox (retry and drop deliveries).
        case admin
        /// Meetings, checklists, action items, KPIs and assessments.
        case member
    }

    package var name: String
    package var role: Role
    /// Their handles on the chat platforms, so reminders can mention them.
    package var handles = Handles()

    package init(name: String, role: Role, handles: Handles = Handles()) {
        self.name = name
        self.role = role
        self.handles = handles
    }

    /// `slack`, `discord`, `teams`, `googlechat`, `mattermost` and `email` of a person in
    /// `people:`, each checked against its platform's shape when the workspace is read.
    package struct Handles: Sendable, Hashable, Codable {
        /// A Slack member id (`U012AB3CD`).
        package var slack: String?
        /// A Discord user id, 17 to 20 digits.
        package var discord: String?
        /// A Teams user's email or user principal name.
        package var teams: String?
        /// A Google Chat user id, digits.
        package var googlechat: String?
        /// A Mattermost username (`opslead`).
        package var mattermost: String?
        /// An email address (Teams' handle when `teams` is not set).
        package var email: String?

        package init(
            slack: String? = nil, discord: String? = nil, teams: String? = nil, googlechat: String? = nil, mattermost: String? = nil,
            email: String? = nil
        ) {
            self.slack = slack
            self.discord = discord
            self.teams = teams
            self.googlechat = googlechat
            self.mattermost = mattermost
            self.email = email
        }

        /// Whether no handle is set.
        package var isEmpty: Bool { self == Handles() }

        /// The keys of `people:` entries that hold a handle, in the order the docs list them.
        static let keys = ["slack", "discord", "teams", "googlechat", "mattermost", "email"]

        /// Checks a handle: nil when `value` fits `key`'s shape, else what was expected.
        static func problem(key: String, value: String) -> String? {
            func ascii(_ c: Character, _ test: (Character) -> Bool) -> Bool { c.isASCII && test(c) }
            switch key {
            case "slack":
                let fits =
                    (value.first == "U" || value.first == "W") && (7...21).contains(value.count)
                    && value.dropFirst().allSatisfy { ascii($0) { $0.isUppercase || $0.isNumber } }
                return fits ? nil : "a Slack member id: U or W, then uppercase letters and digits (U012AB3CD; in Slack, the profile's ⋯ menu, Copy member ID)"
            case "discord":
                let fits = (17...20).contains(value.count) && value.allSatisfy { ascii($0) { $0.isNumber } }
                return fits ? nil : "a Discord user id: 17 to 20 digits, quoted (\"123456789012345678\"; Copy User ID with developer mode on)"
            case "googlechat":
                let fits = (1...30).contains(value.count) && value.allSatisfy { ascii($0) { $0.isNumber } }
                return fits ? nil : "a Google Chat user id: digits (the number in users/123456789012345678901)"
            case "mattermost":
                let fits =
                    value.count <= 64 && value.first.map { ascii($0) { $0.isLowercase } } == true
                    && value.allSatisfy { ascii($0) { $0.isLowercase || $0.isNumber || "._-".contains($0) } }
                    && !["all", "channel", "here", "everyone"].contains(value)
                return fits
                    ? nil : "a Mattermost username: a lowercase letter, then lowercase letters, digits, '.', '_' or '-', without the @ (not all, channel, here or everyone)"
            default:
                return isEmail(value) ? nil : "\(key == "teams" ? "a Teams user's email or user principal name" : "an email address"), such as lead@example.com"
            }
        }

        /// `local@domain.tld` in printable ASCII, without spaces, quotes or angle brackets.
        static func isEmail(_ text: String) -> Bool {
            let parts = text.split(separator: "@", omittingEmptySubsequences: false)
            guard text.count <= 254, parts.count == 2, !parts[0].isEmpty,
                parts[0].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._%+-'".contains($0)) }),
                parts[1].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") })
            else { return false }
            let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
            return labels.count >= 2 && labels.allSatisfy { !$0.isEmpty && $0.first != "-" && $0.last != "-" }
        }

        subscript(key: String) -> String? {
            get {
                switch key {
                case "slack": slack
                case "discord": discord
                case "teams": teams
                case "googlechat": googlechat
                case "mattermost": mattermost
                default: email
                }
            }
            set {
                switch key {
                case "slack": slack = newValue
                case "discord": discord = newValue
                case "teams": teams = newValue
                case "googlechat": googlechat = newValue
                case "mattermost": mattermost = newValue
                default: email = newValue
                }
            }
        }
    }
}
