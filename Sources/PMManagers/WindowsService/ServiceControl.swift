import PMCore
import PMHTTP
import PMSystem

/// A service of the Service Control Manager, through `sc.exe`: its state, start, stop and
/// delete, and waiting for them to take effect. Exit codes are
/// mapped to the tools' results, never passed on (docs/differences.md#win-14).
struct ServiceControl {
    static let pollInterval = 0.5
    static let stopTimeout = 60.0
    static let deleteTimeout = 30.0

    /// What the SCM says about the service; `unasked` where this system cannot ask it.
    enum Presence: Equatable {
        case missing
        case present(ServiceQuery)
        case unasked
    }

    let runner: ServiceRunner
    let name: String

    /// `sc queryex <name>`.
    func presence() throws -> Presence {
        let arguments = ["sc", "queryex", name]
        guard let result = try runner.query(arguments, assuming: "that the service \(name) does not exist") else {
            return .unasked
        }
        let code = try runner.exitCode(result, arguments)
        if code == WindowsError.serviceDoesNotExist { return .missing }
        guard code == 0 else {
            throw WindowsServiceError.queryFailed(command: arguments, code: code, said: ServiceRunner.said(result))
        }
        guard let query = ServiceQuery.parse(result.text) else {
            throw WindowsServiceError.noServiceState(service: name)
        }
        return .present(query)
    }

    /// A service that does not exist is stopped; one that cannot be asked is unknown.
    func status() throws -> ServerStatus {
        switch try presence() {
        case .missing: return ServerStatus(.stopped)
        case .present(let query): return query.status
        case .unasked: return ServerStatus(.unknown)
        }
    }

    /// `sc start`; a service that already runs (1056) is fine.
    func start() throws {
        let arguments = ["sc", "start", name]
        let result = try runner.change(arguments)
        let code = try runner.exitCode(result, arguments)
        guard code == 0 || code == WindowsError.serviceAlreadyRunning else { throw runner.failure(arguments, result) }
    }

    /// `sc stop`, then waits until the service is stopped (`sc stop` only asks). A service
    /// that does not run or does not exist is stopped already.
    func stop() throws {
        let arguments = ["sc", "stop", name]
        let result = try runner.change(arguments)
        switch try runner.exitCode(result, arguments) {
        case 0:
            runner.note("Waiting for service to stop...")
            try waitUntil("stopped", timeout: Self.stopTimeout) { !isRunning($0) }
            runner.note("Service stopped")
        case WindowsError.serviceNotActive, WindowsError.serviceDoesNotExist:
            return
        default:
            guard try isRunning(presence()) else { return }
            throw runner.failure(arguments, result)
        }
    }

    /// `sc delete`; with `wait`, also until the SCM has removed it: an `sc create` of the same
    /// name fails (1072) while the old service is only marked for deletion (docs/differences.md#win-9).
    func delete(wait: Bool) throws {
        let arguments = ["sc", "delete", name]
        let result = try runner.change(arguments)
        let code = try runner.exitCode(result, arguments)
        guard code == 0 || code == WindowsError.serviceMarkedForDelete else {
            if code == WindowsError.serviceDoesNotExist { return }
            throw runner.failure(arguments, result)
        }
        guard wait else { return }
        try waitUntil(
            "deleted", timeout: Self.deleteTimeout,
            advice: "close the Services console and any program that holds the service open, then try again"
        ) {
            $0 == .missing
        }
    }

    private func isRunning(_ presence: Presence) -> Bool {
        if case .present(let query) = presence { return query.state != .stopped }
        return false
    }

    /// Asks every `pollInterval` seconds until `done`; a dry run only says that it would.
    private func waitUntil(_ what: String, timeout: Double, advice: String = "", _ done: (Presence) -> Bool) throws {
        if let plan = runner.context.executor.plan {
            plan.write(
                "wait: ask sc queryex \(name) every \(Self.pollInterval) seconds until the service is \(what) (at "
                    + "most \(Int(timeout)) seconds)\n"
            )
            return
        }
        let deadline = Clock.monotonic + timeout
        while try !done(presence()) {
            guard Clock.monotonic < deadline else {
                throw WindowsServiceError.timedOut(service: name, state: what, seconds: Int(timeout), advice: advice)
            }
            Clock.sleep(seconds: Self.pollInterval)
        }
    }
}
