import Foundation
import PMCommon
import XCTest

@testable import PMCore
@testable import PMSystem
@testable import PMTestSupport

/// Restart policies through every Linux manager against its real backend: a crash loop ends
/// as `failed` after exactly its limit, a crash comes back under `always` and `on-failure` and
/// stays visible under `no`, a stop is never undone by a restart, a `quit` typed by hand is a
/// clean exit, and `pm-start --if-down` from a timer behaves as the loop does.
class RestartPolicyCases: GameBedCases {
    /// The tools' own supervisor restarts the game (tmux, simple): its delays are checked.
    class var supervised: Bool { false }

    /// Exit status 3 a second after each start; one restart a second, doubled, three at most.
    static let crashLoop = [
        ("restart_policy", "on-failure"), ("restart_delay", "1"), ("restart_limit", "3"), ("restart_window", "120")
    ]

    // MARK: - Cases

    /// Exactly four runs (the start and three restarts), then `failed` with the exit status,
    /// the restarts and the given-up state in the text, the JSON and the metrics; under the
    /// tools' supervisor, 1, 2 and 4 seconds between an exit and the next run.
    func crashLoopGivesUp() throws {
        let record = try bed.record(
            id: 1, game: .crashing, tag: tag, arguments: ["exit", "1"], settings: Self.crashLoop)
        XCTAssertEqual(try bed.tool("pm-start", [record]).status, 0)
        let final = try waitForStatus(record, seconds: 45, "failed and given up") {
            $0["state"] as? String == "failed" && $0["gave_up"] as? Bool == true
        }
        XCTAssertEqual(final["exit_code"] as? Int, 3, "\(final)")
        XCTAssertEqual(final["restarts"] as? Int, 3, "\(final)")
        XCTAssertNotNil(final["last_exit_at"] as? String, "\(final)")
        Thread.sleep(forTimeInterval: 2)
        XCTAssertEqual(try runs(record), 4, "the start and three restarts, no more")
        let text = try bed.tool("pm-status", [record])
        XCTAssertEqual(text.status, 1)
        XCTAssertTrue(text.stdout.hasPrefix("server 1: failed (exit status 3 "), text.stdout)
        XCTAssertTrue(text.stdout.contains("restarted 3 times, gave up"), text.stdout)
        try checkMetrics(record, restarts: 3, failed: 1, exitCode: 3)
        if Self.supervised {
            let gaps = try restartGaps()
            XCTAssertEqual(gaps.count, 3, "\(gaps)")
            for (gap, expected) in zip(gaps, [1.0, 2.0, 4.0]) {
                XCTAssertEqual(gap, expected, accuracy: 1, "the delays double: \(gaps)")
            }
        }
        let stop = try bed.tool("pm-stop", [record])
        XCTAssertEqual(stop.stdout, "server 1: already stopped\n", stop.stderr)
        let stopped = try status(record)
        XCTAssertEqual(stopped["state"] as? String, "stopped", "a stop acknowledges the failure: \(stopped)")
    }

    /// A game killed by SIGSEGV two seconds after its start comes back under `always` and
    /// `on-failure`; under `no` it stays down as failed, with the signal named.
    func crashComesBack() throws {
        for policy in ["always", "on-failure", "no"] {
            let record = try bed.record(
                id: 1, game: .crashing, tag: tag, arguments: ["segv", "2"],
                settings: [("restart_policy", policy), ("restart_delay", "1")])
            XCTAssertEqual(try bed.tool("pm-start", [record]).status, 0, policy)
            if policy == "no" {
                let final = try waitForStatus(record, seconds: 20, "failed by SIGSEGV") {
                    $0["state"] as? String == "failed"
                }
                XCTAssertEqual(final["signal"] as? String, "SIGSEGV", "\(final)")
                XCTAssertEqual(final["exit_code"] as? Int, 139, "\(final)")
                let text = try bed.tool("pm-status", [record]).stdout
                XCTAssertTrue(text.hasPrefix("server 1: failed (killed by SIGSEGV "), text)
                try checkMetrics(record, restarts: nil, failed: 1, exitCode: 139)
            } else {
                let back = try waitForStatus(record, seconds: 20, "running again (\(policy))") {
                    $0["state"] as? String == "running" && ($0["restarts"] as? Int ?? 0) >= 1
                }
                XCTAssertEqual(try bed.tool("pm-status", [record]).status, 0, "\(back)")
            }
            XCTAssertEqual(try bed.tool("pm-stop", ["--force", record]).status, 0, policy)
            XCTAssertEqual(try bed.processes(.crashing, tag: tag), [], policy)
        }
    }

