import XCTest

@testable import PMCommon
@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

/// The simple manager's command sequences, checked with a recording runner.
final class SimpleManagerTests: XCTestCase {
    private let runner = RecordingRunner()
    private var running = false

    private func server(
        scripts: DaemonConfig.Scripts? = nil, record edit: (inout ServerRecord) -> Void = { _ in }
    ) throws -> Server {
        var config = Fixtures.config(workPath: "/srv/gameap")
        config.scripts = scripts ?? runnerScripts
        var record = ServerRecord()
        record.id = 7
        record.uuid = "3f6c1b2a-9d4e-4c1a-8b7e-5a2d9c0f1e34"
        record.dir = "servers/cs"
        record.startCommand = "./hlds_run +hostname '{hostname}'"
        record.vars = [("hostname", "Andrey's Server")]
        record.rconPassword = "s3cr3t"
        edit(&record)
        return try Server(record: record, config: config)
    }

    private var runnerScripts: DaemonConfig.Scripts {
        var scripts = DaemonConfig.Scripts()
        scripts.start = "{node_work_path}/runner.sh start -d {dir} -n {uuid} -u {user} -c \"{command}\""
        scripts.stop = "{node_work_path}/runner.sh stop -d {dir} -n {uuid} -u {user}"
        scripts.status = "{node_work_path}/runner.sh status -d {dir} -n {uuid} -u {user}"
        scripts.getConsole = "{node_work_path}/runner.sh get_console -d {dir} -n {uuid} -u {user}"
        scripts.sendCommand = "{node_work_path}/runner.sh send_command -d {dir} -n {uuid} -u {user} -c \"{command}\""
        return scripts
    }

    override func setUp() {
        runner.answer = { [unowned self] words in
            switch words.dropFirst().first {
            case "status": return CommandResult(.exited(running ? 0 : 1))
            case "start":
                running = true
                return CommandResult(.exited(0))
            case "stop":
                running = false
                return CommandResult(.exited(0))
            case "send_command":
                if words.last == "quit" { running = false }
                return CommandResult(.exited(0))
            case "get_console": return CommandResult(.exited(0), output: Array("a\nb\nc\n".utf8))
            default: return CommandResult(.exited(0))
            }
        }
    }

    private func lifecycle(_ server: Server, options: VerbOptions = VerbOptions(), dryRun: Bool = false) -> Lifecycle {
        Lifecycle(manager: SimpleManager(), server: server, context: .testing(runner, options: options, dryRun: dryRun))
    }

    func testStartChecksStatusRunsTheWrapperAndChecksAgain() throws {
        let server = try server()
        XCTAssertEqual(try lifecycle(server).start(), .started)
        XCTAssertEqual(runner.actions, ["status", "start", "status"])
        let start = runner.calls[1]
        XCTAssertEqual(
            start.arguments,
            [
                "/srv/gameap/runner.sh", "start", "-d", "/srv/gameap/servers/cs", "-n", server.record.uuid, "-u", "",
                "-c", "./hlds_run +hostname 'Andrey'\\''s Server'"
            ])
        XCTAssertEqual(start.workingDirectory, "/srv/gameap/servers/cs")
        XCTAssertEqual(start.fallbackDirectory, "/srv/gameap")
        XCTAssertTrue(start.environment.contains(EnvironmentEntry("HOSTNAME", "Andrey's Server")))
        XCTAssertEqual(start.timeout, SimpleManager.defaultScriptTimeout)
        XCTAssertTrue(runner.calls[0].readOnly)
        XCTAssertFalse(start.readOnly)
    }

    func testStartOfARunningServerSucceedsWithoutRunningAnything() throws {
        running = true
        XCTAssertEqual(try lifecycle(try server()).start(), .alreadyRunning)
        XCTAssertEqual(runner.actions, ["status"])
    }

