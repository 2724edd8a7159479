import PMSystem

/// What a manager knows about a server's process (`pm-status --json`).
package struct ServerStatus: Equatable {
    /// `failed`: not running, and the last run ended by a failure (a non-zero status, a
    /// signal) that no stop asked for, or the restart policy gave up.
    package enum State: String { case running, stopped, failed, unknown }

    package var state: State
    package var pid: Int?
    /// Seconds since the epoch.
    package var startedAt: Double?
    package var exitCode: Int?
    /// Which run of the game this is, from the manager's own record, for managers that restart
    /// games by themselves (systemd's restart count and start time, a container's): a
    /// different value means the game exited and was started again. Nil for the others.
    package var run: String?
    /// The run ends when `pid` exits: nothing restarts or replaces that process (a game the
    /// tools started in a tmux pane). A graceful stop that saw it exit need not ask again.
    package var endsWithPid: Bool
    /// How the last run ended, where the manager knows.
    package var lastExit: GameExit?
    /// Whether a stop asked for that end (the supervisor or the engine knows).
    package var lastExitAsked = false
    /// Restarts since the last `pm-start`, where the manager counts them.
    package var restarts: Int?
    /// The restart policy stopped restarting (the limit within the window).
    package var gaveUp = false
    /// When the game is started again, while a restart is waited for (seconds since the epoch).
    package var restartAt: Double?
    /// A container's last run was ended by the kernel's out-of-memory killer.
    package var oomKilled: Bool?

    package init(
        _ state: State, pid: Int? = nil, startedAt: Double? = nil, exitCode: Int? = nil, run: String? = nil,
        endsWithPid: Bool = false
    ) {
        self.state = state
        self.pid = pid
        self.startedAt = startedAt
        self.exitCode = exitCode
        self.run = run
        self.endsWithPid = endsWithPid
    }

    package var isRunning: Bool { state == .running }

    /// The state and what explains it, after `server 7: `: `running (restarted 2 times, last:
    /// killed by SIGSEGV 40 seconds ago)`, `failed (exit status 3; restarted 3 times, gave up)`.
    package func summary(now: Double) -> String {
        var notes: [String] = []
        if state == .running {
            if let restarts, restarts > 0 {
                let last = lastExit.map { ", last: \($0)" + Self.ago($0.at, now) } ?? ""
                notes.append("restarted \(restarts) time\(restarts == 1 ? "" : "s")\(last)")
            }
        } else if state != .unknown, let lastExit, !lastExitAsked {
            var note = "\(lastExit)" + Self.ago(lastExit.at, now)
            if oomKilled == true { note += ", out of memory" }
            if let restarts, restarts > 0 { note += "; restarted \(restarts) time\(restarts == 1 ? "" : "s")" }
            if gaveUp { note += ", gave up" }
            if let restartAt { note += "; starting again in \(Clock.text(seconds: max(0, restartAt - now))) seconds" }
            notes.append(note)
        }
        return state.rawValue + (notes.isEmpty ? "" : " (\(notes.joined(separator: "; ")))")
    }

    private static func ago(_ time: Double?, _ now: Double) -> String {
        guard let time else { return "" }
        let seconds = max(0, now - time)
        if seconds < 120 { return " \(Int(seconds)) seconds ago" }
        if seconds < 7200 { return " \(Int(seconds / 60)) minutes ago" }
        return " \(Int(seconds / 3600)) hours ago"
    }
}

/// What `pm-metrics` gathers for one server in one pass.
package struct MetricsReport {
    package var samples: [MetricSample]
    package var cpu: CPUReading?
    /// The status the samples were measured with, for the samples of crashes and restarts.
    package var status: ServerStatus?

    package init(samples: [MetricSample], cpu: CPUReading?, status: ServerStatus? = nil) {
        self.samples = samples
        self.cpu = cpu
        self.status = status
    }
}

/// Options of one invocation that verbs read.
package struct VerbOptions {
    package var force = false
    /// `--timeout`: seconds to wait for a graceful stop.
    package var stopTimeout: Double?
    /// `--lines`: how much console output; 0 for all the backend keeps.
    package var lines = 500
    package var interval = 1.0
    /// `--timestamps`: sample timestamps (pm-metrics), each line's time (pm-output).
    package var timestamps = false
    /// `--raw`: the console as the terminal received it, escape codes and carriage returns kept.
    package var raw = false
    /// `--since`: only console lines that arrived at or after this time (seconds since the epoch).
    package var since: Double?
    /// `--warn`: seconds before the stop at which players are warned, largest first.
    package var warnings: [Double] = []
    /// `--warn-command`: the warning's console line (else `stop_warning_command`).
    package var warningCommand: String?
    /// Set for a batch of queries (status, metrics), and for the first look of a batch stop: a
    /// manager may answer every server from one snapshot of the backend instead of asking once
    /// per server.
    package var sharedQueries = false
    /// A start that carries on the server's runs (`--if-down`): the supervisor's history goes on
    /// instead of beginning again.
    package var continuesRuns = false
    /// `--if-down`: start only a server that is down and not stopped on purpose, as the restart
    /// policy allows.
    package var ifDown = false

    package init() {}
}

