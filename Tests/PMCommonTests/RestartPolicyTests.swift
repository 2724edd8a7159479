import Foundation
import XCTest

@testable import PMCore
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

/// The restart policy's arithmetic, the run history and ledger formats, how a status is told
/// from them, and what each backend is given. The supervisor itself, and each backend's
/// restarts, are tested for real in `RestartPolicyCases`.
final class RestartPolicyTests: XCTestCase {
    private func server(_ settings: [(String, String)]) throws -> Server {
        try Fixtures.vectorServer(settings: settings)
    }

    func testTheDelayDoublesUpToItsCapAndTheLimitCountsWithinTheWindow() throws {
        var policy = RestartPolicy(mode: .onFailure)
        policy.delay = 1
        policy.delayMax = 5
        policy.limit = 4
        policy.window = 100
        XCTAssertEqual(policy.next(after: [], now: 1000), .restart(after: 1))
        XCTAssertEqual(policy.next(after: [990], now: 1000), .restart(after: 2))
        XCTAssertEqual(policy.next(after: [980, 990], now: 1000), .restart(after: 4))
        XCTAssertEqual(policy.next(after: [970, 980, 990], now: 1000), .restart(after: 5), "capped")
        XCTAssertEqual(policy.next(after: [960, 970, 980, 990], now: 1000), .giveUp)
        XCTAssertEqual(
            policy.next(after: [800, 850, 880, 990], now: 1000), .restart(after: 2),
            "restarts older than the window no longer count")
        policy.limit = 0
        XCTAssertEqual(policy.next(after: [], now: 1000), .giveUp, "limit 0: never restart")
    }

    func testWhichExitsEachModeCovers() {
        let clean = GameExit(status: 0)
        let failed = GameExit(status: 3)
        let crashed = GameExit(signal: SIGSEGV)
        XCTAssertEqual([clean, failed, crashed].map(RestartPolicy(mode: .no).covers), [false, false, false])
        XCTAssertEqual([clean, failed, crashed].map(RestartPolicy(mode: .onFailure).covers), [false, true, true])
        XCTAssertEqual([clean, failed, crashed].map(RestartPolicy(mode: .always).covers), [true, true, true])
    }

    func testSettingsAndTheSupervisorsArgument() throws {
        let policy = try RestartPolicy.of(
            try server([
                ("restart_policy", "On-Failure"), ("restart_delay", "2.5"), ("restart_delay_max", "60"),
                ("restart_limit", "3"), ("restart_window", "120")
            ]))
        XCTAssertEqual(policy.mode, .onFailure)
        XCTAssertEqual(policy.argument, "on-failure/2.5/60/3/120")
        XCTAssertEqual(RestartPolicy(argument: policy.argument), policy)
        XCTAssertEqual(try RestartPolicy.of(try server([])).mode, .no, "the default of the managers without one")
        XCTAssertEqual(try RestartPolicy.of(try server([]), fallback: .always).mode, .always)
        XCTAssertFalse(RestartPolicy.isSet(try server([])))
        XCTAssertTrue(RestartPolicy.isSet(try server([("restart_delay", "3")])))
        for bad in [
            ("restart_policy", "sometimes"), ("restart_delay", "-1"), ("restart_limit", "1001"),
            ("restart_window", "forever")
        ] {
            XCTAssertThrowsError(try RestartPolicy.of(try server([bad])), "\(bad)") {
                XCTAssertEqual(($0 as? ToolError)?.exitStatus, .invalid, "\(bad)")
                XCTAssertTrue("\($0)".contains(bad.0), "\($0)")
            }
        }
        for bad in ["", "on-failure/1/2/3", "sometimes/1/2/3/4", "no/1/2/x/4", "no/inf/2/3/4", "no/1/2/3/4/5"] {
            XCTAssertNil(RestartPolicy(argument: bad), bad)
        }
    }

    func testGameExits() {
        XCTAssertEqual(GameExit(waitStatus: 3 << 8, at: nil), GameExit(status: 3))
        XCTAssertEqual(GameExit(waitStatus: SIGSEGV, at: nil), GameExit(signal: SIGSEGV))
        XCTAssertEqual(GameExit(code: 139).signalName, "SIGSEGV", "a shell's 128 + N")
        XCTAssertEqual(GameExit(code: 3).status, 3)
        XCTAssertEqual(GameExit(signal: SIGKILL).code, 137)
        XCTAssertEqual("\(GameExit(signal: SIGSEGV))", "killed by SIGSEGV")
        XCTAssertEqual("\(GameExit(status: 3))", "exit status 3")
        XCTAssertEqual(GameExit.number(named: "SEGV"), SIGSEGV)
        XCTAssertEqual(GameExit.name(of: 63), "SIG63")
    }

