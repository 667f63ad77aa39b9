import Foundation

/// Where a PostgreSQL state lives, parsed from a `postgres://` or `postgresql://` URL:
///
///     postgres://USER[:PASSWORD]@HOST[:PORT][/DATABASE][?sslmode=MODE&schema=NAME&connect_timeout=SECONDS]
///
/// - HOST: a name, an IPv4 address, or an IPv6 address in brackets (`[::1]`). Unix sockets are
///   not supported. PORT defaults to 5432, DATABASE to the user name. The user name, password
///   and database are percent-decoded (a `@`, `:` or `/` in a password must be written `%40`,
///   `%3A`, `%2F`).
/// - `sslmode`: `disable`, `prefer` (the default, as libpq's), `require`, `verify-ca` or
///   `verify-full`. Unlike libpq, `prefer` and `require` verify the server's certificate chain and
///   host name against the system's trusted authorities, as `verify-full` does: a connection
///   that claims TLS is never silently unauthenticated. `prefer` still falls back to plain TCP
///   when the server offers no TLS at all; `require` and above refuse that. `verify-ca` checks
///   the chain but not the host name.
/// - `schema`: OpsCadence's own parameter: the PostgreSQL schema that holds the tables (created
///   when missing by a writing open), so several workspaces can share one database. Lowercase
///   letters, digits and `_`, at most 63 characters; default `public`.
///
/// The password is kept for connecting only: ``description`` (and so every message and log
/// line that names the location) leaves it out.
package struct DatabaseURL: Sendable, Equatable, CustomStringConvertible {
    /// What is wrong with a URL, without the password.
    package struct Problem: Error, Sendable {
        package var detail: String
    }

    package enum SSLMode: String, Sendable, CaseIterable {
        case disable, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    package var user: String
    package var password: String?
    /// A host name or address; an IPv6 address without its brackets.
    package var host: String
    package var port: Int
    package var database: String
    package var sslMode: SSLMode
    package var schema: String
    /// Seconds to wait for the server to answer a connection attempt.
    package var connectTimeout: Int
    /// `sslrootcert=PATH`: the certificate authorities (PEM) a server's certificate must chain to,
    /// instead of the system's trust store (a private CA, as libpq's parameter of that name).
    package var rootCertificates: String?

    /// Parses `url`.
    ///
    /// - Throws: ``Problem`` naming the part that is wrong; the message never contains the
    ///   password.
    package init(parsing url: String) throws(Problem) {
        func bad(_ detail: String) -> Problem { Problem(detail: detail) }
        var rest: Substring
        if url.hasPrefix("postgres://") {
            rest = url.dropFirst("postgres://".count)
        } else if url.hasPrefix("postgresql://") {
            rest = url.dropFirst("postgresql://".count)
        } else {
            throw bad("not a PostgreSQL URL: it must start with postgres:// or postgresql://")
        }
        if rest.contains("#") { throw bad("a URL fragment (#…) is not allowed; write # in a password as %23") }

        // The user information ends at the last `@` (a password may hold an unencoded `@`).
        guard let at = rest.lastIndex(of: "@") else {
            throw bad("no user name: write postgres://USER@HOST/DATABASE")
        }
        let userInfo = rest[..<at]
        rest = rest[rest.index(after: at)...]
        let rawUser: Substring
        let rawPassword: Substring?
        if let colon = userInfo.firstIndex(of: ":") {
            rawUser = userInfo[..<colon]
            rawPassword = userInfo[userInfo.index(after: colon)...]
        } else {
            rawUser = userInfo
            rawPassword = nil
        }
        guard let user = String(rawUser).removingPercentEncoding, !user.isEmpty else {
            throw bad("no user name, or a user name with a malformed %-escape: write postgres://USER@HOST/DATABASE")
        }
        var password: String?
        if let rawPassword {
            guard let decoded = String(rawPassword).removingPercentEncoding else {
                throw bad("the password has a malformed %-escape (write % itself as %25)")
            }
            password = decoded.isEmpty ? nil : decoded
        }

        // Host and port, up to the path or the query.
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        rest = rest[authorityEnd...]
        var host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw bad("an IPv6 address without its closing ]") }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw bad("unexpected text after the IPv6 address: \(after)") }
                portText = after.dropFirst()
            }
            guard !host.isEmpty, host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
                throw bad("the IPv6 address [\(host)] is not valid")
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority
        }
        guard !host.isEmpty else {
            throw bad("no host: write postgres://USER@HOST/DATABASE (Unix sockets are not supported)")
        }
        if !authority.hasPrefix("[") {
            guard host.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_" }) else {
                throw bad("the host '\(host)' is not a host name or an address (an IPv6 address goes in brackets)")
            }
        }
        var port = 5432
        if let portText {
            guard let number = Int(portText), (1...65_535).contains(number) else {
                throw bad("the port '\(portText)' is not a number from 1 to 65535")
            }
            port = number
        }

        // The database, then the query.
        var database = user
        if rest.hasPrefix("/") {
            let pathEnd = rest.firstIndex(of: "?") ?? rest.endIndex
            let path = rest[rest.index(after: rest.startIndex)..<pathEnd]
            rest = rest[pathEnd...]
            if !path.isEmpty {
                guard let decoded = String(path).removingPercentEncoding, !decoded.contains("/") else {
                    throw bad("the database name '\(path)' is not valid (one name, no /)")
                }
                database = decoded
            }
        }
        var sslMode = SSLMode.prefer
        var schema = "public"
        var connectTimeout = 10
        var rootCertificates: String?
        if rest.hasPrefix("?") {
            for pair in rest.dropFirst().split(separator: "&", omittingEmptySubsequences: true) {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = String(parts[0])
                let value = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? "") : ""
                if name.lowercased() == "password" {
                    throw bad("a password does not go in the URL's query: keep the whole URL in ${env:NAME} or ${file:PATH}, with the password as postgres://USER:PASSWORD@HOST/DATABASE")
                }
                switch name {
                case "sslmode":
                    guard let mode = SSLMode(rawValue: value) else {
                        throw bad("sslmode '\(value)' is not one of \(SSLMode.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    sslMode = mode
                case "schema":
                    guard Self.isValidSchemaName(value) else {
                        throw bad("schema '\(value)' is not a valid name: lowercase letters, digits and _, not starting with a digit, at most 63")
                    }
                    schema = value
                case "connect_timeout":
                    guard let seconds = Int(value), seconds > 0 else { throw bad("connect_timeout '\(value)' is not a number of seconds") }
                    connectTimeout = seconds
                case "sslrootcert":
                    guard value.hasPrefix("/") else { throw bad("sslrootcert '\(value)' must be an absolute path to a PEM file") }
                    rootCertificates = value
                default:
                    throw bad("unknown parameter '\(name)'; known: sslmode, schema, connect_timeout, sslrootcert")
                }
            }
        } else if !rest.isEmpty {
            throw bad("unexpected text after the host: \(rest)")
        }
        self.user = user
        self.password = password
        self.host = String(host)
        self.port = port
        self.database = database
        self.sslMode = sslMode
        self.schema = schema
        self.connectTimeout = connectTimeout
        self.rootCertificates = rootCertificates
    }

    /// `postgres://user@host:port/database?schema=name`: the location without its password, for
    /// messages and logs.
    package var description: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "postgres://\(Self.encode(user))@\(shownHost):\(port)/\(Self.encode(database))?schema=\(schema)"
    }

    /// Lowercase letters, digits and `_`, not starting with a digit, 1 to 63 bytes: a name that
    /// needs no quoting rules beyond double quotes, so it can be written into DDL (identifiers
    /// cannot be bound as parameters).
    package static func isValidSchemaName(_ name: String) -> Bool {
        guard let first = name.utf8.first, name.utf8.count <= 63, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else {
            return false
        }
        return name.utf8.allSatisfy { ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "_") }
    }

    /// The URL as given, with anything between the user name and the last `@` (the password)
    /// and the value of a `password` parameter replaced, for messages about a URL that could not
    /// be parsed.
    package static func redact(_ url: String) -> String {
        var shown = url
        if let schemeEnd = shown.range(of: "://"), let at = shown.lastIndex(of: "@"), at > schemeEnd.upperBound,
            let colon = shown[schemeEnd.upperBound..<at].firstIndex(of: ":")
        {
            shown = String(shown[..<colon]) + ":***" + String(shown[at...])
        }
        guard let question = shown.firstIndex(of: "?") else { return shown }
        let query = shown[shown.index(after: question)...].split(separator: "&", omittingEmptySubsequences: false).map { pair in
            pair.split(separator: "=", maxSplits: 1).first?.lowercased() == "password" ? "password=***" : String(pair)
        }
        return String(shown[...question]) + query.joined(separator: "&")
    }

    /// Whether `url` carries a password: in its user part (`user:password@host`) or as a
    /// `password` parameter of its query.
    package static func hasPassword(_ url: String) -> Bool {
        redact(url) != url
    }

    private static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
