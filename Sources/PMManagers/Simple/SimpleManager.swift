import PMCore
import PMHTTP
import PMSystem

/// The `simple` manager: every verb runs an operator-supplied script from the
/// configuration's `scripts` block, wrapped around the server's own command, in the server
/// directory with the server's environment. Differences from the reference, on purpose (ids of
/// rows in docs/differences.md): scripts run as the record's `su_user` (SIM-1); console input
/// is never run as a program and is passed as one argument, unsplit and unexpanded (SIM-4); a
/// missing script is an error that names the setting instead of `empty command` or a blocking
/// start (SIM-2); a restart without a restart script is stop + start (SIM-5); each script has a
/// time limit (`script_timeout`, CMD-6); without a getconsole script, pm keeps a console log
/// (SIM-8).
package struct SimpleManager: ProcessManager {
    package static let defaultScriptTimeout = 30.0
    /// Console output kept in memory from a `get_console` script.
    package static let outputLimit = 16 << 20

    package let kind = ManagerKind.simple

    package init() {}

    /// Every verb runs one of the operator's scripts as the server's user.
    package func runsAsServerUser(_ verb: Verb) -> Bool { true }

    package func canTellStatus(_ server: Server) -> Bool {
        (try? arguments(for: .status, server)).map { !$0.isEmpty } ?? false
    }

    /// The status script's answer, with the supervisor's record (`RunHistory`).
    package func status(_ server: Server, _ context: VerbContext) throws -> ServerStatus {
        let result = try run(.status, server, context, output: .discard)
        let status: ServerStatus
        switch result.termination {
        case .exited(0): status = ServerStatus(.running)
        case .exited: status = ServerStatus(.stopped)
        default: throw SimpleManagerError.scriptFailed(.status, result.termination)
        }
        return try RunHistory.annotate(status, ServerFiles(server, state: context.state))
    }

    package func start(_ server: Server, _ context: VerbContext) throws {
        try ServerProcesses(server).terminate(grace: try Lifecycle.killTimeout(server), fresh: false, context)
        if context.executor.startsHelpers,
            let program = ExecutableLookup.toolboxTool("pm-start", runnableBy: server.account)
        {
            try startSupervised(server, program: program, context)
        } else if let log = try consoleLog(server, context), !context.executor.isDryRun {
            try startLogged(server, log, context)
        } else {
            try expectSuccess(.start, server, context)
        }
        guard !context.executor.isDryRun, canTellStatus(server) else { return }
        guard try status(server, context).isRunning else {
            throw SimpleManagerError.notRunningAfterStart
        }
    }

    /// The stop script, when there is one, then the hard stop of every process that carries the
    /// server's marker: what the script missed (a daemon the game left, a game that ignores
    /// the script's signal) cannot outlive the stop. A supervisor is told first.
    package func stop(_ server: Server, _ context: VerbContext) throws {
        GameSupervisor.notify(server, stopComing: true)
        let processes = ServerProcesses(server)
        var failure: Error?
        if try !arguments(for: .stop, server).isEmpty {
            do { try expectSuccess(.stop, server, context) } catch { failure = error }
        }
        try processes.terminate(grace: try Lifecycle.killTimeout(server), context)
        if let failure { throw failure }
    }

    /// The processes that outlived the game (the status script says it is stopped), the
    /// console logger last.
    package func removeExited(_ server: Server, _ context: VerbContext) throws {
        GameSupervisor.notify(server, stopComing: true)
        let grace = try Lifecycle.killTimeout(server)
        try ServerProcesses(server, scope: .game).terminate(grace: grace, context)
        try ServerProcesses(server, scope: .helpers).terminate(grace: grace, context)
    }

    /// A supervisor is told that the game's next end is asked for.
    package func beginGracefulStop(_ server: Server, _ status: ServerStatus, _ context: VerbContext) throws {
        GameSupervisor.notify(server, stopComing: true)
    }

    /// A stop that ends with the game still running (interrupted) calls the notice off.
    package func endGracefulStop(_ server: Server, _ status: ServerStatus, _ context: VerbContext) {
        guard (try? RestartPolicy.of(server))?.mode ?? .no != .no,
            (try? self.status(server, context))?.isRunning == true
        else { return }
        GameSupervisor.notify(server, stopComing: false)
    }

    /// The game's main process under what the start script left running (`mainProcesses`):
    /// not its wrapper shell, its helpers or its children.
    package func signalGame(
        _ signal: StopSignal, _ server: Server, _ status: ServerStatus, _ context: VerbContext
    ) throws {
        let main = ServerProcesses(server, scope: .game).mainProcesses(
            in: ProcessSnapshots.shared.snapshot(notBefore: Clock.monotonic))
        try self.signal(main.compactMap { ProcessHandle(pid: $0) }, signal, context)
    }

    /// The tops of what the start script left running.
    package func processesToWatch(_ server: Server, _ status: ServerStatus, _ context: VerbContext) -> [ProcessHandle] {
        ServerProcesses(server, scope: .game).markedRoots(
            in: ProcessSnapshots.shared.snapshot(notBefore: Clock.monotonic)
        ).compactMap { ProcessHandle(pid: $0) }
    }

    package func restart(_ server: Server, _ context: VerbContext) throws -> Bool {
        guard try !arguments(for: .restart, server).isEmpty else { return false }
        try expectSuccess(.restart, server, context)
        return true
    }

    /// What the getconsole script prints; without one, the console log of what the start
    /// script and the game it left wrote.
    package func output(_ server: Server, lines: Int, _ context: VerbContext) throws -> String {
        if let log = try consoleLog(server, context) {
            let options = context.options
            let text = try log.lastLines(
                count: lines, since: options.since, timestamps: options.timestamps, raw: options.raw)
            guard let text else { throw SimpleManagerError.noConsoleLog(path: log.path) }
            return String(decoding: text, as: UTF8.self)
        }
        let result = try run(.getConsole, server, context, output: .capture(limit: Self.outputLimit))
        guard result.termination.succeeded else {
            throw SimpleManagerError.scriptFailed(.getConsole, result.termination)
        }
        return result.text
    }

    /// The console log, as it grows, when there is one.
    package func openFeed(_ server: Server, _ context: VerbContext) throws -> ConsoleFeed? {
        guard let log = try consoleLog(server, context) else { return nil }
        return try ConsoleLogFeed(log, raw: context.options.raw, timestamps: context.options.timestamps)
    }

    package func keepsConsoleTimes(_ server: Server) -> Bool {
        (try? arguments(for: .getConsole, server).isEmpty) == true && (try? ConsoleLog.limits(server)) != nil
    }

    // MARK: - Console log

    /// The server's console log, when the scripts keep none (no getconsole script) and
    /// `console_log` is on.
    private func consoleLog(_ server: Server, _ context: VerbContext) throws -> ConsoleLog? {
        guard try arguments(for: .getConsole, server).isEmpty, try ConsoleLog.limits(server) != nil else { return nil }
        return ConsoleLog(server, state: context.state)
    }

    /// The start script with its output (and that of the game it leaves running) going to a
    /// logger started as the server's user, which ends when the last of them closes it.
    private func startLogged(_ server: Server, _ log: ConsoleLog, _ context: VerbContext) throws {
        guard let console = try startLogger(server, log, context) else {
            return try expectSuccess(.start, server, context)
        }
        let result = try run(.start, server, context, output: .forward(OutputChannel(descriptor: console.descriptor)))
        guard result.termination.succeeded else {
            throw SimpleManagerError.scriptFailed(.start, result.termination)
        }
    }

    // MARK: - Supervisor

    /// The start script runs under a supervisor (`GameSupervisor --script`) started as the
    /// server's user, which records how what the script left ends, and starts it again as the
    /// restart policy says. Its output goes to the console log when there is one; else the
    /// script's output is shown once it has ended, as a plain start does. Waits up to
    /// `script_timeout` for the script's end.
    private func startSupervised(_ server: Server, program: String, _ context: VerbContext) throws {
        let script = try arguments(for: .start, server)
        guard !script.isEmpty else { throw SimpleManagerError.noScript(.start) }
        let files = ServerFiles(server, state: context.state)
        do {
            try files.prepare()
        } catch let error as SystemError {
            throw RestartError.cannotPrepare(path: files.path, reason: error.reason)
        }
        let began = Clock.wall
        var spec = server.spec(
            GameSupervisor.commandLine(
                program: program, directory: files.path, policy: try RestartPolicy.of(server),
                fresh: !context.options.continuesRuns, script: true, words: script),
            timeout: nil)
        spec.environment =
            server.gameEnvironment + [EnvironmentEntry(ServerMarker.helperVariable, GameSupervisor.helperRole)]
        let console = try consoleLog(server, context).flatMap { try startLogger(server, $0, context) }
        let shown = console == nil ? try TemporaryFile() : nil
        do {
            try context.executor.startDetached(spec, output: console?.descriptor ?? shown?.descriptor)
        } catch let error as CommandError {
            throw SimpleManagerError.cannotRun(.start, error)
        }
        let exit = try waitForScript(server, files, since: began, context)
        if let shown { context.err.write(shown.tail(limit: Self.outputLimit)) }
        guard exit.isFailure else { return }
        GameSupervisor.notify(server, stopComing: true)
        throw SimpleManagerError.scriptFailed(
            .start, exit.signal.map { .signaled($0) } ?? .exited(Int32(exit.status ?? 0)))
    }

    /// The start script's end, as the supervisor records it; the script's time limit ends the
    /// wait (and what the script started).
    private func waitForScript(
        _ server: Server, _ files: ServerFiles, since began: Double, _ context: VerbContext
    ) throws -> GameExit {
        let timeout = try server.settings.seconds(.scriptTimeout) ?? Self.defaultScriptTimeout
        let deadline = Clock.monotonic + timeout
        var pause = 0.005
        while Clock.monotonic < deadline {
            if let exit = try RunHistory.read(files)?.lastScript, (exit.at ?? 0) >= began - 0.001 { return exit }
            Clock.sleep(seconds: pause)
            pause = min(pause * 2, 0.1)
        }
        GameSupervisor.notify(server, stopComing: true)
        try ServerProcesses(server).terminate(grace: try Lifecycle.killTimeout(server), context)
        throw SimpleManagerError.scriptFailed(.start, .timedOut(seconds: timeout))
    }

    /// Starts the server's console logger as its user; the end of the pipe it reads, which the
    /// start script gets as its output; nil (after a warning) without a logger program.
    private func startLogger(_ server: Server, _ log: ConsoleLog, _ context: VerbContext) throws -> PipeEnd? {
        guard let limits = try ConsoleLog.limits(server), let words = log.loggerArguments(limits) else {
            context.err.line("\(server.label): \(ConsoleLogError.noLogger)")
            return nil
        }
        try log.prepare()
        var logger = server.spec(words, timeout: nil)
        logger.environment =
            server.marker.environment + [EnvironmentEntry(ServerMarker.helperVariable, ConsoleLog.helperRole)]
        do {
            return try ProcessLauncher().startReader(logger)
        } catch let error as CommandError {
            throw SimpleManagerError.cannotRun(.start, error)
        } catch let error as SystemError {
            throw ConsoleLogError.cannotPrepare(path: log.path, reason: error.reason)
        }
    }

    /// Up from the status script, and the trees of the processes the start script left
    /// running, found by the marker it gave them (`ServerMarker`).
    package func metrics(_ server: Server, _ context: VerbContext) throws -> MetricsReport {
        let status = try self.status(server, context)
        let roots =
            status.isRunning
            ? ServerProcesses(server, scope: .game).markedRoots(in: ProcessSnapshots.shared.snapshot(notBefore: 0)) : []
        return try processTreeMetrics(status, roots: roots, session: server.name)
    }

    /// Console input needs a send_command script, and the line must never become the program.
    package func canSendInput(_ server: Server) -> Bool {
        guard let first = try? ShellWords.split(server.config.scripts.sendCommand).first else { return false }
        return first != "{command}"
    }

    package func sendInput(_ line: String, _ server: Server, _ context: VerbContext) throws {
        guard canSendInput(server) else {
            throw SimpleManagerError.noSendCommandScript
        }
        let arguments = try server.template.arguments(wrapper: server.config.scripts.sendCommand, literal: line)
        let result = try execute(arguments, script: .sendCommand, server, context, output: .forward(context.err))
        guard result.termination.succeeded else {
            throw SimpleManagerError.scriptFailed(.sendCommand, result.termination)
        }
    }

    // MARK: - Scripts

    /// The configured scripts and the record command each wraps.
    enum Script: String {
        case start, stop, restart, status
        case getConsole = "get_console"
        case sendCommand = "send_command"

        func wrapper(_ scripts: DaemonConfig.Scripts) -> String {
            switch self {
            case .start: return scripts.start
            case .stop: return scripts.stop
            case .restart: return scripts.restart
            case .status: return scripts.status
            case .getConsole: return scripts.getConsole
            case .sendCommand: return scripts.sendCommand
            }
        }

        func command(_ record: ServerRecord) -> String {
            switch self {
            case .start: return record.effectiveStartCommand
            case .stop: return record.stopCommand
            case .restart: return record.restartCommand
            case .status, .getConsole, .sendCommand: return ""
            }
        }

        /// What to set when the script is missing.
        var remedy: String {
            switch self {
            case .start: return "set the record's start_command or scripts.start"
            case .stop: return "set the record's stop_command or scripts.stop"
            case .restart: return "set the record's restart_command or scripts.restart"
            case .status: return "set scripts.status in the daemon configuration"
            case .getConsole: return "set scripts.getconsole in the daemon configuration"
            case .sendCommand: return "set scripts.sendcommand in the daemon configuration"
            }
        }
    }

    func arguments(for script: Script, _ server: Server) throws -> [String] {
        try server.template.arguments(
            wrapper: script.wrapper(server.config.scripts), command: script.command(server.record))
    }

    private func run(
        _ script: Script, _ server: Server, _ context: VerbContext, output: CommandOutput
    ) throws -> CommandResult {
        let arguments = try arguments(for: script, server)
        guard !arguments.isEmpty else {
            throw SimpleManagerError.noScript(script)
        }
        return try execute(arguments, script: script, server, context, output: output)
    }

    private func execute(
        _ arguments: [String], script: Script, _ server: Server, _ context: VerbContext,
        output: CommandOutput
    ) throws -> CommandResult {
        let timeout = try server.settings.seconds(.scriptTimeout) ?? Self.defaultScriptTimeout
        var spec = server.spec(arguments, timeout: timeout, readOnly: script == .status || script == .getConsole)
        if script == .start || script == .restart { spec.environment = server.gameEnvironment }
        // A stop script that kills (runner.sh) waits as long as the hard stop would.
        if script == .stop || script == .restart {
            spec.environment.append(
                EnvironmentEntry("KILL_TIMEOUT", Clock.text(seconds: try Lifecycle.killTimeout(server))))
        }
        do {
            return try context.executor.run(spec, output: output)
        } catch let error as CommandError {
            throw SimpleManagerError.cannotRun(script, error)
        }
    }

    private func expectSuccess(_ script: Script, _ server: Server, _ context: VerbContext) throws {
        let result = try run(script, server, context, output: .forward(context.err))
        guard result.termination.succeeded else {
            throw SimpleManagerError.scriptFailed(script, result.termination)
        }
    }
}
