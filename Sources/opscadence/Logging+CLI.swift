import ArgumentParser
import CadenceEngine
import Foundation
import Logging

/// `--log-format text|json` and `--log-level`.
struct LoggingOptions: ParsableArguments {
    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Option(name: .customLong("log-format"), help: "text (for people) or json (one object per line, for log shippers).")
    var logFormat: Format = .text

    @Option(
        name: .customLong("log-level"),
        help: "trace, debug, info, notice, warning, error or critical (default: notice; info for run and for tick with --log-format json).")
    var logLevel: Logger.Level?

    /// Bootstraps swift-log once, writing to standard error, and returns the command's logger.
    /// An explicit `--log-level` always wins over `defaultLevel`.
    /// - Parameter redactor: Scrubs every line; `run` updates it when the workspace reloads.
    func makeLogger(label: String, redactor: LiveRedactor?, defaultLevel: Logger.Level = .notice) -> Logger {
        let format = logFormat
        let level = logLevel ?? defaultLevel
        LoggingSystem.bootstrap { label in
            var handler = StderrLogHandler(label: label, json: format == .json, redactor: redactor)
            handler.logLevel = level
            return handler
        }
        return Logger(label: label)
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// Log lines on standard error: `2026-12-07T14:00:05Z notice [opscadence] message key=value`
/// or one JSON object per line. The workspace's secrets are scrubbed from every line as a last guard.
struct StderrLogHandler: LogHandler {
    let label: String
    let json: Bool
    let redactor: LiveRedactor?
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var all = metadata
        if let extra = event.metadata { all.merge(extra) { $1 } }
        let time = ISO8601DateFormatter().string(from: Date())
        var line: String
        if json {
            var object: [String: String] = ["time": time, "level": event.level.rawValue, "label": label, "message": "\(event.message)"]
            for (key, value) in all { object[key] = "\(value)" }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
            line = String(decoding: data, as: UTF8.self)
        } else {
            let pairs = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            line = "\(time) \(event.level.rawValue) [\(label)] \(event.message)\(pairs.isEmpty ? "" : " " + pairs)"
        }
        if let redactor { line = redactor.redact(line) }
        // A text line is for a terminal or a plain log file: one line, no control characters
        // from the data it quotes (JSON escapes them itself).
        if !json { line = Output.terminalSafe(line, singleLine: true) }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
