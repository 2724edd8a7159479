import PMCore
import PMHTTP
import PMManagers
import PMSystem

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What each tool does for one server, and what it prints.
struct VerbAction {
    let invocation: Invocation
    let lifecycle: Lifecycle
    let consoleLines: [String]
    /// Where pm-metrics puts each server's report.
    var collected: MetricsCollector?

    private var server: Server { lifecycle.server }
    private var context: VerbContext { lifecycle.context }
    private var out: OutputChannel { context.out }

    func perform() throws -> ExitStatus {
        switch invocation.verb {
        case .start:
            if context.options.ifDown { return report(try lifecycle.startIfDown()) }
            return report(try invocation.restart ? lifecycle.restart() : lifecycle.start())
        case .stop: return report(try lifecycle.stop())
        case .status: return try status()
        case .output: return try output()
        case .input: return try input()
        case .metrics: return try metrics()
        case .install: return try install()
        }
    }

    /// The outcome line; it may quote a console stop command, which may hold a secret.
    private func report(_ outcome: some CustomStringConvertible) -> ExitStatus {
        out.line(server.masker.apply("\(server.label): \(outcome)"))
        return .success
    }

    private func status() throws -> ExitStatus {
        let status = try lifecycle.status()
        if invocation.json {
            out.line(JSONWriter.string(statusJSON(status)))
        } else {
            out.line("\(server.label): \(status.summary(now: Clock.wall))")
        }
        switch status.state {
        case .running: return .success
        case .stopped, .failed: return .failure
        case .unknown: return .unknown
        }
    }

    private func statusJSON(_ status: ServerStatus) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("id", .number(String(server.record.id))),
            ("uuid", .string(server.record.uuid)),
            ("manager", .string(lifecycle.manager.name)),
            ("name", .string(server.name)),
            ("state", .string(status.state.rawValue))
        ]
        if let pid = status.pid { members.append(("pid", .number(String(pid)))) }
        if let started = status.startedAt { members.append(("started_at", .string(Timestamp.rfc3339(started)))) }
        if let code = status.lastExit?.code ?? status.exitCode { members.append(("exit_code", .number(String(code)))) }
        if let signal = status.lastExit?.signalName { members.append(("signal", .string(signal))) }
        if let at = status.lastExit?.at { members.append(("last_exit_at", .string(Timestamp.rfc3339(at)))) }
        if let restarts = status.restarts { members.append(("restarts", .number(String(restarts)))) }
        if status.gaveUp { members.append(("gave_up", .bool(true))) }
        if let at = status.restartAt { members.append(("restart_at", .string(Timestamp.rfc3339(at)))) }
        if let killed = status.oomKilled { members.append(("oom_killed", .bool(killed))) }
        return .object(JSONObject(members))
    }

    private func output() throws -> ExitStatus {
        if invocation.follow {
            var session = ConsoleSession(lifecycle)
            try session.follow(lines: context.options.lines)
            return .success
        }
        let text = try lifecycle.output(lines: context.options.lines)
        if out !== OutputChannel.standardOutput { out.line("==> \(server.label) <==") }
        out.write(context.options.raw ? Array(text.utf8) : TerminalText.convert(text.utf8))
        return .success
    }

    private func input() throws -> ExitStatus {
        if invocation.attach {
            var session = ConsoleSession(lifecycle)
            try session.attach(lines: context.options.lines, input: 0)
            return .success
        }
        for line in consoleLines { try ConsoleInput.check(line) }
        for line in consoleLines { try lifecycle.send(line) }
        return .success
    }

    /// The samples go to `collected`: one exposition for all servers is written at the end.
    private func metrics() throws -> ExitStatus {
        collected?.add(try lifecycle.metrics(), for: server.name)
        return .success
    }

    private func install() throws -> ExitStatus {
        if invocation.check {
            let own = lifecycle.manager.hasOwnInstallation(server)
            out.line(
                "\(server.label): "
                    + "\(own ? "yes" : "no"): the \(lifecycle.manager.name) manager "
                    + "\(own ? "installs" : "does not install") servers itself"
            )
            return own ? .success : .failure
        }
        return report(
            try invocation.uninstall ? Installation(lifecycle).uninstall() : Installation(lifecycle).install())
    }
}
