import PMSystem

/// The lifecycle rules that are the same for every manager: starting a running server and
/// stopping a stopped one succeed, a stop is graceful first and ends with no process of the
/// server left, a restart without the manager's own is stop + start. Each verb returns its outcome.
package struct Lifecycle {
    package static let defaultStopTimeout = 30.0
    /// Seconds between SIGTERM and SIGKILL in a hard stop (setting `kill_timeout`).
    package static let defaultKillTimeout = 10.0
    /// The longest a graceful stop watches the game's processes without asking for the status.
    static let recheckInterval = 1.0
    /// Without a process to watch, a graceful stop asks for the status after this long at
    /// first, then twice as long each time, up to `stopPollInterval`.
    static let firstPollInterval = 0.01
    package static let stopPollInterval = 0.25

    package let manager: ProcessManager
    package let server: Server
    package let context: VerbContext

    package init(manager: ProcessManager, server: Server, context: VerbContext) {
        self.manager = manager
        self.server = server
        self.context = context
    }

    package func start() throws -> StartOutcome {
        if manager.canTellStatus(server), try manager.status(server, context).isRunning {
            return .alreadyRunning
        }
        try manager.start(server, context)
        try record(.start)
        return context.executor.isDryRun ? .wouldStart : .started
    }

    /// `pm-start --if-down`, for a timer: starts a server that is down and not stopped on
    /// purpose, as its restart policy would (`no` counts as `on-failure`), after the policy's
    /// delay since its last exit and within its limit, counting the restarts recorded in the
    /// ledger. A server the tools never started starts; one they started that is down without
    /// a known end (a simple server without a supervisor, a node that rebooted) counts as
    /// failed, its delay counted from its last start.
    package func startIfDown() throws -> StartOutcome {
        let status = try self.status()
        if status.isRunning { return .alreadyRunning }
        if status.lastExitAsked { return .leftDown("stopped on purpose; pm-start starts it") }
        if status.gaveUp { return .leftDown("its supervisor gave up restarting it") }
        if let restartAt = status.restartAt { return .restartsLater(in: max(0, restartAt - Clock.wall)) }
        var policy = try RestartPolicy.of(server)
        if policy.mode == .no { policy.mode = .onFailure }
        let ledger = RestartLedger(server, state: context.state).read()
        let isRestart = status.lastExit != nil || ledger.lastAt != nil
        if isRestart {
            if let exit = status.lastExit, !policy.covers(exit) {
                return .leftDown("\(exit); restart_policy=always restarts it")
            }
            let ended = status.lastExit.map { "\($0)" } ?? "its end unknown"
            switch policy.next(after: ledger.restartTimes, now: Clock.wall) {
            case .giveUp:
                return .leftDown(
                    "\(ended); restarted \(ledger.restartTimes.count) times within "
                        + "\(Clock.text(seconds: policy.window)) seconds, gave up")
            case .restart(let delay):
                let due = (status.lastExit?.at ?? ledger.lastAt ?? Clock.wall) + delay
                if due > Clock.wall { return .restartsLater(in: due - Clock.wall) }
            }
        }
        var options = context.options
        options.continuesRuns = isRestart
        let carrying = VerbContext(
            out: context.out, err: context.err, executor: context.executor, state: context.state, options: options)
        try manager.start(server, carrying)
        if context.executor.isDryRun { return .wouldStart }
        try record(isRestart ? .restart : .start)
        return isRestart ? .restartedAfter(status.lastExit) : .started
    }

    /// The manager's status, told with what the tools recorded (`RestartLedger`): a server a
    /// stop left down is `stopped`, whatever its last run's end; one whose last run failed on
    /// its own (a non-zero status, a signal) or whose restarts gave up is `failed`.
    package func status() throws -> ServerStatus {
        settled(try manager.status(server, context))
    }

    /// `status` with the ledger's stop and restarts.
    func settled(_ reported: ServerStatus) -> ServerStatus {
        var status = reported
        guard status.state != .unknown else { return status }
        let ledger = RestartLedger(server, state: context.state).read()
        if !ledger.restartTimes.isEmpty { status.restarts = (status.restarts ?? 0) + ledger.restartTimes.count }
        guard !status.isRunning else { return status }
        if ledger.stoppedOnPurpose { status.lastExitAsked = true }
        let failed = !status.lastExitAsked && (status.gaveUp || status.lastExit?.isFailure == true)
        status.state = failed ? .failed : .stopped
        return status
    }

    /// Adds `entry` to the server's ledger, except in a dry run.
    private func record(_ entry: RestartLedger.Entry) throws {
        guard !context.executor.isDryRun else { return }
        try RestartLedger(server, state: context.state).record(entry)
    }

    package func restart() throws -> StartOutcome {
        let warning = try StopWarning.of(server, context.options)
        if let warning, manager.canTellStatus(server), try manager.status(server, context).isRunning {
            try warn(warning)
        }
        if try manager.restart(server, context) {
            try record(.start)
            return context.executor.isDryRun ? .wouldRestart : .restarted
        }
        let stopped = try stop(warned: true)
        try manager.start(server, context)
        try record(.start)
        return stopped.wasRunning ? .restarted : .started
    }

    /// Graceful stop: the console stop command, a wait of up to the stop timeout for the game
    /// to exit, then the manager's hard stop. `--force` goes straight to the hard stop. When it
    /// returns, no process of the server runs. SIGINT, SIGTERM and SIGHUP end the wait early,
    /// and what the stop set up is undone.
    package func stop(warned: Bool = false) throws -> StopOutcome {
        Interrupts.intercept()
        let warning = warned ? nil : try StopWarning.of(server, context.options)
        // In a batch the first look (and the console line's target) may come from one shared
        // snapshot of the backend; everything after the command is sent asks afresh.
        let live = context.unshared
        // A command that cannot be sent is refused before anything is done.
        let stopCommand = try server.settings.value(.consoleStopCommand).map(StopCommand.init)
        var preStop = try Self.preStopCommands(server)
        let preStopWait = try server.settings.seconds(.preStopWait) ?? Self.defaultPreStopWait
        // From here on the server is down on purpose: no restart policy brings it back.
        try record(.stop)
        guard manager.canTellStatus(server) else {
            try manager.stop(server, live)
            return context.executor.isDryRun ? .wouldStop : .stopped
        }
        let before = try manager.status(server, context)
        guard before.isRunning else {
            try manager.removeExited(server, live)
            return .alreadyStopped
        }
        if let warning { try warn(warning) }
        let timeout =
            try context.options.stopTimeout ?? server.settings.seconds(.stopTimeout) ?? Self.defaultStopTimeout
        guard !context.options.force, let command = server.settings.value(.consoleStopCommand), let stopCommand else {
            try manager.stop(server, live)
            return context.executor.isDryRun ? .wouldStop : .stopped
        }
        if !manager.canSendInput(server), preStop.contains(where: { if case .line = $0 { true } else { false } }) {
            context.err.line("\(server.label): cannot type the pre-stop lines (no console input); skipping them")
            preStop.removeAll { if case .line = $0 { true } else { false } }
        }
        if case .line = stopCommand, !manager.canSendInput(server) {
            context.err.line(
                "\(server.label): cannot send the console stop command (no console input); stopping at once")
            try manager.stop(server, live)
            return .stopped
        }
        let began = Clock.monotonic
        try manager.beginGracefulStop(server, before, live)
        defer { manager.endGracefulStop(server, before, live) }
        for step in preStop {
            try perform(step, before)
            try pause(preStopWait, after: command)
        }
        try perform(stopCommand, before)
        if context.executor.isDryRun {
            try manager.stop(server, live)
            return .wouldStopGracefully(command: command, timeout: timeout)
        }
        let ending = Lifecycle(manager: manager, server: server, context: live)
        if try ending.waitForExit(since: before, deadline: Clock.monotonic + timeout, after: command) {
            try manager.removeExited(server, live)
            return .stoppedGracefully(after: Clock.monotonic - began)
        }
        try manager.stop(server, live)
        return .forced(after: timeout, ignoredCommand: command)
    }

    /// Seconds after each `pre_stop_command`.
    package static let defaultPreStopWait = 5.0

    /// `pre_stop_command`: console lines or signals, one per line, sent in order before the
    /// stop command (`save`, `/save`).
    static func preStopCommands(_ server: Server) throws -> [StopCommand] {
        guard let text = server.settings.value(.preStopCommand) else { return [] }
        return try text.split(whereSeparator: \.isNewline).map { String($0) }.filter { !$0.isEmpty }
            .map(StopCommand.init)
    }

    /// Types each warning at its mark, then waits for the last mark to pass: the stop comes
    /// `warning.marks[0]` seconds after the first warning.
    private func warn(_ warning: StopWarning) throws {
        guard let first = warning.marks.first else { return }
        let stopAt = Clock.monotonic + first
        var previous = first
        for mark in warning.marks {
            try pause(previous - mark, until: stopAt - mark, after: warning.line(at: mark))
            try send(warning.line(at: mark))
            previous = mark
        }
        try pause(previous, until: stopAt, after: warning.line(at: previous))
    }

    /// Types the line or sends the signal.
    private func perform(_ step: StopCommand, _ status: ServerStatus) throws {
        switch step {
        case .line(let line): try send(line)
        case .signal(let signal): try manager.signalGame(signal, server, status, context)
        }
    }

    /// Waits `seconds` between the steps of a stop (a dry run says it would), ended early by
    /// SIGINT, SIGTERM or SIGHUP.
    private func pause(_ seconds: Double, after command: String) throws {
        try pause(seconds, until: Clock.monotonic + seconds, after: command)
    }

    /// Waits until `deadline` (`seconds` from the previous step, as a dry run says).
    private func pause(_ seconds: Double, until deadline: Double, after command: String) throws {
        guard seconds > 0.001 else { return }
        if let plan = context.executor.plan {
            plan.write("wait \(Clock.text(seconds: seconds)) seconds\n")
            return
        }
        while Clock.monotonic < deadline {
            if Interrupts.pending { throw LifecycleError.interruptedStop(command: command) }
            Clock.sleep(seconds: min(0.05, deadline - Clock.monotonic))
        }
    }

    /// Waits until the run of the game that `before` shows has ended, or `deadline`: whether it
    /// ended. The processes the manager names are watched through pidfds, so the wait ends as
    /// the game does; the status is asked again after each end and at least every
    /// `recheckInterval`, and polled when there is nothing to watch.
    func waitForExit(since before: ServerStatus, deadline: Double, after command: String) throws -> Bool {
        var pause = Self.firstPollInterval
        // The command was only just sent: the first wait is on what `before` shows.
        var now = before
        while true {
            if Interrupts.pending {
                throw LifecycleError.interruptedStop(command: command)
            }
            if Self.hasExited(since: before, now: now) { return true }
            let remaining = deadline - Clock.monotonic
            guard remaining > 0 else { return false }
            let watched = manager.processesToWatch(server, now, context).filter { !$0.hasExited }
            if watched.isEmpty {
                Clock.sleep(seconds: min(pause, remaining))
                pause = min(pause * 2, Self.stopPollInterval)
            } else if ProcessHandle.waitForAny(watched, seconds: min(remaining, Self.recheckInterval)) {
                if now.endsWithPid, watched.allSatisfy(\.hasExited) { return true }
                pause = Self.firstPollInterval
            }
            now = try manager.status(server, context)
        }
    }

    /// Whether the run of the game that `before` shows has ended: the server stopped, or a
    /// manager that restarts games by itself already runs the next one, as its own record of
    /// runs tells (`ServerStatus.run`). A changed pid alone proves nothing: a game's helper, a
    /// wrapper or a fork can change what a manager reports.
    static func hasExited(since before: ServerStatus, now: ServerStatus) -> Bool {
        !now.isRunning || (before.run != nil && now.run != before.run)
    }

    /// `kill_timeout`: the seconds a hard stop gives the server's processes between SIGTERM and
    /// SIGKILL.
    package static func killTimeout(_ server: Server) throws -> Double {
        try server.settings.seconds(.killTimeout) ?? defaultKillTimeout
    }

    /// Types one console line, after checking it is one line of text: the only way lines reach
    /// a manager (pm-input, attach, the console stop command).
    package func send(_ line: String) throws {
        try ConsoleInput.check(line)
        try manager.sendInput(line, server, context)
    }

    /// The console output, cut to the last `lines` lines.
    package func output(lines: Int) throws -> String {
        try checkConsoleOptions()
        return Self.lastLines(try manager.output(server, lines: lines, context), lines)
    }

    /// `--since` and `--timestamps` need a console whose lines have times.
    package func checkConsoleOptions() throws {
        guard context.options.since != nil || context.options.timestamps, !manager.keepsConsoleTimes(server) else {
            return
        }
        throw SelectionError.noConsoleTimes(manager: manager.name)
    }

    /// The last `count` lines of `text` (all of it for 0).
    package static func lastLines(_ text: String, _ count: Int) -> String {
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

    /// The report with the `server_id` and `server_uuid` labels every sample carries, and the
    /// samples of crashes and restarts.
    package func metrics() throws -> MetricsReport {
        var report = try manager.metrics(server, context)
        if let reported = report.status {
            let status = settled(reported)
            report.status = status
            report.samples += Self.restartSamples(status, labels: report.samples.first?.labels ?? [])
        }
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

    /// `gameap_server_restarts_total` where restarts are counted, `gameap_server_failed`, and
    /// `gameap_server_last_exit_code` where the last exit is known.
    static func restartSamples(_ status: ServerStatus, labels: [(name: String, value: String)]) -> [MetricSample] {
        let now = Clock.wall
        var samples: [MetricSample] = []
        if let restarts = status.restarts {
            samples.append(
                MetricSample(.restartsTotal, .unsigned(UInt64(max(0, restarts))), labels: labels, timestamp: now))
        }
        samples.append(
            MetricSample(.failed, .unsigned(status.state == .failed ? 1 : 0), labels: labels, timestamp: now))
        if let exit = status.lastExit {
            samples.append(MetricSample(.lastExitCode, .unsigned(UInt64(exit.code)), labels: labels, timestamp: now))
        }
        return samples
    }

    private var serverLabels: [(name: String, value: String)] {
        var labels = [(name: "server_id", value: String(server.record.id))]
        if !server.record.uuid.isEmpty { labels.append(("server_uuid", server.record.uuid)) }
        return labels
    }
}
