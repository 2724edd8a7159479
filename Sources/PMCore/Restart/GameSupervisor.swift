import PMSystem

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process a start leaves with a game (the tmux pane's process): it runs the game as its
/// child, in its process group and on its terminal, and when the game exits without a stop
/// being asked, starts it again as the `RestartPolicy` says, recording each run in the
/// server's `RunHistory`. It is `pm-start --supervise DIR --policy POLICY [--continue] -- WORDS`,
/// run as the game's user; no daemon of the node is involved.
///
/// With `--script` (the simple manager) the words are a start script that leaves the game
/// running in the background: the supervisor becomes the child subreaper of what the script
/// starts, records the script's end (`script` in the history, which `pm-start` waits for),
/// and the run lasts until the last of those processes has ended; the run's end is that
/// process's (a status of 128 + N read as signal N, as from a shell).
///
/// A stop is asked by SIGUSR1 (sent before a stop's first step, SIGUSR2 calls it off) or by
/// SIGTERM, SIGHUP or SIGINT (a hard stop, a closed session): the game's next exit is then
/// final. The supervisor never signals the game itself; the tools do.
package struct GameSupervisor {
    package let directory: String
    package let policy: RestartPolicy
    /// Whether the history begins again (a `pm-start`) or goes on (a restart by `--if-down`).
    package let fresh: Bool
    /// The words are a start script (`--script`), not the game.
    package let script: Bool
    package let words: [String]

    /// How long the supervisor stays after the game's last exit: tmux closes a pane as soon as
    /// its process exits, dropping output it has not read yet (a game's last error message).
    package static let exitGrace = 0.2
    /// A history larger than this begins again at a continued run.
    static let historyLimit = 1 << 20
    /// The helper role (`ServerMarker.helperVariable`) of the supervisor's process.
    package static let helperRole = "supervisor"

    /// The command line a start gives the pane: `program` is this toolbox's `pm-start`.
    package static func commandLine(
        program: String, directory: String, policy: RestartPolicy, fresh: Bool, script: Bool = false,
        words: [String]
    ) -> [String] {
        [program, "--supervise", directory, "--policy", policy.argument] + (fresh ? [] : ["--continue"])
            + (script ? ["--script"] : []) + ["--"] + words
    }

    /// Parses the arguments after `pm-start`.
    package init(arguments: [String]) throws {
        var rest = arguments[...]
        guard rest.popFirst() == "--supervise", let directory = rest.popFirst(), directory.hasPrefix("/") else {
            throw RestartError.badSupervisorArguments("expected --supervise DIR (an absolute path)")
        }
        guard rest.popFirst() == "--policy", let text = rest.popFirst(), let policy = RestartPolicy(argument: text)
        else {
            throw RestartError.badSupervisorArguments("expected --policy MODE/DELAY/MAX/LIMIT/WINDOW")
        }
        var fresh = true
        var script = false
        while let flag = rest.first, flag == "--continue" || flag == "--script" {
            rest.removeFirst()
            if flag == "--continue" { fresh = false } else { script = true }
        }
        guard rest.popFirst() == "--", !rest.isEmpty else {
            throw RestartError.badSupervisorArguments("expected -- and the game's command")
        }
        self.directory = directory
        self.policy = policy
        self.fresh = fresh
        self.script = script
        self.words = Array(rest)
    }

    /// Runs the game until a run ends for good; the exit code is the last run's, as a shell
    /// gives it (128 + N for signal N).
    package func run(errors: OutputChannel = .standardError) -> Int32 {
        Interrupts.intercept()
        Interrupts.interceptStopNotices()
        let history = HistoryFile(Path.join(directory, RunHistory.fileName), fresh: fresh, errors: errors)
        if fresh { history.append(.start) }
        if script { ProcessLauncher.becomeSubreaper() }
        var restarts: [Double] = []
        while true {
            let exit = runGame(history, errors)
            let asked = stopAsked
            let final = asked || !policy.covers(exit)
            // As a shell says "Segmentation fault": the console's last line tells the end,
            // written before the history tells it to a waiting start.
            if final, !asked, exit.isFailure { errors.line("pm-start: the game ended (\(exit))") }
            history.append(.exit(exit, asked: asked))
            if final { return finish(exit) }
            switch policy.next(after: restarts, now: Clock.wall) {
            case .giveUp:
                history.append(.gaveUp)
                errors.line(
                    "pm-start: the game ended (\(exit)) after \(restarts.count) restarts within "
                        + "\(Clock.text(seconds: policy.window)) seconds; not starting it again")
                return finish(exit)
            case .restart(let delay):
                history.append(.wait(seconds: delay))
                errors.line(
                    "pm-start: the game ended (\(exit)); starting it again in \(Clock.text(seconds: delay)) seconds")
                guard waitUnlessStopped(delay) else {
                    history.append(.stop)
                    return Int32(exit.code)
                }
                restarts.append(Clock.wall)
            }
        }
    }

    private var stopAsked: Bool { Interrupts.pending || Interrupts.stopNoticed }

    /// One run of the game: its end, or status 127 when it cannot start.
    private func runGame(_ history: HistoryFile, _ errors: OutputChannel) -> GameExit {
        let marker = [ServerMarker.nameVariable, ServerMarker.ownerVariable].compactMap { name in
            ProcessEnvironment.value(name).map { EnvironmentEntry(name, $0) }
        }
        let pid: pid_t
        do {
            pid = try ProcessLauncher().startChild(words, environment: marker, unset: [ServerMarker.helperVariable])
        } catch {
            errors.line("pm-start: cannot start the \(script ? "start script" : "game"): \(error)")
            let exit = GameExit(status: 127, at: Clock.wall)
            if script { history.append(.script(exit)) }
            return exit
        }
        history.append(.run(pid: pid))
        return script ? waitForAll(script: pid, history) : waitFor(pid)
    }

    private func waitFor(_ pid: pid_t) -> GameExit {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { return GameExit(status: 127, at: Clock.wall) }
        }
        return GameExit(waitStatus: status, at: Clock.wall)
    }

    /// Reaps the script and everything it left (the supervisor is their subreaper) until none
    /// is left: the end of the last one, the script's when it left nothing.
    private func waitForAll(script: pid_t, _ history: HistoryFile) -> GameExit {
        var last = GameExit(status: 0, at: Clock.wall)
        var status: Int32 = 0
        while true {
            let pid = waitpid(-1, &status, 0)
            if pid < 0 {
                if errno == EINTR { continue }
                return last
            }
            // What a script leaves is mostly shells, which tell a signal as 128 + N.
            last = GameExit(waitStatus: status, at: Clock.wall)
            if let code = last.status, code > 128 { last = GameExit(code: code, at: last.at) }
            if pid == script { history.append(.script(last)) }
        }
    }

    /// Waits `seconds`; false when a stop is asked meanwhile.
    private func waitUnlessStopped(_ seconds: Double) -> Bool {
        let deadline = Clock.monotonic + seconds
        while Clock.monotonic < deadline {
            if stopAsked { return false }
            Clock.sleep(seconds: min(0.1, deadline - Clock.monotonic))
        }
        return !stopAsked
    }

    private func finish(_ exit: GameExit) -> Int32 {
        Clock.sleep(seconds: Self.exitGrace)
        return Int32(exit.code)
    }

    /// The history, appended to line by line. A history that cannot be written costs the
    /// record, never the game: one warning, then the game runs without it.
    private final class HistoryFile {
        private var descriptor: Int32

        init(_ path: String, fresh: Bool, errors: OutputChannel) {
            var flags = O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC
            if fresh { flags |= O_TRUNC }
            descriptor = open(path, flags, 0o640)
            if descriptor >= 0, !fresh, lseek(descriptor, 0, SEEK_END) > GameSupervisor.historyLimit {
                _ = ftruncate(descriptor, 0)
                append(.start)
            }
            if descriptor < 0 {
                errors.line("pm-start: cannot write the run history \(path): \(String(cString: strerror(errno)))")
            }
        }

        deinit { if descriptor >= 0 { close(descriptor) } }

        func append(_ event: RunHistory.Event) {
            guard descriptor >= 0 else { return }
            try? FileSystem.writeAll(descriptor, Array(RunHistory.line(event, at: Clock.wall).utf8))
        }
    }
}

