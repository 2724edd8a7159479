import PMCore
import PMHTTP
import PMSystem

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `systemd` manager: each server is a service unit
/// `gameap-server-<XID>.service` whose console input is a FIFO socket unit and whose output is
/// an append-only log in `<work path>/.systemd-services`, in the system manager or (scope=user)
/// the user manager of the user running pm. Units are rebuilt at every start. Differences from
/// the reference, on purpose, besides the unit files' (`UnitFiles`), with the ids of their rows
/// in docs/differences.md:
/// - status, pid and start time come from one `systemctl show`, not `systemctl status` (SD-23);
/// - legacy units are stopped before a new start (SD-8); a stale FIFO is removed only
///   when its socket is inactive, and a changed socket unit is restarted (SD-9, SD-18);
/// - console input never blocks (SD-10); follow and attach end when the unit stops (SD-11);
/// - the linger warning reads logind's linger file, so it appears when it matters (SD-12);
/// - a failed `daemon-reload` is an error (SD-14); no raw exit code leaves the tool (SD-15);
///   `systemctl stop` is waited for, without status polls (SD-20);
/// - a start whose game exits at once fails and shows the log's last lines (SD-24);
/// - log and FIFO are private to the server's user (SD-3).
package final class SystemdManager: ProcessManager {
    /// How long a start watches the unit for a game that exits at once.
    package static let startCheck = 0.5
    static let statusProperties = [
        "LoadState", "ActiveState", "SubState", "MainPID", "ExecMainStartTimestampMonotonic",
        "ExecMainCode", "ExecMainStatus", "NRestarts", "InvocationID", "Environment",
        "ExecMainExitTimestampMonotonic", "Result", "RestartUSec", "StartLimitBurst"
    ]
    static let metricProperties = [
        "MemoryCurrent", "MemoryMax", "CPUUsageNSec", "IOReadBytes", "IOWriteBytes",
        "IPIngressBytes", "IPEgressBytes", "TasksCurrent"
    ]

    package let kind = ManagerKind.systemd
    package let scope: SystemdScope
    private let snapshots = UnitSnapshots(maxAge: 1.0)
    private let lingerWarned = Locked(false)

    package init(scope: SystemdScope) {
        self.scope = scope
    }

    package convenience init(options: [String: String]) throws {
        self.init(scope: try SystemdScope.resolve(options: options))
    }

    // MARK: - Verbs

    /// A system unit without `User=` runs its game as root; a user unit runs it as the user
    /// whose manager runs it.
    package func runsAsServerUser(_ verb: Verb) -> Bool { verb == .start && !scope.isUser }

    package func status(_ server: Server, _ context: VerbContext) throws -> ServerStatus {
        let service = SystemdUnits.resolved(server, scope: scope).service
        return Self.status(try properties(service, Self.statusProperties, server, context))
    }

    /// One unit's properties: from one `systemctl show` of all the servers' units in a batch
    /// query, else from a `systemctl show` of that unit. A unit systemd has not loaded is not in
    /// the batch's answer: it is inactive. A unit that another server's start wrote (its
    /// `GAMEAP_PM_OWNER`) is an error: no verb may touch it.
    func properties(
        _ service: String, _ names: [String], _ server: Server, _ context: VerbContext,
        notBefore: Double = 0
    ) throws -> UnitProperties {
        let properties: UnitProperties
        if context.options.sharedQueries {
            let units = try snapshots.value(notBefore: notBefore) {
                UnitProperties.units(
                    try systemctl(context).showText(
                        ["gameap-server-*.service"], ["Id"] + Self.statusProperties + Self.metricProperties))
            }
            properties = units[service] ?? UnitProperties("LoadState=not-found\nActiveState=inactive\n")
        } else {
            properties = try systemctl(context).show(
                service, names.contains("Environment") ? names : names + ["Environment"])
        }
        if let owner = properties.environment(ServerMarker.ownerVariable), owner != server.owner.token {
            throw ServerOwner.conflict("the unit \(service)", ownedBy: owner, not: server)
        }
        return properties
    }

    /// Refuses a server whose unit another server's start wrote.
    private func checkOwner(_ server: Server, _ context: VerbContext) throws {
        _ = try properties(SystemdUnits.resolved(server, scope: scope).service, ["LoadState"], server, context)
    }

    package func start(_ server: Server, _ context: VerbContext) throws {
        try checkUser(server, context)
        try checkOwner(server, context)
        guard FileSystem.kind(of: server.workDirectory) == .directory || context.executor.isDryRun else {
            throw StartError.missingDirectory(path: server.workDirectory)
        }
        let systemctl = systemctl(context)
        let files = GeneratedFiles(context: context, masker: server.masker)
        let units = SystemdUnits(name: server.name, scope: scope, workPath: server.config.workPath)
        let account = scope.isUser ? nil : (server.account ?? scope.user)
        // Everything that can refuse the record comes first: exit 2 means nothing was changed.
        // Only a doubling restart delay depends on the version (`RestartSteps=`, systemd 254).
        let version = RestartPolicy.isSet(server) ? systemctl.version() : nil
        let text = try UnitFiles(
            server: server, scope: scope, units: units, command: try startCommand(server), account: account,
            systemdVersion: version)
        try stopLegacyUnits(server, systemctl, files)
        try prepareLog(units, owner: account, context)
        let socketChanged = (try? FileSystem.contents(of: units.socketFile, limit: 1 << 16)) != Array(text.socket.utf8)
        try files.write(units.serviceFile, text.service, mode: 0o600, what: "service unit")
        // A graceful stop's drop-in that a killed pm-stop left would keep Restart=no.
        removeGracefulStopDropIn(units.service, context)
        if socketChanged { try files.write(units.socketFile, text.socket, mode: 0o600, what: "socket unit") }
        try systemctl.expectSuccess(["daemon-reload"], "reload its units")
        try startSocket(units, changed: socketChanged, systemctl, files)
        // A game that crashed in a loop leaves the unit at its start limit until this.
        try systemctl.run(["reset-failed", units.service])
        do {
            try systemctl.expectSuccess(["start", units.service], "start \(units.service)")
        } catch let error as SystemdError {
            showLastLines(units, context)
            throw error
        }
        guard !context.executor.isDryRun else { return }
        try checkStarted(units, systemctl, context)
    }

    /// `systemctl stop`: systemd sends SIGTERM to every process of the unit's control group and
    /// SIGKILL after `TimeoutStopSec` (kill_timeout). Then a check: the unit is down, and no
    /// process with the server's marker escaped the group (they get the same hard stop).
    package func stop(_ server: Server, _ context: VerbContext) throws {
        try checkUser(server, context)
        try checkOwner(server, context)
        let units = SystemdUnits.resolved(server, scope: scope)
        let systemctl = systemctl(context)
        let killTimeout = try Lifecycle.killTimeout(server)
        try systemctl.run(["stop", units.socket])
        let result = try systemctl.run(["stop", units.service], timeout: Systemctl.stopTimeout + 2 * killTimeout)
        // 5: the unit is not loaded, so it is not running either.
        guard result.termination.succeeded || result.termination == .exited(5) else {
            throw SystemdError.stopFailed(service: units.service, systemctlSaid: Systemctl.firstLine(result.text))
        }
        if result.termination.succeeded && !context.executor.isDryRun {
            let state = try systemctl.show(units.service, ["ActiveState", "SubState"])
            guard ["inactive", "failed"].contains(state["ActiveState"]) else {
                throw SystemdError.stillActive(
                    service: units.service, activeState: state["ActiveState"], subState: state["SubState"])
            }
        }
        try ServerProcesses(server).terminate(grace: killTimeout, context)
    }

    /// After the game exited: the console socket, and the service should systemd have started
    /// the game again, are stopped; nothing is run when both are down.
    package func removeExited(_ server: Server, _ context: VerbContext) throws {
        let units = SystemdUnits.resolved(server, scope: scope)
        let states = UnitProperties.units(
            try systemctl(context).showText([units.service, units.socket], ["Id", "ActiveState"]))
        let down = [units.service, units.socket].allSatisfy {
            ["inactive", "failed", nil].contains(states[$0]?["ActiveState"])
        }
        if down {
            try ServerProcesses(server).terminate(grace: try Lifecycle.killTimeout(server), context)
        } else {
            try stop(server, context)
        }
    }

    /// The unit's main process.
    /// `systemctl kill --kill-whom=main`: the unit's main process, the game.
    package func signalGame(
        _ signal: StopSignal, _ server: Server, _ status: ServerStatus, _ context: VerbContext
    ) throws {
        let service = SystemdUnits.resolved(server, scope: scope).service
        try systemctl(context).expectSuccess(
            ["kill", "--kill-whom=main", "--signal=\(signal.name)", service], "send \(signal) to \(service)")
    }

    package func processesToWatch(_ server: Server, _ status: ServerStatus, _ context: VerbContext) -> [ProcessHandle] {
        status.pid.flatMap { ProcessHandle(pid: Int32(clamping: $0)) }.map { [$0] } ?? []
    }

    /// A runtime drop-in with `Restart=no` while the game quits on its console command, so
    /// systemd does not start it again (the drop-in lives in `/run`, and goes at the end).
    package func beginGracefulStop(_ server: Server, _ status: ServerStatus, _ context: VerbContext) throws {
        let service = SystemdUnits.resolved(server, scope: scope).service
        try GeneratedFiles(context: context, masker: server.masker)
            .write(
                gracefulStopDropIn(service), "[Service]\nRestart=no\nRestartForceExitStatus=\n", mode: 0o644,
                what: "drop-in")
        try systemctl(context).expectSuccess(["daemon-reload"], "reload its units")
    }

    package func endGracefulStop(_ server: Server, _ status: ServerStatus, _ context: VerbContext) {
        let service = SystemdUnits.resolved(server, scope: scope).service
        if removeGracefulStopDropIn(service, context) { _ = try? systemctl(context).run(["daemon-reload"]) }
    }

    /// Removes the drop-in of `beginGracefulStop` and its directory; whether there was one.
    @discardableResult
    private func removeGracefulStopDropIn(_ service: String, _ context: VerbContext) -> Bool {
        let dropIn = gracefulStopDropIn(service)
        guard GeneratedFiles(context: context, masker: SecretMasker([])).remove(dropIn) else { return false }
        if !context.executor.isDryRun { rmdir(Path.directoryName(dropIn)) }
        return true
    }

    /// `<runtime units directory>/<service>.d/50-pm-graceful-stop.conf`.
    func gracefulStopDropIn(_ service: String) -> String {
        Path.join(scope.runtimeUnitsDirectory, "\(service).d", "50-pm-graceful-stop.conf")
    }

    package func output(_ server: Server, lines: Int, _ context: VerbContext) throws -> String {
        try checkOwner(server, context)
        let units = SystemdUnits.resolved(server, scope: scope)
        do {
            let fd = try units.servicesDirectory(creating: false).openFile(units.logName, O_RDONLY)
            defer { close(fd) }
            return String(decoding: try LogFile.lastLines(of: fd, name: units.log, count: lines), as: UTF8.self)
        } catch let error as SystemError where error.code == ENOENT {
            throw SystemdError.noLog(path: units.log)
        } catch let error as SystemError {
            throw SystemdError.cannotReadLog(error)
        }
    }

    package func sendInput(_ line: String, _ server: Server, _ context: VerbContext) throws {
        let units = SystemdUnits.resolved(server, scope: scope)
        guard try Self.status(properties(units.service, Self.statusProperties, server, context)).isRunning else {
            throw SystemdError.notActive(service: units.service)
        }
        if let plan = context.executor.plan {
            plan.write(
                "write \(ShellWords.quote(server.masker.apply(line))) and a newline to "
                    + "\(ShellWords.quote(units.fifo))\n"
            )
            return
        }
        do {
            let directory: DirectoryHandle
            do {
                directory = try units.servicesDirectory(creating: false)
            } catch let error as SystemError {
                throw error.code == ENOENT ? FIFOWriter.Failure.missing : FIFOWriter.Failure.system(error)
            }
            try FIFOWriter.send(Array((line + "\n").utf8), to: units.fifoName, in: directory)
        } catch FIFOWriter.Failure.noReader, FIFOWriter.Failure.missing {
            throw SystemdError.consoleClosed(fifo: units.fifo, socket: units.socket)
        } catch FIFOWriter.Failure.full {
            throw SystemdError.consoleFull(fifo: units.fifo)
        } catch FIFOWriter.Failure.system(let error) {
            throw SystemdError.cannotWriteConsole(error)
        }
    }

    package func openFeed(_ server: Server, _ context: VerbContext) throws -> ConsoleFeed? {
        let units = SystemdUnits.resolved(server, scope: scope)
        let directory = try? units.servicesDirectory(creating: false)
        return try LogFileFeed(name: units.log) { try? directory?.openFile(units.logName, O_RDONLY) }
    }

    package func metrics(_ server: Server, _ context: VerbContext) throws -> MetricsReport {
        let service = SystemdUnits.resolved(server, scope: scope).service
        let names = Self.statusProperties + Self.metricProperties
        let taken = Clock.monotonic
        return try SystemdMetrics(service: service, properties: try properties(service, names, server, context)) {
            try self.properties(service, names, server, context, notBefore: taken + CPUBaselines.minimumGap)
        }.report
    }

    package func install(_ server: Server, _ context: VerbContext) throws -> String {
        try checkUser(server, context)
        return "nothing to install: the systemd manager writes the server's units at each start"
    }

    /// Removes the units (current and legacy names), the log, the FIFO and the CPU baseline,
    /// then reloads systemd. The server was stopped before (`Installation`).
    package func uninstall(_ server: Server, _ context: VerbContext) throws -> String {
        try checkUser(server, context)
        try checkOwner(server, context)
        let files = GeneratedFiles(context: context, masker: server.masker)
        let control = systemctl(context)
        var removed: [String] = []
        for units in [SystemdUnits(name: server.name, scope: scope, workPath: server.config.workPath)]
            + [SystemdUnits.legacy(server, scope: scope)].compactMap({ $0 })
        {
            // A socket left listening (a start that failed) would outlive its unit files.
            if FileSystem.exists(units.socketFile) || FileSystem.exists(units.serviceFile) {
                try control.run(["stop", units.socket, units.service], timeout: Systemctl.stopTimeout)
            }
            for path in [units.socketFile, units.serviceFile] where files.remove(path) {
                removed.append(path)
            }
            if let directory = try? units.servicesDirectory(creating: false) {
                for name in [units.logName, units.fifoName] where files.remove(name, in: directory) {
                    removed.append(Path.join(directory.path, name))
                }
            }
        }
        if let baselines = try? CPUBaselines(state: context.state) {
            files.remove(Path.join(baselines.directory, server.name))
        }
        try control.expectSuccess(["daemon-reload"], "reload its units")
        return removed.isEmpty
            ? "nothing to uninstall: the server has no units"
            : "uninstalled: removed \(removed.joined(separator: ", "))"
    }

    // MARK: - Steps

    func systemctl(_ context: VerbContext) -> Systemctl { Systemctl(scope: scope, context: context) }

    /// The unit's state from `systemctl show`: running while systemd keeps the unit up
    /// (active, starting, stopping); waiting to restart the game (`auto-restart`) it is down,
    /// with the time of the restart. The restarts are systemd's count, the last exit its
    /// record of the main process.
    static func status(_ properties: UnitProperties) -> ServerStatus {
        let pid = properties.count("MainPID").flatMap { $0 > 0 && $0 <= UInt64(Int32.max) ? Int($0) : nil }
        let started = properties.count("ExecMainStartTimestampMonotonic").flatMap {
            $0 > 0 ? Self.wallTime(monotonicMicroseconds: $0) : nil
        }
        let run = "\(properties["NRestarts"] ?? "")/\(properties["ExecMainStartTimestampMonotonic"] ?? "")"
        var status: ServerStatus
        switch (properties["ActiveState"] ?? "", properties["SubState"] ?? "") {
        case ("activating", "auto-restart"):
            status = ServerStatus(.stopped, startedAt: started, run: run)
        case ("active", _), ("reloading", _), ("activating", _), ("deactivating", _):
            status = ServerStatus(.running, pid: pid, startedAt: started, run: run)
        case ("inactive", _), ("failed", _):
            status = ServerStatus(.stopped, startedAt: started)
        default:
            return ServerStatus(.unknown)
        }
        status.restarts = properties.count("NRestarts").map { Int(clamping: $0) }
        status.lastExit = lastExit(properties, started: started)
        if status.lastExit?.status != nil { status.exitCode = status.lastExit?.status }
        if !status.isRunning {
            // systemd 252 counts the restart that its start limit refused, and keeps the last
            // run's result: a failed unit at the burst has given up.
            let burst = properties.count("StartLimitBurst") ?? 0
            let refused =
                properties["ActiveState"] == "failed" && burst > 0 && (properties.count("NRestarts") ?? 0) >= burst
            status.gaveUp = properties["Result"] == "start-limit-hit" || refused
            if refused, let restarts = status.restarts { status.restarts = restarts - 1 }
            if properties["SubState"] == "auto-restart", let exit = status.lastExit?.at,
                let delay = properties.seconds("RestartUSec")
            {
                status.restartAt = exit + delay
            }
        }
        return status
    }

    /// How the main process last ended (`ExecMainCode`: 1 exited, 2 killed, 3 dumped core).
    private static func lastExit(_ properties: UnitProperties, started: Double?) -> GameExit? {
        guard started != nil, let value = properties.count("ExecMainStatus"), value <= 255 else { return nil }
        let at = properties.count("ExecMainExitTimestampMonotonic").flatMap {
            $0 > 0 ? wallTime(monotonicMicroseconds: $0) : nil
        }
        switch properties.count("ExecMainCode") ?? 1 {
        case 1: return GameExit(status: Int(value), at: at)
        case 2, 3: return GameExit(signal: Int32(value), at: at)
        default: return nil
        }
    }

    static func wallTime(monotonicMicroseconds: UInt64) -> Double? {
        let seconds = Double(monotonicMicroseconds) / 1e6
        let now = Clock.monotonic
        guard seconds <= now else { return nil }
        return Clock.wall - (now - seconds)
    }

    /// The start command's words with the program resolved to a full path: bare names through
    /// PATH only, names with a slash in the server directory (docs/differences.md#sd-4).
    func startCommand(_ server: Server) throws -> [String] {
        var words = try server.template.arguments(
            wrapper: server.config.scripts.start, command: server.record.effectiveStartCommand)
        guard let program = words.first else {
            throw StartError.nothingToStart
        }
        guard let path = ExecutableLookup.resolve(program, workingDirectory: server.workDirectory) else {
            throw SystemdError.commandNotFound(program: program, directory: server.workDirectory)
        }
        words[0] = Path.clean(path.hasPrefix("/") ? path : Path.join(server.workDirectory, path))
        return words
    }

    /// With scope=user, units run as the user whose manager runs them (the reference's check).
    private func checkUser(_ server: Server, _ context: VerbContext) throws {
        guard scope.isUser else { return }
        let own = scope.user?.name ?? ""
        if !server.record.user.isEmpty && server.record.user != own {
            throw SystemdError.otherUser(requested: server.record.user, own: own)
        }
        warnAboutLinger(context)
    }

    /// Once per invocation: user services die at logout unless the user lingers. logind keeps
    /// that as a file, so no call is needed (the reference's `loginctl` check stayed silent
    /// for a user without a session: docs/differences.md#sd-12).
    private func warnAboutLinger(_ context: VerbContext) {
        guard let user = scope.user, !FileSystem.exists("/var/lib/systemd/linger/\(user.name)") else { return }
        let first = lingerWarned.withLock { warned -> Bool in
            defer { warned = true }
            return !warned
        }
        guard first else { return }
        context.err.line(
            "warning: linger is disabled for user \"\(user.name)\"; user services will be killed at logout. Enable "
                + "with: sudo loginctl enable-linger \(user.name)"
        )
    }

    /// Legacy units (named by the raw uuid) are stopped and removed before the XID units start,
    /// so the same server never runs twice.
    private func stopLegacyUnits(_ server: Server, _ systemctl: Systemctl, _ files: GeneratedFiles) throws {
        guard let legacy = SystemdUnits.legacy(server, scope: scope), FileSystem.exists(legacy.serviceFile) else {
            return
        }
        try systemctl.run(["stop", legacy.socket])
        try systemctl.run(["stop", legacy.service], timeout: Systemctl.stopTimeout)
        files.remove(legacy.serviceFile)
        files.remove(legacy.socketFile)
    }

    /// A fresh log for this run, readable only by the server's user (systemd appends to it),
    /// made through the checked services directory and never through a link.
    private func prepareLog(_ units: SystemdUnits, owner: Account?, _ context: VerbContext) throws {
        let path = units.log
        if let plan = context.executor.plan {
            plan.write("truncate \(ShellWords.quote(path)) (mode 600\(owner.map { ", owned by \($0.name)" } ?? ""))\n")
            return
        }
        do {
            let fd = try units.servicesDirectory(creating: true).openFile(units.logName, O_WRONLY | O_CREAT | O_TRUNC)
            defer { close(fd) }
            guard fchmod(fd, 0o600) == 0 else { throw SystemError("cannot chmod", path: path) }
            if let owner, Account.canSwitchUser, fchown(fd, owner.uid, owner.gid) != 0 {
                throw SystemError("cannot chown", path: path)
            }
        } catch let error as SystemError {
            throw SystemdError.cannotPrepareLog(error)
        }
    }

    /// Starts the console socket, or restarts it when its unit changed; a FIFO left by an
    /// inactive socket is removed first, so systemd creates it again with the right owner.
    private func startSocket(
        _ units: SystemdUnits, changed: Bool, _ systemctl: Systemctl, _ files: GeneratedFiles
    ) throws {
        let active = try systemctl.show(units.socket, ["ActiveState"])["ActiveState"] == "active"
        if active && !changed { return }
        if active {
            try systemctl.expectSuccess(["restart", units.socket], "restart \(units.socket)")
            return
        }
        if let directory = try? units.servicesDirectory(creating: false) { files.remove(units.fifoName, in: directory) }
        try systemctl.expectSuccess(["start", units.socket], "start \(units.socket)")
    }

    /// A game that exits within `startCheck` seconds (systemd then restarts it, or gives up)
    /// is a failure: the unit is stopped and the log's last lines are shown.
    private func checkStarted(_ units: SystemdUnits, _ systemctl: Systemctl, _ context: VerbContext) throws {
        let deadline = Clock.monotonic + Self.startCheck
        repeat {
            Clock.sleep(seconds: 0.1)
            let properties = try systemctl.show(units.service, Self.statusProperties)
            let restarted = (properties.count("NRestarts") ?? 0) > 0 || properties["SubState"] == "auto-restart"
            if restarted || !Self.status(properties).isRunning {
                try systemctl.run(["stop", units.socket])
                try systemctl.run(["stop", units.service], timeout: Systemctl.stopTimeout)
                showLastLines(units, context)
                throw StartError.exitedAtOnceWithLog(ending: Self.howItEnded(properties))
            }
        } while Clock.monotonic < deadline
    }

    /// The exit status when systemd still shows the process that exited (`ExecMainCode` 1 is
    /// CLD_EXITED); once it has started the game again, how often it did.
    static func howItEnded(_ properties: UnitProperties) -> String {
        if properties.count("ExecMainCode") == 1, let status = properties.count("ExecMainStatus") {
            return "status \(status)"
        }
        return "systemd restarted it \(properties.count("NRestarts") ?? 0) times"
    }

    private func showLastLines(_ units: SystemdUnits, _ context: VerbContext) {
        guard let fd = try? units.servicesDirectory(creating: false).openFile(units.logName, O_RDONLY) else { return }
        defer { close(fd) }
        guard let text = try? LogFile.lastLines(of: fd, name: units.log, count: 20) else { return }
        for line in String(decoding: text, as: UTF8.self).lines { context.err.line("    \(line)") }
    }
}

/// The batch's `systemctl show` of every server unit, shared by the threads of a batch; a
/// second CPU sample asks for one taken after its first (`notBefore`), fetched once for all.
typealias UnitSnapshots = SharedSnapshot<[String: UnitProperties]>
