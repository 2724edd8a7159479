/// The lifecycle rules that are the same for every manager (`toolbox.md` §2, §6): starting a
/// running server and stopping a stopped one succeed, a stop is graceful first, a restart
/// without the manager's own is stop + start. Each function returns the line to report.
public struct Lifecycle {
    public static let defaultStopTimeout = 30.0
    /// How often a graceful stop asks whether the server has exited.
    public static let stopPollInterval = 0.25

    public let manager: ProcessManager
    public let server: Server
    public let context: VerbContext

    public init(manager: ProcessManager, server: Server, context: VerbContext) {
        self.manager = manager
        self.server = server
        self.context = context
    }

    public func start() throws -> String {
        if manager.canTellStatus(server), try manager.status(server, context).isRunning {
            return "already running"
        }
        try manager.start(server, context)
        return context.executor.isDryRun ? "would start" : "started"
    }

    public func restart() throws -> String {
        if try manager.restart(server, context) { return context.executor.isDryRun ? "would restart" : "restarted" }
        let stopped = try stop()
        try manager.start(server, context)
        return stopped == "already stopped" ? "started" : "restarted"
    }

    /// Graceful stop: the console stop command, a wait of up to the stop timeout, then the
    /// manager's hard stop. `--force` goes straight to the hard stop.
    public func stop() throws -> String {
        guard manager.canTellStatus(server) else {
            try manager.stop(server, context)
            return context.executor.isDryRun ? "would stop" : "stopped"
        }
        let before = try manager.status(server, context)
        guard before.isRunning else { return "already stopped" }
        let timeout = try context.options.stopTimeout ?? server.settings.seconds("stop_timeout") ?? Self.defaultStopTimeout
        guard !context.options.force, let command = server.settings.value("console_stop_command") else {
            try manager.stop(server, context)
            return context.executor.isDryRun ? "would stop" : "stopped"
        }
        guard manager.canSendInput(server) else {
            context.err.line("\(server.label): cannot send the console stop command (no console input); stopping at once")
            try manager.stop(server, context)
            return "stopped"
        }
        let began = Clock.monotonic
        try manager.beginGracefulStop(server, context)
        defer { manager.endGracefulStop(server, context) }
        try send(command)
        if context.executor.isDryRun {
            try manager.stop(server, context)
            return "would send \(ShellWords.quote(command)), wait up to \(Clock.text(seconds: timeout)) seconds, then stop"
        }
        while Clock.monotonic - began < timeout {
            Clock.sleep(seconds: min(Self.stopPollInterval, max(0, timeout - (Clock.monotonic - began))))
            if Self.hasExited(since: before, now: try manager.status(server, context)) {
                try manager.removeExited(server, context)
                return "stopped gracefully after \(Clock.text(seconds: Clock.monotonic - began)) seconds"
            }
        }
        try manager.stop(server, context)
        return "stopped: forced after \(Clock.text(seconds: timeout)) seconds (the server ignored \(ShellWords.quote(command)))"
    }

    /// Whether the process that ran at `before` has exited: the server stopped, or a manager
    /// that restarts games (systemd's `Restart=always`) already runs a new process.
    static func hasExited(since before: ServerStatus, now: ServerStatus) -> Bool {
        !now.isRunning || (before.pid != nil && now.pid != before.pid)
    }

    /// Types one console line, after checking it is one line of text: the only way lines reach
    /// a manager (pm-input, attach, the console stop command).
    public func send(_ line: String) throws {
        try ConsoleInput.check(line)
        try manager.sendInput(line, server, context)
    }

    /// The console output, cut to the last `lines` lines.
    public func output(lines: Int) throws -> String {
        Self.lastLines(try manager.output(server, lines: lines, context), lines)
    }

    /// The last `count` lines of `text` (all of it for 0).
    public static func lastLines(_ text: String, _ count: Int) -> String {
        guard count > 0 else { return text }
        var newlines = 0
        let bytes = Array(text.utf8)
        var index = bytes.count
        if bytes.last == UInt8(ascii: "\n") { index -= 1 }
        while index > 0 {
            index -= 1
            if bytes[index] == UInt8(ascii: "\n") {
                newlines += 1
                if newlines == count { return String(decoding: bytes[(index + 1)...], as: UTF8.self) }
            }
        }
        return text
    }

    /// The report with the `server_id` and `server_uuid` labels every sample carries.
    public func metrics() throws -> MetricsReport {
        var report = try manager.metrics(server, context)
        report.samples = report.samples.map { sample in
            var labeled = sample
            labeled.labels = serverLabels + sample.labels.filter { $0.name != "server_id" && $0.name != "server_uuid" }
            return labeled
        }
        if var cpu = report.cpu {
            cpu.labels = serverLabels + cpu.labels
            report.cpu = cpu
        }
        return report
    }

    private var serverLabels: [(name: String, value: String)] {
        var labels = [(name: "server_id", value: String(server.record.id))]
        if !server.record.uuid.isEmpty { labels.append(("server_uuid", server.record.uuid)) }
        return labels
    }
}
