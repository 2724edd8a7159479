import PMCore
import PMHTTP
import PMSystem

/// The text of a server's service and socket units, built in full before anything is written.
/// Differences from the reference, on purpose (ids of rows in docs/differences.md): every
/// value is quoted or refused so no byte adds a directive (SD-1, SD-2, SD-19); `Sockets=` names
/// the real socket unit (SD-5); `Environment=` lines are sorted with valid names only (SD-6);
/// the FIFO is `0600` and owned by the server's user (SD-3); `CPUQuota` keeps one decimal
/// (SD-17); the network lines no longer pull a networkd-only unit, and are left out of user
/// units (SD-16).
package struct UnitFiles {
    package let service: String
    package let socket: String

    /// - Parameters:
    ///   - command: the start command's words, the program already resolved to a full path.
    ///   - account: the user and group the server runs as (system scope).
    ///   - systemdVersion: the installed systemd's version, for the directives it knows.
    package init(
        server: Server, scope: SystemdScope, units: SystemdUnits, command: [String], account: Account?,
        systemdVersion: Int? = nil
    ) throws {
        service = try Self.service(
            server: server, scope: scope, units: units, command: command, account: account,
            systemdVersion: systemdVersion)
        socket = try Self.socket(server: server, scope: scope, units: units, account: account)
    }

    static func service(
        server: Server, scope: SystemdScope, units: SystemdUnits, command: [String], account: Account?,
        systemdVersion: Int? = nil
    ) throws -> String {
        let log = try UnitFileQuoting.path(units.log, what: "the log file")
        let restart = try RestartDirectives(server, systemdVersion: systemdVersion)
        var lines = ["[Unit]", "Description=GameAP Server service (UUID \(UnitFileQuoting.text(server.name)))"]
        if !scope.isUser {
            lines += ["After=network.target network-online.target", "Wants=network-online.target"]
        }
        lines += restart.unit
        lines += [
            "", "[Service]", "Type=simple",
            "ExecStart=" + (try UnitFileQuoting.execLine(command, what: "the start command")),
            "Sockets=\(units.socket)",
            "StandardInput=socket",
            "StandardOutput=append:\(log)",
            "StandardError=append:\(log)",
            "WorkingDirectory=" + (try UnitFileQuoting.path(server.workDirectory, what: "the server directory"))
        ]
        lines += restart.service
        lines += [
            // The hard stop: SIGTERM to every process of the unit, SIGKILL after kill_timeout.
            "KillMode=control-group",
            "TimeoutStopSec=\(try timeSpan(Lifecycle.killTimeout(server)))",
            "CPUAccounting=yes", "MemoryAccounting=yes", "TasksAccounting=yes", "IOAccounting=yes", "IPAccounting=yes"
        ]
        if !scope.isUser, let account {
            lines += ["User=\(account.name)", "Group=\(account.gid)"]
        }
        if let ram = server.record.ramLimit, ram > 0 { lines.append("MemoryMax=\(ram)") }
        if let cpu = server.record.cpuLimit, cpu > 0 { lines.append("CPUQuota=\(cpuQuota(millicores: cpu))") }
        for entry in server.gameEnvironment { lines.append(try UnitFileQuoting.environment(entry.name, entry.value)) }
        lines += ["", "[Install]", "WantedBy=\(scope.isUser ? "default.target" : "multi-user.target")"]
        return lines.joined(separator: "\n") + "\n"
    }

    static func socket(server: Server, scope: SystemdScope, units: SystemdUnits, account: Account?) throws -> String {
        var lines = [
            "[Unit]", "Description=GameAP Server socket (UUID \(UnitFileQuoting.text(server.name)))", "",
            "[Socket]", "ListenFIFO=" + (try UnitFileQuoting.path(units.fifo, what: "the console FIFO")),
            "SocketMode=0600"
        ]
        if !scope.isUser, let account {
            lines += ["SocketUser=\(account.name)", "SocketGroup=\(account.gid)"]
        }
        lines.append("Service=\(units.service)")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The restart policy as systemd directives: the reference's `Restart=always` alone unless
    /// a `restart_*` setting is given (docs/differences.md#life-19).
    struct RestartDirectives {
        var unit: [String] = []
        var service = ["Restart=always"]
        /// The first systemd with `RestartSteps=` and `RestartMaxDelaySec=`.
        static let stepsVersion = 254

        init(_ server: Server, systemdVersion: Int?) throws {
            guard RestartPolicy.isSet(server) else { return }
            let policy = try RestartPolicy.of(server, fallback: .always)
            service = ["Restart=\(policy.mode.rawValue)", "RestartSec=\(timeSpan(policy.delay))"]
            // systemd counts SIGHUP, SIGINT, SIGTERM and SIGPIPE as clean ends; for the tools a
            // signal no stop sent is a failure. A stop by systemd is never restarted.
            if policy.mode == .onFailure { service.append("RestartForceExitStatus=SIGHUP SIGINT SIGTERM SIGPIPE") }
            if let version = systemdVersion, version >= Self.stepsVersion, policy.delayMax > policy.delay,
                policy.delay > 0
            {
                var steps = 0
                var delay = policy.delay
                while delay < policy.delayMax {
                    delay *= 2
                    steps += 1
                }
                service += ["RestartSteps=\(steps)", "RestartMaxDelaySec=\(timeSpan(policy.delayMax))"]
            }
            // The first start counts too (a start resets the count with `reset-failed`).
            unit = ["StartLimitIntervalSec=\(timeSpan(policy.window))", "StartLimitBurst=\(policy.limit + 1)"]
        }
    }

    /// Seconds as a systemd time span in milliseconds (`1500ms`); at least 1 ms, since 0
    /// turns the timeout off.
    static func timeSpan(_ seconds: Double) -> String {
        "\(max(1, Int((seconds * 1000).rounded())))ms"
    }

    /// `CPUQuota=` from millicores (1000 = one core = 100%), exact to the millicore: 1500 →
    /// `150%`, 5 → `0.5%` (the reference's integer division gave `0%`, which systemd ignores).
    package static func cpuQuota(millicores: Int) -> String {
        let tenths = millicores % 10
        return "\(millicores / 10)" + (tenths == 0 ? "" : ".\(tenths)") + "%"
    }
}
