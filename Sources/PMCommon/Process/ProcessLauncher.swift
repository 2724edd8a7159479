#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CPMSystem

/// Runs commands as child processes: argv only (no shell), each child in its own process
/// group so a timeout kills everything it started, standard input from /dev/null.
public struct ProcessLauncher: CommandRunner {
    /// How long the launcher waits after SIGTERM before SIGKILL.
    public static let killGrace = 2.0

    public init() {}

    public func run(_ spec: CommandSpec, output: CommandOutput) throws -> CommandResult {
        let launched = try launch(spec, output: output)
        return finish(launched, spec: spec)
    }

    /// A started child: its pid, a pidfd when the kernel has them, and the read end of its
    /// output pipe when the output is collected.
    struct Launched {
        let pid: pid_t
        let pidfd: Int32
        let pipe: Int32?
        let output: CommandOutput
    }

    func launch(_ spec: CommandSpec, output: CommandOutput) throws -> Launched {
        guard let program = spec.arguments.first else { throw CommandError.emptyCommand }
        let directory = try workingDirectory(spec)
        guard let path = ExecutableLookup.resolve(program, workingDirectory: directory) else {
            throw CommandError.notFound(program: program, directory: directory)
        }
        let switchTo = try accountToSwitchTo(spec.account)
        let environment = Self.environment(spec.environment, account: switchTo, unset: spec.unsetEnvironment)

        let devNull = open("/dev/null", O_RDWR | O_CLOEXEC)
        guard devNull >= 0 else { throw SystemError("cannot open", path: "/dev/null") }
        defer { close(devNull) }
        var pipeRead: Int32?
        var pipeWrite: Int32 = devNull
        switch output {
        case .forward(let channel) where channel.descriptor != nil:
            pipeWrite = channel.descriptor ?? devNull
        case .forward, .capture:
            var fds: [Int32] = [0, 0]
            guard pm_pipe_cloexec(&fds) == 0 else { throw SystemError("cannot create a pipe") }
            pipeRead = fds[0]
            pipeWrite = fds[1]
        case .discard:
            break
        }
        defer { if pipeRead != nil { close(pipeWrite) } }

        let pid = try CStrings.with(spec.arguments) { argv in
            try CStrings.with(environment) { envp in
                try spawn(path: path, argv: argv, envp: envp, directory: directory, account: switchTo,
                          detached: spec.detached, stdin: devNull, stdout: pipeWrite)
            }
        }
        return Launched(pid: pid, pidfd: pm_pidfd_open(pid), pipe: pipeRead, output: output)
    }

