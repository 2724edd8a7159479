/// What a manager knows about a server's process (`pm-status --json`).
public struct ServerStatus: Equatable {
    public enum State: String { case running, stopped, unknown }

    public var state: State
    public var pid: Int?
    /// Seconds since the epoch.
    public var startedAt: Double?
    public var exitCode: Int?
    /// Which run of the game this is, from the manager's own record, for managers that restart
    /// games by themselves (systemd's restart count and start time, a container's): a
    /// different value means the game exited and was started again. Nil for the others.
    public var run: String?

    public init(_ state: State, pid: Int? = nil, startedAt: Double? = nil, exitCode: Int? = nil, run: String? = nil) {
        self.state = state
        self.pid = pid
        self.startedAt = startedAt
        self.exitCode = exitCode
        self.run = run
    }

    public var isRunning: Bool { state == .running }
}

/// What `pm-metrics` gathers for one server in one pass.
public struct MetricsReport {
    public var samples: [MetricSample]
    public var cpu: CPUReading?

    public init(samples: [MetricSample], cpu: CPUReading?) {
        self.samples = samples
        self.cpu = cpu
    }
}

/// Options of one invocation that verbs read.
public struct VerbOptions {
    public var force = false
    /// `--timeout`: seconds to wait for a graceful stop.
    public var stopTimeout: Double?
    /// `--lines`: how much console output; 0 for all the backend keeps.
    public var lines = 500
    public var interval = 1.0
    public var timestamps = false
    /// Set for a batch of queries (status, metrics): a manager may answer every server from
    /// one snapshot of the backend instead of asking once per server.
    public var sharedQueries = false

    public init() {}
}

/// What a verb works with besides the server: where its text goes, how commands run, the
/// state directory and the invocation's options.
public final class VerbContext {
    /// The result channel (stdout, or a per-server buffer in a batch).
    public let out: OutputChannel
    /// The diagnostic channel (stderr, or a per-server buffer in a batch).
    public let err: OutputChannel
    public let executor: Executor
    public let state: StateDirectory
    public let options: VerbOptions

    public init(out: OutputChannel, err: OutputChannel, executor: Executor, state: StateDirectory, options: VerbOptions) {
        self.out = out
        self.err = err
        self.executor = executor
        self.state = state
        self.options = options
    }
}

/// The reference's process-manager interface (Install, Uninstall, Start, Stop, Restart, Status,
/// GetOutput, SendInput, Attach, Metrics, HasOwnInstallation). A verb that fails throws a
/// `ToolError` saying what went wrong; the lifecycle rules shared by every manager (already
/// running, already stopped, graceful stop) live in `Lifecycle`, not here.
public protocol ProcessManager {
    /// The name users give with `-m`.
    var name: String { get }
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
    /// Called before the console stop command is sent: a manager that restarts games that
    /// exit (systemd's `Restart=always`) turns that off until `endGracefulStop`.
    func beginGracefulStop(_ server: Server, _ context: VerbContext) throws
    func endGracefulStop(_ server: Server, _ context: VerbContext)
    /// The manager's own restart, or nil to let `Lifecycle` stop and start.
    func restart(_ server: Server, _ context: VerbContext) throws -> Bool
    /// The console output, at least the last `lines` lines (0: all there is).
    func output(_ server: Server, lines: Int, _ context: VerbContext) throws -> String
    /// Whether console input can be sent to this server.
    func canSendInput(_ server: Server) -> Bool
    func sendInput(_ line: String, _ server: Server, _ context: VerbContext) throws
    /// A live feed of the console for follow and attach, or nil to poll `output`.
    func openFeed(_ server: Server, _ context: VerbContext) throws -> ConsoleFeed?
    /// Samples for the server, without the `server_id`/`server_uuid` labels, and a CPU reading
    /// when the manager can give one (the percent is computed against a baseline).
    func metrics(_ server: Server, _ context: VerbContext) throws -> MetricsReport
    func install(_ server: Server, _ context: VerbContext) throws -> String
    func uninstall(_ server: Server, _ context: VerbContext) throws -> String
    func hasOwnInstallation(_ server: Server) -> Bool
}

extension ProcessManager {
    public var unavailableReason: String? { nil }
    public var usesLocalAccounts: Bool { true }
    public func runsAsServerUser(_ verb: Verb) -> Bool { false }
    public func canTellStatus(_ server: Server) -> Bool { true }
    public func restart(_ server: Server, _ context: VerbContext) throws -> Bool { false }
    public func removeExited(_ server: Server, _ context: VerbContext) throws {}
    public func processesToWatch(_ server: Server, _ status: ServerStatus, _ context: VerbContext) -> [ProcessHandle] { [] }
    public func beginGracefulStop(_ server: Server, _ context: VerbContext) throws {}
    public func endGracefulStop(_ server: Server, _ context: VerbContext) {}
    public func canSendInput(_ server: Server) -> Bool { true }
    public func openFeed(_ server: Server, _ context: VerbContext) throws -> ConsoleFeed? { nil }
    public func hasOwnInstallation(_ server: Server) -> Bool { false }

    public func install(_ server: Server, _ context: VerbContext) throws -> String {
        "nothing to install: the \(name) manager has no installation step"
    }

    public func uninstall(_ server: Server, _ context: VerbContext) throws -> String {
        "nothing to uninstall: the \(name) manager has no installation step"
    }

    /// The liveness sample, measured by a status check (the reference copies a cached flag).
    public func metrics(_ server: Server, _ context: VerbContext) throws -> MetricsReport {
        let status = try self.status(server, context)
        return MetricsReport(samples: [try Self.upSample(status)], cpu: nil)
    }

    /// `gameap_server_up` for a measured status; an unknown status is an error.
    public static func upSample(_ status: ServerStatus, labels: [(name: String, value: String)] = []) throws -> MetricSample {
        guard status.state != .unknown else { throw ManagerError.unknown("the status of the server is unknown") }
        return MetricSample(.up, .unsigned(status.isRunning ? 1 : 0), labels: labels, timestamp: Clock.wall)
    }

    /// The up sample, then the process-tree samples and a CPU reading of `roots` (tmux's pane,
    /// the processes a simple start script left): the metrics of the managers without cgroups.
    public func processTreeMetrics(_ status: ServerStatus, roots: [Int32], session: String) throws -> MetricsReport {
        let labels = [(name: "session", value: session)]
        var samples = [try Self.upSample(status, labels: labels)]
        guard status.isRunning, let tree = ProcessTreeSampler.sample(roots: roots, in: ProcessTableCache.shared.current()) else {
            return MetricsReport(samples: samples, cpu: nil)
        }
        samples += tree.samples(labels: labels, at: Clock.wall)
        return MetricsReport(samples: samples, cpu: Self.cpuReading(tree, roots: roots, labels: labels))
    }

    private static func cpuReading(_ tree: ProcessTreeSample, roots: [Int32], labels: [(name: String, value: String)]) -> CPUReading {
        CPUReading(identity: tree.identity, seconds: tree.cpuSeconds, labels: labels) {
            ProcessTreeSampler.sample(roots: roots, in: ProcessTableCache.shared.current()).map { cpuReading($0, roots: roots, labels: labels) }
        }
    }
}
