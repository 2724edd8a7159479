import PMCore
import PMHTTP
import PMSystem

extension HTTPError: ToolError {
    /// Configuration mistakes are invalid input (2); an engine that refused what was asked (a
    /// 4xx answer: not found, a conflict, forbidden) is a failure (1); an engine that could not
    /// be asked, answered nonsense, or failed itself (5xx, and the 400 of a plain-HTTP request
    /// to a TLS port) is unknown (255): a server is never "not running" because its engine
    /// broke.
    package var exitStatus: ExitStatus {
        switch self {
        case .invalidEndpoint, .tlsUnsupported, .unsupportedTransport, .invalidAPIVersion, .invalidRequest:
            return .invalid
        case .engine(let status, _), .upgradeRefused(let status, _):
            return status == 400 || status >= 500 ? .unknown : .failure
        case .streamError: return .failure
        default: return .unknown
        }
    }
}
