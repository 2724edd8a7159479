import PMCore
import PMHTTP
import PMManagers
import PMSystem

/// A checked invocation: the configuration, the manager and every server, ready to run.
/// Building it runs nothing, so a bad record stops the whole invocation with exit status 2
/// before any server is touched.
struct Plan: Sendable {
    let invocation: Invocation
    let config: DaemonConfig
    let manager: ProcessManager
    let servers: [Server]
    let state: StateDirectory
    /// pm-input's lines: `-c` or the words after `--`, else every line of standard input.
    let consoleLines: [String]

    init(_ invocation: Invocation) throws {
        self.invocation = invocation
        var config = try ConfigLoader.load(explicitPath: invocation.configPath)
        if let workPath = invocation.workPath { config.workPath = workPath }
        for option in invocation.managerOptions { config.managerOptions[option.key] = option.value }
        if let name = invocation.managerName { config.managerName = name }
        let kind =
            try config.managerName.isEmpty ? ManagerDetection.defaultManager() : ManagerKind(named: config.managerName)
        config.managerName = kind.rawValue
        self.config = config
        manager = try ManagerRegistry.manager(kind, options: config.managerOptions)
        if !invocation.dryRun, let reason = manager.unavailableReason {
            throw SelectionError.managerUnavailable(reason: reason)
        }
        state = StateDirectory.standard(explicit: invocation.stateDirectory)

        var servers: [Server] = []
        var problems: [(String, Error)] = []
        for entry in try RecordSource.read(invocation) {
            do {
                guard let record = entry.record else { throw entry.error ?? RecordError(field: "", "unreadable") }
                servers.append(
                    try Server(
                        record: record, config: config, flagSettings: invocation.flagSettings,
                        resolveUser: manager.usesLocalAccounts))
            } catch {
                problems.append((entry.label, error))
            }
        }
        for server in servers
        where server.account == nil && Account.canSwitchUser && !invocation.allowRoot
            && Self.runsAsUser(server, manager, invocation)
        {
            problems.append(
                (
                    server.label,
                    RecordError(
                        field: "su_user",
                        "is missing, so \(invocation.verb.toolName) would run the server's programs as root: set "
                            + "su_user (the server's user in the panel), or give --allow-root to run them as root on "
                            + "purpose"
                    )
                ))
        }
        guard problems.isEmpty else { throw InvalidRecords(problems: problems) }
        self.servers = servers
        consoleLines = try Self.consoleLines(invocation)
        try checkVerbOptions()
    }

    /// Whether the invocation runs a program of `server` on this machine as its user: the
    /// manager's verb, or an installation script.
    private static func runsAsUser(_ server: Server, _ manager: ProcessManager, _ invocation: Invocation) -> Bool {
        guard manager.usesLocalAccounts else { return false }
        if manager.runsAsServerUser(invocation.verb) { return true }
        let scripts = server.config.scripts
        return invocation.verb == .install && !invocation.check
            && !(invocation.uninstall ? scripts.delete : scripts.install).isEmpty
    }

    private static func consoleLines(_ invocation: Invocation) throws -> [String] {
        guard invocation.verb == .input, !invocation.attach else { return [] }
        if let line = invocation.consoleLine { return [line] }
        if invocation.recordFiles.contains("-") {
            throw UsageError("standard input cannot carry both the records and the console lines")
        }
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.readAll(0, limit: RecordSource.maximumBytes, name: "standard input")
        } catch let error as SystemError {
            throw UsageError("cannot read the console lines: \(error.reason)")
        }
        let lines = String(decoding: bytes, as: UTF8.self).lines.map { line in
            line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
        }
        guard !lines.isEmpty else {
            throw UsageError("no console line: give -c LINE, the words after --, or lines on standard input")
        }
        return lines
    }

    private func checkVerbOptions() throws {
        if (invocation.follow || invocation.attach) && servers.count != 1 {
            throw UsageError("--follow and --attach work on one server, not \(servers.count)")
        }
        if invocation.check && invocation.uninstall { throw UsageError("--check and --uninstall do not go together") }
        if invocation.attach && invocation.recordFiles.contains("-") {
            throw UsageError("--attach reads console lines from standard input, so the records cannot come from it")
        }
    }

    func execute(report: Reporter) -> ExitStatus {
        let collector = invocation.verb == .metrics ? MetricsCollector() : nil
        let waits = invocation.verb == .stop || !invocation.options.warnings.isEmpty
        let statuses = Batch.run(servers, width: waits ? Batch.waitingWidth : Batch.width) {
            server, out, err in
            var reporter = report
            reporter.masker = server.masker
            let context = self.context(for: server, out: out, err: err)
            do {
                let lock =
                    try (invocation.verb.changesServer && !invocation.dryRun)
                    ? ServerLock.acquire(server.name, in: state) : nil
                defer { withExtendedLifetime(lock) {} }
                let lifecycle = Lifecycle(manager: manager, server: server, context: context)
                return try VerbAction(
                    invocation: invocation, lifecycle: lifecycle, consoleLines: consoleLines, collected: collector
                ).perform()
            } catch {
                reporter.error(server.label, error, to: err)
                return ExitStatus(for: error)
            }
        }
        if let collector {
            let samples = collector.finish(state: state, interval: invocation.options.interval) { warning in
                OutputChannel.standardError.line("\(invocation.verb.toolName): \(warning)")
            }
            OutputChannel.standardOutput.write(
                PrometheusWriter.render(samples, timestamps: invocation.options.timestamps))
        }
        return ExitStatus.combined(statuses)
    }

    private func context(for server: Server, out: OutputChannel, err: OutputChannel) -> VerbContext {
        let executor = Executor(
            runner: ProcessLauncher(), echo: invocation.verbose ? err : nil, masker: server.masker,
            plan: invocation.dryRun ? out : nil)
        var options = invocation.options
        options.sharedQueries = servers.count > 1 && [.status, .metrics, .stop].contains(invocation.verb)
        return VerbContext(out: out, err: err, executor: executor, state: state, options: options)
    }
}

/// Records that failed their checks; each is reported on its own line.
struct InvalidRecords: ToolError {
    let problems: [(label: String, error: Error)]
    var exitStatus: ExitStatus { .invalid }
    var description: String {
        problems.map { "\($0.label): \($0.error)" }.joined(separator: "\n")
    }
}
