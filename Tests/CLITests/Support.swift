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
