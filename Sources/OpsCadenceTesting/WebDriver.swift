import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A real headless Chromium, driven through chromedriver's W3C WebDriver protocol over
/// loopback: enough of the protocol to open pages, fill and submit forms, read what is shown,
/// and take screenshots. Debian's `chromium` and `chromium-driver` (scripts/bootstrap).
package final class WebDriver: @unchecked Sendable {
    package struct Failure: Error, CustomStringConvertible {
        package var description: String
        package init(description: String) { self.description = description }
    }

    /// An element found on the current page (invalid after navigation: find it again).
    package struct Element: Sendable {
        let id: String
    }

    private static let elementKey = "element-6066-11e4-a52e-4f735466cecf"

    private let driver: Process
    private let base: String
    private let session: String
    private let profile: TemporaryDirectory

    /// Whether chromium and chromedriver are installed (scripts/bootstrap installs them).
    package static var isAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: chromedriverPath) && FileManager.default.isExecutableFile(atPath: chromiumPath)
    }

    static let chromedriverPath = "/usr/bin/chromedriver"
    static let chromiumPath = "/usr/bin/chromium"

    /// Starts chromedriver on a free loopback port and opens a headless browser session.
    package init(windowWidth: Int = 1280, windowHeight: Int = 900) throws {
        guard Self.isAvailable else {
            throw Failure(description: "chromium and chromedriver are not installed (\(Self.chromiumPath), \(Self.chromedriverPath)); run scripts/bootstrap")
        }
        profile = TemporaryDirectory()
        var lastError = "chromedriver did not start"
        for _ in 0..<5 {
            let port = try Self.freePort()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Self.chromedriverPath)
            process.arguments = ["--port=\(port)"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let url = "http://127.0.0.1:\(port)"
            let deadline = ContinuousClock.now + .seconds(20)
            var ready = false
            while ContinuousClock.now < deadline && process.isRunning {
                if let status = try? LoopbackHTTPClient.send("GET", url + "/status", timeout: .seconds(5)),
                    status.body.replacingOccurrences(of: " ", with: "").contains("\"ready\":true")
                {
                    ready = true
                    break
                }
                usleep(50_000)
            }
            guard ready else {
                Self.stop(process)
                lastError = "chromedriver on port \(port) never became ready"
                continue
            }
            let capabilities: [String: Any] = [
                "capabilities": [
                    "alwaysMatch": [
                        "browserName": "chrome",
                        "goog:chromeOptions": [
                            "binary": Self.chromiumPath,
                            "args": [
                                "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run",
                                "--window-size=\(windowWidth),\(windowHeight)", "--user-data-dir=\(profile.path)",
                            ],
                        ],
                    ]
                ]
            ]
            do {
                let reply = try Self.call("POST", url + "/session", capabilities, timeout: .seconds(60))
                guard let id = (reply as? [String: Any])?["sessionId"] as? String else {
                    throw Failure(description: "no session id in \(reply)")
                }
                driver = process
                base = url
                session = id
                return
            } catch {
                Self.stop(process)
                lastError = "\(error)"
            }
        }
        throw Failure(description: lastError)
    }

    deinit { quit() }

    /// Ends the browser session and chromedriver.
    package func quit() {
        guard driver.isRunning else { return }
        _ = try? LoopbackHTTPClient.send("DELETE", "\(base)/session/\(session)", timeout: .seconds(20))
        Self.stop(driver)
    }

    /// chromedriver does not always end on SIGTERM; the session (and its browser) is closed first.
    private static func stop(_ process: Process) {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    // MARK: Navigation and reading

    /// Opens a URL and waits for the page to load.
    package func open(_ url: String) throws { _ = try command("POST", "url", ["url": url]) }

    package var currentURL: String { get throws { try command("GET", "url") as? String ?? "" } }
    package var title: String { get throws { try command("GET", "title") as? String ?? "" } }
    /// The page's HTML as the browser holds it now.
    package var source: String { get throws { try command("GET", "source") as? String ?? "" } }

    /// The first element matching a CSS selector.
    package func find(_ selector: String) throws -> Element {
        let value = try command("POST", "element", ["using": "css selector", "value": selector])
        guard let id = (value as? [String: Any])?[Self.elementKey] as? String else { throw Failure(description: "no element \(selector)") }
        return Element(id: id)
    }

    /// Every element matching a CSS selector (none is not an error).
    package func findAll(_ selector: String) throws -> [Element] {
        let value = try command("POST", "elements", ["using": "css selector", "value": selector])
        return ((value as? [[String: Any]]) ?? []).compactMap { ($0[Self.elementKey] as? String).map(Element.init) }
    }

    /// The rendered text of an element, as a person reads it.
    package func text(_ element: Element) throws -> String { try command("GET", "element/\(element.id)/text") as? String ?? "" }

    package func text(of selector: String) throws -> String { try text(try find(selector)) }

    package func attribute(_ element: Element, _ name: String) throws -> String? {
        try command("GET", "element/\(element.id)/attribute/\(name)") as? String
    }

    /// Polls until `condition` holds (a page a form submission leads to has loaded, say):
    /// a click returns when the event is dispatched, not when the navigation it starts ends.
    package func wait(
        _ what: String, timeout: Duration = .seconds(15), until condition: () throws -> Bool
    ) throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if (try? condition()) == true { return }
            usleep(25_000)
        }
        throw Failure(description: "timed out waiting for \(what) (at \((try? currentURL) ?? "?"))")
    }

    /// Waits until the browser is at `url` and the page has finished loading.
    package func wait(forURL url: String) throws {
        try wait("\(url)") {
            try currentURL == url && (try execute("return document.readyState") as? String) == "complete"
        }
    }

    // MARK: Acting

    package func click(_ element: Element) throws { _ = try command("POST", "element/\(element.id)/click", [String: Any]()) }

    package func click(_ selector: String) throws { try click(try find(selector)) }

    /// Types into a field (after what it holds).
    package func type(_ text: String, into element: Element) throws {
        _ = try command("POST", "element/\(element.id)/value", ["text": text])
    }

    package func clear(_ element: Element) throws { _ = try command("POST", "element/\(element.id)/clear", [String: Any]()) }

    /// Presses keys on whatever has focus (`"\u{E004}"` is Tab, `"\u{E007}"` Enter).
    package func pressKeys(_ keys: String) throws {
        let down = keys.map { ["type": "keyDown", "value": String($0)] }
        let up = keys.map { ["type": "keyUp", "value": String($0)] }
        let actions: [[String: Any]] = [["type": "key", "id": "keyboard", "actions": zip(down, up).flatMap { [$0, $1] }]]
        _ = try command("POST", "actions", ["actions": actions])
    }

    /// Runs a script in the page and returns its result (for reading state, never to act in
    /// place of a person).
    package func execute(_ script: String) throws -> Any? { try command("POST", "execute/sync", ["script": script, "args": [Any]()]) }

    /// The cookies the browser holds for the current page.
    package func cookies() throws -> [[String: Any]] { try command("GET", "cookie") as? [[String: Any]] ?? [] }

    /// Saves a PNG of the viewport.
    package func screenshot(to path: String) throws {
        guard let base64 = try command("GET", "screenshot") as? String, let data = Data(base64Encoded: base64) else {
            throw Failure(description: "no screenshot")
        }
        try data.write(to: URL(fileURLWithPath: path))
    }

    // MARK: Protocol

    private func command(_ method: String, _ path: String, _ body: [String: Any]? = nil) throws -> Any? {
        try Self.call(method, "\(base)/session/\(session)/\(path)", body)
    }

    private static func call(_ method: String, _ url: String, _ body: [String: Any]?, timeout: Duration = .seconds(60)) throws -> Any? {
        let text = try body.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }
        let reply = try LoopbackHTTPClient.send(
            method, url, headers: text == nil ? [] : [("Content-Type", "application/json; charset=utf-8")], body: text, timeout: timeout)
        let json = (try? reply.json()) as? [String: Any]
        if reply.status >= 400 {
            let value = json?["value"] as? [String: Any]
            throw Failure(description: "\(method) \(url): \(value?["error"] ?? reply.status): \(value?["message"] ?? reply.body)")
        }
        let value = json?["value"]
        return value is NSNull ? nil : value
    }

    private static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket failed") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Bool in
                bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound else { throw Failure(description: "no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
