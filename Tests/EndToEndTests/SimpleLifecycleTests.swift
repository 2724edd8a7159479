import Foundation
import XCTest

@testable import PMSystem
@testable import PMTestSupport

/// The seven tools driving the simple manager with the runner-style wrapper scripts of
/// `examples/`, which start and stop a real background process.
final class SimpleLifecycleTests: XCTestCase {
    private var node: SimpleNode!

    override func setUpWithError() throws { node = try SimpleNode() }
    override func tearDown() { node?.tearDown() }

    func testWholeLifecycle() throws {
        let record = try node.file(
            node.record(id: 1, extra: #", "settings": [{"name": "console_stop_command", "value": "quit"}]"#))

        let before = try node.run("pm-status", [record])
        XCTAssertEqual(before.status, 1)
        XCTAssertEqual(before.stdout, "server 1: stopped\n")

        let start = try node.run("pm-start", [record])
        XCTAssertEqual(start.status, 0, start.stderr)
        XCTAssertEqual(start.stdout, "server 1: started\n")

        let again = try node.run("pm-start", [record])
        XCTAssertEqual(again.status, 0)
        XCTAssertEqual(again.stdout, "server 1: already running\n")

        let status = try node.run("pm-status", ["--json", record])
        XCTAssertEqual(status.status, 0)
        let object = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        XCTAssertEqual(object?["state"] as? String, "running")
        XCTAssertEqual(object?["manager"] as? String, "simple")
        XCTAssertEqual(object?["id"] as? Int, 1)
        XCTAssertEqual(object?["name"] as? String, "00000080000000000000")

        XCTAssertEqual(try node.run("pm-input", ["-c", "say it's {rcon_password} time", record]).status, 0)
        XCTAssertEqual(try node.run("pm-input", [record, "--", "list"]).status, 0)
        let output = try waitForOutput(record, containing: "players: alice bob")
        XCTAssertTrue(output.contains("demo server Server 1 listening on port 27001"), output)
        XCTAssertTrue(output.contains("[chat] server: it's {rcon_password} time"), "input is literal: \(output)")

        let lines = try node.run("pm-output", ["--lines", "1", record])
        XCTAssertEqual(lines.stdout, "players: alice bob\n")
        let timed = try node.run("pm-output", ["--timestamps", record])
        XCTAssertEqual(timed.status, 2, "a getconsole script's output has no times")
        XCTAssertEqual(
            timed.stderr,
            "pm-output: server 1: the simple manager's console has no times: --since and --timestamps work with "
                + "tmux (its console log), docker and podman\n")

        let metrics = try node.run("pm-metrics", [record])
        XCTAssertEqual(metrics.status, 0)
        XCTAssertEqual(
            Prometheus.value(
                metrics.stdout, "gameap_server_up", containing: "server_id=\"1\",server_uuid=\"\(node.uuid(1))\""), 1,
            metrics.stdout)

        let restart = try node.run("pm-start", ["--restart", record])
        XCTAssertEqual(restart.status, 0, restart.stderr)
        XCTAssertEqual(restart.stdout, "server 1: restarted\n")

        let stop = try node.run("pm-stop", [record])
        XCTAssertEqual(stop.status, 0, stop.stderr)
        XCTAssertTrue(stop.stdout.hasPrefix("server 1: stopped gracefully after"), stop.stdout)
        XCTAssertTrue(try node.run("pm-output", [record]).stdout.contains("saving world... done"))

        XCTAssertEqual(try node.run("pm-status", [record]).status, 1)
        XCTAssertEqual(try node.run("pm-stop", [record]).stdout, "server 1: already stopped\n")
        let down = try node.run("pm-metrics", [record])
        XCTAssertEqual(Prometheus.value(down.stdout, "gameap_server_up", containing: "server_id=\"1\""), 0, down.stdout)
    }

    func testForcedStopAfterTheTimeoutWhenTheConsoleCommandIsIgnored() throws {
        let record = try node.file(node.record(id: 2))
        XCTAssertEqual(try node.run("pm-start", [record]).status, 0)
        let began = Date()
        let stop = try node.run("pm-stop", ["--console-stop", "not-a-command", "--timeout", "1", record])
        XCTAssertEqual(stop.status, 0, stop.stderr)
        XCTAssertEqual(stop.stdout, "server 2: stopped: forced after 1 seconds (the server ignored not-a-command)\n")
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(began), 1)
        XCTAssertEqual(try node.run("pm-status", [record]).status, 1)
        XCTAssertEqual(try node.runningServers(), 0, "the hard stop ends the whole process group")
    }

    func testForceSkipsTheGracefulStop() throws {
        let record = try node.file(
            node.record(id: 3, extra: #", "settings": [{"name": "console_stop_command", "value": "quit"}]"#))
        XCTAssertEqual(try node.run("pm-start", [record]).status, 0)
        XCTAssertEqual(try node.run("pm-stop", ["--force", record]).stdout, "server 3: stopped\n")
        XCTAssertFalse(try node.run("pm-output", [record]).stdout.contains("saving world"))
    }

    func testServersRunAsTheirUser() throws {
        _ = try TestUser.ensure()
        let record = try node.file(node.record(id: 4, user: "pmtest"))
        let start = try node.run("pm-start", [record])
        XCTAssertEqual(start.status, 0, start.stderr)
        XCTAssertTrue(try waitForOutput(record, containing: "(user pmtest)").contains("(user pmtest)"))
        let owner = try Toolbox.shell("stat -c %U \(node.workPath)/servers/s4/.runner/console.log")
        XCTAssertEqual(owner.stdout, "pmtest\n")
        let mode = try Toolbox.shell("stat -c %a \(node.workPath)/servers/s4/.runner/console.log")
        XCTAssertEqual(mode.stdout, "600\n")
        XCTAssertEqual(try node.run("pm-stop", [record]).status, 0)
    }

    func testInstallUninstallAndCheck() throws {
        let node = try SimpleNode(scripts: [
            "install": #"/bin/sh -c "echo installed by $(id -un) > {dir}/installed.txt""#,
            "delete": #"/bin/sh -c "rm -f {dir}/installed.txt""#
        ])
        defer { node.tearDown() }
        let json = try node.record(id: 5).replacingOccurrences(of: "servers/s5", with: "servers/new5")
        let record = try node.file(json)
        let check = try node.run("pm-install", ["--check", record])
        XCTAssertEqual(check.status, 1)
        XCTAssertEqual(check.stdout, "server 5: no: the simple manager does not install servers itself\n")
        let install = try node.run("pm-install", [record])
        XCTAssertEqual(install.status, 0, install.stderr)
        XCTAssertEqual(install.stdout, "server 5: installed (ran scripts.install)\n")
        XCTAssertEqual(
            try String(contentsOfFile: node.workPath + "/servers/new5/installed.txt", encoding: .utf8),
            "installed by pmtest\n")
        XCTAssertEqual(try node.run("pm-start", [record]).status, 0)
        let uninstall = try node.run("pm-install", ["--uninstall", record])
        XCTAssertEqual(uninstall.status, 0, uninstall.stderr)
        XCTAssertEqual(uninstall.stdout, "server 5: uninstalled (ran scripts.delete)\n")
        XCTAssertTrue(uninstall.stderr.contains("server 5: stopped"), "an uninstall stops the server first (LIFE-3)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: node.workPath + "/servers/new5/installed.txt"))
        XCTAssertEqual(try node.run("pm-status", [record]).status, 1)
    }

    func testNoInstallScriptIsANoOp() throws {
        let record = try node.file(node.record(id: 6))
        let install = try node.run("pm-install", [record])
        XCTAssertEqual(install.status, 0)
        XCTAssertEqual(install.stdout, "server 6: nothing to install: the simple manager has no installation step\n")
    }

    func testBatchOfRecordsInOneInput() throws {
        let records = try (11...14).map { try node.record(id: $0) }
        let array = "[" + records.joined(separator: ",") + "]"
        let lines = records.map { $0.replacingOccurrences(of: "\n", with: " ") }.joined(separator: "\n")

        let start = try node.run("pm-start", ["-"], stdin: array)
        XCTAssertEqual(start.status, 0, start.stderr)
        XCTAssertEqual(start.stdout, (11...14).map { "server \($0): started\n" }.joined(), "per server, in input order")

        let status = try node.run("pm-status", [], stdin: lines)
        XCTAssertEqual(status.stdout, (11...14).map { "server \($0): running\n" }.joined())
        XCTAssertEqual(status.status, 0)

        XCTAssertEqual(try node.run("pm-input", ["-c", "list", try node.file(array)]).status, 0)
        let output = try node.run("pm-output", ["--lines", "1"], stdin: array)
        XCTAssertEqual(output.stdout, (11...14).map { "==> server \($0) <==\nplayers: alice bob\n" }.joined())

        let metrics = try node.run("pm-metrics", [], stdin: lines)
        XCTAssertEqual(
            metrics.stdout.components(separatedBy: "# HELP gameap_server_up").count, 2, "HELP once for all servers")
        XCTAssertEqual(metrics.stdout.components(separatedBy: "} 1\n").count - 1, 4)

        XCTAssertEqual(try node.run("pm-stop", ["--force", "-"], stdin: array).status, 0)
        XCTAssertEqual(try node.runningServers(), 0)
        let mixed = try node.run("pm-status", [], stdin: lines)
        XCTAssertEqual(mixed.status, 1, "0 only if every server runs")
    }

    /// Without `-u`, the scripts would run as root: refused (exit 2, nothing run) unless
    /// `--allow-root` asks for it.
    func testRunnerFlagsWithoutARecord() throws {
        let dir = node.workPath + "/servers/flags"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let command = ["-c", node.workPath + "/demo-server.sh"]
        let refused = try node.run("pm-start", ["-d", dir, "-n", "flag-server"] + command)
        XCTAssertEqual(refused.status, 2)
        XCTAssertEqual(
            refused.stderr,
            "pm-start: server flag-server: field su_user: is missing, so pm-start would run the server's programs as "
                + "root: set su_user (the server's user in the panel), or give --allow-root to run them as root on "
                + "purpose\n"
        )
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/.runner"), "nothing ran")
        let identity = ["--allow-root", "-d", dir, "-n", "flag-server"]
        let start = try node.run("pm-start", identity + command)
        XCTAssertEqual(start.status, 0, start.stderr)
        XCTAssertEqual(start.stdout, "server flag-server: started\n")
        XCTAssertEqual(try node.run("pm-status", identity).status, 0)
        XCTAssertEqual(try node.run("pm-input", identity + ["-c", "status"]).status, 0)
        XCTAssertEqual(try node.run("pm-stop", ["--force"] + identity).status, 0)
    }

    /// The daemon's simple manager splits `{command}` before calling a script, so the tools
    /// take the start command and the console line as words after `--`.
    func testDaemonStyleWordsAfterTheSeparator() throws {
        let dir = node.workPath + "/servers/daemon"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        _ = try Toolbox.shell("chown pmtest: \(dir)")
        let identity = ["-d", dir, "-n", "daemon-style", "-u", "pmtest"]
        let start = try node.run(
            "pm-start", identity + ["--", "/bin/sh", node.workPath + "/demo-server.sh", "extra arg"])
        XCTAssertEqual(start.status, 0, start.stderr)
        XCTAssertEqual(try node.run("pm-input", identity + ["--", "say", "it's", "{id}"]).status, 0)
        Thread.sleep(forTimeInterval: 0.3)
        XCTAssertTrue(try node.run("pm-output", identity).stdout.contains("[chat] server: it's {id}"))
        XCTAssertEqual(try node.run("pm-stop", ["--force"] + identity).status, 0)
    }

    func testDryRunPrintsThePlanMasksSecretsAndChangesNothing() throws {
        let json = try node.record(id: 7).replacingOccurrences(
            of: "{node_work_path}/demo-server.sh", with: "{node_work_path}/demo-server.sh +rcon {rcon_password}")
        let record = try node.file(json)
        let plan = try node.run("pm-start", ["--dry-run", record])
        XCTAssertEqual(plan.status, 0, plan.stderr)
        XCTAssertTrue(plan.stdout.contains("runner.sh start -d \(node.workPath)/servers/s7"), plan.stdout)
        XCTAssertTrue(plan.stdout.contains("+rcon ******"), plan.stdout)
        XCTAssertFalse(plan.stdout.contains("hunter2-secret"), plan.stdout)
        XCTAssertTrue(plan.stdout.hasSuffix("server 7: would start\n"), plan.stdout)
        XCTAssertEqual(try node.run("pm-status", [record]).status, 1, "nothing started")
        let verbose = try node.run("pm-start", ["-v", "--dry-run", record])
        XCTAssertFalse(verbose.stderr.contains("hunter2-secret"))
    }

    func testVerboseEchoesInTheDetailedExecutorShape() throws {
        let record = try node.file(node.record(id: 8))
        let status = try node.run("pm-status", ["-v", record])
        XCTAssertEqual(
            status.stderr,
            "\(node.workPath)/servers/s8# \(node.workPath)/runner.sh status -d \(node.workPath)/servers/s8 -n "
                + "\(node.uuid(8)) -u pmtest\n\n\nExited with 1\n"
        )
    }

    /// Two pm-start of one server at the same time launch it once: the second waits for the
    /// per-server lock, then finds it running.
    func testConcurrentStartsLaunchOnce() throws {
        let record = try node.file(node.record(id: 9))
        let node = self.node!
        let collected = Locked<[Toolbox.Result]>([])
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            if let result = try? node.run("pm-start", [record]) { collected.withLock { $0.append(result) } }
        }
        let results = collected.withLock { $0 }
        XCTAssertEqual(results.map(\.status), [0, 0, 0, 0])
        XCTAssertEqual(results.filter { $0.stdout == "server 9: started\n" }.count, 1, results.map(\.stdout).joined())
        XCTAssertEqual(results.filter { $0.stdout == "server 9: already running\n" }.count, 3)
        let processes = try Toolbox.shell("pgrep -f '^/bin/sh \(node.workPath)/demo-server.sh' | wc -l")
        XCTAssertEqual(processes.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "1")
    }

    func testAttachSendsLinesAndEndsAtEndOfInput() throws {
        let record = try node.file(node.record(id: 10))
        XCTAssertEqual(try node.run("pm-start", [record]).status, 0)
        let attach = try node.run(
            "pm-input", ["--attach", "--lines", "0", record], stdin: "status\nsay attached\n", timeout: 20)
        XCTAssertEqual(attach.status, 0, attach.stderr)
        XCTAssertTrue(attach.stdout.contains("demo server Server 10"), attach.stdout)
        XCTAssertTrue(attach.stdout.contains("[chat] server: attached"), attach.stdout)
    }

    func testFollowEndsWhenTheServerStops() throws {
        let record = try node.file(node.record(id: 15))
        XCTAssertEqual(try node.run("pm-start", [record]).status, 0)
        DispatchQueue.global().asyncAfter(deadline: .now() + 1.5) { [node] in
            _ = try? node?.run("pm-input", ["-c", "say later", record])
            Thread.sleep(forTimeInterval: 1)
            _ = try? node?.run("pm-input", ["-c", "quit", record])
        }
        let follow = try node.run("pm-output", ["--follow", record], timeout: 20)
        XCTAssertEqual(follow.status, 0, follow.stderr)
        XCTAssertTrue(follow.stdout.contains("[chat] server: later"), follow.stdout)
        XCTAssertTrue(follow.stdout.contains("bye"), follow.stdout)
        XCTAssertTrue(follow.stderr.contains("server 15: the server has stopped"), follow.stderr)
    }

    private func waitForOutput(_ record: String, containing text: String) throws -> String {
        var output = ""
        for _ in 0..<50 {
            output = try node.run("pm-output", [record]).stdout
            if output.contains(text) { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return output
    }

    /// In a batch, start scripts write into buffers; a server left in the background that keeps
    /// writing must neither hang the tool nor die of SIGPIPE when the tool has gone.
    func testChattyBackgroundServersInABatch() throws {
        let node = try SimpleNode(scripts: ["start": "{command}", "status": "{command}"])
        defer {
            _ = try? Toolbox.shell("pkill -f pm-chatty-loop || true")
            node.tearDown()
        }
        let chatty = node.workPath + "/chatty.sh"
        try "#!/bin/sh\n/bin/sh -c 'while :; do echo tick; sleep 0.05; done # pm-chatty-loop' &\necho started\n"
            .write(toFile: chatty, atomically: true, encoding: .utf8)
        chmod(chatty, 0o755)
        let records = try (1...2).map { id in
            try node.record(id: id).replacingOccurrences(of: "{node_work_path}/demo-server.sh", with: chatty)
        }
        let began = Date()
        let start = try node.run("pm-start", [], stdin: "[" + records.joined(separator: ",") + "]", timeout: 20)
        XCTAssertEqual(start.status, 0, start.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(began), 5)
        Thread.sleep(forTimeInterval: 0.5)
        let alive = try Toolbox.shell("pgrep -f '^/bin/sh -c while' | wc -l").stdout.trimmingCharacters(
            in: .whitespacesAndNewlines)
        XCTAssertEqual(alive, "2", "both background servers still run after pm-start exited")
    }

    /// A parent that ignores SIGCHLD must not turn a failing status script into "running".
    func testIgnoredSIGCHLDFromTheParent() throws {
        let node = try SimpleNode(scripts: ["status": "/bin/false"])
        defer { node.tearDown() }
        let record = try node.file(node.record(id: 5))
        let result = try Toolbox.shell(
            "trap '' CHLD; exec pm-status --config \(node.configPath) --state-dir \(node.statePath) \(record)")
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertEqual(result.stdout, "server 5: stopped\n")
    }

    /// A script run as another user inherits only its standard descriptors.
    func testNoDescriptorLeaksIntoScripts() throws {
        _ = try TestUser.ensure()
        let node = try SimpleNode(scripts: ["start": "{command}", "status": "{command}"])
        defer { node.tearDown() }
        let json = try node.record(id: 6, user: "pmtest")
            .replacingOccurrences(
                of: "\"{node_work_path}/demo-server.sh\"", with: "\"/bin/sh -c 'ls /proc/self/fd > fds.txt'\"")
        XCTAssertEqual(try node.run("pm-start", [try node.file(json)]).status, 0)
        let fds = try String(contentsOfFile: node.workPath + "/servers/s6/fds.txt", encoding: .utf8).split(
            separator: "\n"
        ).compactMap { Int($0) }
        XCTAssertEqual(fds.filter { $0 > 3 }, [], "descriptors beyond stdin, stdout, stderr and ls's own: \(fds)")
    }

    func testAMissingStatusScriptIsUnknownNotStopped() throws {
        let node = try SimpleNode(scripts: ["status": "/nonexistent/runner.sh status"])
        defer { node.tearDown() }
        let result = try node.run("pm-status", [try node.file(node.record(id: 7))])
        XCTAssertEqual(result.status, 255, result.stderr)
    }
}
