import Foundation
import PMCommon
import XCTest

@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

/// Cases run through each Linux manager's `GameBed`: a subclass per manager names it.
class GameBedCases: XCTestCase {
    var bed: GameBed!
    /// Tells this test's game processes apart from every other's.
    let tag = "pm" + String(UInt32.random(in: 0...UInt32.max), radix: 16)

    class func makeBed() throws -> GameBed {
        throw NSError(
            domain: "GameBedCases", code: 1, userInfo: [NSLocalizedDescriptionKey: "a subclass names the manager"])
    }

    override func setUpWithError() throws { bed = try Self.makeBed() }
    override func tearDown() { bed?.tearDown() }
}

/// Games that misbehave, through every Linux manager against its real backend: after pm-stop
/// (graceful, forced, and timed out) the server is stopped at once, none of its processes is
/// left, a save asked for exists, and pm-start runs exactly one new copy. A name that another
/// server owns is refused by every verb.
class StubbornGameCases: GameBedCases {
    enum StopKind: CaseIterable {
        case graceful, forced, timedOut

        var arguments: [String] {
            switch self {
            case .graceful: return ["--console-stop", "quit", "--timeout", "20"]
            case .forced: return ["--force"]
            case .timedOut: return ["--console-stop", "wait", "--timeout", "1"]
            }
        }

        func check(_ stop: Toolbox.Result, file: StaticString = #filePath, line: UInt = #line) {
            XCTAssertEqual(stop.status, 0, "\(self): \(stop.stderr)", file: file, line: line)
            switch self {
            case .graceful:
                XCTAssertTrue(
                    stop.stdout.hasPrefix("server 1: stopped gracefully after "), stop.stdout, file: file, line: line)
            case .forced: XCTAssertEqual(stop.stdout, "server 1: stopped\n", file: file, line: line)
            case .timedOut:
                XCTAssertEqual(
                    stop.stdout, "server 1: stopped: forced after 1 seconds (the server ignored wait)\n", file: file,
                    line: line)
            }
        }
    }

    /// Starts server 1 and waits until its game is up, with all its processes.
    private func startAndCheckOneCopy(_ record: String, _ game: StandInGame) throws {
        let start = try bed.tool("pm-start", [record])
        XCTAssertEqual(start.status, 0, start.stderr)
        XCTAssertTrue(try bed.waitForOutput(record, containing: "\(game.rawValue) ready").contains("ready"))
        let copies = Toolbox.poll(seconds: 5, until: { Int($0) == game.processesPerCopy }) {
            String((try? bed.processes(game, tag: tag).count) ?? -1)
        }
        XCTAssertEqual(Int(copies), game.processesPerCopy, "exactly one copy of \(game.rawValue)")
        XCTAssertEqual(try bed.tool("pm-status", [record]).status, 0)
    }

    func stopsEveryWay(_ game: StandInGame) throws {
        let record = try bed.record(id: 1, game: game, tag: tag)
        let save = bed.serverDirectory(1) + "/world.sav"
        for kind in StopKind.allCases {
            try? FileManager.default.removeItem(atPath: save)
            try startAndCheckOneCopy(record, game)
            kind.check(try bed.tool("pm-stop", kind.arguments + [record]))
            XCTAssertEqual(try bed.tool("pm-status", [record]).status, 1, "\(kind): stopped at once")
            XCTAssertEqual(try bed.processes(game, tag: tag), [], "\(kind): no process of \(game.rawValue) is left")
            if game == .slowSaver && kind == .graceful {
                XCTAssertEqual(
                    try? String(contentsOfFile: save, encoding: .utf8).split(separator: "\n").count, 30,
                    "the whole save")
            }
            XCTAssertEqual(try bed.tool("pm-stop", [record]).stdout, "server 1: already stopped\n")
        }
        try startAndCheckOneCopy(record, game)
        XCTAssertEqual(try bed.tool("pm-stop", ["--force", record]).status, 0)
        XCTAssertEqual(try bed.processes(game, tag: tag), [])
    }

