import PMSystem

/// Why a verb failed in the rules every manager shares (`Lifecycle`, console sessions, the hard
/// stop of a server's processes). The sentence is made by `description`, here only.
package enum LifecycleError: ToolError, Equatable {
    /// SIGINT, SIGTERM or SIGHUP came while a graceful stop waited for the game.
    case interruptedStop(command: String)
    /// Following or attaching needs a running server.
    case notRunning
    /// The manager could not tell whether the server runs.
    case statusUnknown
    /// Processes of the server outlived SIGKILL; `processes` describes them.
    case survivedKill(processes: String, server: String)
    /// An interrupt came while processes of the server still ran.
    case interruptedWithProcessesLeft(processes: String, server: String)
    /// A stop signal, and no game process to send it to (`why`).
    case cannotSignal(StopSignal, why: String)

    package var exitStatus: ExitStatus { self == .statusUnknown ? .unknown : .failure }

    package var description: String {
        switch self {
        case .interruptedStop(let command):
            return "interrupted: \(ShellWords.quote(command)) was sent, but the server has not stopped yet"
        case .notRunning: return "the server is not running"
        case .statusUnknown: return "the status of the server is unknown"
        case .survivedKill(let processes, let server):
            return "\(processes) still running after SIGKILL: \(server) is not stopped"
        case .interruptedWithProcessesLeft(let processes, let server):
            return "interrupted: \(processes) of \(server) still running"
        case .cannotSignal(let signal, let why): return "cannot send \(signal): \(why)"
        }
    }
}

/// A console line that no manager may type (exit status 2).
package enum ConsoleInputError: ToolError, Equatable {
    case tooLong(limit: Int)
    case controlCharacter(Unicode.Scalar)

    package var exitStatus: ExitStatus { .invalid }

    package var description: String {
        switch self {
        case .tooLong(let limit): return "the console line is longer than \(limit) bytes"
        case .controlCharacter(let scalar):
            return "the console line contains the control character \(scalar.codePoint); send one line of text"
        }
    }
}

/// Why `pm-install` could not prepare or remove a server (exit status 1).
package enum InstallationError: ToolError {
    /// `scripts.<name>` of the configuration could not be started.
    case scriptNotStarted(name: String, reason: CommandError)
    case scriptFailed(name: String, Termination)
    case cannotCreateDirectory(SystemError)
    case cannotUseDirectory(SystemError)
    /// The server directory exists already and belongs to another user.
    case directoryOfAnotherUser(path: String, owner: UInt32, user: String)
    /// A file the tools generate (a unit file, a definition) could not be written.
    case cannotWrite(what: String, SystemError)

    package var exitStatus: ExitStatus { .failure }

    package var description: String {
        switch self {
        case .scriptNotStarted(let name, let reason): return "cannot run scripts.\(name): \(reason)"
        case .scriptFailed(let name, let termination): return "scripts.\(name) \(termination.description)"
        case .cannotCreateDirectory(let error): return "cannot create the server directory: \(error)"
        case .cannotUseDirectory(let error): return "cannot use the server directory: \(error)"
        case .directoryOfAnotherUser(let path, let owner, let user):
            return "the server directory \(path) belongs to uid \(owner), not to \(user): remove it, or give it to "
                + "\(user), and install again"
        case .cannotWrite(let what, let error): return "cannot write the \(what): \(error)"
        }
    }
}

/// The state directory or a lock in it cannot be used (exit status 255: nothing about the
/// server was learnt).
package enum StateError: ToolError {
    case cannotOpenLock(path: String, reason: String)
    case lockHeld(path: String, seconds: Int)
    case unusableDirectory(path: String, reason: String)

    package var exitStatus: ExitStatus { .unknown }

    package var description: String {
        switch self {
        case .cannotOpenLock(let path, let reason): return "cannot open the lock file \(path): \(reason)"
        case .lockHeld(let path, let seconds):
            return "another pm command has held the lock \(path) for \(seconds) seconds"
        case .unusableDirectory(let path, let reason):
            return "cannot use the state directory \(path): \(reason) (choose another with --state-dir)"
        }
    }
}

