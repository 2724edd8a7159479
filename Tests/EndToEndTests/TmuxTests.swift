import Foundation
import PMCommon
import XCTest

@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

/// The seven tools with `-m tmux` against real tmux servers, isolated by `TMUX_TMPDIR`.
final class TmuxTests: XCTestCase {
    private var node: TmuxNode!

    override func setUpWithError() throws { node = try TmuxNode() }
    override func tearDown() { node?.tearDown() }

    private var xid1: String { XID.name(uuid: node.uuid(1), id: 1) }

    func testLifecycleAsAnUnprivilegedNologinUser() throws {
        let record = try node.file(
            node.record(id: 1, extra: #", "settings": [{"name": "console_stop_command", "value": "quit"}]"#))
        XCTAssertEqual(try node.run("pm-status", [record]).status, 1)

        let start = try node.run("pm-start", [record])
        XCTAssertEqual(start.status, 0, start.stderr)
        XCTAssertEqual(start.stdout, "server 1: started\n")
        XCTAssertEqual(try node.run("pm-start", [record]).stdout, "server 1: already running\n")

        let status = try node.run("pm-status", ["--json", record])
        XCTAssertEqual(status.status, 0)
        let object = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        XCTAssertEqual(object?["name"] as? String, xid1)
        XCTAssertEqual(object?["state"] as? String, "running")
        let pid = try XCTUnwrap(object?["pid"] as? Int)
        XCTAssertEqual(
            try Toolbox.shell("ps -o user= -p \(pid)").stdout.trimmingCharacters(in: .whitespaces), "pmtest\n")
        XCTAssertNotNil(object?["started_at"] as? String)

        let banner = try node.waitForOutput(record, containing: "listening on port 27001")
        XCTAssertTrue(
            banner.contains("demo server Tmux 1 listening on port 27001 (user pmtest)"), "environment via -e: \(banner)"
        )
        XCTAssertEqual(
            try node.tmux(["display", "-p", "-t", "=\(xid1):", "#{window_width} #{history_limit}"]).stdout,
            "200 30000\n",
            "width 200 and the history limit on the first game pane of a fresh tmux server (TMUX-5)")
        XCTAssertEqual(try node.tmux(["has-session", "-t", "=gameap"]).status, 0, "the idle helper session")

        let stop = try node.run("pm-stop", [record])
        XCTAssertEqual(stop.status, 0, stop.stderr)
        XCTAssertTrue(stop.stdout.hasPrefix("server 1: stopped gracefully after"), stop.stdout)
        XCTAssertEqual(try node.run("pm-status", [record]).status, 1)
        XCTAssertNotEqual(
            try node.tmux(["has-session", "-t", "=\(xid1)"]).status, 0, "the exited game's session is removed")
        XCTAssertEqual(try node.run("pm-stop", [record]).stdout, "server 1: already stopped\n")
    }

    /// Keys are typed as text (docs/differences.md#tmux-11); targets are exact (docs/differences.md#tmux-8).
    func testConsoleInputIsTypedLiterally() throws {
        let record = try node.file(node.record(id: 2))
        XCTAssertEqual(try node.run("pm-start", [record]).status, 0)
        for line in ["say C-c", "say Up", "-x", "say a;", ";", "say é \"q\" $HOME `id`"] {
            let input = try node.run("pm-input", ["-c", line, record])
            XCTAssertEqual(input.status, 0, input.stderr)
        }
        let output = try node.waitForOutput(record, containing: "[chat] server: é \"q\" $HOME `id`")
        for expected in [
            "[chat] server: C-c", "[chat] server: Up", "unknown command: -x", "[chat] server: a;", "unknown command: ;"
        ] {
            XCTAssertTrue(output.contains(expected), "\(expected) in \(output)")
        }
        let multiLine = try node.run("pm-input", ["-c", "say one\nquit", record])
        XCTAssertEqual(multiLine.status, 2)
        XCTAssertTrue(multiLine.stderr.contains("control character"), multiLine.stderr)
        XCTAssertEqual(try node.run("pm-status", [record]).status, 0, "the second line was not typed")
    }

    /// Without -c or words after --, every line of standard input is sent, in order.
    func testLinesFromStandardInput() throws {
        let record = try node.file(node.record(id: 20))
        XCTAssertEqual(try node.run("pm-start", [record]).status, 0)
        let input = try node.run("pm-input", [record], stdin: "say one\nsay two\r\nlist\n")
        XCTAssertEqual(input.status, 0, input.stderr)
        let output = try node.waitForOutput(record, containing: "players: alice bob")
        XCTAssertTrue(output.contains("[chat] server: one\n"), output)
        XCTAssertTrue(output.contains("[chat] server: two\n"), output)
        let empty = try node.run("pm-input", [record], stdin: "")
        XCTAssertEqual(empty.status, 2)
        let both = try node.run("pm-input", ["-"], stdin: try String(contentsOfFile: record, encoding: .utf8))
        XCTAssertEqual(both.status, 2)
    }

    func testOutputIsTheScrollBackNotTheVisiblePane() throws {
        let record = try node.file(node.record(id: 3))
        XCTAssertEqual(try node.run("pm-start", [record]).status, 0)
        for index in 1...60 { XCTAssertEqual(try node.run("pm-input", ["-c", "say line \(index)", record]).status, 0) }
        let all = try node.waitForOutput(record, containing: "[chat] server: line 60")
        XCTAssertTrue(all.contains("demo server Tmux 3"), "the first lines are in the scroll-back")
        let last = try node.run("pm-output", ["--lines", "3", record])
        XCTAssertEqual(last.stdout, "[chat] server: line 59\nsay line 60\n[chat] server: line 60\n")
        XCTAssertEqual(
            try node.run("pm-output", [record]).stdout.split(separator: "\n").count, all.split(separator: "\n").count)
    }

    func testAStartCommandThatExitsAtOnceIsReportedWithItsOutput() throws {
        let record = try node.file(node.record(id: 4, command: "/bin/sh -c 'echo missing map de_nuke; exit 3'"))
        let start = try node.run("pm-start", [record])
        XCTAssertEqual(start.status, 1)
        XCTAssertTrue(start.stderr.contains("missing map de_nuke"), start.stderr)
        // The status is tmux's, which now and then never records it (TmuxManager.withExitCode).
        XCTAssertTrue(
            start.stderr.contains("pm-start: server 4: the start command exited at once (exit status 3)")
                || start.stderr.contains("pm-start: server 4: the start command exited at once (status unknown)"),
            start.stderr)
        XCTAssertEqual(try node.run("pm-status", [record]).status, 1)
        XCTAssertNotEqual(try node.tmux(["has-session", "-t", "=\(XID.name(uuid: node.uuid(4), id: 4))"]).status, 0)
    }

    func testForcedStopWhenTheConsoleCommandIsIgnored() throws {
        let record = try node.file(node.record(id: 5))
        XCTAssertEqual(try node.run("pm-start", [record]).status, 0)
        let stop = try node.run("pm-stop", ["--console-stop", "ignore-me", "--timeout", "1", record])
        XCTAssertEqual(stop.status, 0, stop.stderr)
        XCTAssertEqual(stop.stdout, "server 5: stopped: forced after 1 seconds (the server ignored ignore-me)\n")
        XCTAssertEqual(try node.run("pm-status", [record]).status, 1)
    }

    func testRestart() throws {
        let record = try node.file(node.record(id: 6))
        XCTAssertEqual(try node.run("pm-start", [record]).status, 0)
        let before = try node.run("pm-status", ["--json", record]).stdout
        let restart = try node.run("pm-start", ["--restart", "--force", record])
        XCTAssertEqual(restart.stdout, "server 6: restarted\n", restart.stderr)
        let after = try node.run("pm-status", ["--json", record]).stdout
        XCTAssertNotEqual(before, after, "a new pid")
    }

    /// A pane whose process (the game's supervisor) is killed stays dead with the signal:
    /// pm-status reports it failed, killed by SIGKILL, exit code 128 + 9.
    func testAKilledPaneReportsItsSignal() throws {
        let record = try node.file(node.record(id: 20))
        XCTAssertEqual(try node.run("pm-start", [record]).status, 0)
        let session = XID.name(uuid: node.uuid(20), id: 20)
        let panePid = try node.tmux(["display-message", "-p", "-t", "=\(session):", "#{pane_pid}"]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(kill(try XCTUnwrap(Int32(panePid)), SIGKILL), 0)
        let status = try Toolbox.poll(seconds: 5, until: { $0.contains("\"exit_code\"") }) {
            try node.run("pm-status", ["--json", record]).stdout
        }
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(status.utf8)) as? [String: Any], status)
        XCTAssertEqual(object["state"] as? String, "failed", status)
        XCTAssertEqual(object["exit_code"] as? Int, 137, status)
        XCTAssertEqual(object["signal"] as? String, "SIGKILL", status)
    }

    /// The reference's legacy session name (the raw uuid) is still found and managed.
    func testLegacySessionNameIsFound() throws {
        let record = try node.file(node.record(id: 7))
        XCTAssertEqual(try node.tmux(["new-session", "-d", "-s", node.uuid(7), "sleep", "300"]).status, 0)
        let status = try node.run("pm-status", ["--json", record])
        XCTAssertEqual(status.status, 0)
        XCTAssertTrue(status.stdout.contains("\"state\":\"running\""), status.stdout)
        XCTAssertEqual(try node.run("pm-stop", ["--force", record]).status, 0)
        XCTAssertNotEqual(try node.tmux(["has-session", "-t", "=" + node.uuid(7)]).status, 0)

        // A legacy session whose game has exited is removed by a stop of the stopped server.
        XCTAssertEqual(
            try node.tmux([
                "new-session", "-d", "-s", node.uuid(7), "sleep", "0.3", ";",
                "set-option", "-w", "-t", "=\(node.uuid(7)):", "remain-on-exit", "on"
            ]).status, 0)
        Thread.sleep(forTimeInterval: 0.6)
        XCTAssertEqual(try node.run("pm-stop", [record]).stdout, "server 7: already stopped\n")
        XCTAssertNotEqual(
            try node.tmux(["has-session", "-t", "=" + node.uuid(7)]).status, 0, "the dead legacy pane is gone")
    }

    /// A session whose name only starts with the server's name is another server (docs/differences.md#tmux-8).
    func testTargetsAreExact() throws {
        let record = try node.file(node.record(id: 8))
        let xid = XID.name(uuid: node.uuid(8), id: 8)
        XCTAssertEqual(try node.tmux(["new-session", "-d", "-s", xid + "-other", "sleep", "300"]).status, 0)
        XCTAssertEqual(try node.run("pm-status", [record]).status, 1)
        XCTAssertEqual(try node.run("pm-input", ["-c", "hello", record]).status, 1)
    }

    /// Without a console log (`console_log=no`), a follower pipes the pane into a FIFO.
    func testFollowStreamsThroughAPrivateFileUntilTheSessionEnds() throws {
        let record = try node.file(
            node.record(id: 9, extra: #", "settings": [{"name": "console_log", "value": "no"}]"#))
        XCTAssertEqual(try node.run("pm-start", [record]).status, 0)
        let modes = node.root.appendingPathComponent("pipe-modes").path
        DispatchQueue.global().asyncAfter(deadline: .now() + 1) { [node] in
            _ = try? Toolbox.shell(
                "stat -c '%a %U' /tmp/pm-console-*/ /tmp/pm-console-*/console >\(ShellWords.quote(modes)) 2>/dev/null")
            _ = try? node?.run("pm-input", ["-c", "say streamed", record])
            Thread.sleep(forTimeInterval: 0.5)
            _ = try? node?.run("pm-input", ["-c", "quit", record])
        }
        let follow = try node.run("pm-output", ["--follow", "--lines", "2", record], timeout: 20)
        XCTAssertEqual(follow.status, 0, follow.stderr)
        XCTAssertTrue(follow.stdout.hasPrefix("demo server Tmux 9"), follow.stdout)
        XCTAssertTrue(follow.stdout.contains("[chat] server: streamed\n"), follow.stdout)
        XCTAssertFalse(follow.stdout.contains("\r"), "CR LF turned into LF")
        XCTAssertTrue(follow.stdout.contains("bye"), follow.stdout)
        XCTAssertTrue(follow.stderr.contains("the server has stopped"), follow.stderr)
        let pipeMode = try String(contentsOfFile: modes, encoding: .utf8)
        XCTAssertTrue(
            pipeMode.contains("711 root") && pipeMode.contains("600 pmtest"),
            "root's directory, the user's private FIFO: \(pipeMode)")
        XCTAssertEqual(
            try Toolbox.shell("ls -d /tmp/pm-console-* 2>/dev/null | wc -l").stdout.trimmingCharacters(
                in: .whitespacesAndNewlines), "0",
            "the pipe file is removed")
    }

    func testAttachEndsAtEndOfInput() throws {
        let record = try node.file(node.record(id: 10))
        XCTAssertEqual(try node.run("pm-start", [record]).status, 0)
        _ = try node.waitForOutput(record, containing: "listening")
        let attach = try node.run("pm-input", ["--attach", record], stdin: "list\nsay attached\n", timeout: 20)
        XCTAssertEqual(attach.status, 0, attach.stderr)
        XCTAssertTrue(attach.stdout.contains("players: alice bob"), attach.stdout)
        XCTAssertTrue(attach.stdout.contains("[chat] server: attached"), attach.stdout)
        XCTAssertEqual(try node.run("pm-status", [record]).status, 0, "attach does not stop the server")
    }

    func testBatchStartStatusStop() throws {
        let records = try (11...15).map { try node.record(id: $0) }
        let array = "[" + records.joined(separator: ",") + "]"
        XCTAssertEqual(
            try node.run("pm-start", [], stdin: array).stdout, (11...15).map { "server \($0): started\n" }.joined())
        XCTAssertEqual(try node.run("pm-status", [], stdin: array).status, 0)
        XCTAssertEqual(try node.run("pm-stop", ["--force"], stdin: array).status, 0)
        XCTAssertEqual(
            try node.run("pm-status", [], stdin: array).stdout, (11...15).map { "server \($0): stopped\n" }.joined())
    }

    /// A tmux server without sessions (the moment between a first `new-session` starting the
    /// server and creating its session, which another server of a batch can hit) answers every
    /// target with "no current target": that is a stopped server, not an error.
    func testATmuxServerWithoutSessionsMeansStopped() throws {
        let record = try node.file(node.record(id: 19))
        let empty = try node.tmux(["-f", "/dev/null", "start-server", ";", "set-option", "-s", "exit-empty", "off"])
        XCTAssertEqual(empty.status, 0, empty.stderr)
        XCTAssertEqual(
            try node.tmux(["list-panes", "-a"]).stderr, "no current target\n", "the state this test is about")
        let status = try node.run("pm-status", [record])
        XCTAssertEqual(status.status, 1, status.stderr)
        XCTAssertEqual(status.stdout, "server 19: stopped\n")
        XCTAssertEqual(try node.run("pm-stop", [record]).status, 0, "stopping a stopped server is no error")
        let start = try node.run("pm-start", [record])
        XCTAssertEqual(start.status, 0, start.stderr)
        XCTAssertEqual(try node.run("pm-status", [record]).status, 0)
    }

    /// Queries, console lines and the end of a session go to the user's tmux server over its
    /// socket (TmuxClient): pm-status, pm-output, pm-input and pm-stop start no tmux program;
    /// a start, which may have to start a tmux server, still does.
    func testStatusAsksTheTmuxServerWithoutStartingTmux() throws {
        let record = try node.file(node.record(id: 20))
        XCTAssertEqual(try node.run("pm-start", [record]).status, 0)
        let shims = node.root.appendingPathComponent("shims").path
        let log = node.root.appendingPathComponent("tmux-calls").path
        try FileManager.default.createDirectory(atPath: shims, withIntermediateDirectories: true)
        try "#!/bin/sh\necho \"$*\" >> \(ShellWords.quote(log))\nexec /usr/bin/tmux \"$@\"\n".write(
            toFile: shims + "/tmux", atomically: true, encoding: .utf8)
        try "".write(toFile: log, atomically: true, encoding: .utf8)
        chmod(shims + "/tmux", 0o755)
        chmod(log, 0o666)
        let path = ["PATH": "\(shims):/usr/bin:/bin"]

        let status = try node.run("pm-status", ["--json", record], environment: path)
        XCTAssertEqual(status.status, 0, status.stderr)
        XCTAssertTrue(status.stdout.contains("\"pid\""), status.stdout)
        XCTAssertEqual(try node.run("pm-output", [record], environment: path).status, 0)
        XCTAssertEqual(try node.run("pm-input", ["-c", "say hi", record], environment: path).status, 0)
        XCTAssertEqual(try node.run("pm-stop", ["--force", record], environment: path).status, 0)
        XCTAssertEqual(try node.run("pm-status", [record]).status, 1)
        XCTAssertEqual(try String(contentsOfFile: log, encoding: .utf8), "")
        XCTAssertEqual(try node.run("pm-start", [record], environment: path).status, 0)
        XCTAssertEqual(
            try String(contentsOfFile: log, encoding: .utf8), "",
            "the user's tmux server runs: the session is made over the socket")
        _ = try node.tmux(["kill-server"])
        XCTAssertEqual(try node.run("pm-start", [record], environment: path).status, 0)
        XCTAssertEqual(
            try String(contentsOfFile: log, encoding: .utf8),
            "new-session -d -s gameap -x 200 /bin/sh ; set-option -g history-limit 30000\n",
            "only the tmux server's own start runs tmux, with nothing of the game's in its arguments")
    }

    /// Outside a UTF-8 locale (a daemon started by systemd or cron has none) tmux prints `_`
    /// for the tabs between the fields of a pane line; the status must still read them.
    func testStatusOutsideAUTF8Locale() throws {
        let record = try node.file(node.record(id: 21))
        let noLocale = ["LANG": "", "LC_ALL": "", "LC_CTYPE": ""]
        XCTAssertEqual(try node.run("pm-start", [record], environment: noLocale).status, 0)
        let status = try node.run("pm-status", [record], environment: noLocale)
        XCTAssertEqual(status.status, 0, status.stderr)
        XCTAssertEqual(status.stdout, "server 21: running\n")
    }

    func testTmuxMissingFromPath() throws {
        let record = try node.file(node.record(id: 16))
        let result = try node.run("pm-status", [record], environment: ["PATH": "/nonexistent"])
        XCTAssertEqual(result.status, 255)
        XCTAssertEqual(
            result.stderr, "pm-status: server 16: tmux was not found in PATH: install it (apt-get install tmux)\n")
    }

    func testUnknownUserIsInvalid() throws {
        let record = try node.file(
            node.record(id: 17, user: "").replacingOccurrences(
                of: "\"su_user\": \"\"", with: "\"su_user\": \"nobody-here\""))
        let result = try node.run("pm-start", [record])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("there is no user nobody-here"), result.stderr)
    }

    func testInputToAStoppedServerIsAClearError() throws {
        let record = try node.file(node.record(id: 18))
        let input = try node.run("pm-input", ["-c", "status", record])
        XCTAssertEqual(input.status, 1)
        XCTAssertTrue(input.stderr.hasPrefix("pm-input: server 18: the server is not running"), input.stderr)
        XCTAssertEqual(try node.run("pm-output", [record]).status, 1)
    }

    func testVerboseEchoAndDryRun() throws {
        let record = try node.file(node.record(id: 19))
        let plan = try node.run("pm-start", ["--dry-run", record])
        XCTAssertEqual(plan.status, 0, plan.stderr)
        XCTAssertTrue(
            plan.stdout.contains("new-session -d -s \(XID.name(uuid: node.uuid(19), id: 19)) -x 200"), plan.stdout)
        XCTAssertTrue(plan.stdout.contains("run as pmtest"), plan.stdout)
        XCTAssertEqual(try node.run("pm-status", [record]).status, 1, "nothing started")
        let verbose = try node.run("pm-status", ["-v", record])
        XCTAssertTrue(verbose.stderr.hasPrefix("\(node.workPath)/servers/t19# tmux -u list-panes -F"), verbose.stderr)
        XCTAssertTrue(verbose.stderr.hasSuffix("Exited with 1\n"), verbose.stderr)
    }

    /// A record var that is exactly `;` must not end the tmux command and start another.
    func testRecordValuesCannotInjectTmuxCommands() throws {
        let node = try TmuxNode()
        defer { node.tearDown() }
        let json = try node.record(id: 1, command: "sleep 30 {a} {b} -g PWNED yes")
            .replacingOccurrences(of: #""vars": {"#, with: #""vars": {"a": ";", "b": "set-environment", "#)
        _ = try node.run("pm-start", [try node.file(json)])
        let environment = try node.tmux(["show-environment", "-g", "PWNED"])
        XCTAssertNotEqual(environment.status, 0, "PWNED must not be set: \(environment.stdout)")
    }

    /// A tmux that answers garbage gives an error or a sane value, never a crash.
    func testTmuxAnsweringGarbage() throws {
        let node = try TmuxNode()
        defer { node.tearDown() }
        let fake = node.root.appendingPathComponent("fakebin")
        try FileManager.default.createDirectory(at: fake, withIntermediateDirectories: true)
        let name = XID.name(uuid: node.uuid(4), id: 4)
        try "#!/bin/sh\nprintf '\(name)\\t99999999999\\t0\\tx\\tnan\\t0\\n'\n".write(
            toFile: fake.path + "/tmux", atomically: true, encoding: .utf8)
        chmod(fake.path + "/tmux", 0o755)
        let record = try node.file(node.record(id: 4))
        for tool in ["pm-status", "pm-metrics"] {
            let result = try node.run(
                tool, tool == "pm-status" ? ["--json", record] : [record],
                environment: ["PATH": fake.path + ":/usr/bin:/bin"])
            XCTAssertFalse(result.stderr.contains("Fatal error"), result.stderr)
            XCTAssertTrue([0, 1, 255].contains(result.status), "\(tool): \(result.status) \(result.stderr)")
        }
    }

    /// Two followers of one tmux server: the second polls instead of closing the first's pipe.
    func testTwoFollowersAtOnce() throws {
        let node = try TmuxNode()
        defer { node.tearDown() }
        let record = try node.file(node.record(id: 8))
        XCTAssertEqual(try node.run("pm-start", [record]).status, 0)
        let collected = Locked<[Toolbox.Result]>([])
        let followers = (0..<2).map { _ in
            Parallel.background {
                if let result = try? node.run("pm-output", ["--follow", "--lines", "1", record], timeout: 20) {
                    collected.withLock { $0.append(result) }
                }
            }
        }
        Thread.sleep(forTimeInterval: 1.5)
        XCTAssertEqual(try node.run("pm-input", ["-c", "say to both", record]).status, 0)
        Thread.sleep(forTimeInterval: 1.5)
        XCTAssertEqual(try node.run("pm-input", ["-c", "quit", record]).status, 0)
        followers.forEach { $0.join() }
        let results = collected.withLock { $0 }
        XCTAssertEqual(results.count, 2)
        for result in results { XCTAssertTrue(result.stdout.contains("[chat] server: to both"), result.stdout) }
    }
}