    /// Under `always`, a graceful, a forced and a timed-out stop are each followed by five
    /// seconds without a restart; a `quit` typed by hand is a clean exit, which `on-failure`
    /// leaves down and `always` brings back.
    func stopsAreNeverUndone() throws {
        let always = [("restart_policy", "always"), ("restart_delay", "1")]
        let record = try bed.record(id: 1, game: .deaf, tag: tag, settings: always)
        for kind in StubbornGameCases.StopKind.allCases {
            XCTAssertEqual(try bed.tool("pm-start", [record]).status, 0, "\(kind)")
            _ = try bed.waitForOutput(record, containing: "deaf-game ready")
            kind.check(try bed.tool("pm-stop", kind.arguments + [record]))
            Thread.sleep(forTimeInterval: 5)
            let after = try status(record)
            XCTAssertEqual(after["state"] as? String, "stopped", "\(kind): \(after)")
            XCTAssertEqual(try bed.processes(.deaf, tag: tag), [], "\(kind): no restart")
        }
        for (policy, comesBack) in [("on-failure", false), ("always", true)] {
            let record = try bed.record(
                id: 1, game: .deaf, tag: tag, settings: [("restart_policy", policy), ("restart_delay", "1")])
            XCTAssertEqual(try bed.tool("pm-start", [record]).status, 0, policy)
            _ = try bed.waitForOutput(record, containing: "deaf-game ready")
            XCTAssertEqual(try bed.tool("pm-input", ["-c", "quit", record]).status, 0, policy)
            Thread.sleep(forTimeInterval: 4)
            let after = try status(record)
            if comesBack {
                XCTAssertEqual(after["state"] as? String, "running", "\(policy): \(after)")
                XCTAssertEqual(after["restarts"] as? Int, 1, "\(policy): \(after)")
                XCTAssertEqual(try bed.processes(.deaf, tag: tag).count, 1, policy)
            } else {
                XCTAssertEqual(after["state"] as? String, "stopped", "\(policy): a clean exit is no failure: \(after)")
                XCTAssertEqual(try bed.processes(.deaf, tag: tag), [], policy)
            }
            XCTAssertEqual(try bed.tool("pm-stop", ["--force", record]).status, 0, policy)
        }
    }

    /// `pm-start --if-down` once a second, 20 times, against the crash loop with the policy
    /// `no` (which `--if-down` reads as `on-failure`): the same four runs.
    /// After a stop, it leaves the server down.
    func ifDownFromATimer() throws {
        let settings = [("restart_policy", "no")] + Self.crashLoop.filter { $0.0 != "restart_policy" }
        let record = try bed.record(id: 1, game: .crashing, tag: tag, arguments: ["exit", "1"], settings: settings)
        var starts = 0
        var lines: [String] = []
        for _ in 1...20 {
            let result = try bed.tool("pm-start", ["--if-down", record])
            XCTAssertEqual(result.status, 0, result.stderr)
            lines.append(result.stdout)
            if result.stdout == "server 1: started\n" || result.stdout.hasPrefix("server 1: restarted (after ") {
                starts += 1
            }
            Thread.sleep(forTimeInterval: 1)
        }
        XCTAssertEqual(starts, 4, lines.joined())
        XCTAssertTrue(lines.last?.contains("gave up") == true, lines.joined())
        XCTAssertEqual(try bed.tool("pm-stop", [record]).status, 0)
        let after = try bed.tool("pm-start", ["--if-down", record])
        XCTAssertEqual(after.stdout, "server 1: left down (stopped on purpose; pm-start starts it)\n", after.stderr)
        XCTAssertEqual(try bed.processes(.crashing, tag: tag), [])
    }

    // MARK: - Helpers

    func status(_ record: String) throws -> [String: Any] {
        let result = try bed.tool("pm-status", ["--json", record])
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
    }

    func waitForStatus(
        _ record: String, seconds: Double, _ what: String, until done: ([String: Any]) -> Bool
    ) throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(seconds)
        var last: [String: Any] = [:]
        repeat {
            last = try status(record)
            if done(last) { return last }
            Thread.sleep(forTimeInterval: 0.2)
        } while Date() < deadline
        XCTFail("not \(what) after \(seconds) seconds: \(last)")
        return last
    }

    /// How many times the game ran: its `ready` lines in the console, or, for the simple
    /// manager (whose runner.sh begins its log again at each start), the supervisor's runs.
    func runs(_ record: String) throws -> Int {
        if let history = try history() {
            return history.split(separator: "\n").filter { $0.split(separator: "\t").dropFirst().first == "run" }.count
        }
        let output = try bed.tool("pm-output", ["--lines", "0", record]).stdout
        return output.components(separatedBy: "crashing-game ready").count - 1
    }

    /// The supervisor's history of server 1 (tmux, simple), read as root.
    func history() throws -> String? {
        let state: String
        switch bed {
        case let node as TmuxNode: state = node.statePath
        case let node as SimpleNode: state = node.statePath
        default: return nil
        }
        let path = state + "/servers/1-\(bed.uuidOf(1))/runs"
        return try String(contentsOfFile: path, encoding: .utf8)
    }

    /// Seconds from each exit to the next run, from the supervisor's history.
    func restartGaps() throws -> [Double] {
        var gaps: [Double] = []
        var exitedAt: Double?
        for line in try XCTUnwrap(try history()).split(separator: "\n") {
            guard let (at, event) = RunHistory.parse(line) else { continue }
            switch event {
            case .exit: exitedAt = at
            case .run:
                if let exitedAt { gaps.append(at - exitedAt) }
                exitedAt = nil
            default: break
            }
        }
        return gaps
    }

    /// pm-metrics passes promtool, with the restart samples.
    func checkMetrics(_ record: String, restarts: Int?, failed: Int, exitCode: Int) throws {
        let metrics = try bed.tool("pm-metrics", [record])
        XCTAssertEqual(metrics.status, 0, metrics.stderr)
        let file = NSTemporaryDirectory() + "pm-restart-metrics-\(tag).prom"
        try metrics.stdout.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let check = try Toolbox.shell("promtool check metrics < \(file)")
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
        XCTAssertEqual(Prometheus.value(metrics.stdout, "gameap_server_failed"), Double(failed), metrics.stdout)
        XCTAssertEqual(Prometheus.value(metrics.stdout, "gameap_server_last_exit_code"), Double(exitCode))
        if let restarts {
            XCTAssertEqual(Prometheus.value(metrics.stdout, "gameap_server_restarts_total"), Double(restarts))
        }
        XCTAssertTrue(metrics.stdout.contains("# TYPE gameap_server_restarts_total counter") || restarts == nil)
    }
}

