#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a socket could not be opened, read or written. `endpoint` is the text of the address
/// as the caller names it; callers say what was at the other end (an engine, a tmux server).
package enum SocketError: Error, Equatable, CustomStringConvertible {
    /// A unix socket path longer than `sun_path`, or holding a NUL.
    case pathTooLong(endpoint: String, path: String)
    /// connect(2) failed on every attempt with this errno.
    case connectFailed(endpoint: String, code: Int32, attempts: Int)
    /// The host name resolves to no address.
    case hostNotFound(endpoint: String, host: String, reason: String)
    /// Nothing happened for `seconds`; `phase` is `connect`, `read` or `write`.
    case timedOut(endpoint: String, seconds: Double, phase: String)
    case connectionClosed(endpoint: String, during: String)
    case io(endpoint: String, operation: String, code: Int32)
    /// The connection was closed while waiting on it (cancellation from another thread).
    case cancelled(endpoint: String)

    package var description: String {
        switch self {
        case .pathTooLong(let endpoint, let path): return "\(endpoint): the socket path \"\(path)\" is too long"
        case .connectFailed(let endpoint, let code, _): return "cannot connect to \(endpoint): \(Self.reason(code))"
        case .hostNotFound(let endpoint, let host, let reason):
            return "cannot find the host \(host) of \(endpoint): \(reason)"
        case .timedOut(let endpoint, let seconds, let phase):
            return "\(endpoint): \(phase) timed out after \(seconds) s"
        case .connectionClosed(let endpoint, let during): return "\(endpoint) closed the connection \(during)"
        case .io(let endpoint, let operation, let code): return "cannot \(operation) \(endpoint): \(Self.reason(code))"
        case .cancelled(let endpoint): return "the connection to \(endpoint) was closed"
        }
    }

    package static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }
}
