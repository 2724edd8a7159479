import PMSystem

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The runs of a game as its supervisor (`GameSupervisor`) saw them, one line per event in
/// `runs` of the server's `ServerFiles` directory, written by the game's user:
///
///     2026-12-03T16:20:00.123Z	start
///     2026-12-03T16:20:00.125Z	run	4242
///     2026-12-03T16:20:01.130Z	exit	status 3	unasked
///     2026-12-03T16:20:01.130Z	wait	1
///     2026-12-03T16:20:02.131Z	run	4250
///     2026-12-03T16:20:09.000Z	exit	signal SIGSEGV	unasked
///     2026-12-03T16:20:09.000Z	gave-up
///
/// `start` begins the history of one `pm-start`; `stop` says a stop was asked while the
/// supervisor waited to restart. The tools read the last `readLimit` bytes.
package enum RunHistory {
    package static let fileName = "runs"
    package static let readLimit = 64 << 10

    package enum Event: Equatable {
        case start
        case run(pid: Int32)
        case exit(GameExit, asked: Bool)
        case wait(seconds: Double)
        case gaveUp
        case stop
        /// A start script ended (the simple manager's supervisor): what `pm-start` waits for.
        case script(GameExit)
    }

    /// What the history says about the runs since the last `start`.
    package struct Summary: Equatable {
        package var runs = 0
        /// When each run the supervisor started again after a wait began (not the runs that
        /// `pm-start --if-down` started: its ledger counts those).
        package var restartTimes: [Double] = []
        package var lastExit: GameExit?
        /// The last exit was asked for (a stop).
        package var lastExitAsked = false
        package var gaveUp = false
        /// When the supervisor will start the game again, while it waits.
        package var restartAt: Double?
        /// How the last start script ended (the simple manager's supervisor).
        package var lastScript: GameExit?

        package init() {}

        package var restarts: Int { restartTimes.count }
    }

    package static func line(_ event: Event, at time: Double) -> String {
        let fields: [String]
        switch event {
        case .start: fields = ["start"]
        case .run(let pid): fields = ["run", String(pid)]
        case .exit(let exit, let asked): fields = ["exit", how(exit), asked ? "asked" : "unasked"]
        case .script(let exit): fields = ["script", how(exit)]
        case .wait(let seconds): fields = ["wait", Clock.text(seconds: seconds)]
        case .gaveUp: fields = ["gave-up"]
        case .stop: fields = ["stop"]
        }
        return ([Timestamp.rfc3339Milliseconds(time)] + fields).joined(separator: "\t") + "\n"
    }

    private static func how(_ exit: GameExit) -> String {
        exit.signalName.map { "signal \($0)" } ?? "status \(exit.status ?? 0)"
    }

    private static func exit(_ how: Substring, at: Double) -> GameExit? {
        let words = how.split(separator: " ")
        guard words.count == 2 else { return nil }
        if words[0] == "status", let status = Int(words[1]), (0...255).contains(status) {
            return GameExit(status: status, at: at)
        }
        if words[0] == "signal", let signal = GameExit.number(named: String(words[1])) {
            return GameExit(signal: signal, at: at)
        }
        return nil
    }

    /// One line back into its time and event; nil for anything else.
    package static func parse(_ line: Substring) -> (at: Double, event: Event)? {
        let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
        guard fields.count >= 2, let at = Timestamp.parseRFC3339(String(fields[0])) else { return nil }
        switch (fields[1], fields.count) {
        case ("start", 2): return (at, .start)
        case ("run", 3): return Int32(fields[2]).map { (at, .run(pid: $0)) }
        case ("exit", 4):
            guard let exit = exit(fields[2], at: at), fields[3] == "asked" || fields[3] == "unasked" else {
                return nil
            }
            return (at, .exit(exit, asked: fields[3] == "asked"))
        case ("script", 3): return exit(fields[2], at: at).map { (at, .script($0)) }
        case ("wait", 3): return DecimalNumber.parse(String(fields[2])).map { (at, .wait(seconds: $0)) }
        case ("gave-up", 2): return (at, .gaveUp)
        case ("stop", 2): return (at, .stop)
        default: return nil
        }
    }

    /// The summary of `text` (the end of a history): lines that do not parse are skipped.
    package static func summary(of text: String) -> Summary {
        var summary = Summary()
        var waited = false
        for line in text.split(separator: "\n") {
            guard let (at, event) = parse(line) else { continue }
            switch event {
            case .start: summary = Summary()
            case .run:
                if waited { summary.restartTimes.append(at) }
                waited = false
                summary.runs += 1
                summary.restartAt = nil
            case .exit(let exit, let asked):
                summary.lastExit = exit
                summary.lastExitAsked = asked
                summary.restartAt = nil
            case .wait(let seconds):
                summary.restartAt = at + seconds
                waited = true
            case .gaveUp:
                summary.gaveUp = true
                summary.restartAt = nil
            case .stop:
                summary.lastExitAsked = true
                summary.restartAt = nil
            case .script(let exit): summary.lastScript = exit
            }
        }
        return summary
    }

    /// `status` with what the game's supervisor recorded: the restarts, how the last run ended
    /// (else the exit code the manager saw), and while it is down, whether the supervisor gave
    /// up or when it starts the game again.
    package static func annotate(_ reported: ServerStatus, _ files: ServerFiles) throws -> ServerStatus {
        var status = reported
        guard let history = try read(files) else { return status }
        status.restarts = history.restarts
        if let exit = history.lastExit {
            status.lastExit = exit
            status.lastExitAsked = history.lastExitAsked
        } else if let code = status.exitCode {
            status.lastExit = GameExit(code: code)
        }
        if !status.isRunning {
            status.gaveUp = history.gaveUp
            status.restartAt = history.restartAt
        }
        return status
    }

    /// The server's history as root may read it (`ServerFiles`); nil when there is none.
    package static func read(_ files: ServerFiles) throws -> Summary? {
        let fd: Int32?
        do {
            fd = try files.open(fileName)
        } catch {
            throw RestartError.unreadableHistory(path: error.path, reason: error.reason)
        }
        guard let fd else { return nil }
        defer { close(fd) }
        let path = Path.join(files.path, fileName)
        do {
            let tail = try LogFile.lastLines(of: fd, name: path, count: 0, limit: readLimit)
            return summary(of: String(decoding: tail, as: UTF8.self))
        } catch let error as SystemError {
            throw RestartError.unreadableHistory(path: path, reason: error.reason)
        }
    }
}

/// A restart history or ledger that cannot be read or written.
package enum RestartError: ToolError, Equatable {
    case unreadableHistory(path: String, reason: String)
    case unwritableLedger(path: String, reason: String)
    /// The directory of the supervisor's history cannot be made.
    case cannotPrepare(path: String, reason: String)
    /// The supervisor's command line is not one a start writes.
    case badSupervisorArguments(String)

    package var exitStatus: ExitStatus {
        if case .badSupervisorArguments = self { return .invalid }
        return .unknown
    }

    package var description: String {
        switch self {
        case .unreadableHistory(let path, let reason): return "cannot read the run history \(path): \(reason)"
        case .unwritableLedger(let path, let reason): return "cannot record the stop or start in \(path): \(reason)"
        case .badSupervisorArguments(let why): return "--supervise: \(why)"
        case .cannotPrepare(let path, let reason): return "cannot prepare the server's directory \(path): \(reason)"
        }
    }
}
