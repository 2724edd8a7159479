import PMSystem

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a request to a container engine failed. Each description names the engine's address
/// (`unix:///var/run/docker.sock`) and what to check; the reference's texts are kept where
/// users search for them (`Error response from daemon: …`, `unrecognized stream: …`).
package enum HTTPError: Error, Equatable, CustomStringConvertible {
    /// An endpoint text that cannot be used; `source` names where it came from (`DOCKER_HOST`).
    case invalidEndpoint(String, source: String, reason: String)
    /// TLS was asked for (`https://`, `cert_path`, `DOCKER_CERT_PATH`, `DOCKER_TLS_VERIFY`).
    case tlsUnsupported(source: String)
    /// A transport this client does not have (`npipe://`).
    case unsupportedTransport(String, source: String)
    case invalidAPIVersion(String, source: String)
    /// A request that cannot be written (a path with spaces, a header with a line break).
    case invalidRequest(String)
    /// connect(2) failed on every attempt with this errno.
    case connectFailed(endpoint: String, code: Int32, attempts: Int)
    /// getaddrinfo(3) could not resolve the engine's host name.
    case hostNotFound(endpoint: String, host: String, reason: String)
    /// Nothing happened for `seconds`; `phase` is `connect`, `read` or `write`.
    case timedOut(endpoint: String, seconds: Double, phase: String)
    /// The ssh program could not be started, or ended before the engine answered.
    case sshFailed(endpoint: String, reason: String)
    case connectionClosed(endpoint: String, during: String)
    case malformedResponse(endpoint: String, reason: String)
    case headersTooLarge(endpoint: String, limit: Int)
    case bodyTooLarge(endpoint: String, limit: Int)
    case io(endpoint: String, operation: String, code: Int32)
    /// The connection was closed while waiting on it (cancellation from another thread).
    case cancelled(endpoint: String)
    /// The engine answered with a status of 400 or more.
    case engine(status: Int, message: String)
    /// A hijack request got something other than `101 Switching Protocols`.
    case upgradeRefused(status: Int, message: String)
    /// A multiplexed stream frame of the system-error stream 3.
    case streamError(String)
    case unrecognizedStream(UInt8)
    case badFrameHeader([UInt8])

    /// The engine says the object does not exist (the only class the managers tell apart).
    package var isNotFound: Bool {
        if case .engine(404, _) = self { return true }
        return false
    }

    package var description: String {
        switch self {
        case .invalidEndpoint(let text, let source, let reason):
            return "invalid engine address \"\(text)\" in \(source): \(reason)"
        case .tlsUnsupported(let source):
            return "\(source) asks for TLS, which pm does not speak; reach a remote engine with ssh://user@host "
                + "(it runs `docker system dial-stdio` there) or through a local unix socket"
        case .unsupportedTransport(let text, let source):
            return "\(source) names \(text): named pipes are for Windows engines, which pm does not reach; "
                + "use unix://, tcp:// or ssh://"
        case .invalidAPIVersion(let text, let source):
            return "invalid API version \"\(text)\" in \(source): expected <major>.<minor>, such as 1.47"
        case .invalidRequest(let reason):
            return "cannot send the request: \(reason)"
        case .connectFailed(let endpoint, let code, let attempts):
            let tries = attempts > 1 ? " (\(attempts) attempts)" : ""
            return "cannot connect to the engine at \(endpoint)\(tries): \(Self.reason(code))\(Self.hint(code))"
        case .hostNotFound(let endpoint, let host, let reason):
            return "cannot find the host \(host) of the engine at \(endpoint): \(reason)"
        case .timedOut(let endpoint, let seconds, let phase):
            return
                "the engine at \(endpoint) did not respond within \(Clock.text(seconds: seconds)) s (\(phase) timeout)"
        case .sshFailed(let endpoint, let reason):
            return "cannot reach the engine at \(endpoint) through ssh: \(reason)"
        case .connectionClosed(let endpoint, let during):
            return "the engine at \(endpoint) closed the connection \(during)"
        case .malformedResponse(let endpoint, let reason):
            return "the engine at \(endpoint) sent a malformed HTTP response: \(reason)"
        case .headersTooLarge(let endpoint, let limit):
            return "the engine at \(endpoint) sent response headers larger than \(Self.size(limit))"
        case .bodyTooLarge(let endpoint, let limit):
            return "the engine at \(endpoint) sent a response larger than \(Self.size(limit))"
        case .io(let endpoint, let operation, let code):
            return "cannot \(operation) the engine at \(endpoint): \(Self.reason(code))"
        case .cancelled(let endpoint):
            return "the connection to the engine at \(endpoint) was closed"
        case .engine(let status, let message):
            return message.isEmpty
                ? "Error response from daemon: status \(status)" : "Error response from daemon: \(message)"
        case .upgradeRefused(let status, let message):
            return "unable to upgrade to tcp, received \(status)" + (message.isEmpty ? "" : ": \(message)")
        case .streamError(let message):
            return "error from daemon in stream: \(message)"
        case .unrecognizedStream(let stream):
            return "unrecognized stream: \(stream)"
        case .badFrameHeader(let header):
            return "malformed stream frame header \(header.map { String($0, radix: 16) }.joined(separator: " "))"
        }
    }

    /// Printable text of the first bytes of something the engine sent, for error messages.
    static func excerpt<Bytes: Collection>(_ bytes: Bytes, limit: Int = 60) -> String where Bytes.Element == UInt8 {
        var text = "\""
        for byte in bytes.prefix(limit) {
            if byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") {
                text.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                text += "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16)
            }
        }
        return text + (bytes.count > limit ? "…\"" : "\"")
    }

    private static func reason(_ code: Int32) -> String { SocketError.reason(code) }

    /// The same failure in the engine's words.
    package init(_ error: SocketError) {
        switch error {
        case .pathTooLong(let endpoint, let path):
            self = .invalidEndpoint(
                endpoint, source: "the engine address", reason: "unix socket path \"\(path)\" is too long")
        case .connectFailed(let endpoint, let code, let attempts):
            self = .connectFailed(endpoint: endpoint, code: code, attempts: attempts)
        case .hostNotFound(let endpoint, let host, let reason):
            self = .hostNotFound(endpoint: endpoint, host: host, reason: reason)
        case .timedOut(let endpoint, let seconds, let phase):
            self = .timedOut(endpoint: endpoint, seconds: seconds, phase: phase)
        case .connectionClosed(let endpoint, let during): self = .connectionClosed(endpoint: endpoint, during: during)
        case .io(let endpoint, let operation, let code):
            self = .io(endpoint: endpoint, operation: operation, code: code)
        case .cancelled(let endpoint): self = .cancelled(endpoint: endpoint)
        }
    }

    /// Runs `body`, reporting a socket's failure as the engine's.
    package static func onSocket<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as SocketError {
            throw HTTPError(error)
        }
    }

    private static func hint(_ code: Int32) -> String {
        switch code {
        case ENOENT: return "; is the engine running, and is the socket path right?"
        case ECONNREFUSED: return "; is the engine running and listening there?"
        case EACCES, EPERM: return "; run as root or as a member of the engine's group (docker)"
        default: return ""
        }
    }

    private static func size(_ bytes: Int) -> String {
        bytes >= 1 << 20 ? "\(bytes >> 20) MiB" : bytes >= 1 << 10 ? "\(bytes >> 10) KiB" : "\(bytes) bytes"
    }
}
