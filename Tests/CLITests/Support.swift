import Foundation
import OpsCadenceTesting
import Testing

/// The repository root, which is itself the shipped workspace.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

/// A temporary copy of the shipped workspace (opscadence.yaml, playbooks/ with templates).
func shippedWorkspaceCopy() throws -> TemporaryDirectory {
    let dir = TemporaryDirectory()
    let fm = FileManager.default
    try fm.copyItem(atPath: repositoryRoot + "/opscadence.yaml", toPath: dir.file("opscadence.yaml"))
    try fm.copyItem(atPath: repositoryRoot + "/playbooks", toPath: dir.file("playbooks"))
    return dir
}

extension CommandRunner.Result {
    var lines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty } }

    func json() throws -> Any { try JSONSerialization.jsonObject(with: Data(stdout.utf8)) }
}

/// Runs the binary in a pseudo-terminal (Scripts/answer_prompts.py), typing `answers` at its
/// prompts; returns its exit status and everything it wrote.
func runOnTerminal(_ answers: [String], _ arguments: [String], in dir: TemporaryDirectory, timeZone: String = "UTC") throws -> (Int32, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", repositoryRoot + "/Tests/CLITests/Scripts/answer_prompts.py"] + answers + ["--", CommandRunner.binary] + arguments
    process.currentDirectoryURL = URL(fileURLWithPath: dir.path)
    process.environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "TZ": timeZone, "HOME": dir.path]
    let out = Pipe()
    process.standardOutput = out
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// The state backends a test runs against: SQLite always, and PostgreSQL when
/// `OPS_TEST_DATABASE_URL` names a server (`scripts/test` starts one).
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    static var available: [Backend] {
        ProcessInfo.processInfo.environment[TestDatabase.variable]?.isEmpty == false ? allCases : [.sqlite]
    }

    var testDescription: String { rawValue }
}
