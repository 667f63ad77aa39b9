import ArgumentParser
import CadenceEngine
import Foundation
import Playbooks
import Recurrence
import StateStore
import WebApp

extension OpsCadence {
    struct People: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "people",
            abstract: "List who may sign in to the web app, make sign-in links, and revoke access.",
            discussion: """
                People are listed under people: in opscadence.yaml, each with a role (admin or member).

                Examples:
                  opscadence people
                  opscadence people invite "Ops Lead"
                  opscadence people revoke "Ops Lead"
                """,
            subcommands: [List.self, Invite.self, Revoke.self], defaultSubcommand: List.self)

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "list", abstract: "List people, their role, open sessions and unused sign-in links.")
            @OptionGroup var workspaceOptions: WorkspaceOptions
            @OptionGroup var clock: ClockOptions
            @Option(help: "text or json.")
            var format: TextOrJSON = .text

            struct Row: Encodable {
                var name: String
                var role: String
                var sessions: Int
                var unusedLinks: Int
                enum CodingKeys: String, CodingKey { case name, role, sessions, unusedLinks = "unused_links" }
            }

            func run() async throws {
                let workspace = try workspaceOptions.load()
                let now = try clock.instant()
                let access = try workspaceOptions.openStoreIfPresent(workspace)?.webAccess(now: now) ?? [:]
                let rows = workspace.configuration.people.map { person in
                    let counts = access.first { $0.key.caseInsensitiveCompare(person.name) == .orderedSame }?.value ?? (sessions: 0, invites: 0)
                    return Row(name: person.name, role: person.role.rawValue, sessions: counts.sessions, unusedLinks: counts.invites)
                }
                if format == .json { return try Output.json(rows) }
                if rows.isEmpty { Output.line("no people: add people: [{ name: Ops Lead, role: admin }] to opscadence.yaml") }
                for row in rows {
                    Output.line("\(row.name) (\(row.role)): \(row.sessions) session\(row.sessions == 1 ? "" : "s"), \(row.unusedLinks) unused link\(row.unusedLinks == 1 ? "" : "s")")
                }
            }
        }

        struct Invite: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "invite", abstract: "Print a one-time sign-in link for a person (valid 24 hours).",
                discussion: """
                    The link is printed once; only its digest is stored. Send it to the person privately.

                    Examples:
                      opscadence people invite "Ops Lead"
                      opscadence people invite "Ops Lead" --format json
                    """)
            @OptionGroup var workspaceOptions: WorkspaceOptions
            @OptionGroup var clock: ClockOptions
            @Argument(help: "The person's name, as listed under people:.")
            var name: String
            @Option(help: "text or json.")
            var format: TextOrJSON = .text

            struct Link: Encodable {
                var person: String
                var url: String
                var expiresAt: String
                enum CodingKeys: String, CodingKey { case person, url, expiresAt = "expires_at" }
            }

            func run() async throws {
                try Arguments.requireOneLine((name, "NAME"))
                let workspace = try workspaceOptions.load()
                guard let person = workspace.configuration.person(named: name) else {
                    let known = workspace.configuration.people.map(\.name)
                    throw CLIError(
                        "NAME: no person '\(name)' under people: in opscadence.yaml"
                            + (known.isEmpty ? " (there are none yet)" : " (expected one of: \(known.joined(separator: ", ")))"))
                }
                let now = try clock.instant()
                let store = try workspaceOptions.openStore(workspace)
                let link = try SignInLinks.invite(person, workspace: workspace, store: store, now: now)
                let expires = RFC3339.format(link.expiresAt, offset: workspace.configuration.timeZone.offset(at: link.expiresAt))
                if format == .json { return try Output.json(Link(person: person.name, url: link.url, expiresAt: expires)) }
                Output.line("sign-in link for \(person.name) (\(person.role.rawValue)), valid once until \(expires):")
                Output.line(link.url)
                if workspace.configuration.web.url == nil {
                    Output.warning("web.url is not set in opscadence.yaml, so the link points at http://127.0.0.1:8080")
                }
            }
        }

        struct Revoke: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "revoke", abstract: "Sign a person out everywhere and void their unused sign-in links.",
                discussion: """
                    To keep someone out for good, also remove them from people: in opscadence.yaml.

                    Examples:
                      opscadence people revoke "Ops Lead"
                    """)
            @OptionGroup var workspaceOptions: WorkspaceOptions
            @OptionGroup var clock: ClockOptions
            @Argument(help: "The person's name.")
            var name: String
            @Option(help: "text or json.")
            var format: TextOrJSON = .text

            struct Revoked: Encodable {
                var person: String
                var sessions: Int
                var links: Int
            }

            func run() async throws {
                try Arguments.requireOneLine((name, "NAME"))
                let workspace = try workspaceOptions.load()
                let now = try clock.instant()
                // A name not listed is most likely a typo; someone removed from people: is
                // signed out already (a session is only good for a listed person).
                guard workspace.configuration.person(named: name) != nil else {
                    let known = workspace.configuration.people.map(\.name)
                    throw CLIError(
                        "NAME: no person '\(name)' under people: in opscadence.yaml (someone removed from there is signed out already)"
                            + (known.isEmpty ? "" : "; expected one of: \(known.joined(separator: ", "))"))
                }
                let counts = try workspaceOptions.openExistingStore(workspace)?.revoke(person: name, now: now) ?? (sessions: 0, invites: 0)
                if format == .json { return try Output.json(Revoked(person: name, sessions: counts.sessions, links: counts.invites)) }
                Output.line("revoked \(name): \(counts.sessions) session\(counts.sessions == 1 ? "" : "s") ended, \(counts.invites) unused link\(counts.invites == 1 ? "" : "s") voided")
            }
        }
    }
}
