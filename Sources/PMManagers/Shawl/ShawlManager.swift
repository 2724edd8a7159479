import PMCore
import PMHTTP
import PMSystem

/// The `shawl` manager (the daemon's default on Windows): each
/// server is a Windows service created with `sc create` whose program is
/// `shawl.exe run ... -- <command>`, controlled with `sc`, its inputs kept in the
/// change-detection file `C:\gameap\services\gameapServer<id>.yaml`. Differences from the
/// reference, on purpose (ids of rows in docs/differences.md):
/// - the password never appears in any echo or plan (`password=******`, WIN-1);
/// - the change-detection file covers every input of the service, the password as a salted
///   digest (WIN-8), and a service that exists without the file is recreated (WIN-9), not left to
///   fail with "already exists"; a recreated service is deleted and waited for before the new
///   one is created (no 1072);
/// - status reads the state line of `sc queryex` (not `RUNNING` anywhere in the output), and a
///   stop that `sc` reports as failed is checked, not assumed;
/// - services start on demand unless `service_start` is `auto` (WIN-17);
/// - the output unquotes shawl's Rust-quoted lines (WIN-12).
package struct ShawlManager: WindowsServiceManager {
    package static let executable = "shawl.exe"

    package let kind = ManagerKind.shawl
    package let host: ServiceHost

    package init(host: ServiceHost = .current) {
        self.host = host
    }

    static func fingerprintFile(_ service: String) -> String { "\(service).yaml" }
    static let logDirectory = "logs"

    // MARK: - Verbs

    package func start(_ server: Server, _ context: VerbContext) throws {
        let runner = runner(context)
        let service = try ensureService(server, runner).service
        runner.note("Starting service \(service)")
        try ServiceControl(runner: runner, name: service).start()
    }

    package func stop(_ server: Server, _ context: VerbContext) throws {
        let control = try control(server, context)
        control.runner.note("Stopping service \(control.name)")
        try control.stop()
    }

    package func output(_ server: Server, lines: Int, _ context: VerbContext) throws -> String {
        let service = try ServiceName.of(server, manager: name)
        let log = "\(Self.logDirectory)/\(ShawlArguments.currentLog(service))"
        guard let bytes = try runner(context).tail(log, lines: lines) else {
            throw WindowsServiceError.noShawlOutput(path: host.path(log))
        }
        return ShawlLog.messages(String(decoding: bytes, as: UTF8.self))
    }

    package func install(_ server: Server, _ context: VerbContext) throws -> String {
        let (service, change) = try ensureService(server, runner(context))
        return installResult(change, service, context)
    }

    /// `sc delete`, then the change-detection file goes; the logs stay.
    package func uninstall(_ server: Server, _ context: VerbContext) throws -> String {
        let control = try control(server, context)
        control.runner.note("Deleting service \(control.name)")
        try control.delete(wait: false)
        try control.runner.remove(Self.fingerprintFile(control.name))
        return
            "\(control.runner.isDryRun ? "would uninstall" : "uninstalled") service \(control.name) "
            + "(its logs stay in \(host.path(Self.logDirectory)))"
    }

    // MARK: - The service

    /// Creates the service, or deletes and recreates it when any input changed or it exists
    /// without its change-detection file (docs/differences.md#win-9). The file is
    /// written only after `sc create` succeeded.
    func ensureService(_ server: Server, _ runner: ServiceRunner) throws -> (service: String, change: ServiceChange) {
        let service = try ServiceName.of(server, manager: name)
        let account = try ServiceAccount.of(server, manager: name)
        let startMode = try ServiceStartMode.of(server)
        let arguments = ShawlArguments(
            name: service, workingDirectory: server.workDirectory,
            logDirectory: host.path(Self.logDirectory), program: try ServiceProgram.of(server))
        let shawl = try shawlPath(runner)
        let binPath = arguments.binPath(shawl: shawl)
        let fingerprint = ShawlFingerprint(
            command: server.template.fullCommand(
                template: server.config.scripts.start, command: server.record.windowsStartCommand),
            workingDirectory: server.workDirectory, user: server.record.user, account: account, startMode: startMode,
            binPath: binPath)
        try runner.ensureDirectory()
        let file = Self.fingerprintFile(service)
        let old = try runner.read(file)
        let salt = old.flatMap(ShawlFingerprint.salt(in:)) ?? ShawlFingerprint.newSalt()
        let content = fingerprint.render(salt: salt)
        guard old != content else {
            runner.note("Service configuration unchanged")
            return (service, .unchanged)
        }
        let control = ServiceControl(runner: runner, name: service)
        var existed = old != nil
        if !existed, case .present = try control.presence() { existed = true }
        if existed {
            runner.note(
                old == nil
                    ? "Service exists without its configuration file, recreating service"
                    : "Service configuration changed, recreating service")
            try control.stop()
            try control.delete(wait: true)
        }
        if account == .networkService { try AccessControl(runner: runner).grantNetworkService(server.workDirectory) }
        runner.note("Creating service \(service)")
        runner.note("Service executable: \(shawl)")
        try create(service, startMode: startMode, account: account, binPath: binPath, runner)
        // Shown with the secrets masked before the file's own encoding, which changes how they
        // are spelled (`%` becomes `%25`).
        try runner.write(file, content, shown: fingerprint.masked(server.masker).render(salt: salt))
        return (service, existed ? .changed : .created)
    }

    /// `sc create <name> start=<mode> obj=<account> [password=<password>] binPath=<binPath>`,
    /// shown with the password masked.
    private func create(
        _ service: String, startMode: ServiceStartMode, account: ServiceAccount, binPath: String,
        _ runner: ServiceRunner
    ) throws {
        var arguments = ["sc", "create", service, "start=\(startMode.rawValue)", "obj=\(account.name)"]
        var shown = arguments
        if let password = account.password {
            arguments.append("password=\(password)")
            shown.append("password=\(SecretMasker.mask)")
        }
        arguments.append("binPath=\(binPath)")
        shown.append("binPath=\(binPath)")
        let result = try runner.change(arguments, shown: shown)
        guard try runner.exitCode(result, arguments) == 0 else { throw runner.failure(arguments, result) }
    }

    /// shawl.exe from PATH; where PATH cannot be searched (a plan on Linux) the plan says so
    /// and uses the bare name.
    private func shawlPath(_ runner: ServiceRunner) throws -> String {
        if let path = host.locate(Self.executable) { return path }
        guard host.runsHere else {
            runner.context.executor.plan?.write(
                "find \(Self.executable) in PATH: not possible on this system (the plan uses the name "
                    + "\(Self.executable))\n"
            )
            return Self.executable
        }
        throw WindowsServiceError.shawlNotFound
    }
}