/// What a verb works with besides the server: where its text goes, how commands run, the
/// state directory and the invocation's options.
package final class VerbContext: Sendable {
    /// The result channel (stdout, or a per-server buffer in a batch).
    package let out: OutputChannel
    /// The diagnostic channel (stderr, or a per-server buffer in a batch).
    package let err: OutputChannel
    package let executor: Executor
    package let state: StateDirectory
    package let options: VerbOptions

    package init(
        out: OutputChannel, err: OutputChannel, executor: Executor, state: StateDirectory, options: VerbOptions
    ) {
        self.out = out
        self.err = err
        self.executor = executor
        self.state = state
        self.options = options
    }

    /// The same context, asking the backend afresh: what a verb needs once it has changed
    /// something (a stop that sent its command waits on the live state, not on a snapshot).
    package var unshared: VerbContext {
        guard options.sharedQueries else { return self }
        var options = options
        options.sharedQueries = false
        return VerbContext(out: out, err: err, executor: executor, state: state, options: options)
    }
}

/// The reference's process-manager interface (Install, Uninstall, Start, Stop, Restart, Status,
/// GetOutput, SendInput, Attach, Metrics, HasOwnInstallation). A verb that fails throws a
/// `ToolError` saying what went wrong; the lifecycle rules shared by every manager (already
/// running, already stopped, graceful stop) live in `Lifecycle`, not here.
package protocol ProcessManager: Sendable {
    var kind: ManagerKind { get }
    /// Why the manager cannot run for real on this system (a Windows manager on Linux), or
    /// nil. Such a manager still prints dry-run plans.
    var unavailableReason: String? { get }
    /// Whether the record's `su_user` is an account of this system, looked up before anything
    /// runs (Windows managers take Windows accounts).
    var usesLocalAccounts: Bool { get }

    /// Whether `verb` runs a program of the server's on this machine as the server's user (the
    /// game, a script): such a verb refuses a record without `su_user` when the tool runs as
    /// root, unless root is asked for (`--allow-root`).
    func runsAsServerUser(_ verb: Verb) -> Bool
    /// Whether `status` can be asked for this server (the simple manager needs a status script).
    func canTellStatus(_ server: Server) -> Bool
    func status(_ server: Server, _ context: VerbContext) throws -> ServerStatus
    /// Starts a server that is not running, after removing what its last run left (a dead
    /// session, processes that outlived the game), so that exactly one copy runs.
    func start(_ server: Server, _ context: VerbContext) throws
    /// Stops a running server at once (the hard stop after the graceful attempt): SIGTERM to
    /// every process of the server, `kill_timeout` seconds, SIGKILL, then a check; throws
    /// when a process is left.
    func stop(_ server: Server, _ context: VerbContext) throws
    /// Removes what a server that is not running left behind: a dead tmux session, processes
    /// that outlived the game, a console socket. Called after a graceful stop and by a stop of
    /// a stopped server.
    func removeExited(_ server: Server, _ context: VerbContext) throws
    /// The processes whose end a graceful stop waits for (with the status `status` just
    /// gave), where the tool can see them on this machine; none makes it poll the status.
    func processesToWatch(_ server: Server, _ status: ServerStatus, _ context: VerbContext) -> [ProcessHandle]
    /// Called before a graceful stop's first step (`status` was just asked): a manager that
    /// restarts games that exit (systemd's `Restart=always`, a game's supervisor) turns that off
    /// until `endGracefulStop`, which calls it off if the game still runs.
    func beginGracefulStop(_ server: Server, _ status: ServerStatus, _ context: VerbContext) throws
    func endGracefulStop(_ server: Server, _ status: ServerStatus, _ context: VerbContext)
    /// The manager's own restart, or nil to let `Lifecycle` stop and start.
    func restart(_ server: Server, _ context: VerbContext) throws -> Bool
    /// The console output, at least the last `lines` lines (0: all there is).
    func output(_ server: Server, lines: Int, _ context: VerbContext) throws -> String
    /// Whether console input can be sent to this server.
    func canSendInput(_ server: Server) -> Bool
    func sendInput(_ line: String, _ server: Server, _ context: VerbContext) throws
    /// Sends a stop command's signal to the game's main process (`status` was just asked).
    func signalGame(_ signal: StopSignal, _ server: Server, _ status: ServerStatus, _ context: VerbContext) throws
    /// A live feed of the console for follow and attach, or nil to poll `output`.
    func openFeed(_ server: Server, _ context: VerbContext) throws -> ConsoleFeed?
    /// Whether the console's lines have times (`--since`, `--timestamps`).
    func keepsConsoleTimes(_ server: Server) -> Bool
    /// Samples for the server, without the `server_id`/`server_uuid` labels, and a CPU reading
    /// when the manager can give one (the percent is computed against a baseline).
    func metrics(_ server: Server, _ context: VerbContext) throws -> MetricsReport
    func install(_ server: Server, _ context: VerbContext) throws -> String
    func uninstall(_ server: Server, _ context: VerbContext) throws -> String
    func hasOwnInstallation(_ server: Server) -> Bool
}

