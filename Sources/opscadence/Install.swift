import ArgumentParser
import Foundation
import Playbooks

extension OpsCadence {
    struct Install: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "install",
            abstract: "Print a crontab line or systemd units that run this workspace.",
            discussion: """
                Nothing is installed: the text is printed for you to review and put in place.

                Examples:
                  opscadence install cron >> mycrontab
                  opscadence install systemd
                  opscadence install systemd --daemon
                """,
            subcommands: [Cron.self, Systemd.self])

        /// Absolute paths of this binary and of the workspace.
        static func paths(workspace: String) -> (binary: String, workspace: String) {
            let binary = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
            let absolute = workspace.hasPrefix("/") ? workspace : FileManager.default.currentDirectoryPath + "/" + workspace
            return (binary, (absolute as NSString).standardizingPath)
        }

        /// The `${env:NAME}` variables opscadence.yaml references, in order of first use.
        static func referencedVariables(root: String) -> [String] {
            let path = (root as NSString).appendingPathComponent(Workspace.configurationFile)
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
            var names: [String] = []
            var rest = Substring(text)
            while let start = rest.range(of: "${env:") {
                rest = rest[start.upperBound...]
                guard let end = rest.firstIndex(of: "}") else { break }
                let name = String(rest[..<end])
                if !name.isEmpty, !names.contains(name) { names.append(name) }
                rest = rest[end...]
            }
            return names
        }

        /// A warning when `binary` is a development build inside a clone (`.build/`): a scheduler
        /// line must not depend on a folder the next `swift build` or `git clean` replaces.
        static func developmentBuildWarning(_ binary: String) -> String? {
            guard binary.contains("/.build/") else { return nil }
            return "# WARNING: \(binary) is a development build inside the clone; install it first (see README: Run it on a server) and run `opscadence install` again from the installed binary."
        }

        /// `text` as one word for `sh`: unchanged when it holds only safe characters, otherwise
        /// in single quotes.
        static func shellWord(_ text: String) -> String {
            let safe = text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "/._-+:@,=".contains($0)) }
            return safe && !text.isEmpty ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }

        /// `text` as one argument of a systemd `ExecStart=` line, with `%` and `$` kept literal.
        static func systemdWord(_ text: String) -> String {
            var word = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            if word.contains(where: { $0 == " " || $0 == "\t" || $0 == "\"" || $0 == "'" }) { word = "\"" + word + "\"" }
            return systemdLiteral(word)
        }

        /// `text` with systemd's specifier and variable characters escaped.
        static func systemdLiteral(_ text: String) -> String {
            text.replacingOccurrences(of: "%", with: "%%").replacingOccurrences(of: "$", with: "$$")
        }

        struct Cron: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "cron", abstract: "Print a crontab line that ticks every minute.",
                discussion: """
                    Examples:
                      (crontab -l; opscadence install cron) | crontab -
                    """)
            @OptionGroup var workspaceOptions: WorkspaceOptions

            func run() async throws {
                let loaded = try workspaceOptions.load()
                let (binary, workspace) = Install.paths(workspace: workspaceOptions.workspace)
                Output.line("# OpsCadence: tick every minute (overlapping runs exit at once; each reminder is sent once).")
                let variables = Install.referencedVariables(root: loaded.root)
                if !variables.isEmpty {
                    Output.line(
                        "# Set \(variables.joined(separator: ", ")) for cron (above this line, or in a file referenced with ${file:PATH}): cron starts with an empty environment.")
                }
                if let warning = Install.developmentBuildWarning(binary) { Output.line(warning) }
                // The log's folder is created first: the redirection would fail before the first
                // tick could create it, and cron would never start opscadence at all.
                let folder = Install.shellWord(workspace + "/.opscadence")
                let log = Install.shellWord(workspace + "/.opscadence/tick.log")
                let command = "mkdir -p \(folder) && \(Install.shellWord(binary)) tick --workspace \(Install.shellWord(workspace)) --log-format json >> \(log) 2>&1"
                // cron turns an unescaped % into a newline.
                Output.line("* * * * * " + command.replacingOccurrences(of: "%", with: "\\%"))
            }
        }

        struct Systemd: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "systemd",
                abstract: "Print a .service and .timer pair (Persistent=true), or a long-running service with --daemon.",
                discussion: """
                    Examples:
                      opscadence install systemd
                      opscadence install systemd --daemon
                    """)
            @OptionGroup var workspaceOptions: WorkspaceOptions

            @Flag(help: "Print one service that runs `opscadence run` instead of a timer.")
            var daemon = false

            func run() async throws {
                _ = try workspaceOptions.load()
                let (binary, workspace) = Install.paths(workspace: workspaceOptions.workspace)
                if let warning = Install.developmentBuildWarning(binary) { Output.line(warning) }
                if daemon {
                    Output.line(
                        """
                        # /etc/systemd/system/opscadence.service
                        [Unit]
                        Description=OpsCadence operating cadence (\(Install.systemdLiteral(workspace)))
                        After=network-online.target time-sync.target
                        Wants=network-online.target

                        [Service]
                        Type=simple
                        WorkingDirectory=\(Install.systemdLiteral(workspace))
                        ExecStart=\(Install.systemdWord(binary)) run --workspace \(Install.systemdWord(workspace)) --log-format json
                        ExecReload=/bin/kill -HUP $MAINPID
                        # Webhook URLs: EnvironmentFile=/etc/opscadence/env, or LoadCredential= with ${file:...} references.
                        EnvironmentFile=-/etc/opscadence/env
                        Restart=on-failure
                        TimeoutStopSec=60

                        [Install]
                        WantedBy=multi-user.target
                        """)
                    return
                }
                Output.line(
                    """
                    # /etc/systemd/system/opscadence-tick.service
                    [Unit]
                    Description=OpsCadence tick (\(Install.systemdLiteral(workspace)))
                    After=network-online.target time-sync.target
                    Wants=network-online.target

                    [Service]
                    Type=oneshot
                    WorkingDirectory=\(Install.systemdLiteral(workspace))
                    ExecStart=\(Install.systemdWord(binary)) tick --workspace \(Install.systemdWord(workspace)) --log-format json
                    # Webhook URLs: EnvironmentFile=/etc/opscadence/env, or LoadCredential= with ${file:...} references.
                    EnvironmentFile=-/etc/opscadence/env

                    # /etc/systemd/system/opscadence-tick.timer
                    [Unit]
                    Description=Run the OpsCadence tick every minute

                    [Timer]
                    OnCalendar=*-*-* *:*:00
                    AccuracySec=1s
                    # After downtime, run once at boot; the tick itself applies each playbook's catch_up policy.
                    Persistent=true

                    [Install]
                    WantedBy=timers.target

                    # Enable with: systemctl daemon-reload && systemctl enable --now opscadence-tick.timer
                    """)
            }
        }
    }
}
