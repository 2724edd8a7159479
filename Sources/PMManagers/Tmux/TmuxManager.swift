import PMCore
import PMHTTP
import PMSystem

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `tmux` manager: each server runs in a detached tmux session named by
/// its XID (the raw uuid is the legacy name, still found), in the tmux server of the record's
/// user, next to an idle `gameap` session that keeps that tmux server alive; width 200 columns,
/// history 30000 lines. Differences from the reference, on purpose (ids of rows in
/// docs/differences.md):
/// - tmux runs as the user directly, never through `su` from a temporary directory, with
///   `SHELL=/bin/sh` so users whose login shell is `nologin` work (TMUX-1);
/// - the start command's words are given to tmux as separate arguments, so no shell re-reads
///   them, and the server gets its environment with `-e` (TMUX-2);
/// - the pane's process is a `/bin/sh` that runs those words and outlives the game by
///   `exitGrace`: tmux 3.3 closes a pane as soon as its process exits, dropping output it has
///   not read yet, which is the error message of a game that fails at once;
/// - the history limit is set before the game's pane exists (TMUX-5);
/// - targets are exact (`=name`, TMUX-8); one `list-panes` call tells the name, the state, the
///   pid and the start time;
/// - a finished game's pane stays (`remain-on-exit`) so its exit status and last output can be
///   read; such a session counts as stopped and is replaced by the next start;
/// - console input is typed as bytes (`send-keys -H`): nothing is read as a key name or a flag
///   (TMUX-11); output is the scroll-back, not only the visible pane (TMUX-12);
/// - a console log outlives the session (`ConsoleLog`, TMUX-20).
package struct TmuxManager: ProcessManager {
    package static let helperSession = "gameap"
    package static let width = 200
    package static let historyLimit = 30000
    /// How long a start waits to see whether the game exits at once.
    package static let startCheck = 0.5
    /// How long the pane's shell stays after the game exits, for tmux to read its last output.
    package static let exitGrace = 0.2
    /// How long a failed start waits for tmux to record the game's exit status.
    package static let statusWait = 0.5
    /// No tmux call may take longer.
    package static let callTimeout = 10.0

    package let kind = ManagerKind.tmux
    /// Pane lists shared by the servers of one batch query (`pm-status` of 50 servers asks each
    /// user's tmux server once).
    private let snapshots = PaneSnapshots()

    package init() {}

    // MARK: - Verbs

    /// The start runs the game; the other verbs only talk to a tmux server.
    package func runsAsServerUser(_ verb: Verb) -> Bool { verb == .start }

    package func status(_ server: Server, _ context: VerbContext) throws -> ServerStatus {
        try withHistory(Self.status(of: try session(server, context), server), server, context)
    }

    func withHistory(_ status: ServerStatus, _ server: Server, _ context: VerbContext) throws -> ServerStatus {
        try RunHistory.annotate(status, ServerFiles(server, state: context.state))
    }

    /// Running while the game runs: a pane whose game has exited is stopped, though its shell
    /// lingers for `exitGrace`.
    static func status(of pane: Pane?, _ server: Server) -> ServerStatus {
        guard let pane else { return ServerStatus(.stopped) }
        if pane.dead { return ServerStatus(.stopped, startedAt: pane.created, exitCode: pane.exitCode) }
        guard let panePid = pane.pid else { return ServerStatus(.running, startedAt: pane.created) }
        guard let game = game(inPane: panePid, server.marker) else {
            return ServerStatus(.stopped, startedAt: pane.created)
        }
        return ServerStatus(.running, pid: game.pid, startedAt: pane.created, endsWithPid: game.isMarked)
    }

    package func start(_ server: Server, _ context: VerbContext) throws {
        guard FileSystem.kind(of: server.workDirectory) == .directory || context.executor.isDryRun else {
            throw StartError.missingDirectory(path: server.workDirectory)
        }
        let command = try server.template.arguments(
            wrapper: server.config.scripts.start, command: server.record.effectiveStartCommand)
        guard !command.isEmpty else {
            throw StartError.nothingToStart
        }
        // What an earlier run left (a daemon that outlived a crash) goes before the new one starts.
        try ServerProcesses(server).terminate(grace: try Lifecycle.killTimeout(server), fresh: false, context)
        let began = Clock.wall
        try createSession(server, running: command, context)
        guard !context.executor.isDryRun else { return }
        try checkStarted(server, since: began, context)
    }

    /// Creates the server's session (and the helper session on a fresh tmux server). The
    /// helper session and the global option belong to the user's tmux server, which servers
    /// started at the same time share: one creation at a time per user; the start checks that
    /// follow run side by side. A tmux server keeps the command line of the client that
    /// started it for its whole life, for every local user to read (`ps`): it is started by
    /// the helper session alone, and the game's session, whose command and variables may hold
    /// secrets, is created over the socket, in no process's arguments.
    private func createSession(_ server: Server, running command: [String], _ context: VerbContext) throws {
        let userLock =
            context.executor.isDryRun
            ? nil
            : try ServerLock.acquire("tmux-user-\(server.account?.uid ?? geteuid())", in: context.state)
        defer { withExtendedLifetime(userLock) {} }
        let panes = try listPanes(server, context)
        var commands: [[String]] = []
        for stale in [server.name, server.legacyName]
        where !stale.isEmpty
            && panes.contains(where: { $0.session == stale && ($0.owner.isEmpty || $0.owner == server.owner.token) })
        {
            commands.append(["kill-session", "-t", "=" + stale])
        }
        if !panes.contains(where: { $0.session == Self.helperSession }) {
            let helper = [
                ["new-session", "-d", "-s", Self.helperSession, "-x", String(Self.width), "/bin/sh"],
                ["set-option", "-g", "history-limit", String(Self.historyLimit)]
            ]
            try expectSuccess(try tmux(Self.sequence(helper), server, context), "start the user's tmux server")
        }
        var game = ["new-session", "-d", "-s", server.name, "-x", String(Self.width), "-c", server.workDirectory]
        for entry in server.gameEnvironment { game += ["-e", "\(entry.name)=\(entry.value)"] }
        commands.append(game + (try paneCommand(command, server, context)))
        if let logger = try consoleLogger(server, context) {
            commands.append(["pipe-pane", "-t", "=\(server.name):", logger])
        }
        commands.append(["set-option", "-t", "=\(server.name):", Self.ownerOption, server.owner.token])
        commands.append(["set-option", "-w", "-t", "=\(server.name):", "remain-on-exit", "on"])
        try expectSuccess(try tmux(Self.sequence(commands), server, context, overSocket: true), "start the session")
    }

    /// `--`, then the pane's command: the game's supervisor (`GameSupervisor`, with its role in
    /// its environment), else, without a `pm-start` to run, a shell (`shellPaneCommand`).
    private func paneCommand(_ command: [String], _ server: Server, _ context: VerbContext) throws -> [String] {
        let policy = try RestartPolicy.of(server)
        guard let program = ExecutableLookup.toolboxTool("pm-start", runnableBy: server.account) else {
            if policy.mode != .no {
                context.err.line(
                    "\(server.label): no restarts: no pm-start that \(server.account?.name ?? "this user") may run, "
                        + "next to this tool or in PATH")
            }
            return ["--"] + Self.shellPaneCommand(command, name: server.name)
        }
        let files = ServerFiles(server, state: context.state)
        if !context.executor.isDryRun {
            do {
                try files.prepare()
            } catch let error as SystemError {
                throw RestartError.cannotPrepare(path: files.path, reason: error.reason)
            }
        }
        return ["-e", "\(ServerMarker.helperVariable)=\(GameSupervisor.helperRole)", "--"]
            + GameSupervisor.commandLine(
                program: program, directory: files.path, policy: policy, fresh: !context.options.continuesRuns,
                words: command)
    }

    /// The `pipe-pane` command of the server's console logger (`ConsoleLog`), which runs as the
    /// game's user in the user's tmux server from the session's first byte on; nil when the
    /// log is off (`console_log=no`). Its directory is made here.
    private func consoleLogger(_ server: Server, _ context: VerbContext) throws -> String? {
        guard let limits = try ConsoleLog.limits(server) else { return nil }
        let log = ConsoleLog(server, state: context.state)
        guard let words = log.loggerArguments(limits) else {
            context.err.line("\(server.label): \(ConsoleLogError.noLogger)")
            return nil
        }
        if !context.executor.isDryRun { try log.prepare() }
        return Self.shellCommand(words, marker: server.marker, helper: ConsoleLog.helperRole)
    }

    /// A command for tmux to run with `/bin/sh -c` (`pipe-pane` takes nothing else): `words`,
    /// each quoted, run with the server's marker (and `helper`'s role) in their environment.
    /// tmux expands `pipe-pane`'s command first (`#{...}` formats, `#(...)` commands, strftime
    /// `%` sequences): every `#` and `%` is doubled, so the shell gets the words as they are.
    static func shellCommand(_ words: [String], marker: ServerMarker, helper: String? = nil) -> String {
        var assignments = marker.environment.map { "\($0.name)=\(ShellWords.quote($0.value))" }
        if let helper { assignments.append("\(ServerMarker.helperVariable)=\(ShellWords.quote(helper))") }
        return escapingFormats((assignments + ["exec"] + words.map(ShellWords.quote)).joined(separator: " "))
    }

    /// `text` with every `#` and `%` doubled: tmux's expansion gives `text` back.
    static func escapingFormats(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "#" || character == "%" { escaped.append(character) }
            escaped.append(character)
        }
        return escaped
    }

    /// Ends every process of the server (the pane's tree, and what carries the server's marker),
    /// then removes the session.
    package func stop(_ server: Server, _ context: VerbContext) throws {
        let pane = try session(server, context)
        GameSupervisor.notify(server, stopComing: true)
        try end(pane, server, context)
    }

    /// The game's supervisor is told that the game's next exit is asked for.
    package func beginGracefulStop(_ server: Server, _ status: ServerStatus, _ context: VerbContext) throws {
        GameSupervisor.notify(server, stopComing: true, game: status.pid)
    }

    /// A stop that ends with the game still running (interrupted) calls the notice off.
    package func endGracefulStop(_ server: Server, _ status: ServerStatus, _ context: VerbContext) {
        guard let pid = status.pid, let game = ProcessHandle(pid: Int32(clamping: pid)), !game.hasExited else { return }
        GameSupervisor.notify(server, stopComing: false, game: pid)
    }

    /// What a game that exited leaves: its pane (dead, or its shell in the exit grace) and any
    /// process that outlived it. The status just asked found the session and checked its owner
    /// under the server's lock, and the pane's shell carries the server's marker, so the
    /// session is not looked up again: under load every tmux call counts.
    package func removeExited(_ server: Server, _ context: VerbContext) throws {
        // A supervisor waiting to start the game again must not.
        GameSupervisor.notify(server, stopComing: true)
        let grace = try Lifecycle.killTimeout(server)
        var failure: Error?
        do {
            try ServerProcesses(server, scope: .game).terminate(grace: grace, context)
        } catch let error as LifecycleError {
            failure = error
        }
        // The session under the server's name, else under the legacy one, as `session` finds it.
        for name in [server.name, server.legacyName]
        where !name.isEmpty && !name.contains(":") && name != Self.helperSession {
            let result = try tmux(["kill-session", "-t", "=" + name], server, context)
            if result.termination.succeeded { break }
            if !Self.meansGone(result) { try expectSuccess(result, "kill the session") }
        }
        try endHelpers(server, grace: grace, failure: failure, context)
    }

    /// The console logger, last: the session is gone, so its input has ended with the game's
    /// last output, which it writes before it exits. Then `failure`, if any, is thrown.
    private func endHelpers(_ server: Server, grace: Double, failure: Error?, _ context: VerbContext) throws {
        do {
            try ServerProcesses(server, scope: .helpers).terminate(grace: grace, context)
        } catch let error as LifecycleError {
            throw failure ?? error
        }
        if let failure { throw failure }
    }

    /// The game's own process: the pane shell's marked child, never the shell or the session.
    package func signalGame(
        _ signal: StopSignal, _ server: Server, _ status: ServerStatus, _ context: VerbContext
    ) throws {
        try self.signal(
            status.pid.flatMap { ProcessHandle(pid: Int32(clamping: $0)) }.map { [$0] } ?? [], signal, context)
    }

    /// The game's process, where the tool can see it.
    package func processesToWatch(_ server: Server, _ status: ServerStatus, _ context: VerbContext) -> [ProcessHandle] {
        status.pid.flatMap { ProcessHandle(pid: Int32(clamping: $0)) }.map { [$0] } ?? []
    }

    /// The hard stop of `ServerProcesses`, then `kill-session`, which is done even when a
    /// process survived (the error is reported after).
    private func end(_ pane: Pane?, _ server: Server, _ context: VerbContext) throws {
        // A dead pane's pid is no longer its process: tmux has collected it.
        let roots = pane.flatMap { $0.dead ? nil : $0.pid }.map { [Int32(clamping: $0)] } ?? []
        let grace = try Lifecycle.killTimeout(server)
        var failure: Error?
        do {
            try ServerProcesses(server, roots: roots, scope: .game).terminate(grace: grace, context)
        } catch let error as LifecycleError {
            failure = error
        }
        if let pane {
            let result = try tmux(["kill-session", "-t", "=" + pane.session], server, context)
            // A session without remain-on-exit (a legacy one) may have closed with its pane.
            if !result.termination.succeeded, try findSession(server, context) != nil {
                try expectSuccess(result, "kill the session")
            }
        }
        try endHelpers(server, grace: grace, failure: failure, context)
    }

    /// The console log whenever the server has one, running or not (the last words of a
    /// stopped or crashed game are there, and a file read costs less than asking tmux); else
    /// the pane's scroll-back.
    package func output(_ server: Server, lines: Int, _ context: VerbContext) throws -> String {
        let options = context.options
        let needsLog = options.since != nil || options.timestamps
        let log = try ConsoleLog.limits(server).map { _ in ConsoleLog(server, state: context.state) }
        if let log {
            let text = try log.lastLines(
                count: lines, since: options.since, timestamps: options.timestamps, raw: options.raw)
            if let text { return String(decoding: text, as: UTF8.self) }
        }
        if needsLog {
            throw TmuxError.noConsoleLog(log?.path)
        }
        guard let pane = try session(server, context) else {
            throw TmuxError.noSession(server.name)
        }
        let start = lines == 0 ? "-" : "-\(lines)"
        let result = try tmux(
            ["capture-pane", "-p", "-J", "-S", start, "-t", "=\(pane.session):"], server, context, readOnly: true,
            output: .capture(limit: 64 << 20))
        try expectSuccess(result, "read the pane")
        return Self.trimmingBlankTail(result.text)
    }

    package func sendInput(_ line: String, _ server: Server, _ context: VerbContext) throws {
        guard let pane = try session(server, context), !pane.dead else {
            throw TmuxError.noSession(server.name)
        }
        let bytes = Array(line.utf8).map { String($0, radix: 16) } + ["d"]
        try expectSuccess(
            try tmux(["send-keys", "-t", "=\(pane.session):", "-H"] + bytes, server, context), "send the line")
    }

    /// Up, the game's process tree, and its restarts.
    package func metrics(_ server: Server, _ context: VerbContext) throws -> MetricsReport {
        let pane = try session(server, context)
        let status = try withHistory(Self.status(of: pane, server), server, context)
        // The game's tree, without its supervisor; a legacy pane's whole tree.
        let root = status.endsWithPid ? status.pid : pane?.pid
        let roots = status.isRunning ? root.flatMap { Int32(exactly: $0) }.map { [$0] } ?? [] : []
        return try processTreeMetrics(status, roots: roots, session: pane?.session ?? server.name)
    }

    /// The console log's lines have times.
    package func keepsConsoleTimes(_ server: Server) -> Bool {
        (try? ConsoleLog.limits(server)) != nil
    }

    /// The console log as it grows, else (no log: `console_log=no`, a session of an older pm)
    /// the pane piped into a FIFO.
    package func openFeed(_ server: Server, _ context: VerbContext) throws -> ConsoleFeed? {
        guard let pane = try session(server, context), !pane.dead else { return nil }
        // The logger holds the pane's one pipe.
        if pane.piped, try ConsoleLog.limits(server) != nil {
            let feed = try ConsoleLogFeed(
                ConsoleLog(server, state: context.state), raw: context.options.raw,
                timestamps: context.options.timestamps)
            if feed.hasLog { return feed }
        }
        guard !pane.piped else { return nil }
        do {
            return try TmuxPipeFeed(pane: pane.session, server: server, manager: self, context: context)
        } catch is TmuxPipeFeed.AlreadyPiped {
            return nil
        }
    }

    // MARK: - Sessions

    /// One pane of `list-panes -a`: the fields the manager reads.
    struct Pane {
        let session: String
        let pid: Int?
        let dead: Bool
        let deadStatus: Int?
        let deadSignal: Int?
        let created: Double?
        let piped: Bool
        /// The owner token of the server that created the session (`ownerOption`); empty for a
        /// session created by the daemon or an older pm.
        let owner: String

        /// How the game ended, as a shell tells it: the exit status, or 128 + the signal.
        var exitCode: Int? { deadStatus ?? deadSignal.map { 128 + $0 } }

        var ending: String {
            if let deadStatus { return "status \(deadStatus)" }
            if let deadSignal { return "killed by signal \(deadSignal)" }
            return "status unknown"
        }
    }

    static let paneFormat =
        "#{session_name}\t#{pane_pid}\t#{pane_dead}\t#{pane_dead_status}\t#{session_created}\t#{pane_pipe}"
        + "\t#{pane_dead_signal}\t#{\(ownerOption)}"
    /// The session option that holds the owner token of the server (`ServerOwner`).
    static let ownerOption = "@gameap_owner"

    /// The panes of the user's tmux server (all sessions, or the one `session` names); none
    /// when there is no such session or no tmux server runs. `-u`: outside a UTF-8 locale tmux
    /// replaces every byte of a printed line that is not printable ASCII with `_`, the tabs
    /// between the fields included.
    func listPanes(_ server: Server, _ context: VerbContext, session: String? = nil) throws -> [Pane] {
        var arguments = ["-u", "list-panes", "-F", Self.paneFormat]
        arguments += session.map { ["-t", "=\($0):"] } ?? ["-a"]
        let result = try tmux(arguments, server, context, readOnly: true, output: .capture(limit: 4 << 20))
        guard result.termination.succeeded else {
            if case .exited(1) = result.termination,
                Self.meansNoSessions(result.text) || result.text.contains("can't find")
            {
                return []
            }
            throw TmuxError.listPanesFailed(result.termination, tmuxSaid: Self.firstLine(result.text))
        }
        return result.text.fields(separatedBy: UInt8(ascii: "\n")).compactMap { line in
            let fields = line.fields(separatedBy: UInt8(ascii: "\t"))
            guard fields.count >= 8 else { return nil }
            let created = Double(fields[4]).flatMap { (0...1e11).contains($0) ? $0 : nil }
            return Pane(
                session: fields[0], pid: Int32(fields[1]).flatMap { $0 > 0 ? Int($0) : nil }, dead: fields[2] == "1",
                deadStatus: Int32(fields[3]).map(Int.init), deadSignal: Int32(fields[6]).map(Int.init),
                created: created,
                piped: fields[5] == "1", owner: fields[7])
        }
    }

    /// The server's pane: under its XID name, else under the legacy uuid name. One tmux call
    /// for a running server (the reference needed three); in a batch query the user's pane list
    /// is fetched once for all servers. A session another server created under the same name
    /// is an error: no verb may touch it.
    func session(_ server: Server, _ context: VerbContext) throws -> Pane? {
        guard let pane = try findSession(server, context) else { return nil }
        guard pane.owner.isEmpty || pane.owner == server.owner.token else {
            throw ServerOwner.conflict("the tmux session \(pane.session)", ownedBy: pane.owner, not: server)
        }
        return pane
    }

    private func findSession(_ server: Server, _ context: VerbContext) throws -> Pane? {
        if context.options.sharedQueries {
            let panes = try snapshots.panes(for: server.account?.uid ?? geteuid()) { try listPanes(server, context) }
            return panes.first { $0.session == server.name }
                ?? panes.first {
                    !server.legacyName.isEmpty && server.legacyName != Self.helperSession
                        && $0.session == server.legacyName
                }
        }
        if let pane = try listPanes(server, context, session: server.name).first { return pane }
        guard !server.legacyName.isEmpty, server.legacyName != server.name, server.legacyName != Self.helperSession,
            !server.legacyName.contains(":")
        else { return nil }
        return try listPanes(server, context, session: server.legacyName).first
    }

    /// After a start (at `began`): a game that exits within `startCheck` seconds is a failure,
    /// reported with the pane's last lines, even when its supervisor would start it again; its
    /// session is removed.
    private func checkStarted(_ server: Server, since began: Double, _ context: VerbContext) throws {
        let deadline = Clock.monotonic + Self.startCheck
        repeat {
            Clock.sleep(seconds: 0.1)
            guard let pane = try listPanes(server, context, session: server.name).first else {
                throw TmuxError.startedSessionGone
            }
            let exit = try RunHistory.read(ServerFiles(server, state: context.state))?.lastExit.flatMap {
                ($0.at ?? 0) >= began ? $0 : nil
            }
            if pane.dead || exit != nil {
                let pane = pane.dead ? try withExitCode(pane, server, context) : pane
                let lastLines = Lifecycle.lastLines((try? output(server, lines: 0, context)) ?? "", 20)
                GameSupervisor.notify(server, stopComing: true)
                _ = try? tmux(["kill-session", "-t", "=" + server.name], server, context)
                for line in lastLines.lines { context.err.line("    \(line)") }
                throw StartError.exitedAtOnce(ending: exit.map { "\($0)" } ?? pane.ending)
            }
        } while Clock.monotonic < deadline
    }

    /// tmux marks a pane dead when its terminal closes and records the exit status when it
    /// reaps the process, which can come a moment later, or never: tmux 3.3 now and then
    /// leaves the pane's process a zombie (up to one start in three in this project's tests).
    /// Waits `statusWait` for the status, then gives the pane as it is.
    private func withExitCode(_ dead: Pane, _ server: Server, _ context: VerbContext) throws -> Pane {
        var pane = dead
        let deadline = Clock.monotonic + Self.statusWait
        while pane.exitCode == nil, Clock.monotonic < deadline {
            Clock.sleep(seconds: 0.02)
            guard let again = try listPanes(server, context, session: server.name).first else { break }
            pane = again
        }
        return pane
    }

    // MARK: - Running tmux

    /// Runs tmux as the server's user, in the server directory (else that user's home), with
    /// `SHELL=/bin/sh` and without an outer `TMUX` that would redirect it. A query, and a
    /// command that needs neither a new tmux server nor an environment (`clientCommands`,
    /// and what `overSocket` says must not show in any process's arguments), goes to the
    /// user's tmux server through `TmuxClient`, without starting tmux. Whatever runs starts
    /// from `CleanEnvironment`, never the tool's.
    func tmux(
        _ arguments: [String], _ server: Server, _ context: VerbContext, readOnly: Bool = false,
        overSocket: Bool = false,
        output: CommandOutput? = nil
    ) throws -> CommandResult {
        var spec = CommandSpec(
            ["tmux"] + arguments, workingDirectory: server.workDirectory,
            fallbackDirectory: server.account?.home ?? "/", environment: [EnvironmentEntry("SHELL", "/bin/sh")],
            account: server.account, timeout: Self.callTimeout, readOnly: readOnly)
        spec.unsetEnvironment = ["TMUX", "TMUX_PANE"]
        // The first call starts the user's tmux server, whose environment every game inherits.
        spec.inheritsEnvironment = false
        do {
            let viaClient = readOnly || overSocket || arguments.first.map(Self.clientCommands.contains) ?? false
            return try context.executor.run(
                spec, output: output ?? .capture(limit: 1 << 20), via: viaClient ? Self.client(context) : nil)
        } catch CommandError.notFound(let program, _) where program == "tmux" {
            throw TmuxError.notInstalled
        } catch let error as CommandError {
            throw TmuxError.cannotRun(error)
        }
    }

    /// Commands that change a running tmux server without starting one or running anything in
    /// its environment: typing a line, ending a session.
    static let clientCommands: Set<String> = ["send-keys", "kill-session"]

    private static func client(_ context: VerbContext) -> CommandRunner? {
        #if os(Linux)
        return TmuxClient(fallback: context.executor.runner)
        #else
        return nil
        #endif
    }

    /// tmux's answer for a session or server that is not there.
    static func meansGone(_ result: CommandResult) -> Bool {
        guard case .exited(1) = result.termination else { return false }
        let text = firstLine(result.text)
        return text.contains("can't find") || meansNoSessions(text)
    }

    private func expectSuccess(_ result: CommandResult, _ what: String) throws {
        guard !result.termination.succeeded else { return }
        if Self.meansGone(result) {
            throw TmuxError.sessionGone(tmuxSaid: Self.firstLine(result.text))
        }
        if case .exited(1) = result.termination {
            throw TmuxError.refused(action: what, tmuxSaid: Self.firstLine(result.text))
        }
        throw TmuxError.failed(action: what, result.termination)
    }

    /// The pane's command without a supervisor: `/bin/sh` runs the words as its arguments
    /// (`"$@"`, never re-read as shell text), then waits `exitGrace` and exits with the game's
    /// status. The wait runs without the server's marker, so the game is the shell's one marked
    /// child (`game`). `name` is the shell's `$0`, which its own messages ("not found") begin with.
    static func shellPaneCommand(_ words: [String], name: String) -> [String] {
        let marker = "\(ServerMarker.nameVariable) \(ServerMarker.ownerVariable)"
        return ["/bin/sh", "-c", "\"$@\"; status=$?; unset \(marker); sleep \(exitGrace); exit $status", name] + words
    }

    /// The game's pid in a live pane, or nil when the game has exited and the pane's shell only
    /// waits out `exitGrace`. The pane's process carries the server's marker when pm started it
    /// (`paneCommand`): the game is then its marked child, and the run ends with it
    /// (`isMarked`). A pane without the marker is a legacy session: its process, or that
    /// process's only child, is the game.
    static func game(inPane pid: Int, _ marker: ServerMarker) -> (pid: Int, isMarked: Bool)? {
        let children =
            (try? FileSystem.contents(of: "/proc/\(pid)/task/\(pid)/children", limit: 4096))
            .map { String(decoding: $0, as: UTF8.self).fields(separatedBy: UInt8(ascii: " ")).compactMap { Int32($0) } }
            ?? []
        guard let own = ProcFileSystem.environment(Int32(clamping: pid)), marker.match(environment: own) == .mine else {
            return (children.count == 1 && children[0] > 0 ? Int(children[0]) : pid, false)
        }
        return children.first { child in
            awaitExec(child, forkedFrom: Int32(clamping: pid))
            return ProcFileSystem.environment(child).map { marker.match(environment: $0) == .mine } ?? true
        }.map { (Int($0), true) }
    }

    /// A child the pane's shell has forked but that has not yet run its program still shows
    /// the shell's command line and the shell's environment, marker included; the grace's
    /// `sleep` would pass for the game in that instant. Waits a few milliseconds at most for
    /// such a child to exec.
    private static func awaitExec(_ child: Int32, forkedFrom shell: Int32) {
        guard let shellLine = ProcFileSystem.commandLine(shell) else { return }
        for _ in 0..<20 where ProcFileSystem.commandLine(child) == shellLine {
            Clock.sleep(seconds: 0.0005)
        }
    }

    /// Several tmux commands in one call, separated by `;` arguments. tmux reads any argument
    /// ending in `;` as a separator, unless a backslash precedes that `;` (tmux then drops the
    /// backslash): every word of every command is escaped that way, so no value from a record
    /// (a var that is exactly `;`) can end a command and start another.
    static func sequence(_ commands: [[String]]) -> [String] {
        commands.map { $0.map(escapeSeparator) }.joined(separator: [";"]).map { $0 }
    }

    static func escapeSeparator(_ argument: String) -> String {
        guard argument.hasSuffix(";") else { return argument }
        return String(argument.dropLast()) + "\\;"
    }

    /// No tmux server runs, or one runs without sessions: for an unattached client tmux 3.3
    /// answers every target then with "no current target" (it looks for a current session
    /// first). A first `new-session` starting the server leaves such a moment.
    static func meansNoSessions(_ text: String) -> Bool {
        text.contains("no server running") || text.contains("error connecting to") || text.contains("no current target")
    }

    static func firstLine(_ text: String) -> String {
        String(text.lines.first { !$0.isEmpty } ?? "")
    }

    /// capture-pane pads with the empty rows below the cursor, and a dead pane ends with
    /// tmux's "Pane is dead" notice; neither is the game's output.
    static func trimmingBlankTail(_ text: String) -> String {
        var lines = text.lines
        while let last = lines.last, last.allSatisfy({ $0 == " " }) || last.hasPrefix("Pane is dead (") {
            lines.removeLast()
        }
        return lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
    }
}

/// Pane lists per user, fetched once and shared by the threads of a batch (`SharedSnapshot`):
/// when one user's tmux server hangs, the batch waits for it once, not once per server.
final class PaneSnapshots: Sendable {
    /// How old a pane list may be: a batch wider than `Batch.waitingWidth` reaches its last
    /// servers after the first have stopped.
    static let maxAge = 1.0
    private let byUser = Locked<[UInt32: SharedSnapshot<[TmuxManager.Pane]>]>([:])

    func panes(for uid: UInt32, fetch: () throws -> [TmuxManager.Pane]) throws -> [TmuxManager.Pane] {
        let snapshot = byUser.withLock { byUser in
            if let snapshot = byUser[uid] { return snapshot }
            let snapshot = SharedSnapshot<[TmuxManager.Pane]>(maxAge: Self.maxAge)
            byUser[uid] = snapshot
            return snapshot
        }
        return try snapshot.value(fetch: fetch)
    }
}
