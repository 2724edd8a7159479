import PMSystem

/// What `pm-start` did; `description` is the line the tool prints after `server N: `.
package enum StartOutcome: Equatable, Sendable, CustomStringConvertible {
    case alreadyRunning
    case started
    /// A restart: stopped, then started (or the manager's own restart).
    case restarted
    /// A dry run: `would start`, `would restart`.
    case wouldStart
    case wouldRestart
    /// `--if-down`: started again after an exit no stop asked for.
    case restartedAfter(GameExit?)
    /// `--if-down`: nothing to do, and why (stopped on purpose, gave up, a clean exit).
    case leftDown(String)
    /// `--if-down`: the restart delay has not passed.
    case restartsLater(in: Double)

    package var description: String {
        switch self {
        case .alreadyRunning: return "already running"
        case .started: return "started"
        case .restarted: return "restarted"
        case .wouldStart: return "would start"
        case .wouldRestart: return "would restart"
        case .restartedAfter(let exit): return "restarted" + (exit.map { " (after \($0))" } ?? "")
        case .leftDown(let why): return "left down (\(why))"
        case .restartsLater(let seconds): return "down; restart due in \(Clock.text(seconds: seconds)) seconds"
        }
    }
}

/// What `pm-stop` did; `description` is the line the tool prints after `server N: `.
package enum StopOutcome: Equatable, Sendable, CustomStringConvertible {
    case alreadyStopped
    /// Stopped at once: `--force`, no console stop command, or no console to send it to.
    case stopped
    /// The game exited on its own after the console stop command.
    case stoppedGracefully(after: Double)
    /// The game was still running when the stop timeout passed and was stopped hard.
    case forced(after: Double, ignoredCommand: String)
    case wouldStop
    case wouldStopGracefully(command: String, timeout: Double)

    package var description: String {
        switch self {
        case .alreadyStopped: return "already stopped"
        case .stopped: return "stopped"
        case .stoppedGracefully(let seconds): return "stopped gracefully after \(Clock.text(seconds: seconds)) seconds"
        case .forced(let seconds, let command):
            return
                "stopped: forced after \(Clock.text(seconds: seconds)) seconds (the server ignored "
                + "\(ShellWords.quote(command)))"
        case .wouldStop: return "would stop"
        case .wouldStopGracefully(let command, let timeout):
            return
                "would send \(ShellWords.quote(command)), wait up to \(Clock.text(seconds: timeout)) seconds, then stop"
        }
    }

    /// Whether the server was running when the stop began.
    package var wasRunning: Bool { self != .alreadyStopped }
}