final class TmuxRestartPolicyTests: RestartPolicyCases {
    override class func makeBed() throws -> GameBed { try TmuxNode() }
    override class var supervised: Bool { true }

    func testACrashLoopGivesUp() throws { try crashLoopGivesUp() }
    func testACrashComesBack() throws { try crashComesBack() }
    func testStopsAreNeverUndone() throws { try stopsAreNeverUndone() }
    func testIfDownFromATimer() throws { try ifDownFromATimer() }
}

final class SimpleRestartPolicyTests: RestartPolicyCases {
    override class func makeBed() throws -> GameBed { try SimpleNode() }
    override class var supervised: Bool { true }

    func testACrashLoopGivesUp() throws { try crashLoopGivesUp() }
    func testACrashComesBack() throws { try crashComesBack() }
    func testStopsAreNeverUndone() throws { try stopsAreNeverUndone() }
    func testIfDownFromATimer() throws { try ifDownFromATimer() }
}

final class SystemdRestartPolicyTests: RestartPolicyCases {
    override class func makeBed() throws -> GameBed { try SystemdNode() }

    func testACrashLoopGivesUp() throws { try crashLoopGivesUp() }
    func testACrashComesBack() throws { try crashComesBack() }
    func testStopsAreNeverUndone() throws { try stopsAreNeverUndone() }
    func testIfDownFromATimer() throws { try ifDownFromATimer() }

    /// The unit carries the policy, and `systemd-analyze verify` finds nothing to say.
    func testTheUnitVerifies() throws {
        let node = try XCTUnwrap(bed as? SystemdNode)
        let record = try bed.record(id: 1, game: .deaf, tag: tag, settings: Self.crashLoop)
        XCTAssertEqual(try bed.tool("pm-start", [record]).status, 0)
        let unit = node.account.home + "/.config/systemd/user/" + node.service(1)
        let text = try String(contentsOfFile: unit, encoding: .utf8)
        for line in ["Restart=on-failure", "RestartSec=1000ms", "StartLimitIntervalSec=120000ms", "StartLimitBurst=4"] {
            XCTAssertTrue(text.contains(line + "\n"), "\(line) in \(text)")
        }
        let verify = try Toolbox.shell(
            "runuser -u \(SystemdNode.user) -- env XDG_RUNTIME_DIR=\(node.runtimeDirectory) "
                + "systemd-analyze --user verify \(ShellWords.quote(unit))")
        XCTAssertEqual(verify.status, 0, verify.stdout + verify.stderr)
        XCTAssertEqual(verify.stderr.filter { $0 == "\n" }.count, 0, verify.stderr)
        XCTAssertEqual(try bed.tool("pm-stop", ["--force", record]).status, 0)
    }
}

final class DockerRestartPolicyTests: RestartPolicyCases {
    override class func makeBed() throws -> GameBed { try DockerNode() }

    func testACrashLoopGivesUp() throws { try crashLoopGivesUp() }
    func testACrashComesBack() throws { try crashComesBack() }
    func testStopsAreNeverUndone() throws { try stopsAreNeverUndone() }
    func testIfDownFromATimer() throws { try ifDownFromATimer() }
}

final class PodmanRestartPolicyTests: RestartPolicyCases {
    override class func makeBed() throws -> GameBed {
        try DockerNode(socket: DockerNode.podmanSocket, manager: "podman")
    }

    func testACrashLoopGivesUp() throws { try crashLoopGivesUp() }
    func testACrashComesBack() throws { try crashComesBack() }
    func testStopsAreNeverUndone() throws { try stopsAreNeverUndone() }
    func testIfDownFromATimer() throws { try ifDownFromATimer() }
}
