import PMCore
import PMSystem

/// Why the simple manager's scripts could not do a verb.
enum SimpleManagerError: ToolError {
    /// The script ran and did not succeed. Exit status 255 when a start, stop, restart or status
    /// script did not exit by itself (killed, timed out), 1 otherwise; a failed `get_console`
    /// or `send_command` script is always 1.
    case scriptFailed(SimpleManager.Script, Termination)
    case cannotRun(SimpleManager.Script, CommandError)
    /// The configuration has no script for this verb and the record no command to wrap.
    case noScript(SimpleManager.Script)
    /// Console input without a `send_command` script (or with one that would run the line).
    case noSendCommandScript
    case notRunningAfterStart
    /// No getconsole script, and no console log yet (the server was never started by this pm).
    case noConsoleLog(path: String)

    var exitStatus: ExitStatus {
        switch self {
        case .scriptFailed(.getConsole, _), .scriptFailed(.sendCommand, _), .notRunningAfterStart, .noConsoleLog:
            return .failure
        case .scriptFailed(_, let termination): return termination.code == -1 ? .unknown : .failure
        case .cannotRun: return .unknown
        case .noScript, .noSendCommandScript: return .invalid
        }
    }

    var description: String {
        switch self {
        case .scriptFailed(let script, let termination):
            return "the \(script.rawValue) script \(termination.description)"
        case .cannotRun(let script, let error): return "cannot run the \(script.rawValue) script: \(error)"
        case .noScript(let script): return "the simple manager has no \(script.rawValue) command: \(script.remedy)"
        case .noSendCommandScript:
            return "console input needs a send_command script (scripts.sendcommand in the daemon configuration); the "
                + "simple manager never runs console input as a program"
        case .noConsoleLog(let path):
            return "no console log in \(path) yet (a start by this pm keeps one when scripts.getconsole is not set)"
        case .notRunningAfterStart:
            return "the start script succeeded but the status script says the server is not running"
        }
    }
}
