import PMCore
import PMSystem

/// Why the systemd manager failed: systemctl could not be asked or refused, or the unit's log
/// or console could not be used. `systemctlSaid` is the first line systemctl printed.
enum SystemdError: ToolError {
    case systemctlNotInstalled
    case cannotRunSystemctl(CommandError)
    /// A systemctl call that did not finish (its time limit).
    case systemctlTimedOut(words: [String], Termination)
    /// systemctl refused `action` (which completes "systemctl could not ..."); without a line of
    /// output, how it ended is told instead.
    case systemctlRefused(action: String, systemctlSaid: String, Termination)
    case showFailed(units: [String], Termination, systemctlSaid: String)
    /// The user scope's systemd manager cannot be reached; `user` is nil when it has no name.
    case noUserManager(user: String?, detail: String)
    /// scope=user, but the user running pm has no passwd entry.
    case noPasswdEntry(uid: UInt32)
    case invalidScope(String)
    /// With scope=user the record asks for another user than the one running pm.
    case otherUser(requested: String, own: String)
    case stopFailed(service: String, systemctlSaid: String)
    /// The unit is not down after `systemctl stop`; nil for a state systemctl did not show.
    case stillActive(service: String, activeState: String?, subState: String?)
    /// The start command's program is nowhere: `directory` is the server directory.
    case commandNotFound(program: String, directory: String)
    case cannotPrepareLog(SystemError)
    case noLog(path: String)
    case cannotReadLog(SystemError)
    case notActive(service: String)
    /// Nothing reads the console FIFO (the socket unit is not active).
    case consoleClosed(fifo: String, socket: String)
    case consoleFull(fifo: String)
    case cannotWriteConsole(SystemError)

    var exitStatus: ExitStatus {
        switch self {
        case .invalidScope: return .invalid
        case .systemctlNotInstalled, .cannotRunSystemctl, .systemctlTimedOut, .showFailed, .noUserManager,
            .noPasswdEntry, .cannotWriteConsole:
            return .unknown
        case .systemctlRefused, .otherUser, .stopFailed, .stillActive, .commandNotFound, .cannotPrepareLog, .noLog,
            .cannotReadLog, .notActive, .consoleClosed, .consoleFull:
            return .failure
        }
    }

    var description: String {
        switch self {
        case .systemctlNotInstalled:
            return "systemctl was not found in PATH: the systemd manager needs systemd (or choose another with -m)"
        case .cannotRunSystemctl(let error): return "cannot run systemctl: \(error)"
        case .systemctlTimedOut(let words, let termination):
            return "systemctl \(words.joined(separator: " ")) \(termination.description)"
        case .systemctlRefused(let action, let said, let termination):
            return "systemctl could not \(action): \(said.isEmpty ? termination.description : said)"
        case .showFailed(let units, let termination, let said):
            return "systemctl show \(units.joined(separator: " ")) \(termination.description): \(said)"
        case .noUserManager(let user, let detail):
            let user = user ?? "this user"
            return "the systemd user manager of \(user) is not running (\(detail)): log in as \(user) or enable "
                + "lingering (loginctl enable-linger \(user)), and make sure XDG_RUNTIME_DIR points to its runtime "
                + "directory"
        case .noPasswdEntry(let uid):
            return "scope=user: the user running pm (uid \(uid)) has no passwd entry, so its systemd user manager "
                + "cannot be found"
        case .invalidScope(let value):
            return "process_manager.config.scope must be 'user' or 'system', not \"\(value)\""
        case .otherUser(let requested, let own):
            return "server requests user \"\(requested)\" but pm runs as \"\(own)\": with scope=user the server runs "
                + "as the user whose systemd manager runs it (run pm as \(requested), or use the system scope)"
        case .stopFailed(let service, let said): return "systemctl could not stop \(service): \(said)"
        case .stillActive(let service, let active, let sub):
            return "\(service) is still \(active ?? "?") (\(sub ?? "?")) after systemctl stop"
        case .commandNotFound(let program, let directory):
            return "failed to find command '\(program)': "
                + "\(CommandError.notFound(program: program, directory: directory))"
        case .cannotPrepareLog(let error): return "cannot prepare the log: \(error)"
        case .noLog(let path):
            return "there is no log \(path) yet: the server was never started by pm-start or the daemon"
        case .cannotReadLog(let error): return "cannot read the log: \(error)"
        case .notActive(let service): return "the server is not running (\(service) is not active)"
        case .consoleClosed(let fifo, let socket):
            return "the server's console is closed: nothing reads \(fifo) (is \(socket) active? pm-start --restart "
                + "recreates it)"
        case .consoleFull(let fifo): return "the server does not read its console: \(fifo) is full"
        case .cannotWriteConsole(let error): return "cannot write the console line: \(error)"
        }
    }
}