    /// A game that saves only on SIGINT: `^SIGINT` (and `^C`) as the stop command sends it to
    /// the game's own process, and the stop is graceful, with the save on disk. A signal name
    /// the tools do not know is exit 2 with nothing sent.
    func stopsOnSignal() throws {
        let record = try bed.record(id: 1, game: .sigint, tag: tag)
        let save = bed.serverDirectory(1) + "/world.sav"
        for command in ["^SIGINT", "^C"] {
            try? FileManager.default.removeItem(atPath: save)
            try startAndCheckOneCopy(record, .sigint)
            let stop = try bed.tool("pm-stop", ["--console-stop", command, "--timeout", "20", record])
            XCTAssertEqual(stop.status, 0, "\(command): \(stop.stderr)")
            XCTAssertTrue(stop.stdout.hasPrefix("server 1: stopped gracefully after "), "\(command): \(stop.stdout)")
            XCTAssertEqual(try? String(contentsOfFile: save, encoding: .utf8), "saved on SIGINT\n", command)
            XCTAssertEqual(try bed.tool("pm-status", [record]).status, 1)
            XCTAssertEqual(try bed.processes(.sigint, tag: tag), [], "\(command): nothing left")
        }
        try startAndCheckOneCopy(record, .sigint)
        let pids = try bed.processes(.sigint, tag: tag)
        let unknown = try bed.tool("pm-stop", ["--console-stop", "^SIGNOPE", record])
        XCTAssertEqual(unknown.status, 2, unknown.stdout)
        XCTAssertTrue(unknown.stderr.contains("^SIGNOPE names no signal"), unknown.stderr)
        XCTAssertEqual(try bed.processes(.sigint, tag: tag), pids, "nothing was sent")
        XCTAssertEqual(try bed.tool("pm-stop", ["--force", record]).status, 0)
    }

    /// A game that exits at once (status 3) or crashes (SIGSEGV), at its start or a second
    /// later: stopped, nothing left, and each way of stopping says so.
    func crashesLeaveNothing(startChecked: Bool = true) throws {
        for (index, arguments) in [["exit"], ["segv"], ["segv", "1"]].enumerated() {
            let record = try bed.record(id: 1, game: .crashing, tag: tag, arguments: arguments)
            let start = try bed.tool("pm-start", [record])
            if arguments.count == 1 {
                if startChecked {
                    XCTAssertEqual(start.status, 1, "\(arguments): \(start.stdout)")
                    XCTAssertTrue(start.stderr.contains("exited at once"), start.stderr)
                }
            } else {
                XCTAssertEqual(start.status, 0, start.stderr)
                _ = try bed.waitForOutput(record, containing: "segmentation fault ahead")
            }
            // Down for good: systemd's default `Restart=always` brings the game back until its
            // start limit, each wait for a restart reading as down (`restart_at`).
            let stopped = Toolbox.poll(seconds: 20, until: { $0 == "down" }) {
                let json = (try? bed.tool("pm-status", ["--json", record]).stdout) ?? ""
                return json.contains(#""state":"running""#) || json.contains(#""restart_at""#) || json.isEmpty
                    ? json : "down"
            }
            XCTAssertEqual(stopped, "down", "\(arguments)")
            XCTAssertEqual(try bed.tool("pm-status", [record]).status, 1, "\(arguments)")
            for kind in StopKind.allCases {
                let stop = try bed.tool("pm-stop", kind.arguments + [record])
                XCTAssertEqual(stop.status, 0, "\(index) \(kind): \(stop.stderr)")
                XCTAssertEqual(stop.stdout, "server 1: already stopped\n", "\(index) \(kind)")
                XCTAssertEqual(try bed.tool("pm-status", [record]).status, 1)
                XCTAssertEqual(try bed.processes(.crashing, tag: tag), [], "\(arguments) \(kind)")
            }
        }
    }

    /// Server 2's uuid differs from server 1's only where the XID name drops bits: every verb
    /// on server 2 is refused, naming server 1, and server 1 keeps running.
    func namesAreOwned() throws {
        let first = try bed.record(id: 1, game: .deaf, tag: tag)
        try startAndCheckOneCopy(first, .deaf)
        let pids = try bed.processes(.deaf, tag: tag)
        let second = try bed.record(id: 2, game: .deaf, tag: tag + "b", uuid: bed.collidingUUID(1))
        let verbs: [(String, [String])] = [
            ("pm-start", []), ("pm-start", ["--restart"]), ("pm-stop", []), ("pm-stop", ["--force"]),
            ("pm-status", []), ("pm-input", ["-c", "quit"]), ("pm-output", []), ("pm-metrics", [])
        ]
        for (tool, arguments) in verbs {
            let result = try bed.tool(tool, arguments + [second])
            XCTAssertEqual(result.status, 1, "\(tool) \(arguments): \(result.stdout)")
            XCTAssertTrue(
                result.stderr.contains("belongs to server 1, not to server 2"), "\(tool) \(arguments): \(result.stderr)"
            )
        }
        XCTAssertEqual(try bed.processes(.deaf, tag: tag + "b"), [], "server 2 never ran")
        XCTAssertEqual(try bed.processes(.deaf, tag: tag), pids, "server 1 runs on, untouched")
        XCTAssertEqual(try bed.tool("pm-status", [first]).status, 0)
        XCTAssertEqual(try bed.tool("pm-stop", ["--force", first]).status, 0)
    }
}

final class TmuxStubbornGameTests: StubbornGameCases {
    override class func makeBed() throws -> GameBed { try TmuxNode() }

