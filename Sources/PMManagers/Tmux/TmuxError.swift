import PMCore
import PMSystem

/// Why the tmux manager failed. `tmuxSaid` is the first line tmux printed.
enum TmuxError: ToolError {
    /// No session under the server's name to read or type into.
    case noSession(String)
    /// tmux says the session or its tmux server is gone.
    case sessionGone(tmuxSaid: String)
    /// The game's session vanished during the start check.
    case startedSessionGone
    /// tmux refused `action` (exit status 1); `action` completes "tmux could not ...".
    case refused(action: String, tmuxSaid: String)
    /// tmux did not finish `action` normally (killed, timed out, an unexpected status).
    case failed(action: String, Termination)
    case listPanesFailed(Termination, tmuxSaid: String)
    case notInstalled
    case cannotRun(CommandError)
    /// A private directory in /tmp could not be made.
    case cannotCreateTemporaryDirectory(SystemError)
    case cannotPrepareFeed(SystemError)
    /// `--since` or `--timestamps`, which read the console log, and there is none (nil: the
    /// log is off).
    case noConsoleLog(String?)

    var exitStatus: ExitStatus {
        switch self {
        case .noSession, .sessionGone, .startedSessionGone, .refused, .noConsoleLog: return .failure
        case .failed, .listPanesFailed, .notInstalled, .cannotRun, .cannotCreateTemporaryDirectory, .cannotPrepareFeed:
            return .unknown
        }
    }

    var description: String {
        switch self {
        case .noSession(let session): return "the server is not running (no tmux session \(session))"
        case .sessionGone(let said): return "the server is not running (tmux: \(said))"
        case .startedSessionGone: return "the start command exited at once and its session is gone"
        case .refused(let action, let said): return "tmux could not \(action): \(said)"
        case .failed(let action, let termination): return "tmux could not \(action): it \(termination.description)"
        case .listPanesFailed(let termination, let said): return "tmux list-panes \(termination.description): \(said)"
        case .notInstalled: return "tmux was not found in PATH: install it (apt-get install tmux)"
        case .cannotRun(let error): return "cannot run tmux: \(error)"
        case .cannotCreateTemporaryDirectory(let error): return "\(error)"
        case .cannotPrepareFeed(let error): return "cannot prepare the console feed: \(error)"
        case .noConsoleLog(let path?):
            return "no console log in \(path) (--since and --timestamps read it; a start by this pm keeps one)"
        case .noConsoleLog(nil):
            return "--since and --timestamps read the console log, which console_log=no turns off"
        }
    }
}
