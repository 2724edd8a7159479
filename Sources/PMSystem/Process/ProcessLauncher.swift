import CPMSystem

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs commands as child processes: argv only (no shell), each child in its own process
/// group so a timeout kills everything it started, standard input from /dev/null. Output that
/// the tool keeps (captured, or buffered for a batch) goes to an unlinked temporary file, never
/// a pipe: a server that a start script leaves in the background may keep the descriptor, and
/// would make a pipe's reader wait for ever or die of SIGPIPE once the tool has gone.
package struct ProcessLauncher: CommandRunner {
    /// How long the launcher waits after SIGTERM before SIGKILL.
    package static let killGrace = 2.0

    package init() {}

    package func run(_ spec: CommandSpec, output: CommandOutput) throws -> CommandResult {
        let launched = try launch(spec, output: output)
        return finish(launched, spec: spec)
    }

    /// A started child: its pid, a pidfd when the kernel has them, and the file its output
    /// goes to when the tool keeps it.
    struct Launched {
        let pid: pid_t
        let pidfd: Int32
        let file: Int32?
        let output: CommandOutput
    }

    /// Starts a helper that outlives the tool (a console logger) in its own session, its
    /// output discarded, not waited for; its standard input is a new pipe, whose writing end
    /// is returned. The helper sees the end of its input once every copy of that end is closed.
    package func startReader(_ spec: CommandSpec) throws -> PipeEnd {
        var ends: [Int32] = [-1, -1]
        guard pm_pipe_cloexec(&ends) == 0 else { throw SystemError("pipe") }
        let reading = PipeEnd(ends[0])
        let writing = PipeEnd(ends[1])
        var detached = spec
        detached.detached = true
        let launched = try launch(detached, output: .discard, input: reading.descriptor)
        if launched.pidfd >= 0 { close(launched.pidfd) }
        return writing
    }

    func launch(_ spec: CommandSpec, output: CommandOutput, input: Int32? = nil) throws -> Launched {
        guard let program = spec.arguments.first else { throw CommandError.emptyCommand }
        let directory = try workingDirectory(spec)
        guard let path = ExecutableLookup.resolve(program, workingDirectory: directory) else {
            throw CommandError.notFound(program: program, directory: directory)
        }
        let switchTo = try accountToSwitchTo(spec.account)

        let devNull = open("/dev/null", O_RDWR | O_CLOEXEC)
        guard devNull >= 0 else { throw SystemError("cannot open", path: "/dev/null") }
        defer { close(devNull) }
        var file: Int32?
        var target = devNull
        switch output {
        case .forward(let channel) where channel.descriptor != nil:
            target = channel.descriptor ?? devNull
        case .forward, .capture:
            let temporary = pm_temporary_file()
            guard temporary >= 0 else { throw SystemError("cannot create a temporary file in", path: "/tmp") }
            file = temporary
            target = temporary
        case .discard:
            break
        }
        do {
            let pid = try CStrings.with(spec.arguments) { argv in
                try Self.withEnvironment(
                    spec.environment, account: switchTo, unset: spec.unsetEnvironment,
                    inherit: spec.inheritsEnvironment
                ) { envp in
                    try spawn(
                        path: path, argv: argv, envp: envp, directory: directory, account: switchTo,
                        detached: spec.detached, stdin: input ?? devNull, stdout: target, stderr: target)
                }
            }
            return Launched(pid: pid, pidfd: pm_pidfd_open(pid), file: file, output: output)
        } catch {
            if let file { close(file) }
            throw error
        }
    }

    private func spawn(
        path: String, argv: UnsafePointer<UnsafeMutablePointer<CChar>?>,
        envp: UnsafePointer<UnsafeMutablePointer<CChar>?>, directory: String?,
        account: Account?, detached: Bool, ownGroup: Bool = true, stdin: Int32, stdout: Int32, stderr: Int32
    ) throws -> pid_t {
        let groups = account?.groups ?? []
        return try path.withCString { cPath in
            try (directory ?? ".").withCString { cDirectory in
                try groups.withUnsafeBufferPointer { groupBuffer in
                    var request = pm_spawn_request(
                        path: cPath, argv: argv, envp: envp, cwd: directory == nil ? nil : cDirectory,
                        switch_user: account == nil ? 0 : 1, uid: account?.uid ?? 0, gid: account?.gid ?? 0,
                        groups: groupBuffer.baseAddress, group_count: Int32(groups.count),
                        new_session: detached ? 1 : 0, new_process_group: ownGroup ? 1 : 0,
                        stdin_fd: stdin, stdout_fd: stdout, stderr_fd: stderr)
                    var pid: pid_t = 0
                    let rc = pm_spawn(&request, &pid)
                    guard rc == 0 else {
                        throw CommandError.spawnFailed(program: path, SystemError("exec", path: path, code: rc))
                    }
                    return pid
                }
            }
        }
    }

    /// Starts a child that shares the tool's standard descriptors, process group and
    /// environment (with `environment` upserted and `unset` left out): a supervised game, in the
    /// foreground of its terminal. The caller waits for it.
    package func startChild(_ arguments: [String], environment: [EnvironmentEntry], unset: [String]) throws -> pid_t {
        guard let program = arguments.first else { throw CommandError.emptyCommand }
        guard let path = ExecutableLookup.resolve(program, workingDirectory: nil) else {
            throw CommandError.notFound(program: program, directory: FileSystem.currentDirectory)
        }
        return try CStrings.with(arguments) { argv in
            try Self.withEnvironment(environment, account: nil, unset: unset) { envp in
                try spawn(
                    path: path, argv: argv, envp: envp, directory: nil, account: nil, detached: false,
                    ownGroup: false, stdin: 0, stdout: 1, stderr: 2)
            }
        }
    }

    /// Makes the tool the child subreaper of its descendants (`PR_SET_CHILD_SUBREAPER`): what
    /// they leave running when they exit becomes the tool's child, whose end it can wait for.
    package static func becomeSubreaper() {
        _ = pm_become_subreaper()
    }

    package var startsHelpers: Bool { true }

    package func startDetached(_ spec: CommandSpec, output: Int32?) throws {
        var detached = spec
        detached.detached = true
        let launched = try launch(
            detached, output: output.map { .forward(OutputChannel(descriptor: $0)) } ?? .discard)
        if launched.pidfd >= 0 { close(launched.pidfd) }
    }

    /// Starts a program the tool talks to: its standard input and output are `stream` (one
    /// end of a socket pair), its errors go to `errors`. It runs in its own process group with
    /// the tool's environment; the caller reaps it. (`ssh … docker system dial-stdio`.)
    package func launchConnected(_ arguments: [String], stream: Int32, errors: Int32) throws -> pid_t {
        guard let program = arguments.first else { throw CommandError.emptyCommand }
        guard let path = ExecutableLookup.resolve(program, workingDirectory: nil) else {
            throw CommandError.notFound(program: program, directory: nil)
        }
        return try CStrings.with(arguments) { argv in
            try Self.withEnvironment([], account: nil) { envp in
                try spawn(
                    path: path, argv: argv, envp: envp, directory: nil, account: nil,
                    detached: false, stdin: stream, stdout: stream, stderr: errors)
            }
        }
    }

    /// Waits for the child (killing its group at the timeout), then collects its output.
    func finish(_ launched: Launched, spec: CommandSpec) -> CommandResult {
        defer {
            if launched.pidfd >= 0 { close(launched.pidfd) }
            if let file = launched.file { close(file) }
        }
        let deadline = spec.timeout.map { Clock.monotonic + $0 }
        var termination: Termination?
        while termination == nil {
            if let reaped = reap(launched.pid, blocking: false) {
                termination = reaped
            } else if let deadline, Clock.monotonic >= deadline {
                Self.killGroup(launched.pid)
                _ = reap(launched.pid, blocking: true)
                termination = .timedOut(seconds: spec.timeout ?? 0)
            } else {
                waitForExit(pidfd: launched.pidfd, seconds: min(deadline.map { $0 - Clock.monotonic } ?? 1.0, 1.0))
            }
        }
        var collected: [UInt8] = []
        if let file = launched.file {
            let limit: Int
            if case .capture(let most) = launched.output { limit = most } else { limit = 16 << 20 }
            collected = Self.tail(of: file, limit: limit)
            if case .forward(let channel) = launched.output {
                channel.write(collected)
                collected = []
            }
        }
        return CommandResult(termination ?? .exited(0), output: collected)
    }

    /// The last `limit` bytes written to `file`.
    package static func tail(of file: Int32, limit: Int) -> [UInt8] {
        let size = lseek(file, 0, SEEK_END)
        guard size > 0 else { return [] }
        lseek(file, max(0, size - off_t(limit)), SEEK_SET)
        return (try? FileSystem.readAll(file, limit: limit, name: "output")) ?? []
    }

    // MARK: - Waiting

    private func waitForExit(pidfd: Int32, seconds: Double) {
        if pidfd >= 0 {
            var fds = [pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0)]
            _ = poll(&fds, 1, Int32(max(0, seconds) * 1000))
        } else {
            Clock.sleep(seconds: min(seconds, 0.005))
        }
    }

    /// The child's end, or nil while it runs. A child that cannot be waited for (ECHILD: an
    /// inherited SIGCHLD=SIG_IGN reaped it) ended in a way nobody knows.
    private func reap(_ pid: pid_t, blocking: Bool) -> Termination? {
        var status: Int32 = 0
        while true {
            let rc = waitpid(pid, &status, blocking ? 0 : WNOHANG)
            if rc == pid { return Self.termination(status) }
            if rc < 0 && errno == EINTR { continue }
            if rc < 0 { return .lost }
            return nil
        }
    }

    // MARK: - Set-up

    private func workingDirectory(_ spec: CommandSpec) throws -> String? {
        guard let requested = spec.workingDirectory else { return nil }
        if FileSystem.kind(of: requested) == .directory { return requested }
        if let fallback = spec.fallbackDirectory, FileSystem.kind(of: fallback) == .directory { return fallback }
        throw CommandError.invalidWorkingDirectory(requested)
    }

    /// The account to switch to, or nil when the tool already runs as that user (docs/differences.md#cmd-4).
    private func accountToSwitchTo(_ account: Account?) throws -> Account? {
        guard let account, account.uid != geteuid() else { return nil }
        guard Account.canSwitchUser else { throw CommandError.cannotSwitchUser(account.name) }
        return account
    }

    /// Calls `body` with the child's `envp`: the inherited environment with the spec's entries
    /// upserted and the `unset` names left out; when switching users, HOME, USER and LOGNAME
    /// describe the new user unless the spec sets them. Inherited entries are passed as the C
    /// library holds them; only the new ones are copied (start-up time: see docs/benchmarks.md).
    static func withEnvironment<R>(
        _ additions: [EnvironmentEntry], account: Account?, unset: [String] = [], inherit: Bool = true,
        _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) throws -> R
    ) rethrows -> R {
        var overrides: [EnvironmentEntry] = inherit ? [] : CleanEnvironment.base
        if let account {
            overrides += [
                EnvironmentEntry("HOME", account.home), EnvironmentEntry("USER", account.name),
                EnvironmentEntry("LOGNAME", account.name)
            ]
        }
        for entry in additions {
            overrides.removeAll { $0.name == entry.name }
            overrides.append(entry)
        }
        // A server's marker reaches a process only from its server, never from the tool's own
        // environment (a tool run from a game's shell would mark everything it starts).
        let markers = [ServerMarker.nameVariable, ServerMarker.ownerVariable]
        let hidden = (overrides.map(\.name) + unset + markers).map { Array($0.utf8) }
        var pointers: [UnsafeMutablePointer<CChar>?] = []
        var cursor = environ
        while let raw = cursor.pointee {
            cursor += 1
            var nameLength = 0
            while raw[nameLength] != 0 && raw[nameLength] != 0x3D { nameLength += 1 }
            let isHidden = hidden.contains { name in
                name.count == nameLength && name.indices.allSatisfy { UInt8(bitPattern: raw[$0]) == name[$0] }
            }
            let passes = inherit || CleanEnvironment.keeps(UnsafeRawBufferPointer(start: raw, count: nameLength))
            if !isHidden && passes { pointers.append(raw) }
        }
        let owned = overrides.map { strdup("\($0.name)=\($0.value)") }
        defer { owned.forEach { free($0) } }
        pointers += owned + [nil]
        return try pointers.withUnsafeBufferPointer { try body($0.baseAddress!) }
    }

    static func termination(_ status: Int32) -> Termination {
        let signal = status & 0x7F
        return signal == 0 ? .exited((status >> 8) & 0xFF) : .signaled(signal)
    }

    /// SIGTERM to the whole group, then SIGKILL after the grace period. The leader is reaped
    /// as soon as it exits, and zombies (orphans wait for init to reap them) do not count as
    /// members still running.
    package static func killGroup(_ pid: pid_t) {
        kill(-pid, SIGTERM)
        let deadline = Clock.monotonic + killGrace
        var status: Int32 = 0
        while Clock.monotonic < deadline {
            _ = waitpid(pid, &status, WNOHANG)
            if !ProcFileSystem.groupIsAlive(pid) { return }
            Clock.sleep(seconds: 0.02)
        }
        kill(-pid, SIGKILL)
    }
}

/// NUL-terminated C string arrays for exec.
enum CStrings {
    static func with<R>(
        _ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) throws -> R
    ) rethrows -> R {
        let pointers = strings.map { strdup($0) } + [nil]
        defer { pointers.forEach { free($0) } }
        return try pointers.withUnsafeBufferPointer { try body($0.baseAddress!) }
    }
}

/// One end of a pipe, closed with its last reference.
package final class PipeEnd {
    package let descriptor: Int32

    init(_ descriptor: Int32) { self.descriptor = descriptor }

    deinit { close(descriptor) }
}

/// An unlinked temporary file (`pm_temporary_file`) that a detached helper writes its output
/// to, read back by the tool; closed with its last reference.
package final class TemporaryFile {
    package let descriptor: Int32

    package init() throws {
        descriptor = pm_temporary_file()
        guard descriptor >= 0 else { throw SystemError("cannot create a temporary file in", path: "/tmp") }
    }

    deinit { close(descriptor) }

    /// The last `limit` bytes written so far.
    package func tail(limit: Int) -> [UInt8] { ProcessLauncher.tail(of: descriptor, limit: limit) }
}
