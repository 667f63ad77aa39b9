import ArgumentParser
import Foundation

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

        struct Cron: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "cron", abstract: "Print a crontab line that ticks every minute.")
            @OptionGroup var workspaceOptions: WorkspaceOptions

            func run() async throws {
                _ = try workspaceOptions.load()
                let (binary, workspace) = Install.paths(workspace: workspaceOptions.workspace)
                Output.line("# OpsCadence: tick every minute (overlapping runs exit at once; each reminder is sent once).")
                Output.line("# Webhook variables (OPS_SLACK_WEBHOOK, ...) must be set in the crontab or a file the URL references.")
                Output.line("* * * * * \(binary) tick --workspace \(workspace) --log-format json >> \(workspace)/.opscadence/tick.log 2>&1")
            }
        }

        struct Systemd: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "systemd",
                abstract: "Print a .service and .timer pair (Persistent=true), or a long-running service with --daemon.")
            @OptionGroup var workspaceOptions: WorkspaceOptions

            @Flag(help: "Print one service that runs `opscadence run` instead of a timer.")
            var daemon = false

            func run() async throws {
                _ = try workspaceOptions.load()
                let (binary, workspace) = Install.paths(workspace: workspaceOptions.workspace)
                if daemon {
                    Output.line(
                        """
                        # /etc/systemd/system/opscadence.service
                        [Unit]
                        Description=OpsCadence operating cadence (\(workspace))
                        After=network-online.target time-sync.target
                        Wants=network-online.target

                        [Service]
                        Type=simple
                        WorkingDirectory=\(workspace)
                        ExecStart=\(binary) run --workspace \(workspace) --log-format json
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
                    Description=OpsCadence tick (\(workspace))
                    After=network-online.target time-sync.target
                    Wants=network-online.target

                    [Service]
                    Type=oneshot
                    WorkingDirectory=\(workspace)
                    ExecStart=\(binary) tick --workspace \(workspace) --log-format json
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
