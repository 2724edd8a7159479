import Foundation
import PMCommon
import XCTest

@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

/// `-m systemd -o scope=user` against a real `systemd --user` manager (see `SystemdNode`).
final class SystemdTests: XCTestCase {
    private var node: SystemdNode!

    override func setUpWithError() throws { node = try SystemdNode() }
    override func tearDown() { node?.tearDown() }

    /// Debian's freeciv-server as a user service: start, status, console input and output,
    /// metrics from systemd, a graceful quit, status, uninstall.
    func testFreecivThroughEveryTool() throws {
        let port = try freePort()
        let record = try node.record(
            id: 1, command: "/usr/games/freeciv-server --port \(port) --saves {dir}/saves",
            extra: #", "settings": [{"name": "console_stop_command", "value": "quit"}]"#)
        let start = try node.run("pm-start", [record])
        XCTAssertEqual(start.status, 0, start.stderr)
        XCTAssertEqual(start.stdout, "server 1: started\n")
        XCTAssertTrue(start.stderr.contains("warning: linger is disabled for user \"pmsd\""), start.stderr)

        let status = try node.run("pm-status", ["--json", record])
        XCTAssertEqual(status.status, 0, status.stderr)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["manager"] as? String, "systemd")
        XCTAssertEqual(object["name"] as? String, node.name(1))
        let pid = try XCTUnwrap(object["pid"] as? Int)
        XCTAssertEqual(try Toolbox.shell("ps -o comm= -p \(pid)").stdout, "freeciv-server\n")
        XCTAssertNotNil(object["started_at"] as? String)

        _ = try node.waitForOutput(record, containing: "Now accepting new client connections", seconds: 30)
        XCTAssertEqual(try node.run("pm-input", ["-c", "list", record]).status, 0)
        let output = try node.waitForOutput(record, containing: "AI*5")
        for player in 1...5 { XCTAssertTrue(output.contains("AI*\(player)"), "player AI*\(player) in \(output)") }

        // Memory and tasks from systemd; a CPU percent once a baseline exists (the first run
        // takes its two samples --interval apart, the second uses the saved one).
        let first = try node.run("pm-metrics", ["--interval", "0.2", record])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(Prometheus.value(first.stdout, "gameap_server_up"), 1)
        XCTAssertGreaterThan(
            try XCTUnwrap(Prometheus.value(first.stdout, "gameap_server_memory_usage_bytes")), 1_000_000)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(Prometheus.value(first.stdout, "gameap_server_process_pids")), 1)
        XCTAssertGreaterThan(try XCTUnwrap(Prometheus.value(first.stdout, "gameap_server_cpu_seconds_total")), 0)
        XCTAssertTrue(first.stdout.contains("service=\"\(node.service(1))\""), first.stdout)
        let second = try node.run("pm-metrics", [record])
        XCTAssertNotNil(Prometheus.value(second.stdout, "gameap_server_cpu_usage_percent"), second.stdout)
        try Backend.require(.program("promtool"))
        XCTAssertEqual(try Toolbox.shell("promtool check metrics", stdin: Data(second.stdout.utf8)).status, 0)

        let began = Date()
        let stop = try node.run("pm-stop", ["--timeout", "20", record])
        XCTAssertEqual(stop.status, 0, stop.stderr)
        XCTAssertTrue(stop.stdout.hasPrefix("server 1: stopped gracefully after"), stop.stdout)
        XCTAssertLessThan(Date().timeIntervalSince(began), 10)
        XCTAssertTrue(
            try node.run("pm-output", [record]).stdout.contains("Removing player"), "freeciv shut down on 'quit'")
        XCTAssertEqual(try node.run("pm-status", [record]).status, 1)
        XCTAssertEqual(
            try node.systemctl(["is-active", node.service(1)]).stdout, "inactive\n", "not restarted by Restart=always")

