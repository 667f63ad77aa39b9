import Foundation

/// Runs the `opscadence` binary built next to the test bundle, as a real child process.
package struct CommandRunner: Sendable {
    /// What a run printed and how it ended.
    package struct Result: Sendable {
        package var status: Int32
        package var stdout: String
        package var stderr: String
        /// Terminated by a signal rather than exiting.
        package var signaled: Bool
    }

    /// The `opscadence` executable: SwiftPM builds it into the same folder as the test runner.
    package static var binary: String {
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = runner.deletingLastPathComponent()
        // On Linux the runner is `<products>/<Package>PackageTests.xctest`; elsewhere it may sit deeper.
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("opscadence").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return runner.deletingLastPathComponent().appendingPathComponent("opscadence").path
    }

    package var directory: String
    package var environment: [String: String]

    /// - Parameters:
    ///   - directory: The working directory of the child.
    ///   - environment: Added to a minimal environment (PATH, HOME, TZ=UTC unless given).
    package init(directory: String, environment: [String: String] = [:]) {
        self.directory = directory
        var base = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": directory, "TZ": "UTC"]
        if let tzdir = ProcessInfo.processInfo.environment["TZDIR"] { base["TZDIR"] = tzdir }
        self.environment = base.merging(environment) { $1 }
    }

    /// Runs `opscadence arguments…` to completion (killed after `timeout` seconds).
    @discardableResult
    package func run(_ arguments: [String], timeout: TimeInterval = 60) throws -> Result {
        let process = try start(arguments)
        return try finish(process, timeout: timeout)
    }

    /// A started child whose output is collected in the background.
    package final class Running: @unchecked Sendable {
        package let process: Process
        let stdout: Pipe
        let stderr: Pipe
        let lock = NSLock()
        var outData = Data()
        var errData = Data()

        /// Signalled by each reader at end of file.
        let drained = DispatchGroup()

        init(process: Process, stdout: Pipe, stderr: Pipe) {
            self.process = process
            self.stdout = stdout
            self.stderr = stderr
            // One blocking reader thread per pipe, until end of file. Not `readabilityHandler`:
            // on Linux its dispatch source can fire while it is being removed, and libdispatch
            // then crashes the whole test process.
            for (handle, isError) in [(stdout.fileHandleForReading, false), (stderr.fileHandleForReading, true)] {
                drained.enter()
                let thread = Thread { [self] in
                    while true {
                        let data = handle.availableData
                        if data.isEmpty { break }
                        lock.withLock {
                            if isError { errData.append(data) } else { outData.append(data) }
                        }
                    }
                    drained.leave()
                }
                thread.start()
            }
        }

        /// Output so far.
        package var currentStdout: String { lock.withLock { String(decoding: outData, as: UTF8.self) } }
        package var currentStderr: String { lock.withLock { String(decoding: errData, as: UTF8.self) } }

        package var pid: Int32 { process.processIdentifier }

        /// Sends a signal (SIGTERM, SIGKILL, SIGHUP …).
        package func signal(_ value: Int32) { kill(process.processIdentifier, value) }
    }

    /// Starts `opscadence arguments…` without waiting.
    package func start(_ arguments: [String]) throws -> Running {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandRunner.binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let running = Running(process: process, stdout: out, stderr: err)
        try process.run()
        return running
    }

    /// Waits for a started child (killing it after `timeout`) and collects its output.
    package func finish(_ running: Running, timeout: TimeInterval = 60) throws -> Result {
        let deadline = Date().addingTimeInterval(timeout)
        while running.process.isRunning {
            if Date() > deadline {
                running.signal(SIGKILL)
                break
            }
            usleep(2_000)
        }
        running.process.waitUntilExit()
        // The readers end when every writer of the pipes has closed them (the child, and any
        // child of its own that inherited them).
        if running.drained.wait(timeout: .now() + max(1, deadline.timeIntervalSinceNow)) == .timedOut {
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "the output of opscadence \(running.process.arguments ?? []) never ended"])
        }
        return Result(
            status: running.process.terminationStatus, stdout: running.currentStdout, stderr: running.currentStderr,
            signaled: running.process.terminationReason == .uncaughtSignal)
    }
}