    func testStartThatDoesNotLeaveTheServerRunningFails() throws {
        runner.answer = { words in CommandResult(.exited(words[1] == "status" ? 1 : 0)) }
        XCTAssertThrowsError(try lifecycle(try server()).start()) { error in
            XCTAssertEqual(ExitStatus(for: error), .failure)
        }
    }

    func testFailingStartScriptIsAFailureAndASignalIsUnknown() throws {
        runner.answer = { words in CommandResult(words[1] == "start" ? .exited(3) : .exited(1)) }
        XCTAssertThrowsError(try lifecycle(try server()).start()) { XCTAssertEqual(ExitStatus(for: $0), .failure) }
        runner.answer = { words in CommandResult(words[1] == "start" ? .timedOut(seconds: 30) : .exited(1)) }
        XCTAssertThrowsError(try lifecycle(try server()).start()) { XCTAssertEqual(ExitStatus(for: $0), .unknown) }
    }

    func testStopOfAStoppedServer() throws {
        XCTAssertEqual(try lifecycle(try server()).stop(), .alreadyStopped)
        XCTAssertEqual(runner.actions, ["status"])
    }

    func testGracefulStopSendsTheConsoleCommandAndWaits() throws {
        running = true
        let server = try server { $0.settings = [("console_stop_command", "quit")] }
        let outcome = try lifecycle(server).stop()
        XCTAssertTrue(outcome.description.hasPrefix("stopped gracefully after"), "\(outcome)")
        XCTAssertEqual(runner.actions, ["status", "send_command", "status"])
        XCTAssertEqual(runner.calls[1].arguments.last, "quit")
    }

    func testGracefulStopIsForcedAfterTheTimeout() throws {
        running = true
        let server = try server { $0.settings = [("console_stop_command", "ignored")] }
        var options = VerbOptions()
        options.stopTimeout = 0.6
        let outcome = try lifecycle(server, options: options).stop()
        XCTAssertEqual(outcome, .forced(after: 0.6, ignoredCommand: "ignored"))
        XCTAssertEqual(outcome.description, "stopped: forced after 0.6 seconds (the server ignored ignored)")
        XCTAssertEqual(runner.actions.first, "status")
        XCTAssertEqual(runner.actions[1], "send_command")
        XCTAssertEqual(runner.actions.last, "stop")
    }

    func testForceSkipsTheConsoleCommand() throws {
        running = true
        var options = VerbOptions()
        options.force = true
        let server = try server { $0.settings = [("console_stop_command", "quit")] }
        XCTAssertEqual(try lifecycle(server, options: options).stop(), .stopped)
        XCTAssertEqual(runner.actions, ["status", "stop"])
    }

    /// Without a restart script, a restart is stop + start (docs/differences.md#sim-5).
    func testRestartWithoutARestartScriptStopsAndStarts() throws {
        running = true
        var scripts = runnerScripts
        scripts.restart = "{command}"
        XCTAssertEqual(try lifecycle(try server(scripts: scripts)).restart(), .restarted)
        XCTAssertEqual(runner.actions, ["status", "stop", "start", "status"])
    }

    func testRestartScriptIsUsedWhenConfigured() throws {
        var scripts = runnerScripts
        scripts.restart = "{node_work_path}/runner.sh restart -d {dir}"
        XCTAssertEqual(try lifecycle(try server(scripts: scripts)).restart(), .restarted)
        XCTAssertEqual(runner.actions, ["restart"])
    }

    /// Console input is one argument, never executed, never expanded (docs/differences.md#sim-4).
    func testConsoleInputIsOneLiteralArgument() throws {
        running = true
        let server = try server()
        try SimpleManager().sendInput("say it's {rcon_password}", server, .testing(runner))
        XCTAssertEqual(runner.calls.last?.arguments.suffix(2), ["-c", "say it's {rcon_password}"])
    }