extension GameSupervisor {
    /// Tells the server's running supervisors that a stop comes (SIGUSR1: the game's next exit
    /// is final) or, `false`, that it was called off (SIGUSR2). `game`: the pid of the game,
    /// whose parent is its supervisor; without it the processes are searched.
    /// Nothing is sent under the policy `no`: such a supervisor never restarts.
    package static func notify(_ server: Server, stopComing: Bool, game: Int? = nil) {
        guard (try? RestartPolicy.of(server))?.mode ?? .no != .no else { return }
        let signal = stopComing ? SIGUSR1 : SIGUSR2
        if let game, let supervisor = parent(ofGame: Int32(clamping: game), server) {
            supervisor.send(signal)
            return
        }
        for supervisor in ServerProcesses(server).helpers(helperRole) { supervisor.send(signal) }
    }

    /// The supervisor whose child `pid` is, when that parent is one of the server's.
    static func parent(ofGame pid: Int32, _ server: Server) -> ProcessHandle? {
        guard let parent = ProcFileSystem.stat(pid)?.parent, parent > 1,
            let environment = ProcFileSystem.environment(parent),
            let found = ServerMarker.found(in: environment), found.helper == helperRole,
            server.marker.match(name: found.name, owner: found.owner) == .mine,
            ProcFileSystem.owner(parent) == (server.account?.uid ?? geteuid())
        else { return nil }
        return ProcessHandle(pid: parent)
    }
}