    func testAGameThatIgnoresSignals() throws { try stopsEveryWay(.deaf) }
    func testAGameThatLeavesDaemons() throws { try stopsEveryWay(.forking) }
    func testAGameThatSavesSlowly() throws { try stopsEveryWay(.slowSaver) }
    func testAGameThatSavesOnSIGINT() throws { try stopsOnSignal() }
    func testCrashes() throws { try crashesLeaveNothing() }
    func testNamesAreOwned() throws { try namesAreOwned() }

    /// 50 graceful stops, each followed by a start, without a failure: the status is right
    /// at once after each, and one copy runs after each start.
    func testFiftyStopThenStartCycles() throws {
        let record = try bed.record(id: 1, game: .deaf, tag: tag)
        XCTAssertEqual(try bed.tool("pm-start", [record]).status, 0)
        for cycle in 1...50 {
            _ = try bed.waitForOutput(record, containing: "ready")
            let stop = try bed.tool("pm-stop", ["--console-stop", "quit", record])
            XCTAssertTrue(
                stop.stdout.hasPrefix("server 1: stopped gracefully after "),
                "cycle \(cycle): \(stop.stdout)\(stop.stderr)")
            XCTAssertEqual(try bed.tool("pm-status", [record]).status, 1, "cycle \(cycle)")
            XCTAssertEqual(try bed.processes(.deaf, tag: tag), [], "cycle \(cycle)")
            let start = try bed.tool("pm-start", [record])
            XCTAssertEqual(start.stdout, "server 1: started\n", "cycle \(cycle): \(start.stderr)")
            XCTAssertEqual(try bed.processes(.deaf, tag: tag).count, 1, "cycle \(cycle)")
        }
        XCTAssertEqual(try bed.tool("pm-stop", ["--force", record]).status, 0)
    }