extension ProcessManager {
    /// The name users give with `-m`, for messages.
    package var name: String { kind.rawValue }
    package var unavailableReason: String? { nil }
    package var usesLocalAccounts: Bool { true }
    package func runsAsServerUser(_ verb: Verb) -> Bool { false }
    package func canTellStatus(_ server: Server) -> Bool { true }
    package func restart(_ server: Server, _ context: VerbContext) throws -> Bool { false }
    package func removeExited(_ server: Server, _ context: VerbContext) throws {}
    package func processesToWatch(_ server: Server, _ status: ServerStatus, _ context: VerbContext) -> [ProcessHandle] {
        []
    }
    package func beginGracefulStop(_ server: Server, _ status: ServerStatus, _ context: VerbContext) throws {}
    package func endGracefulStop(_ server: Server, _ status: ServerStatus, _ context: VerbContext) {}
    package func canSendInput(_ server: Server) -> Bool { true }
    package func openFeed(_ server: Server, _ context: VerbContext) throws -> ConsoleFeed? { nil }
    package func keepsConsoleTimes(_ server: Server) -> Bool { false }
    package func signalGame(
        _ signal: StopSignal, _ server: Server, _ status: ServerStatus, _ context: VerbContext
    ) throws {
        throw LifecycleError.cannotSignal(signal, why: "the \(name) manager sends no signals")
    }

    /// Sends `signal` to local processes (the game's), or describes it in a dry run.
    package func signal(_ processes: [ProcessHandle], _ signal: StopSignal, _ context: VerbContext) throws {
        if let plan = context.executor.plan {
            plan.write("send \(signal) to the game's process\n")
            return
        }
        guard !processes.isEmpty else { throw LifecycleError.cannotSignal(signal, why: "no game process found") }
        for process in processes { process.send(signal.number) }
    }
    package func hasOwnInstallation(_ server: Server) -> Bool { false }

    package func install(_ server: Server, _ context: VerbContext) throws -> String {
        "nothing to install: the \(name) manager has no installation step"
    }

    package func uninstall(_ server: Server, _ context: VerbContext) throws -> String {
        "nothing to uninstall: the \(name) manager has no installation step"
    }

    /// The liveness sample, measured by a status check (the reference copies a cached flag).
    package func metrics(_ server: Server, _ context: VerbContext) throws -> MetricsReport {
        let status = try self.status(server, context)
        return MetricsReport(samples: [try Self.upSample(status)], cpu: nil, status: status)
    }

    /// `gameap_server_up` for a measured status; an unknown status is an error.
    package static func upSample(
        _ status: ServerStatus, labels: [(name: String, value: String)] = []
    ) throws -> MetricSample {
        guard status.state != .unknown else { throw LifecycleError.statusUnknown }
        return MetricSample(.up, .unsigned(status.isRunning ? 1 : 0), labels: labels, timestamp: Clock.wall)
    }

    /// The up sample, then the process-tree samples and a CPU reading of `roots` (tmux's pane,
    /// the processes a simple start script left): the metrics of the managers without cgroups.
    package func processTreeMetrics(_ status: ServerStatus, roots: [Int32], session: String) throws -> MetricsReport {
        let labels = [(name: "session", value: session)]
        var samples = [try Self.upSample(status, labels: labels)]
        guard status.isRunning,
            let tree = ProcessTreeSampler.sample(roots: roots, in: ProcessTableCache.shared.current())
        else {
            return MetricsReport(samples: samples, cpu: nil, status: status)
        }
        samples += tree.samples(labels: labels, at: Clock.wall)
        return MetricsReport(samples: samples, cpu: Self.cpuReading(tree, roots: roots, labels: labels), status: status)
    }

    private static func cpuReading(
        _ tree: ProcessTreeSample, roots: [Int32], labels: [(name: String, value: String)]
    ) -> CPUReading {
        CPUReading(identity: tree.identity, seconds: tree.cpuSeconds, labels: labels) {
            ProcessTreeSampler.sample(roots: roots, in: ProcessTableCache.shared.current()).map {
                cpuReading($0, roots: roots, labels: labels)
            }
        }
    }
}
