import PMCore
import PMHTTP
import PMSystem

/// The `winsw` manager: each server is a Windows service run by
/// WinSW 3 from the definition `C:\gameap\services\gameapServer<id>.xml`, driven with
/// `winsw <verb> <definition>`. Differences from the reference, on purpose (ids of rows in
/// docs/differences.md):
/// - status comes from the Service Control Manager (`sc queryex`): one parser for both
///   Windows managers, the process id, and no reliance on WinSW's exit codes;
/// - every exit code is mapped to the tools' results (WIN-14): 1056 and 1062 are "already",
///   1060 on refresh installs, 1073 on install refreshes (a service without its definition),
///   anything else is a failure that names the code;
/// - the definition is written atomically, readable only by administrators, SYSTEM and the
///   service's account (it holds the password, WIN-2), and never shown with the password;
/// - `use_network_service_user` runs the service as NETWORK SERVICE (WIN-6), and services
///   start on demand unless `service_start` is `auto` (WIN-17);
/// - the output is the service's standard error log as well as its standard output (WIN-11).
package struct WinSWManager: WindowsServiceManager {
    package let kind = ManagerKind.winsw
    package let host: ServiceHost

    package init(host: ServiceHost = .current) {
        self.host = host
    }

    static func definitionFile(_ service: String) -> String { "\(service).xml" }

    // MARK: - Verbs

    package func start(_ server: Server, _ context: VerbContext) throws {
        let runner = runner(context)
        let service = try ensureService(server, runner).service
        let definition = host.path(Self.definitionFile(service))
        let result = try winsw("start", definition, runner)
        switch try runner.exitCode(result, ["winsw", "start"]) {
        case 0, WindowsError.serviceAlreadyRunning:
            return
        case WindowsError.serviceRequestTimeout:
            try repairAndStart(definition, runner)
        default:
            throw runner.failure(["winsw", "start"], result)
        }
    }

    /// The manager's own restart: `winsw restart` after bringing the service up to date.
    package func restart(_ server: Server, _ context: VerbContext) throws -> Bool {
        let runner = runner(context)
        let service = try ensureService(server, runner).service
        try expect("restart", host.path(Self.definitionFile(service)), runner)
        return true
    }

    /// `winsw stop` (which waits for the service); without a definition, through the SCM.
    package func stop(_ server: Server, _ context: VerbContext) throws {
        let runner = runner(context)
        let service = try ServiceName.of(server, manager: name)
        guard try hasDefinition(service, runner) else {
            return try ServiceControl(runner: runner, name: service).stop()
        }
        let result = try winsw("stop", host.path(Self.definitionFile(service)), runner)
        switch try runner.exitCode(result, ["winsw", "stop"]) {
        case 0, WindowsError.serviceNotActive, WindowsError.serviceDoesNotExist: return
        default: throw runner.failure(["winsw", "stop"], result)
        }
    }

    /// The standard error log (when it has anything) under a heading, then the standard output
    /// log: cut to the last lines, the output comes first.
    package func output(_ server: Server, lines: Int, _ context: VerbContext) throws -> String {
        let runner = runner(context)
        let service = try ServiceName.of(server, manager: name)
        let outName = "\(service).out.log"
        let errName = "\(service).err.log"
        let out = try runner.tail(outName, lines: lines)
        let err = try runner.tail(errName, lines: lines)
        guard out != nil || err != nil else {
            throw WindowsServiceError.noWinSWOutput(path: host.path(outName))
        }
        guard let err, !err.isEmpty else { return String(decoding: out ?? [], as: UTF8.self) }
        var text = "==> \(host.path(errName)) <==\n" + String(decoding: err, as: UTF8.self)
        if !text.hasSuffix("\n") { text += "\n" }
        return text + "==> \(host.path(outName)) <==\n" + String(decoding: out ?? [], as: UTF8.self)
    }

    package func install(_ server: Server, _ context: VerbContext) throws -> String {
        let (service, change) = try ensureService(server, runner(context))
        return installResult(change, service, context)
    }

    /// `winsw uninstall` (through the SCM without a definition), then the definition goes;
    /// the logs stay.
    package func uninstall(_ server: Server, _ context: VerbContext) throws -> String {
        let runner = runner(context)
        let service = try ServiceName.of(server, manager: name)
        if try hasDefinition(service, runner) {
            try expect(
                "uninstall", host.path(Self.definitionFile(service)), runner,
                alsoFine: [WindowsError.serviceDoesNotExist, WindowsError.serviceMarkedForDelete])
        } else {
            try ServiceControl(runner: runner, name: service).delete(wait: false)
        }
        try runner.remove(Self.definitionFile(service))
        return
            "\(runner.isDryRun ? "would uninstall" : "uninstalled") service \(service) "
            + "(its logs stay in \(host.directory))"
    }

    // MARK: - The service

    /// Writes the definition when it is new or changed, then makes
    /// the SCM's service match it: `install` when new, `refresh` otherwise; a refresh that
    /// finds no service (1060) installs, an install that finds one (1073) refreshes.
    func ensureService(_ server: Server, _ runner: ServiceRunner) throws -> (service: String, change: ServiceChange) {
        let definition = try WinSWDefinition.of(server, manager: name)
        let file = Self.definitionFile(definition.id)
        let path = host.path(file)
        try runner.ensureDirectory()
        let old = try runner.read(file)
        let content = definition.render()
        guard old != content else {
            runner.note("Service configuration wasn't changed")
            try installOrRefresh(path, new: false, runner)
            return (definition.id, .unchanged)
        }
        runner.note(old == nil ? "Service file not found" : "Service configuration was changed")
        if definition.account == .networkService {
            try AccessControl(runner: runner).grantNetworkService(server.workDirectory)
        }
        try runner.write(file, content, shown: definition.render(maskingPassword: true))
        try AccessControl(runner: runner).restrict(path, reader: definition.account)
        try installOrRefresh(path, new: old == nil, runner)
        return (definition.id, old == nil ? .created : .changed)
    }

    private func installOrRefresh(_ definition: String, new: Bool, _ runner: ServiceRunner) throws {
        let first = new ? "install" : "refresh"
        let result = try winsw(first, definition, runner)
        let code = try runner.exitCode(result, ["winsw", first])
        switch (new, code) {
        case (_, 0): return
        case (true, WindowsError.serviceExists): try expect("refresh", definition, runner)
        case (false, WindowsError.serviceDoesNotExist): try expect("install", definition, runner)
        default: throw runner.failure(["winsw", first], result)
        }
    }

    /// A start that timed out (1053): uninstall, install and start again, as the reference.
    private func repairAndStart(_ definition: String, _ runner: ServiceRunner) throws {
        runner.note("Service did not respond in time (1053): reinstalling it")
        try expect("uninstall", definition, runner, alsoFine: [WindowsError.serviceDoesNotExist])
        try expect("install", definition, runner)
        try expect("start", definition, runner, alsoFine: [WindowsError.serviceAlreadyRunning])
    }

    private func hasDefinition(_ service: String, _ runner: ServiceRunner) throws -> Bool {
        guard host.runsHere else { return true }
        return try runner.read(Self.definitionFile(service)) != nil
    }

    // MARK: - Running winsw

    private func winsw(_ verb: String, _ definition: String, _ runner: ServiceRunner) throws -> CommandResult {
        try runner.change(["winsw", verb, definition])
    }

    /// Runs `winsw <verb>`; exit 0 (or one of `alsoFine`) or a failure naming the code.
    private func expect(_ verb: String, _ definition: String, _ runner: ServiceRunner, alsoFine: [Int32] = []) throws {
        let command = ["winsw", verb]
        let result = try winsw(verb, definition, runner)
        let code = try runner.exitCode(result, command)
        guard code == 0 || alsoFine.contains(code) else { throw runner.failure(command, result) }
    }
}