    func testEveryHistoryLineReadsBack() throws {
        let events: [RunHistory.Event] = [
            .start, .run(pid: 42), .exit(GameExit(status: 3, at: 1_796_000_000.5), asked: false),
            .exit(GameExit(signal: SIGSEGV, at: 1_796_000_000.5), asked: true), .wait(seconds: 2.5), .gaveUp, .stop,
            .script(GameExit(status: 0, at: 1_796_000_000.5))
        ]
        for event in events {
            let line = RunHistory.line(event, at: 1_796_000_000.5)
            XCTAssertTrue(line.hasSuffix("\n"))
            let parsed = try XCTUnwrap(RunHistory.parse(line.dropLast()[...]), line)
            XCTAssertEqual(parsed.event, event, line)
            XCTAssertEqual(parsed.at, 1_796_000_000.5, accuracy: 0.001)
        }
        for garbage in [
            "", "x\tstart", "2026-12-03T16:20:00.123Z\tnope", "2026-12-03T16:20:00.123Z\trun\tx",
            "2026-12-03T16:20:00.123Z\texit\tstatus 300\tunasked", "2026-12-03T16:20:00.123Z\texit\tsignal X\tasked"
        ] {
            XCTAssertNil(RunHistory.parse(garbage[...]), garbage)
        }
    }

    /// A crash loop: the restarts are the runs after a wait; the last exit, and that the
    /// supervisor gave up, are what is left.
    func testTheSummaryOfACrashLoop() {
        let exit = GameExit(status: 3)
        var text = "garbage line\n"
        var time = 1_796_000_000.0
        func add(_ event: RunHistory.Event) {
            text += RunHistory.line(event, at: time)
            time += 1
        }
        add(.start)
        add(.run(pid: 1))
        add(.exit(exit, asked: false))
        add(.wait(seconds: 1))
        let waiting = RunHistory.summary(of: text)
        XCTAssertEqual(waiting.restartAt, 1_796_000_003 + 1, "the wait's time plus its seconds")
        add(.run(pid: 2))
        add(.exit(exit, asked: false))
        add(.wait(seconds: 2))
        add(.run(pid: 3))
        add(.exit(exit, asked: false))
        add(.gaveUp)
        let summary = RunHistory.summary(of: text)
        XCTAssertEqual(summary.runs, 3)
        XCTAssertEqual(summary.restarts, 2)
        XCTAssertEqual(summary.lastExit?.status, 3)
        XCTAssertFalse(summary.lastExitAsked)
        XCTAssertTrue(summary.gaveUp)
        XCTAssertNil(summary.restartAt)
        add(.start)
        add(.run(pid: 4))
        XCTAssertEqual(RunHistory.summary(of: text).restarts, 0, "a start begins again")
        add(.exit(GameExit(status: 0), asked: false))
        add(.run(pid: 5))
        XCTAssertEqual(RunHistory.summary(of: text).restarts, 0, "a run without a wait (--if-down) is not the loop's")
    }

