import CadenceEngine
import Foundation
import OpsCadenceTesting
import Testing

@Suite struct AtomicFileTests {
    @Test func writesIntoANewFolderAndLeavesNothingBeside() throws {
        let dir = TemporaryDirectory()
        try AtomicFile.write("hello\n", to: dir.file("a/b/agenda.md"))
        #expect(dir.read("a/b/agenda.md") == "hello\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.file("a/b")) == ["agenda.md"])
    }

    @Test func concurrentWritersOfOneFileNeverMix() async throws {
        // Two writers of the same path (two occurrences at the same local time after a DST
        // fall-back render to one file name): the file is always one whole version.
        let dir = TemporaryDirectory()
        let path = dir.file("agenda.md")
        let versions = [String(repeating: "a", count: 200_000), String(repeating: "b", count: 100_000)]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for version in versions {
                group.addTask {
                    for _ in 0..<25 { try AtomicFile.write(version, to: path) }
                }
            }
            try await group.waitForAll()
        }
        #expect(versions.contains(try #require(dir.read("agenda.md"))))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["agenda.md"])
    }

    @Test func aFolderThatIsAFileIsAClearError() throws {
        let dir = TemporaryDirectory()
        dir.write("taken", "x")
        #expect(throws: EngineError.self) { try AtomicFile.write("y", to: dir.file("taken/agenda.md")) }
        do {
            try AtomicFile.write("y", to: dir.file("taken/agenda.md"))
        } catch {
            #expect(error.description.hasPrefix("cannot create \(dir.file("taken"))"))
        }
    }
}