    /// A game that even SIGKILL does not end (frozen by the cgroup v1 freezer, it sleeps
    /// uninterruptibly, as a game stuck on a dead disk does) fails the stop with exit 1 and
    /// the process named; a second stop says the same, until it can end.
    func testAGameThatSIGKILLCannotEndFailsTheStop() throws {
        let record = try bed.record(id: 1, game: .deaf, tag: tag)
        XCTAssertEqual(try bed.tool("pm-start", [record]).status, 0)
        _ = try bed.waitForOutput(record, containing: "ready")
        let pid = try XCTUnwrap(try bed.processes(.deaf, tag: tag).first)
        let group = "/sys/fs/cgroup/freezer/pm-e2e-\(tag)"
        XCTAssertEqual(
            try Toolbox.shell(
                "mkdir \(group) && echo \(pid) > \(group)/cgroup.procs && echo FROZEN > \(group)/freezer.state"
            ).status, 0,
            "this test needs the cgroup v1 freezer, as root")
        defer { _ = try? Toolbox.shell("echo THAWED > \(group)/freezer.state; sleep 0.2; rmdir \(group)") }
        for attempt in 1...2 {
            let stop = try bed.tool("pm-stop", ["--force", record])
            XCTAssertEqual(stop.status, 1, "attempt \(attempt): \(stop.stdout)")
            XCTAssertTrue(
                stop.stderr.contains(
                    "pm-stop: server 1: process \(pid) (deaf-game, state D: uninterruptible sleep) still running "
                        + "after SIGKILL: server 1 is not stopped"
                ),
                "attempt \(attempt): \(stop.stderr)")
        }
        XCTAssertEqual(try Toolbox.shell("echo THAWED > \(group)/freezer.state").status, 0)
        let gone = Toolbox.poll(seconds: 5, until: { $0 == "[]" }) {
            "\((try? bed.processes(.deaf, tag: tag)) ?? ["?"])"
        }
        XCTAssertEqual(gone, "[]", "thawed, the SIGKILL takes")
        XCTAssertEqual(try bed.tool("pm-stop", [record]).stdout, "server 1: already stopped\n")
    }

    /// SIGHUP (a closed terminal) to a follower of a server without a console log: the pane's
    /// pipe is turned off and its private directory removed, as on SIGINT.
    func testAFollowerThatLosesItsTerminalCleansUp() throws {
        let node = try XCTUnwrap(bed as? TmuxNode)
        let record = try bed.record(id: 1, game: .deaf, tag: tag, settings: [("console_log", "no")])
        XCTAssertEqual(try bed.tool("pm-start", [record]).status, 0)
        _ = try bed.waitForOutput(record, containing: "ready")
        let before = try FileManager.default.contentsOfDirectory(atPath: "/tmp").filter { $0.hasPrefix("pm-console-") }
        for signal in ["HUP", "TERM", "INT"] {
            let follower = try Toolbox.shell(
                """
                \(ShellWords.join([Toolbox.path("pm-output"), "--config", node.configPath])) \
                \(ShellWords.join(["--state-dir", node.statePath, "--follow", record])) &
                pid=$!
                sleep 1
                kill -\(signal) $pid
                wait $pid
                """, environment: node.environment, timeout: 30)
            XCTAssertEqual(follower.status, 0, "\(signal): \(follower.stderr)")
            XCTAssertTrue(follower.stdout.contains("deaf-game ready"), follower.stdout)
            let session = XID.name(uuid: node.uuid(1), id: 1)
            XCTAssertEqual(
                try node.tmux(["display", "-p", "-t", "=\(session):", "#{pane_pipe}"]).stdout, "0\n",
                "\(signal): the pipe is off")
            let after = try FileManager.default.contentsOfDirectory(atPath: "/tmp").filter {
                $0.hasPrefix("pm-console-")
            }
            XCTAssertEqual(Set(after), Set(before), "\(signal): the follower's directory is removed")
        }
        // SIGKILL cannot be cleaned up after; the piped cat ends with the pane's next output,
        // since nobody reads its FIFO any more, and tmux turns the pipe off when it writes the
        // output after that.
        let killed = try Toolbox.shell(
            """
            \(ShellWords.join([Toolbox.path("pm-output"), "--config", node.configPath])) \
            \(ShellWords.join(["--state-dir", node.statePath, "--follow", record])) &
            pid=$!
            sleep 1
            kill -KILL $pid
            """, environment: node.environment, timeout: 30)
        XCTAssertEqual(killed.status, 0)
        let session = XID.name(uuid: node.uuid(1), id: 1)
        XCTAssertEqual(
            try node.tmux(["display", "-p", "-t", "=\(session):", "#{pane_pipe}"]).stdout, "1\n",
            "piped while the game is quiet")
        var pipe = ""
        for _ in 1...5 where pipe != "0\n" {
            XCTAssertEqual(try bed.tool("pm-input", ["-c", "say anyone there?", record]).status, 0)
            pipe = Toolbox.poll(seconds: 0.5, until: { $0 == "0\n" }) {
                (try? node.tmux(["display", "-p", "-t", "=\(session):", "#{pane_pipe}"]).stdout) ?? ""
            }
        }
        XCTAssertEqual(pipe, "0\n", "the pipe ends with the game's next lines")
        _ = try Toolbox.shell("rm -rf /tmp/pm-console-*")
        XCTAssertEqual(try bed.tool("pm-stop", ["--force", record]).status, 0)
    }
}

final class SimpleStubbornGameTests: StubbornGameCases {
    override class func makeBed() throws -> GameBed { try SimpleNode() }