    func testTheLedgerTellsAStopOnPurposeAndCountsRestarts() throws {
        let state = StateDirectory(path: NSTemporaryDirectory() + "pm-ledger-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(atPath: state.path) }
        let ledger = RestartLedger(try server([]), state: state)
        XCTAssertEqual(ledger.read(), RestartLedger.State())
        try ledger.record(.start, at: 1000)
        try ledger.record(.restart, at: 1010)
        try ledger.record(.restart, at: 1020)
        var read = ledger.read()
        XCTAssertEqual(read.restartTimes, [1010, 1020])
        XCTAssertFalse(read.stoppedOnPurpose)
        XCTAssertEqual(read.lastAt, 1020)
        try ledger.record(.stop, at: 1030)
        read = ledger.read()
        XCTAssertTrue(read.stoppedOnPurpose)
        XCTAssertEqual(read.restartTimes, [])
        try ledger.record(.start, at: 1040)
        XCTAssertEqual(ledger.read().restartTimes, [])
        XCTAssertFalse(ledger.read().stoppedOnPurpose)
        let mode = try FileManager.default.attributesOfItem(atPath: state.path + "/runs")[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o700)
    }

    /// A server down after a failure no stop asked for is failed; after a stop, stopped; a
    /// clean exit is stopped.
    func testTheStatusIsToldWithTheLedger() throws {
        let state = StateDirectory(path: NSTemporaryDirectory() + "pm-ledger-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(atPath: state.path) }
        let server = try server([])
        let context = VerbContext(
            out: OutputChannel(), err: OutputChannel(),
            executor: Executor(runner: RecordingRunner(), echo: nil, masker: SecretMasker([]), plan: nil),
            state: state, options: VerbOptions())
        let lifecycle = Lifecycle(manager: SimpleManager(), server: server, context: context)
        var crashed = ServerStatus(.stopped)
        crashed.lastExit = GameExit(signal: SIGSEGV, at: Clock.wall - 40)
        XCTAssertEqual(lifecycle.settled(crashed).state, .failed)
        XCTAssertEqual(lifecycle.settled(crashed).summary(now: Clock.wall), "failed (killed by SIGSEGV 40 seconds ago)")
        var clean = ServerStatus(.stopped)
        clean.lastExit = GameExit(status: 0)
        XCTAssertEqual(lifecycle.settled(clean).state, .stopped)
        var running = ServerStatus(.running)
        running.restarts = 2
        running.lastExit = crashed.lastExit
        XCTAssertEqual(
            lifecycle.settled(running).summary(now: Clock.wall),
            "running (restarted 2 times, last: killed by SIGSEGV 40 seconds ago)")
        try RestartLedger(server, state: state).record(.stop)
        XCTAssertEqual(lifecycle.settled(crashed).state, .stopped, "a stop on purpose is no failure")
        XCTAssertEqual(lifecycle.settled(crashed).summary(now: Clock.wall), "stopped")
    }

    func testTheSupervisorsCommandLine() throws {
        var policy = RestartPolicy(mode: .always)
        policy.delay = 1
        let words = GameSupervisor.commandLine(
            program: "/usr/bin/pm-start", directory: "/var/lib/gameap-pm/servers/7-x", policy: policy, fresh: false,
            script: true, words: ["./game", "--", "-x"])
        XCTAssertEqual(
            words,
            [
                "/usr/bin/pm-start", "--supervise", "/var/lib/gameap-pm/servers/7-x", "--policy", "always/1/300/5/600",
                "--continue", "--script", "--", "./game", "--", "-x"
            ])
        let parsed = try GameSupervisor(arguments: Array(words.dropFirst()))
        XCTAssertEqual(parsed.words, ["./game", "--", "-x"])
        XCTAssertEqual(parsed.policy, policy)
        XCTAssertFalse(parsed.fresh)
        XCTAssertTrue(parsed.script)
        for bad in [
            ["--supervise"], ["--supervise", "relative", "--policy", "no/1/1/1/1", "--", "x"],
            ["--supervise", "/d", "--policy", "bad", "--", "x"], ["--supervise", "/d", "--policy", "no/1/1/1/1", "--"],
            ["--supervise", "/d", "--policy", "no/1/1/1/1", "x"]
        ] {
            XCTAssertThrowsError(try GameSupervisor(arguments: bad), "\(bad)") {
                XCTAssertEqual(($0 as? ToolError)?.exitStatus, .invalid)
            }
        }
    }

    /// systemd: the reference's `Restart=always` alone without settings; with them the policy,
    /// its delay, the start limit, and the doubling only where systemd has `RestartSteps=`.
    func testSystemdDirectives() throws {
        XCTAssertEqual(try UnitFiles.RestartDirectives(try server([]), systemdVersion: 252).service, ["Restart=always"])
        XCTAssertEqual(try UnitFiles.RestartDirectives(try server([]), systemdVersion: 252).unit, [])
        let settings = [("restart_policy", "on-failure"), ("restart_delay", "10"), ("restart_limit", "3")]
        let old = try UnitFiles.RestartDirectives(try server(settings), systemdVersion: 252)
        XCTAssertEqual(
            old.service,
            ["Restart=on-failure", "RestartSec=10000ms", "RestartForceExitStatus=SIGHUP SIGINT SIGTERM SIGPIPE"])
        XCTAssertEqual(old.unit, ["StartLimitIntervalSec=600000ms", "StartLimitBurst=4"])
        let new = try UnitFiles.RestartDirectives(try server(settings), systemdVersion: 255)
        XCTAssertEqual(Array(new.service.suffix(2)), ["RestartSteps=5", "RestartMaxDelaySec=300000ms"])
        let always = try UnitFiles.RestartDirectives(try server([("restart_delay", "1")]), systemdVersion: nil)
        XCTAssertEqual(always.service, ["Restart=always", "RestartSec=1000ms"], "the reference's mode, a delay set")
    }

    /// Docker and Podman: the engine's policy, with the limit as its retry count.
    func testContainerPolicies() throws {
        XCTAssertEqual(
            JSONWriter.string(try DockerContainerSpec.restartPolicy(try server([]))),
            #"{"Name":"no","MaximumRetryCount":0}"#)
        XCTAssertEqual(
            JSONWriter.string(
                try DockerContainerSpec.restartPolicy(
                    try server([("restart_policy", "on-failure"), ("restart_limit", "3")]))),
            #"{"Name":"on-failure","MaximumRetryCount":3}"#)
        XCTAssertEqual(
            JSONWriter.string(try DockerContainerSpec.restartPolicy(try server([("restart_policy", "always")]))),
            #"{"Name":"always","MaximumRetryCount":0}"#)
    }

    /// The supervisor (and the console logger) run as the game's user: a `pm-start` that user
    /// may not run (in a directory only root can search) is not used.
    func testAHelperMustBeRunnableByTheGamesUser() throws {
        let directory = NSTemporaryDirectory() + "pm-runnable-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let tool = directory + "/pm-start"
        FileManager.default.createFile(atPath: tool, contents: Data("#!/bin/sh\n".utf8))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: tool)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory)
        let stranger = Account(name: "stranger", uid: 54321, gid: 54321, groups: [], home: "/")
        XCTAssertTrue(ExecutableLookup.canRun(tool, stranger))
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory)
        XCTAssertFalse(ExecutableLookup.canRun(tool, stranger), "the directory cannot be searched")
        let owner = Account(name: "owner", uid: geteuid(), gid: getegid(), groups: [], home: "/")
        XCTAssertTrue(ExecutableLookup.canRun(tool, owner))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: tool)
        XCTAssertFalse(ExecutableLookup.canRun(tool, stranger), "no execute permission for others")
    }
}