    func testConsoleInputWithoutASendScriptIsRefused() throws {
        for wrapper in ["{command}", "", "{command} --verbose"] {
            var scripts = runnerScripts
            scripts.sendCommand = wrapper
            XCTAssertThrowsError(try SimpleManager().sendInput("id", try server(scripts: scripts), .testing(runner))) {
                error in
                XCTAssertEqual(ExitStatus(for: error), .invalid)
                XCTAssertTrue("\(error)".contains("send_command"), "\(error)")
            }
        }
        XCTAssertTrue(runner.calls.isEmpty, "nothing may run")
    }

    /// Missing scripts are errors naming the setting, not `empty command` (docs/differences.md#sim-2).
    func testMissingScriptsNameTheSetting() throws {
        let server = try server(scripts: DaemonConfig.Scripts())
        XCTAssertFalse(SimpleManager().canTellStatus(server))
        XCTAssertThrowsError(try SimpleManager().status(server, .testing(runner))) { error in
            XCTAssertEqual(ExitStatus(for: error), .invalid)
            XCTAssertTrue("\(error)".contains("scripts.status"))
        }
        XCTAssertThrowsError(try SimpleManager().output(server, lines: 10, .testing(runner))) {
            XCTAssertTrue("\($0)".contains("getconsole"))
        }
        // Without a stop script, the hard stop of the processes with the server's marker is the
        // stop (none carries it here).
        XCTAssertNoThrow(try SimpleManager().stop(server, .testing(runner)))
        XCTAssertTrue(runner.calls.isEmpty)
    }

    func testOutputIsCutToTheLastLines() throws {
        XCTAssertEqual(try lifecycle(try server()).output(lines: 2), "b\nc\n")
        XCTAssertEqual(try lifecycle(try server()).output(lines: 0), "a\nb\nc\n")
        XCTAssertEqual(Lifecycle.lastLines("x\ny", 1), "y")
        XCTAssertEqual(Lifecycle.lastLines("", 5), "")
    }

    func testMetricsMeasureTheStatus() throws {
        running = true
        let samples = try lifecycle(try server()).metrics().samples
        XCTAssertEqual(
            samples.map(\.family.name), ["gameap_server_up", "gameap_server_failed"],
            "no processes carry this server's marker: up and failed only")
        XCTAssertEqual(samples.map(\.value), [.unsigned(1), .unsigned(0)])
        XCTAssertEqual(samples[1].labels.map(\.name), ["server_id", "server_uuid", "session"])
        XCTAssertEqual(runner.actions, ["status"])
    }

    func testDryRunDescribesChangesAndRunsOnlyQueries() throws {
        let lifecycle = lifecycle(try server(), dryRun: true)
        XCTAssertEqual(try lifecycle.start(), .wouldStart)
        XCTAssertEqual(runner.actions, ["status"], "only the read-only status ran")
        let plan = String(decoding: lifecycle.context.out.takeBuffered(), as: UTF8.self)
        XCTAssertTrue(plan.contains("runner.sh start -d /srv/gameap/servers/cs"), plan)
        XCTAssertTrue(plan.contains("HOSTNAME='Andrey'\\''s Server'"), plan)
    }

    func testConsoleStopCommandIsCheckedLikeConsoleInput() throws {
        let runner = RecordingRunner()
        runner.answer = { words in CommandResult(.exited(words.dropFirst().first == "status" ? 0 : 0)) }
        var config = Fixtures.config()
        config.scripts.status = "/bin/status"
        config.scripts.sendCommand = "/bin/send {command}"
        config.scripts.stop = "/bin/stop"
        var record = ServerRecord()
        record.id = 1
        record.dir = "s"
        record.settings = [("console_stop_command", "quit\n\u{1b}[2J")]
        let lifecycle = Lifecycle(
            manager: SimpleManager(), server: try Server(record: record, config: config), context: .testing(runner))
        XCTAssertThrowsError(try lifecycle.stop()) { XCTAssertEqual(ExitStatus(for: $0), .invalid) }
        XCTAssertFalse(runner.calls.contains { $0.arguments.first == "/bin/send" }, "nothing was typed")
    }
}
