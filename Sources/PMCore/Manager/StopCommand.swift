#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a graceful stop does first: type a console line, or, written `^C` or `^SIGNAME` as
/// Pterodactyl eggs write it, send a signal to the game's main process (many games save only on
/// Ctrl+C). `^^` starts a line that really begins with `^`.
package enum StopCommand: Equatable, Sendable {
    case line(String)
    case signal(StopSignal)

    package init(_ text: String) throws {
        guard text.hasPrefix("^") else {
            self = .line(text)
            return
        }
        let rest = String(text.dropFirst())
        if rest.hasPrefix("^") {
            self = .line(rest)
        } else if let signal = StopSignal(name: rest) {
            self = .signal(signal)
        } else {
            throw SelectionError.unknownSignal(text)
        }
    }
}

/// A signal a stop command may send, by the name users write.
package struct StopSignal: Equatable, Sendable, CustomStringConvertible {
    package let name: String
    package let number: Int32

    /// `C` (Ctrl+C) and the `SIG` names of the signals a game may catch to save and exit.
    static let known: [String: Int32] = [
        "SIGHUP": SIGHUP, "SIGINT": SIGINT, "SIGQUIT": SIGQUIT, "SIGABRT": SIGABRT, "SIGKILL": SIGKILL,
        "SIGUSR1": SIGUSR1, "SIGUSR2": SIGUSR2, "SIGTERM": SIGTERM, "SIGWINCH": SIGWINCH
    ]

    package init?(name: String) {
        let full = name == "C" ? "SIGINT" : name
        guard let number = Self.known[full] else { return nil }
        self.name = full
        self.number = number
    }

    package var description: String { name }
}
