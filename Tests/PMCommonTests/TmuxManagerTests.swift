import XCTest

@testable import PMCommon
@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

/// Defects found in review, each pinned.
/// The tmux manager's pieces without a tmux server: command sequences, the pane's shell, the
/// game's pid, exit codes, shared pane lists.
final class TmuxManagerTests: XCTestCase {
    /// A record word that is exactly `;` (or ends in one) must not end a tmux command.
    func testTmuxSequenceEscapesEveryWord() {
        XCTAssertEqual(
            TmuxManager.sequence([["new-session", "--", "sleep", ";", "a;", "b\\;"], ["set-option", "x", "y"]]),
            ["new-session", "--", "sleep", "\\;", "a\\;", "b\\\\;", ";", "set-option", "x", "y"])
    }

    /// tmux 3.3 drops a pane's unread output when the pane's process exits (measured: 9 of 300
    /// fast-failing starts lost their error line on a loaded machine). The pane's shell runs
    /// the words as they are, outlives the game and passes its exit status on.
    func testTmuxPaneShellRunsTheWordsAndOutlivesTheGame() throws {
        let argv = TmuxManager.shellPaneCommand(
            ["/bin/sh", "-c", "printf '%s|' \"$@\"; exit 7", "x", "$HOME;", "a b", "`id`"], name: "game")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: argv[0])
        process.arguments = Array(argv.dropFirst())
        let pipe = Pipe()
        process.standardOutput = pipe
        let started = Date()
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(output, "$HOME;|a b|`id`|")
        XCTAssertEqual(process.terminationStatus, 7)
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), TmuxManager.exitGrace)
    }

    /// The game is the pane shell's marked child while it runs; once it has exited, the shell
    /// that waits out its exit grace is no game (a stop that waited for a pid change returned
    /// during that grace). A pane process without the marker is a legacy session: its only
    /// child, else the process itself.
    func testGameIsThePaneShellsMarkedChild() throws {
        let marker = ServerMarker(name: "game", owner: "7/u")
        let argv = TmuxManager.shellPaneCommand(["/bin/sh", "-c", "sleep 0.6"], name: "game")
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: argv[0])
        shell.arguments = Array(argv.dropFirst())
        shell.environment = Dictionary(uniqueKeysWithValues: marker.environment.map { ($0.name, $0.value) })
        try shell.run()
        defer {
            kill(shell.processIdentifier, SIGKILL)
            shell.waitUntilExit()
        }
        let pid = Int(shell.processIdentifier)
        var game: (pid: Int, isMarked: Bool)?
        for _ in 0..<50 where game == nil {
            Thread.sleep(forTimeInterval: 0.01)
            game = TmuxManager.game(inPane: pid, marker)
        }
        let running = try XCTUnwrap(game?.pid)
        XCTAssertNotEqual(running, pid)
        XCTAssertEqual(game?.isMarked, true, "the run ends with the marked game")
        XCTAssertEqual(try String(contentsOfFile: "/proc/\(running)/comm", encoding: .utf8), "sh\n")
        while kill(Int32(running), 0) == 0 && Int32(running) != 0 { Thread.sleep(forTimeInterval: 0.01) }
        XCTAssertNil(TmuxManager.game(inPane: pid, marker), "the game exited: the shell's grace is no game")
        XCTAssertTrue(shell.isRunning, "the shell still waits out its grace")

        let legacy = Process()
        legacy.executableURL = URL(fileURLWithPath: "/bin/sh")
        legacy.arguments = ["-c", "sleep 5 & sleep 5 & wait"]
        try legacy.run()
        let legacyPid = legacy.processIdentifier
        defer {
            let children =
                (try? String(contentsOfFile: "/proc/\(legacyPid)/task/\(legacyPid)/children", encoding: .utf8)) ?? ""
            for child in children.split(separator: " ").compactMap({ Int32($0) }) { kill(child, SIGKILL) }
            legacy.terminate()
            legacy.waitUntilExit()
        }
        Thread.sleep(forTimeInterval: 0.1)
        let legacyGame = TmuxManager.game(inPane: Int(legacyPid), marker)
        XCTAssertEqual(legacyGame?.pid, Int(legacyPid), "two children: the process itself")
        XCTAssertEqual(legacyGame?.isMarked, false, "a legacy pane's process may outlive what it runs")
    }

    /// A dead pane's exit code: tmux's status, else 128 + the signal that killed the pane's
    /// process, else unknown.
    func testDeadPaneExitCode() {
        func pane(status: Int?, signal: Int?) -> TmuxManager.Pane {
            TmuxManager.Pane(
                session: "s", pid: 1, dead: true, deadStatus: status, deadSignal: signal, created: nil, piped: false,
                owner: "")
        }
        XCTAssertEqual(pane(status: 3, signal: nil).exitCode, 3)
        XCTAssertEqual(pane(status: 3, signal: nil).ending, "status 3")
        XCTAssertEqual(pane(status: nil, signal: 9).exitCode, 137)
        XCTAssertEqual(pane(status: nil, signal: 9).ending, "killed by signal 9")
        XCTAssertNil(pane(status: nil, signal: nil).exitCode)
        XCTAssertEqual(pane(status: nil, signal: nil).ending, "status unknown")
    }

    func testAFailedSnapshotIsNotRetriedForEveryServer() throws {
        let snapshots = PaneSnapshots()
        var calls = 0
        for _ in 0..<5 {
            XCTAssertThrowsError(
                try snapshots.panes(for: 7) {
                    calls += 1
                    throw TmuxError.failed(action: "list the panes", .timedOut(seconds: 10))
                })
        }
        XCTAssertEqual(calls, 1)
    }
}
