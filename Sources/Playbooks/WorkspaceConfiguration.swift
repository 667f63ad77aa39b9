import Foundation
import MaturityModel
import Recurrence

/// `opscadence.yaml`: the settings shared by every playbook of a workspace.
public struct WorkspaceConfiguration: Sendable {
    /// The default zone of playbooks.
    public var timeZone: ZoneRules
    /// Absolute path of the SQLite state file.
    public var statePath: String
    /// Absolute path of the folder agendas are rendered into.
    public var outputPath: String
    /// Weekends and holidays, for holiday policies.
    public var calendar: BusinessCalendar
    /// Webhook targets by name, in file order.
    public var targets: [Target]
    /// Refuse private and loopback addresses when true (link-local is always refused).
    public var denyPrivateNetworks: Bool
    /// How many deliveries may be in flight at once.
    public var deliveryConcurrency: Int
    /// The longest one webhook request may take, in seconds (`delivery.timeout`, default 20).
    public var deliveryTimeout: Int = 20
    /// KPI definitions and overrides declared by the team.
    public var kpis: [KPISettings]
    /// `output` as written: relative to the workspace unless it starts with `/`.
    public var outputFolder: String = "agendas"
    /// `agenda_url`: where the output folder is served on the web (no trailing slash), so that
    /// reminders link to the HTML agenda; nil when agendas are not published.
    public var agendaBaseURL: String? = nil
    /// `web:`: the public address and key of `opscadence serve`.
    public var web = WebSettings()
    /// `people:`: who may sign in to the web app, and with which role.
    public var people: [Person] = []
    /// `kpi_escalation:`: how many red daily checks take a KPI to the weekly review, and how
    /// many red weekly reviews to the monthly one (3 and 3 unless set).
    public var kpiEscalation = KPILadder.Thresholds()
    /// `locale:` and `currency:`: how dates, numbers and money are written for people.
    public var presentation = Presentation()

    /// The person of this name (compared without regard to case), if listed.
    public func person(named name: String) -> Person? {
        people.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }
    }

    public func target(named name: String) -> Target? { targets.first { $0.name == name } }

    /// The team's calendar date at `instant`, in the workspace's zone.
    public func date(at instant: Int64) -> CivilDate { timeZone.localDateTime(at: instant).date }
}

/// A chat or webhook destination.
public struct Target: Sendable, Hashable {
    public enum Kind: String, CaseIterable, Sendable, Hashable, Codable {
        case slack, discord, msteams, googlechat, mattermost, generic
    }

    public var name: String
    public var kind: Kind
    /// The webhook URL; nil when the target is optional and its variables are unset.
    public var url: Secret?
    /// The Standard Webhooks signing secret (generic targets).
    public var signingSecret: Secret?
    /// The Slack app's signing secret (slack targets): the target's reminders get Block Kit
    /// buttons, and the clicks Slack posts back are verified with it.
    public var interactionSecret: Secret? = nil
    /// `buttons: true` (mattermost targets): reminders get interactive message buttons that post
    /// back to the web app.
    public var buttons: Bool = false
    /// `optional: true`: skipped with a warning while its variables are unset.
    public var isOptional: Bool
    /// Retry limits for failing deliveries.
    public var maxAttempts: Int
    public var maxAge: Int
    /// Minimum seconds between two messages to this target (Slack allows about one per second).
    public var minimumInterval: Double
    /// Where the target is defined, for messages.
    public var location: SourceLocation

    /// Whether deliveries can be made (false for an optional target with unset variables).
    public var isEnabled: Bool { url != nil }

    /// The default pacing per kind, from the services' documented limits.
    public static func defaultInterval(for kind: Kind) -> Double {
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
public struct KPISettings: Sendable, Hashable {
    public var key: String
    public var title: String?
    public var unit: String?
    /// `higher` or `lower` is better.
    public var higherIsBetter: Bool?
    public var green: Double?
    public var red: Double?
    public var location: SourceLocation
}

/// `web:` in `opscadence.yaml`.
public struct WebSettings: Sendable {
    /// The public base URL of the web app (no trailing slash): sign-in links and reminders use it.
    public var url: String?
    /// The key that signs the app's tokens; required to listen on anything but loopback.
    public var secret: Secret?
    /// Why `secret` is missing although it is configured (an unset variable, an unreadable file).
    public var secretProblem: String?

    public init(url: String? = nil, secret: Secret? = nil, secretProblem: String? = nil) {
        self.url = url
        self.secret = secret
        self.secretProblem = secretProblem
    }

    /// Whether the public URL is https, so cookies are marked `Secure`.
    public var isHTTPS: Bool { url?.lowercased().hasPrefix("https://") == true }
}

/// Someone who may sign in to the web app.
public struct Person: Sendable, Hashable, Codable {
    public enum Role: String, Sendable, Hashable, Codable, CaseIterable {
        /// Everything a member can do, plus the outbox (retry and drop deliveries).
        case admin
        /// Meetings, checklists, action items, KPIs and assessments.
        case member
    }

    public var name: String
    public var role: Role

    public init(name: String, role: Role) {
        self.name = name
        self.role = role
    }
}
