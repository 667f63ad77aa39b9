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
        // fall-back render to one file name), and a reader: every read, during the writes and
        // after, sees one whole version, never a mix or a partial file.
        let dir = TemporaryDirectory()
        let path = dir.file("agenda.md")
        let versions = [String(repeating: "a", count: 200_000), String(repeating: "b", count: 100_000)]
        try AtomicFile.write(versions[0], to: path)
        let torn = try await withThrowingTaskGroup(of: Int.self) { group in
            for version in versions {
                group.addTask {
                    for _ in 0..<25 { try AtomicFile.write(version, to: path) }
                    return 0
                }
            }
            group.addTask {
                var torn = 0
                for _ in 0..<200 {
                    let read = FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
                    if let read, !versions.contains(read) { torn += 1 }
                }
                return torn
            }
            return try await group.reduce(0, +)
        }
        #expect(torn == 0)
        #expect(versions.contains(try #require(dir.read("agenda.md"))))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["agenda.md"])
    }

    @Test func aFolderThatIsAFileIsAClearError() throws {
        let dir = TemporaryDirectory()
        dir.write("taken", "x")
        let error = #expect(throws: EngineError.self) { try AtomicFile.write("y", to: dir.file("taken/agenda.md")) }
        #expect(error?.description.hasPrefix("cannot create \(dir.file("taken"))") == true, "\(String(describing: error))")
        let root = #expect(throws: EngineError.self) { try AtomicFile.prepareFolder(dir.file("taken")) }
        #expect(root?.description.contains("it is a file") == true)
    }

    /// A link planted inside the output folder never sends a file elsewhere.
    @Test func aLinkInsideTheOutputFolderIsRefused() throws {
        let dir = TemporaryDirectory()
        let elsewhere = TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.file("agendas"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir.file("agendas/weekly"), withDestinationPath: elsewhere.path)
        #expect(throws: EngineError.self) {
            try AtomicFile.write("x", to: dir.file("agendas/weekly/agenda.md"), within: dir.file("agendas"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere.path).isEmpty)
        // Without the link the same write lands.
        try FileManager.default.removeItem(atPath: dir.file("agendas/weekly"))
        try AtomicFile.write("x", to: dir.file("agendas/weekly/agenda.md"), within: dir.file("agendas"))
        #expect(dir.read("agendas/weekly/agenda.md") == "x")
    }
}