    private func spawn(path: String, argv: UnsafePointer<UnsafeMutablePointer<CChar>?>,
                       envp: UnsafePointer<UnsafeMutablePointer<CChar>?>, directory: String?,
                       account: Account?, detached: Bool, stdin: Int32, stdout: Int32) throws -> pid_t {
        let groups = account?.groups ?? []
        return try path.withCString { cPath in
            try (directory ?? ".").withCString { cDirectory in
                try groups.withUnsafeBufferPointer { groupBuffer in
                    var request = pm_spawn_request(
                        path: cPath, argv: argv, envp: envp, cwd: directory == nil ? nil : cDirectory,
                        switch_user: account == nil ? 0 : 1, uid: account?.uid ?? 0, gid: account?.gid ?? 0,
                        groups: groupBuffer.baseAddress, group_count: Int32(groups.count),
                        new_session: detached ? 1 : 0, new_process_group: 1,
                        stdin_fd: stdin, stdout_fd: stdout, stderr_fd: stdout)
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

    /// Waits for the child (killing its group at the timeout) while collecting its output.
    func finish(_ launched: Launched, spec: CommandSpec) -> CommandResult {
        defer {
            if launched.pidfd >= 0 { close(launched.pidfd) }
            if let pipe = launched.pipe { close(pipe) }
        }
        var collected: [UInt8] = []
        let deadline = spec.timeout.map { Clock.monotonic + $0 }
        var status: Int32?
        var pipeOpen = launched.pipe != nil
        while status == nil {
            let remaining = deadline.map { $0 - Clock.monotonic }
            if let remaining, remaining <= 0 {
                Self.killGroup(launched.pid)
                _ = reap(launched.pid, blocking: true)
                if let pipe = launched.pipe { drain(pipe, into: &collected, output: launched.output, quietFor: 0.05) }
                return CommandResult(.timedOut(seconds: spec.timeout ?? 0), output: collected)
            }
            let slice = min(remaining ?? 1.0, 1.0)
            if pipeOpen, let pipe = launched.pipe {
                pipeOpen = waitForEvent(pipe: pipe, pidfd: launched.pidfd, seconds: slice)
                    ? readAvailable(pipe, into: &collected, output: launched.output) : true
            } else {
                waitForExit(pidfd: launched.pidfd, seconds: slice)
            }
            status = reap(launched.pid, blocking: false)
        }
        if pipeOpen, let pipe = launched.pipe { drain(pipe, into: &collected, output: launched.output, quietFor: 0.1) }
        return CommandResult(Self.termination(status ?? 0), output: collected)
    }

    // MARK: - Waiting

    /// Polls the pipe and the pidfd; true when the pipe may have data.
    private func waitForEvent(pipe: Int32, pidfd: Int32, seconds: Double) -> Bool {
        var fds = [pollfd(fd: pipe, events: Int16(POLLIN), revents: 0)]
        if pidfd >= 0 { fds.append(pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0)) }
        let timeout = pidfd >= 0 ? Int32(seconds * 1000) : min(Int32(seconds * 1000), 10)
        _ = poll(&fds, nfds_t(fds.count), timeout)
        return fds[0].revents != 0
    }

    private func waitForExit(pidfd: Int32, seconds: Double) {
        if pidfd >= 0 {
            var fds = [pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0)]
            _ = poll(&fds, 1, Int32(seconds * 1000))
        } else {
            Clock.sleep(seconds: min(seconds, 0.005))
        }
    }

    private func reap(_ pid: pid_t, blocking: Bool) -> Int32? {
        var status: Int32 = 0
        while true {
            let rc = waitpid(pid, &status, blocking ? 0 : WNOHANG)
            if rc == pid { return status }
            if rc < 0 && errno == EINTR { continue }
            if rc < 0 { return 0 }
            return nil
        }
    }

    /// Reads what is there; false at end of file.
    private func readAvailable(_ pipe: Int32, into collected: inout [UInt8], output: CommandOutput) -> Bool {
        var n = 0
        let chunk = [UInt8](unsafeUninitializedCapacity: 65536) { buffer, initialized in
            n = read(pipe, buffer.baseAddress, buffer.count)
            initialized = max(0, n)
        }
        if n < 0 { return errno == EINTR || errno == EAGAIN }
        if n == 0 { return false }
        deliver(chunk, into: &collected, output: output)
        return true
    }

    /// After the child exited: reads until end of file, or until nothing came for `quietFor`
    /// seconds (a background grandchild may hold the pipe open for ever).
    private func drain(_ pipe: Int32, into collected: inout [UInt8], output: CommandOutput, quietFor: Double) {
        while true {
            var fds = [pollfd(fd: pipe, events: Int16(POLLIN), revents: 0)]
            guard poll(&fds, 1, Int32(quietFor * 1000)) > 0,
                  readAvailable(pipe, into: &collected, output: output) else { return }
        }
    }

    private func deliver(_ bytes: [UInt8], into collected: inout [UInt8], output: CommandOutput) {
        switch output {
        case .forward(let channel): channel.write(bytes)
        case .capture(let limit):
            collected += bytes
            if collected.count > limit { collected.removeFirst(collected.count - limit) }
        case .discard: break
        }
    }

    // MARK: - Set-up

    private func workingDirectory(_ spec: CommandSpec) throws -> String? {
        guard let requested = spec.workingDirectory else { return nil }
        if FileSystem.kind(of: requested) == .directory { return requested }
        if let fallback = spec.fallbackDirectory, FileSystem.kind(of: fallback) == .directory { return fallback }
        throw CommandError.invalidWorkingDirectory(requested)
    }

    /// The account to switch to, or nil when the tool already runs as that user (W-24).
    private func accountToSwitchTo(_ account: Account?) throws -> Account? {
        guard let account, account.uid != geteuid() else { return nil }
        guard Account.canSwitchUser else { throw CommandError.cannotSwitchUser(account.name) }
        return account
    }

    /// The inherited environment with the spec's entries upserted; when switching users,
    /// HOME, USER and LOGNAME describe the new user unless the spec sets them. (Plain arrays:
    /// a dictionary here costs more start-up time than the whole lookup.)
    static func environment(_ additions: [EnvironmentEntry], account: Account?, unset: [String] = []) -> [String] {
        var overrides: [EnvironmentEntry] = []
        if let account {
            overrides += [EnvironmentEntry("HOME", account.home), EnvironmentEntry("USER", account.name),
                          EnvironmentEntry("LOGNAME", account.name)]
        }
        for entry in additions {
            overrides.removeAll { $0.name == entry.name }
            overrides.append(entry)
        }
        var result: [String] = []
        var cursor = environ
        while let raw = cursor.pointee {
            cursor += 1
            let entry = String(cString: raw)
            let name = String(decoding: entry.utf8.prefix { $0 != UInt8(ascii: "=") }, as: UTF8.self)
            if !overrides.contains(where: { $0.name == name }) && !unset.contains(name) { result.append(entry) }
        }
        return result + overrides.map { "\($0.name)=\($0.value)" }
    }

    static func termination(_ status: Int32) -> Termination {
        let signal = status & 0x7F
        return signal == 0 ? .exited((status >> 8) & 0xFF) : .signaled(signal)
    }

    /// SIGTERM to the whole group, then SIGKILL after the grace period.
    static func killGroup(_ pid: pid_t) {
        kill(-pid, SIGTERM)
        let deadline = Clock.monotonic + killGrace
        while Clock.monotonic < deadline {
            if kill(-pid, 0) != 0 { return }
            Clock.sleep(seconds: 0.02)
        }
        kill(-pid, SIGKILL)
    }
}

/// NUL-terminated C string arrays for exec.
enum CStrings {
    static func with<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) throws -> R) rethrows -> R {
        let pointers = strings.map { strdup($0) } + [nil]
        defer { pointers.forEach { free($0) } }
        return try pointers.withUnsafeBufferPointer { try body($0.baseAddress!) }
    }
}