    func testAGameThatIgnoresSignals() throws { try stopsEveryWay(.deaf) }
    func testAGameThatLeavesDaemons() throws { try stopsEveryWay(.forking) }
    func testAGameThatSavesSlowly() throws { try stopsEveryWay(.slowSaver) }
    func testAGameThatSavesOnSIGINT() throws { try stopsOnSignal() }
    /// runner.sh starts the game in the background, so a game that dies at once may still
    /// look alive when pm-start asks the status script: the start may report success.
    func testCrashes() throws { try crashesLeaveNothing(startChecked: false) }

    /// The simple manager keeps no name in a backend (its scripts find servers by directory),
    /// so two servers whose names collide both run; their markers still tell their processes
    /// apart, and stopping one leaves the other alone.
    func testServersWithCollidingNamesStayApart() throws {
        let first = try bed.record(id: 1, game: .deaf, tag: tag)
        let second = try bed.record(id: 2, game: .deaf, tag: tag + "b", uuid: bed.collidingUUID(1))
        XCTAssertEqual(try bed.tool("pm-start", [first]).status, 0)
        XCTAssertEqual(try bed.tool("pm-start", [second]).status, 0)
        _ = try bed.waitForOutput(second, containing: "ready")
        let pids = try bed.processes(.deaf, tag: tag)
        XCTAssertEqual(pids.count, 1)
        XCTAssertEqual(try bed.tool("pm-stop", ["--force", second]).status, 0)
        XCTAssertEqual(try bed.processes(.deaf, tag: tag + "b"), [])
        XCTAssertEqual(try bed.processes(.deaf, tag: tag), pids, "server 1 runs on")
        XCTAssertEqual(try bed.tool("pm-stop", ["--force", first]).status, 0)
    }
}

final class SystemdStubbornGameTests: StubbornGameCases {
    override class func makeBed() throws -> GameBed { try SystemdNode() }

    func testAGameThatIgnoresSignals() throws { try stopsEveryWay(.deaf) }
    func testAGameThatLeavesDaemons() throws { try stopsEveryWay(.forking) }
    func testAGameThatSavesSlowly() throws { try stopsEveryWay(.slowSaver) }
    func testAGameThatSavesOnSIGINT() throws { try stopsOnSignal() }
    func testCrashes() throws { try crashesLeaveNothing() }
    func testNamesAreOwned() throws { try namesAreOwned() }