/// Input that names something the tools do not have or cannot read (exit status 2).
package enum SelectionError: ToolError, Equatable {
    case unknownManager(String)
    /// A setting that must be a number of seconds.
    case notSeconds(SettingKey, text: String)
    /// A setting that must be a whole number in `range`.
    case notInteger(SettingKey, text: String, range: ClosedRange<Int>)
    /// A setting that must be a size in bytes (`10M`, `512k`, `1048576`) in `range`.
    case notSize(SettingKey, text: String, range: ClosedRange<Int>)
    /// A setting that must be yes or no.
    case notBoolean(SettingKey, text: String)
    /// A setting that must be one of a few words.
    case notOneOf(SettingKey, text: String, choices: [String])
    /// `--warn` without `--warn-command` or `stop_warning_command`.
    case noWarningTemplate
    /// A stop command `^NAME` whose NAME is no signal the tools send.
    case unknownSignal(String)
    /// `--since` or `--timestamps` for a manager whose console has no times.
    case noConsoleTimes(manager: String)
    /// The manager cannot run on this system (a Windows manager on Linux); `reason` says why.
    case managerUnavailable(reason: String)

    package var exitStatus: ExitStatus { .invalid }

    package var description: String {
        switch self {
        case .unknownManager(let name):
            let known = ManagerKind.allCases.map(\.rawValue).joined(separator: ", ")
            return "unknown process manager \"\(name)\" (known: \(known))"
        case .notSeconds(let key, let text):
            return "\(key) must be a number of seconds between 0 and 86400, not \"\(text)\""
        case .notInteger(let key, let text, let range):
            return "\(key) must be a whole number from \(range.lowerBound) to \(range.upperBound), not \"\(text)\""
        case .notSize(let key, let text, let range):
            return "\(key) must be a size in bytes (such as 10M or 512k) from \(ByteSize.text(range.lowerBound)) to "
                + "\(ByteSize.text(range.upperBound)), not \"\(text)\""
        case .notBoolean(let key, let text):
            return "\(key) must be yes or no (true/false, 1/0), not \"\(text)\""
        case .notOneOf(let key, let text, let choices):
            return "\(key) must be one of \(choices.joined(separator: ", ")), not \"\(text)\""
        case .managerUnavailable(let reason): return reason
        case .noWarningTemplate:
            return "--warn needs the warning's console line: --warn-command or the setting stop_warning_command "
                + "(such as 'say Server restarts in {time}')"
        case .unknownSignal(let command):
            let names = (["C"] + StopSignal.known.keys.sorted()).joined(separator: ", ")
            return "\(command) names no signal: a stop command ^NAME takes \(names) (^^ starts a line with ^)"
        case .noConsoleTimes(let manager):
            return "the \(manager) manager's console has no times: --since and --timestamps work with tmux "
                + "(its console log), docker and podman"
        }
    }
}

/// A session, unit or container under the server's name belongs to another server (their names
/// collide); nothing was done (exit status 1).
package struct OwnershipConflict: ToolError, Equatable {
    /// What carries the name: `tmux session gameap-7`, `container ...`.
    package let what: String
    /// The owner, as `server 8`.
    package let owner: String
    package let server: String

    package var exitStatus: ExitStatus { .failure }

    package var description: String {
        "\(what) belongs to \(owner), not to \(server) (their names collide); nothing was done"
    }
}

/// Why a start failed in a way several managers share.
package enum StartError: ToolError, Equatable {
    case missingDirectory(path: String)
    /// The record has no start command and the game mod no default (exit status 2).
    case nothingToStart
    /// The game exited within the start check; its last output was printed before the error.
    /// `ending` tells how it ended: `status 3`, `killed by signal 9`.
    case exitedAtOnce(ending: String)
    /// The same, when the lines printed before the error come from the server's log.
    case exitedAtOnceWithLog(ending: String)

    package var exitStatus: ExitStatus { self == .nothingToStart ? .invalid : .failure }

    package var description: String {
        switch self {
        case .missingDirectory(let path):
            return "the server directory \(path) does not exist (create it or run pm-install)"
        case .nothingToStart: return "nothing to start: the record has no start_command and the game mod no default"
        case .exitedAtOnce(let ending): return "the start command exited at once (\(ending)); its last output is above"
        case .exitedAtOnceWithLog(let ending):
            return "the start command exited at once (\(ending)); the log's last lines are above"
        }
    }
}
