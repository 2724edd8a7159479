import PMSystem

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a run of a game ended: an exit status, or the signal that killed it.
package struct GameExit: Equatable, Sendable, CustomStringConvertible {
    package var status: Int?
    package var signal: Int32?
    /// When, in seconds since the epoch, where known.
    package var at: Double?

    package init(status: Int? = nil, signal: Int32? = nil, at: Double? = nil) {
        self.status = status
        self.signal = signal
        self.at = at
    }

    /// From a `waitpid(2)` status.
    package init(waitStatus: Int32, at: Double?) {
        let signal = waitStatus & 0x7F
        self.init(status: signal == 0 ? Int((waitStatus >> 8) & 0xFF) : nil, signal: signal == 0 ? nil : signal, at: at)
    }

    /// From a shell's exit code (128 + N for signal N), as tmux and engines report it.
    package init(code: Int, at: Double? = nil) {
        if code > 128, code < 128 + 65 {
            self.init(signal: Int32(code - 128), at: at)
        } else {
            self.init(status: code, at: at)
        }
    }

    /// A non-zero status or a signal.
    package var isFailure: Bool { signal != nil || (status ?? 0) != 0 }

    /// The exit code a shell would give: the status, or 128 + the signal.
    package var code: Int { status ?? signal.map { 128 + Int($0) } ?? 0 }

    /// `SIGSEGV`, for a signal.
    package var signalName: String? { signal.map(Self.name) }

    package var description: String {
        if let signalName { return "killed by \(signalName)" }
        return "exit status \(status ?? 0)"
    }

    /// The `SIG` name of a signal, `SIG<n>` for one without a name here.
    package static func name(of signal: Int32) -> String {
        names[signal] ?? "SIG\(signal)"
    }

    /// A signal's number from its name (`SIGSEGV`, `SEGV`).
    package static func number(named name: String) -> Int32? {
        let full = name.hasPrefix("SIG") ? name : "SIG" + name
        return names.first { $0.value == full }?.key
    }

    private static let names: [Int32: String] = [
        SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL", SIGTRAP: "SIGTRAP",
        SIGABRT: "SIGABRT", SIGBUS: "SIGBUS", SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGUSR1: "SIGUSR1",
        SIGSEGV: "SIGSEGV", SIGUSR2: "SIGUSR2", SIGPIPE: "SIGPIPE", SIGALRM: "SIGALRM", SIGTERM: "SIGTERM",
        SIGCHLD: "SIGCHLD", SIGCONT: "SIGCONT", SIGSTOP: "SIGSTOP", SIGTSTP: "SIGTSTP", SIGTTIN: "SIGTTIN",
        SIGTTOU: "SIGTTOU", SIGURG: "SIGURG", SIGXCPU: "SIGXCPU", SIGXFSZ: "SIGXFSZ", SIGVTALRM: "SIGVTALRM",
        SIGPROF: "SIGPROF", SIGWINCH: "SIGWINCH", SIGIO: "SIGIO", SIGSYS: "SIGSYS"
    ]
}
