import PMCore
import PMHTTP
import PMSystem

/// What the two Windows managers (`winsw`, `shawl`) share: services live in `host`; where
/// this system cannot reach Windows they only print plans; the record's user is a Windows
/// account (not looked up here); a service has no console, so no console input; metrics are
/// liveness only, labelled with the service name.
package protocol WindowsServiceManager: ProcessManager {
    var host: ServiceHost { get }
}

/// What an ensure step did to a service and its definition.
enum ServiceChange {
    case created, changed, unchanged
}

extension WindowsServiceManager {
    package var unavailableReason: String? {
        guard !host.runsHere else { return nil }
        return
            "the \(name) manager drives Windows services and runs on Windows only: on this system it only prints its "
            + "plan (--dry-run)"
    }

    package var usesLocalAccounts: Bool { false }

    package func canTellStatus(_ server: Server) -> Bool { host.runsHere }

    package func canSendInput(_ server: Server) -> Bool { false }

    package func sendInput(_ line: String, _ server: Server, _ context: VerbContext) throws {
        throw WindowsServiceError.consoleInputUnsupported(manager: name)
    }

    package func metrics(_ server: Server, _ context: VerbContext) throws -> MetricsReport {
        let status = try self.status(server, context)
        let labels = [(name: "service", value: try ServiceName.of(server, manager: name))]
        return MetricsReport(samples: [try Self.upSample(status, labels: labels)], cpu: nil)
    }

    func runner(_ context: VerbContext) -> ServiceRunner {
        ServiceRunner(host: host, context: context)
    }

    func control(_ server: Server, _ context: VerbContext) throws -> ServiceControl {
        ServiceControl(runner: runner(context), name: try ServiceName.of(server, manager: name))
    }

    package func status(_ server: Server, _ context: VerbContext) throws -> ServerStatus {
        try control(server, context).status()
    }

    /// The line `pm-install` reports for an ensure step.
    func installResult(_ change: ServiceChange, _ service: String, _ context: VerbContext) -> String {
        let dry = context.executor.isDryRun
        switch change {
        case .created: return dry ? "would install service \(service)" : "installed service \(service)"
        case .changed: return dry ? "would update service \(service)" : "updated service \(service)"
        case .unchanged: return "service \(service) is up to date"
        }
    }
}