        let units = node.account.home + "/.config/systemd/user/" + node.service(1)
        XCTAssertTrue(FileManager.default.fileExists(atPath: units))
        let uninstall = try node.run("pm-install", ["--uninstall", record])
        XCTAssertEqual(uninstall.status, 0, uninstall.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: units))
        XCTAssertFalse(
            FileManager.default.fileExists(atPath: units.replacingOccurrences(of: ".service", with: ".socket")))
        XCTAssertEqual(try node.systemctl(["show", node.service(1), "-p", "LoadState"]).stdout, "LoadState=not-found\n")
    }

    /// A console command the game ignores: stopped hard after the timeout, and said so.
    func testIgnoredConsoleStopIsForcedAfterTheTimeout() throws {
        let record = try node.record(
            id: 2, extra: #", "settings": [{"name": "console_stop_command", "value": "status"}]"#)
        XCTAssertEqual(try node.run("pm-start", [record]).status, 0)
        let stop = try node.run("pm-stop", ["--timeout", "1", record])
        XCTAssertEqual(stop.status, 0, stop.stderr)
        XCTAssertEqual(stop.stdout, "server 2: stopped: forced after 1 seconds (the server ignored status)\n")
        XCTAssertEqual(try node.run("pm-status", [record]).status, 1)
        XCTAssertEqual(try node.run("pm-stop", [record]).stdout, "server 2: already stopped\n")
    }

    /// Values with quotes, specifiers, `$`, a lone `;` and control characters reach the game
    /// exactly, as arguments and as environment, through the unit file systemd really parsed.
    func testHostileValuesReachTheGameUnchanged() throws {
        let script = node.workPath + "/show-args.sh"
        try """
        #!/bin/sh
        for a in "$@"; do printf 'arg:%s\\n' "$a" | od -An -c | tr -s ' ' | tr -d '\\n'; echo; done
        printf 'env:%s\\n' "$HOSTNAME" | od -An -c | tr -s ' ' | tr -d '\\n'; echo
        echo ready
        exec cat
        """.write(toFile: script, atomically: true, encoding: .utf8)
        _ = try Toolbox.shell("chmod 755 \(script); chown \(SystemdNode.user): \(script)")
        let hostile = "a\\rExecStartPre=/bin/false;%h $HOME \\\\\\\" ' ;"
        let record = try node.record(
            id: 3, command: "{node_work_path}/show-args.sh {hostname} ; %n",
            extra: #", "settings": [{"name": "hostname", "value": "\#(hostile)"}]"#)
        let start = try node.run("pm-start", [record])
        XCTAssertEqual(start.status, 0, start.stderr)
        let output = try node.waitForOutput(record, containing: "ready")
        let expected = "a\rExecStartPre=/bin/false;%h $HOME \\\" ' ;"
        let encoded = try Toolbox.shell(
            "printf 'arg:%s\\n' \(ShellWords.quote(expected)) | od -An -c | tr -s ' ' | tr -d '\\n'; echo"
        ).stdout
        let lines = output.split(separator: "\n").map(String.init)
        guard lines.count == 5 else { return XCTFail("five lines expected: \(output)") }
        XCTAssertEqual(lines.first.map { $0 + "\n" }, encoded)
        XCTAssertTrue(lines[1].contains(" a r g : ; \\n"), lines[1])
        XCTAssertTrue(lines[2].contains(" a r g : % n \\n"), lines[2])
        XCTAssertEqual(lines[3] + "\n", encoded.replacingOccurrences(of: " a r g :", with: " e n v :"))
    }

    func testConsoleInputWorksAfterARestartAndFollowEndsWithTheServer() throws {
        let record = try node.record(id: 4)
        XCTAssertEqual(try node.run("pm-start", [record]).status, 0)
        let restart = try node.run("pm-start", ["--restart", record])
        XCTAssertEqual(restart.stdout, "server 4: restarted\n", restart.stderr)
        XCTAssertEqual(try node.run("pm-input", ["-c", "say after restart", record]).status, 0)
        XCTAssertTrue(
            try node.waitForOutput(record, containing: "[chat] server: after restart").contains("after restart"))

        // pm-input --attach: lines in, console out, and it ends at the end of its input.
        let attach = try node.run("pm-input", ["--attach", "--lines", "1", record], stdin: "list\nsave\n", timeout: 20)
        XCTAssertEqual(attach.status, 0, attach.stderr)
        XCTAssertTrue(attach.stdout.contains("world saved"), attach.stdout)

        // pm-output --follow ends when the unit stops.
        let follow = try Toolbox.shell(
            "(sleep 1.5; "
                + ShellWords.join([
                    "runuser", "-u", "pmsd", "--", "env", "XDG_RUNTIME_DIR=\(node.runtimeDirectory)",
                    "systemctl", "--user", "stop", node.service(4)
                ])
                + ") & "
                + ShellWords.join([
                    "runuser", "-u", "pmsd", "--", "env", "XDG_RUNTIME_DIR=\(node.runtimeDirectory)",
                    SystemdNode.binDirectory + "/pm-output", "--config", node.configPath,
                    "--state-dir", node.statePath, "--follow", record
                ]), timeout: 20)
        XCTAssertEqual(follow.status, 0, follow.stderr)
        XCTAssertTrue(follow.stderr.contains("the server has stopped"), follow.stderr)
    }

    func testAUnitThatFailsAtOnceFailsTheStartAndShowsItsLog() throws {
        let record = try node.record(id: 5, command: "/bin/sh -c 'echo boom: missing map >&2; exit 3'")
        let start = try node.run("pm-start", [record])
        XCTAssertEqual(start.status, 1, start.stderr)
        XCTAssertTrue(start.stderr.contains("boom: missing map"), start.stderr)
        XCTAssertTrue(start.stderr.contains("the start command exited at once ("), start.stderr)
        XCTAssertEqual(try node.run("pm-status", [record]).status, 1)
        let socket = node.service(5).replacingOccurrences(of: ".service", with: ".socket")
        XCTAssertEqual(
            try node.systemctl(["is-active", socket]).stdout, "inactive\n", "the console socket is stopped too")
    }

    func testWithoutSystemctlTheToolsSayWhat() throws {
        let record = try node.record(id: 6)
        let status = try node.run("pm-status", [record], environment: ["PATH": SystemdNode.binDirectory])
        XCTAssertEqual(status.status, 255)
        XCTAssertEqual(
            status.stderrLines,
            [
                "pm-status: server 6: systemctl was not found in PATH: the systemd manager needs systemd (or choose "
                    + "another with -m)"
            ])
    }

    /// A user without a running user manager (pmtest has none): exit 255 and how to fix it.
    func testWithoutAUserManagerTheToolsNameLingerAndTheRuntimeDirectory() throws {
        _ = try TestUser.ensure()
        let record = try node.record(id: 7)
        _ = try Toolbox.shell("chmod 755 \(node.root); chmod 644 \(record)")
        let status = try node.run(
            "pm-status", ["--state-dir", "/tmp/pm-nobody-state", record], as: "pmtest",
            environment: ["XDG_RUNTIME_DIR": "/nonexistent"])
        XCTAssertEqual(status.status, 255, status.stderr)
        XCTAssertEqual(status.stderrLines.count, 1, status.stderr)
        XCTAssertTrue(status.stderr.contains("the systemd user manager of pmtest is not running"), status.stderr)
        XCTAssertTrue(status.stderr.contains("loginctl enable-linger pmtest"), status.stderr)
        XCTAssertTrue(status.stderr.contains("XDG_RUNTIME_DIR"), status.stderr)
    }

    /// A batch query asks systemd once for all servers (the never-started one is stopped).
    func testBatchStatusAndMetricsAskSystemdOnce() throws {
        let running = try node.record(id: 8)
        let stopped = try node.record(id: 9)
        XCTAssertEqual(try node.run("pm-start", [running]).status, 0)
        let status = try node.run("pm-status", ["-v", running, stopped])
        XCTAssertEqual(status.status, 1, status.stderr)
        XCTAssertEqual(status.stdout, "server 8: running\nserver 9: stopped\n")
        XCTAssertEqual(status.stderr.components(separatedBy: "# systemctl --user show").count - 1, 1, status.stderr)
        let metrics = try node.run("pm-metrics", ["--interval", "0.1", "-v", running, stopped])
        XCTAssertEqual(metrics.status, 0, metrics.stderr)
        XCTAssertTrue(metrics.stdout.contains("gameap_server_up{server_id=\"8\""), metrics.stdout)
        XCTAssertTrue(metrics.stdout.contains("gameap_server_up{server_id=\"9\""), metrics.stdout)
        XCTAssertEqual(
            metrics.stderr.components(separatedBy: "# systemctl --user show").count - 1, 2,
            "one snapshot, and one more for the second CPU sample: \(metrics.stderr)")
        XCTAssertTrue(metrics.stdout.contains("gameap_server_cpu_usage_percent{server_id=\"8\""), metrics.stdout)
    }
}