    /// A graceful stop interrupted by SIGTERM or SIGHUP removes its Restart=no drop-in before
    /// it exits (the game, which got its stop command, is then restarted by systemd: the stop
    /// did not finish). One killed with SIGKILL leaves the drop-in; the next pm-start removes
    /// it, so the unit restarts its game again.
    func testAnInterruptedStopUndoesItsDropIn() throws {
        let node = try XCTUnwrap(bed as? SystemdNode)
        let record = try bed.record(id: 1, game: .slowSaver, tag: tag)
        let service = node.service(1)
        let dropIn = node.runtimeDirectory + "/systemd/user/\(service).d/50-pm-graceful-stop.conf"
        for signal in ["TERM", "HUP", "KILL"] {
            XCTAssertEqual(try bed.tool("pm-start", [record]).status, 0, signal)
            _ = try bed.waitForOutput(record, containing: "ready")
            let stop = try Toolbox.shell(
                """
                \(stopCommand(node, record)) &
                pid=$!
                sleep 1.5
                [ -f \(ShellWords.quote(dropIn)) ] && echo drop-in-present
                kill -\(signal) $pid
                wait $pid
                """, timeout: 30)
            XCTAssertTrue(stop.stdout.contains("drop-in-present"), "\(signal): \(stop.stdout)\(stop.stderr)")
            if signal == "KILL" {
                XCTAssertTrue(FileManager.default.fileExists(atPath: dropIn), "SIGKILL leaves the drop-in")
                // The game saves and quits; with the drop-in left, systemd does not start it again.
                let down = Toolbox.poll(seconds: 10, until: { $0 == "1" }) {
                    String((try? bed.tool("pm-status", [record]).status) ?? -1)
                }
                XCTAssertEqual(down, "1")
            } else {
                XCTAssertEqual(stop.status, 1, "\(signal): \(stop.stdout)")
                XCTAssertTrue(stop.stderr.contains("interrupted"), stop.stderr)
                XCTAssertFalse(FileManager.default.fileExists(atPath: dropIn), "\(signal): the drop-in is removed")
                XCTAssertEqual(try bed.tool("pm-stop", ["--force", record]).status, 0)
            }
        }
        XCTAssertEqual(try bed.tool("pm-start", [record]).status, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dropIn), "pm-start removes a stale drop-in")
        XCTAssertEqual(try node.systemctl(["show", "-p", "Restart", service]).stdout, "Restart=always\n")
        XCTAssertEqual(try bed.tool("pm-stop", ["--force", record]).status, 0)
    }

    /// pm-stop as the test user, started with exec all the way (setpriv, env), so that `$!`
    /// is pm-stop itself and a signal reaches it, not a wrapper.
    private func stopCommand(_ node: SystemdNode, _ record: String) -> String {
        let user = SystemdNode.user
        let words = [
            "setpriv", "--reuid=\(user)", "--regid=\(node.account.gid)", "--init-groups", "env", "-i",
            "PATH=\(SystemdNode.binDirectory):/usr/bin:/bin", "XDG_RUNTIME_DIR=\(node.runtimeDirectory)",
            "pm-stop", "--config", node.configPath, "--state-dir", node.statePath, "--console-stop", "quit", record
        ]
        return ShellWords.join(words)
    }
}

final class DockerStubbornGameTests: StubbornGameCases {
    override class func makeBed() throws -> GameBed { try DockerNode() }

    func testAGameThatIgnoresSignals() throws { try stopsEveryWay(.deaf) }
    func testAGameThatLeavesDaemons() throws { try stopsEveryWay(.forking) }
    func testAGameThatSavesSlowly() throws { try stopsEveryWay(.slowSaver) }
    func testAGameThatSavesOnSIGINT() throws { try stopsOnSignal() }
    func testCrashes() throws { try crashesLeaveNothing() }
    func testNamesAreOwned() throws { try namesAreOwned() }
}

final class PodmanStubbornGameTests: StubbornGameCases {
    override class func makeBed() throws -> GameBed {
        try DockerNode(socket: DockerNode.podmanSocket, manager: "podman")
    }

    func testAGameThatIgnoresSignals() throws { try stopsEveryWay(.deaf) }
    func testAGameThatLeavesDaemons() throws { try stopsEveryWay(.forking) }
    func testAGameThatSavesSlowly() throws { try stopsEveryWay(.slowSaver) }
    func testAGameThatSavesOnSIGINT() throws { try stopsOnSignal() }
    func testCrashes() throws { try crashesLeaveNothing() }
    func testNamesAreOwned() throws { try namesAreOwned() }
}
