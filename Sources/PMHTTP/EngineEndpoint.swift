import PMSystem

/// Where a container engine listens, parsed from a Docker host URL:
/// `unix:///var/run/docker.sock`; `tcp://host:2375` or `http://host:2375`, with an optional
/// base path (`tcp://host:2375/prefix`) and port 2375 when none is given; `ssh://[user@]host[:port]`,
/// reached through `ssh … docker system dial-stdio`. `https://` and named pipes are refused
/// with an error that says what to use instead.
package struct EngineEndpoint: Equatable, CustomStringConvertible {
    package enum Transport: Equatable {
        case unix(path: String)
        case tcp(host: String, port: Int)
        case ssh(user: String?, host: String, port: Int?)
    }

    package let transport: Transport
    /// Prefixed to every request path; "" for none.
    package let basePath: String

    package init(_ transport: Transport, basePath: String = "") {
        self.transport = transport
        self.basePath = basePath
    }

    package static let dockerDefault = EngineEndpoint(.unix(path: "/var/run/docker.sock"))

    /// The endpoint `text` names; `source` says where the text came from, for errors.
    package static func parse(_ text: String, source: String) throws -> EngineEndpoint {
        let trimmed = text.trimmingWhitespace
        let invalid = { (reason: String) in HTTPError.invalidEndpoint(trimmed, source: source, reason: reason) }
        guard let separator = trimmed.firstRange(of: "://") else {
            throw invalid("expected scheme://address, such as unix:///var/run/docker.sock or ssh://user@host")
        }
        let scheme = trimmed[..<separator.lowerBound].lowercased()
        let rest = String(trimmed[separator.upperBound...])
        guard !rest.isEmpty else { throw invalid("nothing follows \(scheme)://") }
        switch scheme {
        case "unix":
            guard rest.utf8.count <= SocketDialer.unixPathCapacity else {
                throw invalid(
                    "unix socket path \"\(rest)\" is too long (at most \(SocketDialer.unixPathCapacity) bytes)")
            }
            guard !rest.utf8.contains(0) else { throw invalid("the socket path holds a NUL byte") }
            return EngineEndpoint(.unix(path: rest))
        case "tcp", "http":
            let (authority, path) = split(rest)
            let (host, port) = try hostAndPort(authority, invalid: invalid)
            guard
                path.utf8.allSatisfy({ $0 > 0x20 && $0 != 0x7F && $0 != UInt8(ascii: "?") && $0 != UInt8(ascii: "#") })
            else {
                throw invalid("the base path \"\(path)\" may not hold spaces, ? or #")
            }
            let basePath = path.hasSuffix("/") ? String(path.dropLast()) : path
            return EngineEndpoint(.tcp(host: host, port: port ?? 2375), basePath: basePath)
        case "ssh":
            let (authority, path) = split(rest)
            guard path.isEmpty || path == "/" else { throw invalid("an ssh address takes no path") }
            var user: String?
            var hostPart = Substring(authority)
            if let at = authority.lastIndex(of: "@") {
                user = String(authority[..<at])
                hostPart = authority[authority.index(after: at)...]
                guard let name = user, !name.isEmpty, isPlainWord(name) else {
                    throw invalid("the user name is empty or not plain")
                }
            }
            let (host, port) = try hostAndPort(String(hostPart), invalid: invalid)
            return EngineEndpoint(.ssh(user: user, host: host, port: port))
        case "https":
            throw HTTPError.tlsUnsupported(source: "\(source) (\(trimmed))")
        case "npipe":
            throw HTTPError.unsupportedTransport(trimmed, source: source)
        default:
            throw invalid("unsupported scheme \(scheme)://; use unix://, tcp:// or ssh://")
        }
    }

    /// The endpoint as a URL, for messages: `unix:///run/docker.sock`, `tcp://[::1]:2375/base`.
    package var description: String {
        switch transport {
        case .unix(let path): return "unix://\(path)"
        case .tcp(let host, let port): return "tcp://\(Self.bracketed(host)):\(port)\(basePath)"
        case .ssh(let user, let host, let port):
            return "ssh://\(user.map { "\($0)@" } ?? "")\(Self.bracketed(host))\(port.map { ":\($0)" } ?? "")"
        }
    }

    /// The `Host` header: `host:port` over TCP, `api.moby.localhost` otherwise.
    package var hostHeader: String {
        if case .tcp(let host, let port) = transport { return "\(Self.bracketed(host)):\(port)" }
        return "api.moby.localhost"
    }

    // MARK: - Parsing

    /// `authority/path` → (`authority`, `/path`).
    private static func split(_ text: String) -> (String, String) {
        guard let slash = text.firstIndex(of: "/") else { return (text, "") }
        return (String(text[..<slash]), String(text[slash...]))
    }

    /// `host`, `host:port`, `[v6]`, `[v6]:port`.
    private static func hostAndPort(_ authority: String, invalid: (String) -> HTTPError) throws -> (String, Int?) {
        var host = Substring(authority)
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw invalid("an IPv6 address lacks its closing ]")
            }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw invalid("unexpected text after the IPv6 address") }
                portText = after.dropFirst()
            }
        } else if let colon = authority.firstIndex(of: ":") {
            host = authority[..<colon]
            let after = authority[authority.index(after: colon)...]
            guard !after.contains(":") else { throw invalid("write an IPv6 address in brackets: [::1]:2375") }
            portText = after
        }
        guard !host.isEmpty, isPlainWord(host) else { throw invalid("the host name is empty or not plain") }
        guard let portText else { return (String(host), nil) }
        guard (1...5).contains(portText.count), portText.utf8.allSatisfy(ASCII.isDigit),
            let port = Int(portText), (1...65535).contains(port)
        else {
            throw invalid("the port \"\(portText)\" is not a number from 1 to 65535")
        }
        return (String(host), port)
    }

    /// No spaces, controls, `@`, `/` or a leading `-` (which ssh would take for an option).
    private static func isPlainWord<Text: StringProtocol>(_ text: Text) -> Bool {
        !text.hasPrefix("-")
            && text.utf8.allSatisfy { $0 > 0x20 && $0 != 0x7F && $0 != UInt8(ascii: "@") && $0 != UInt8(ascii: "/") }
    }

    private static func bracketed(_ host: String) -> String {
        host.contains(":") ? "[\(host)]" : host
    }
}
