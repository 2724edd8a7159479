import PMCore
import PMSystem

/// Why a Windows service manager (`winsw`, `shawl`) failed. A `command` is the program and its
/// arguments; messages name its first two words (`sc start`). `said` is the last line it printed.
enum WindowsServiceError: ToolError {
    /// The start command for Windows is empty (exit status 2).
    case nothingToStart
    /// Word `word` (from 1) of the start command contains a NUL character.
    case nulInStartCommand(word: Int)
    /// Word `word` of a batch file's start command has `character`, which cmd.exe would interpret.
    case unsafeForCmd(word: Int, character: Unicode.Scalar)
    /// Services are named by the server id, and the record has none.
    case noServerID(manager: String)
    /// The service needs a Windows account: the record's su_user, or NETWORK SERVICE.
    case noAccount(manager: String)
    case userNotInUsersMap(String)
    case passwordNotBase64(user: String)
    case emptyPassword(user: String)
    case passwordControlCharacter(user: String)
    case invalidStartMode(SettingKey, text: String)
    case consoleInputUnsupported(manager: String)
    case notFound(program: String)
    case shawlNotFound
    case cannotRun(program: String, CommandError)
    /// The command did not exit by itself (killed, timed out).
    case didNotExit(command: [String], Termination)
    /// The command exited with the Win32 error `code`; `advice` says what could not be done.
    case commandFailed(command: [String], code: Int32, said: String?, advice: String)
    /// The same for a question: the service's state is unknown (exit status 255).
    case queryFailed(command: [String], code: Int32, said: String?)
    case noServiceState(service: String)
    /// The service did not become `state` (`stopped`, `deleted`) within `seconds`.
    case timedOut(service: String, state: String, seconds: Int, advice: String)
    case cannotRead(path: String, any Error)
    case cannotWrite(path: String, any Error)
    case cannotCreateDirectory(path: String, any Error)
    /// A change that needs Windows, asked for on another system without --dry-run.
    case notWindows
    /// WinSW's logs are missing: the service has not run since it was installed.
    case noWinSWOutput(path: String)
    /// shawl's log is missing: the service has not run since it was created.
    case noShawlOutput(path: String)

    var exitStatus: ExitStatus {
        switch self {
        case .nothingToStart, .nulInStartCommand, .unsafeForCmd, .noServerID, .noAccount, .userNotInUsersMap,
            .passwordNotBase64, .emptyPassword, .passwordControlCharacter, .invalidStartMode, .notWindows:
            return .invalid
        case .notFound, .cannotRun, .didNotExit, .queryFailed, .noServiceState: return .unknown
        case .consoleInputUnsupported, .shawlNotFound, .commandFailed, .timedOut, .cannotRead, .cannotWrite,
            .cannotCreateDirectory, .noWinSWOutput, .noShawlOutput:
            return .failure
        }
    }

    var description: String {
        switch self {
        case .nothingToStart:
            return "nothing to start: the record has no start_command and the game mod no default for Windows"
        case .nulInStartCommand(let word): return "word \(word) of the start command contains a NUL character"
        case .unsafeForCmd(let word, let character):
            let shown = character.isControlCharacter ? "the control character \(character.codePoint)" : "\(character)"
            return "word \(word) of the start command contains \(shown): the program is a batch file, which runs "
                + "through cmd.exe, and cmd.exe would interpret it (\" % & | < > ^ and control characters cannot be "
                + "passed to a batch file safely); remove it, or start a program (.exe) instead"
        case .noServerID(let manager):
            return "the \(manager) manager names services by the server id (gameapServer<id>): the record needs an "
                + "id, or give the name with -n"
        case .noAccount(let manager):
            return "the \(manager) manager needs the record's su_user, the Windows account the service runs as (or "
                + "use_network_service_user: true in the daemon configuration)"
        case .userNotInUsersMap(let user):
            return "user \(user) is not in the users map of the daemon configuration: add its password as "
                + "users.\(user)"
        case .passwordNotBase64(let user):
            return "the password of user \(user) in the users map is not UTF-8 text in standard base64 after "
                + "\"base64:\""
        case .emptyPassword(let user): return "the password of user \(user) in the users map is empty"
        case .passwordControlCharacter(let user):
            return "the password of user \(user) in the users map contains a control character, which a service "
                + "definition cannot carry"
        case .invalidStartMode(let setting, let text): return "\(setting) must be demand or auto, not \"\(text)\""
        case .consoleInputUnsupported(let manager):
            return "console input is not supported by the \(manager) manager: a Windows service has no console to "
                + "type into (the reference refuses it too)"
        case .notFound(let program):
            return "\(program) was not found in "
                + "PATH\(program == "winsw" ? ": install WinSW 3 as winsw.exe in a directory of PATH" : "")"
        case .shawlNotFound:
            return "\(ShawlManager.executable) was not found in PATH: install shawl "
                + "(https://github.com/mtkennerly/shawl) in a directory of PATH"
        case .cannotRun(let program, let error): return "cannot run \(program): \(error)"
        case .didNotExit(let command, let termination):
            return "\(ServiceRunner.label(command)) \(termination.description)"
        case .commandFailed(let command, let code, let said, let advice):
            return Self.exited(command, code, said) + (advice.isEmpty ? "" : "; \(advice)")
        case .queryFailed(let command, let code, let said): return Self.exited(command, code, said)
        case .noServiceState(let service): return "sc queryex \(service) printed no service state"
        case .timedOut(let service, let state, let seconds, let advice):
            return "the service \(service) is not \(state) after \(seconds) seconds"
                + (advice.isEmpty ? "" : ": \(advice)")
        case .cannotRead(let path, let error): return "cannot read \(path): \(error)"
        case .cannotWrite(let path, let error): return "cannot write \(path): \(error)"
        case .cannotCreateDirectory(let path, let error): return "cannot create \(path): \(error)"
        case .notWindows: return "Windows services cannot be managed from this system: only --dry-run works here"
        case .noWinSWOutput(let path):
            return "no output yet: \(path) does not exist (the service has not run since it was installed)"
        case .noShawlOutput(let path):
            return "no output yet: \(path) does not exist (the service has not run since it was created)"
        }
    }

    /// `sc start exited with 1069 (the service did not start due to a logon failure): <said>`.
    private static func exited(_ command: [String], _ code: Int32, _ said: String?) -> String {
        "\(ServiceRunner.label(command)) exited with \(WindowsError.describe(code))" + (said.map { ": \($0)" } ?? "")
    }
}
