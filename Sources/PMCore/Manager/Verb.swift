import PMSystem

/// The seven tools, one per lifecycle verb of the reference interface.
public enum Verb: String, CaseIterable, Sendable {
    case start, stop, status, output, input, metrics, install

    /// `pm-start`, ...
    public var toolName: String { "pm-" + rawValue }

    /// One line for `--help` and the man page's NAME section.
    public var summary: String {
        switch self {
        case .start: return "start game servers, or restart them"
        case .stop: return "stop game servers, gracefully first"
        case .status: return "tell whether game servers are running"
        case .output: return "print the console output of game servers"
        case .input: return "send console input to game servers, or attach to their console"
        case .metrics: return "print Prometheus metrics of game servers"
        case .install: return "install or uninstall game servers"
        }
    }

    /// Whether the verb changes the server, and so runs under the per-server lock.
    package var changesServer: Bool {
        switch self {
        case .start, .stop, .install: return true
        case .status, .output, .input, .metrics: return false
        }
    }
}
