import Foundation
import XCTest

@testable import PMCore
@testable import PMSystem
@testable import PMTestSupport

/// The graceful stop's rules, with a manager whose answers a test writes and a real process
/// standing in for the game.
final class LifecycleTests: XCTestCase {
    /// A manager that answers `status` from `statuses` (the last one again once they run out),
    /// watches `game`, and records which calls came with a shared snapshot allowed.
    private final class ScriptedManager: ProcessManager, @unchecked Sendable {
        let kind = ManagerKind.simple
        var statuses: [ServerStatus]
        var game: Process?
        private(set) var calls: [(name: String, shared: Bool)] = []

        init(_ statuses: [ServerStatus]) { self.statuses = statuses }

        func status(_ server: Server, _ context: VerbContext) throws -> ServerStatus {
            calls.append(("status", context.options.sharedQueries))
            return statuses.count > 1 ? statuses.removeFirst() : statuses[0]
        }

        func processesToWatch(_ server: Server, _ status: ServerStatus, _ context: VerbContext) -> [ProcessHandle] {
            (game?.processIdentifier).flatMap { ProcessHandle(pid: $0) }.map { [$0] } ?? []
        }

        func sendInput(_ line: String, _ server: Server, _ context: VerbContext) throws {
            calls.append(("send", context.options.sharedQueries))
        }

        func removeExited(_ server: Server, _ context: VerbContext) throws {
            calls.append(("removeExited", context.options.sharedQueries))
        }

        func start(_ server: Server, _ context: VerbContext) throws {}
        func stop(_ server: Server, _ context: VerbContext) throws {
            calls.append(("stop", context.options.sharedQueries))
        }
        func output(_ server: Server, lines: Int, _ context: VerbContext) throws -> String { "" }
    }

    private func server() throws -> Server {
        try Fixtures.vectorServer(settings: [("console_stop_command", "quit")])
    }

    private func context(shared: Bool) -> VerbContext {
        var options = VerbOptions()
        options.sharedQueries = shared
        options.stopTimeout = 5
        return .testing(RecordingRunner(), options: options)
    }

    /// A stand-in game that exits `seconds` after it starts.
    private func game(exitingAfter seconds: Double) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sleep")
        process.arguments = [String(seconds)]
        try process.run()
        return process
    }

    /// A game whose run ends with its process (a tmux pane's marked game): once its pidfd says
    /// it exited, the stop is over without asking the backend again, though the backend
    /// still said running before.
    func testTheExitOfAGameWhoseRunEndsWithItsProcessEndsTheWait() throws {
        let game = try game(exitingAfter: 0.2)
        defer { game.waitUntilExit() }
        let running = ServerStatus(.running, pid: Int(game.processIdentifier), endsWithPid: true)
        let manager = ScriptedManager([running])
        manager.game = game
        let lifecycle = Lifecycle(manager: manager, server: try server(), context: context(shared: false))
        guard case .stoppedGracefully = try lifecycle.stop() else { return XCTFail("not a graceful stop") }
        XCTAssertEqual(manager.calls.map(\.name), ["status", "send", "removeExited"])
    }

    /// A changed or exited pid alone proves nothing for another manager: the status is asked
    /// again, and the stop waits until it says stopped.
    func testAnExitedPidIsCheckedWithTheBackendWhenTheRunMayGoOn() throws {
        let game = try game(exitingAfter: 0.1)
        defer { game.waitUntilExit() }
        let running = ServerStatus(.running, pid: Int(game.processIdentifier))
        let manager = ScriptedManager([running, running, running, ServerStatus(.stopped)])
        manager.game = game
        let lifecycle = Lifecycle(manager: manager, server: try server(), context: context(shared: false))
        guard case .stoppedGracefully = try lifecycle.stop() else { return XCTFail("not a graceful stop") }
        XCTAssertEqual(manager.calls.map(\.name), ["status", "send", "status", "status", "status", "removeExited"])
    }

    /// In a batch, the first look and the console line may come from a snapshot shared by the
    /// batch's servers; everything after the line was sent asks the backend afresh.
    func testOnlyTheFirstLookOfABatchStopIsShared() throws {
        let manager = ScriptedManager([ServerStatus(.running), ServerStatus(.stopped)])
        let lifecycle = Lifecycle(manager: manager, server: try server(), context: context(shared: true))
        guard case .stoppedGracefully = try lifecycle.stop() else { return XCTFail("not a graceful stop") }
        XCTAssertEqual(manager.calls.map(\.name), ["status", "send", "status", "removeExited"])
        XCTAssertEqual(manager.calls.map(\.shared), [true, true, false, false])

        var options = VerbOptions()
        options.sharedQueries = true
        options.force = true
        let forced = ScriptedManager([ServerStatus(.running)])
        let context = VerbContext.testing(RecordingRunner(), options: options)
        XCTAssertEqual(try Lifecycle(manager: forced, server: try server(), context: context).stop(), .stopped)
        XCTAssertEqual(forced.calls.map(\.name), ["status", "stop"])
        XCTAssertEqual(forced.calls.map(\.shared), [true, false], "the hard stop looks afresh")
    }

    /// `^C` and `^SIGNAME` are signals, `^^` escapes a line, anything else is a console line.
    func testStopCommandsAndSignals() throws {
        XCTAssertEqual(try StopCommand("quit"), .line("quit"))
        XCTAssertEqual(try StopCommand("^C"), .signal(try XCTUnwrap(StopSignal(name: "SIGINT"))))
        XCTAssertEqual(try StopCommand("^SIGTERM"), .signal(try XCTUnwrap(StopSignal(name: "SIGTERM"))))
        XCTAssertEqual(try StopCommand("^^C means caret"), .line("^C means caret"))
        XCTAssertEqual(try StopCommand("say ^C"), .line("say ^C"))
        for bad in ["^SIGNOPE", "^", "^sigint", "^INT", "^SIGINT "] {
            XCTAssertThrowsError(try StopCommand(bad), bad) {
                XCTAssertEqual(($0 as? ToolError)?.exitStatus, .invalid, bad)
            }
        }
    }

    /// A signal goes to the manager instead of the console; an unknown one is refused before
    /// anything is asked or sent.
    func testAStopSignalGoesToTheManager() throws {
        final class SignalledManager: ProcessManager, @unchecked Sendable {
            let kind = ManagerKind.simple
            var signals: [String] = []
            var asked = 0
            func status(_ server: Server, _ context: VerbContext) throws -> ServerStatus {
                asked += 1
                return ServerStatus(signals.isEmpty ? .running : .stopped)
            }
            func signalGame(_ signal: StopSignal, _ server: Server, _ status: ServerStatus, _ context: VerbContext) {
                signals.append(signal.name)
            }
            func sendInput(_ line: String, _ server: Server, _ context: VerbContext) throws { XCTFail("typed \(line)") }
            func start(_ server: Server, _ context: VerbContext) throws {}
            func stop(_ server: Server, _ context: VerbContext) throws {}
            func output(_ server: Server, lines: Int, _ context: VerbContext) throws -> String { "" }
        }
        let manager = SignalledManager()
        let signalled = try Fixtures.vectorServer(settings: [("console_stop_command", "^C")])
        guard
            case .stoppedGracefully = try Lifecycle(
                manager: manager, server: signalled, context: context(shared: false)
            ).stop()
        else { return XCTFail("not a graceful stop") }
        XCTAssertEqual(manager.signals, ["SIGINT"])

        let unknown = try Fixtures.vectorServer(settings: [("console_stop_command", "^SIGNOPE")])
        let fresh = SignalledManager()
        XCTAssertThrowsError(try Lifecycle(manager: fresh, server: unknown, context: context(shared: false)).stop())
        XCTAssertEqual(fresh.asked, 0, "refused before the status was asked")
    }

    /// `pre_stop_command` lines and signals go first, `pre_stop_wait` apart, then the stop
    /// command; the stop timeout counts from the stop command.
    func testPreStopCommandsComeFirstAndApart() throws {
        final class Console: ProcessManager, @unchecked Sendable {
            let kind = ManagerKind.simple
            var sent: [(what: String, at: Double)] = []
            func status(_ server: Server, _ context: VerbContext) throws -> ServerStatus {
                ServerStatus(sent.last?.what == "quit" ? .stopped : .running)
            }
            func sendInput(_ line: String, _ server: Server, _ context: VerbContext) throws {
                sent.append((line, Clock.monotonic))
            }
            func signalGame(_ signal: StopSignal, _ server: Server, _ status: ServerStatus, _ context: VerbContext) {
                sent.append((signal.name, Clock.monotonic))
            }
            func start(_ server: Server, _ context: VerbContext) throws {}
            func stop(_ server: Server, _ context: VerbContext) throws {}
            func output(_ server: Server, lines: Int, _ context: VerbContext) throws -> String { "" }
        }
        let manager = Console()
        let server = try Fixtures.vectorServer(settings: [
            ("console_stop_command", "quit"), ("pre_stop_command", "save\n^SIGUSR1\n/save"), ("pre_stop_wait", "0.2")
        ])
        guard
            case .stoppedGracefully = try Lifecycle(manager: manager, server: server, context: context(shared: false))
                .stop()
        else { return XCTFail("not a graceful stop") }
        XCTAssertEqual(manager.sent.map(\.what), ["save", "SIGUSR1", "/save", "quit"])
        for (earlier, later) in zip(manager.sent, manager.sent.dropFirst()) {
            XCTAssertGreaterThanOrEqual(later.at - earlier.at, 0.19, "\(earlier.what) then \(later.what)")
        }

        let bad = try Fixtures.vectorServer(settings: [("console_stop_command", "quit"), ("pre_stop_command", "^NOPE")])
        XCTAssertThrowsError(try Lifecycle(manager: Console(), server: bad, context: context(shared: false)).stop())
    }

    func testWarningMarksAndLines() throws {
        XCTAssertEqual(StopWarning.marks("5m,1m,10s"), [300, 60, 10])
        XCTAssertEqual(StopWarning.marks("10s, 1m30s"), [90, 10])
        for bad in ["", "-5s", "0s", "5", "5x", "1m,", "2d"] { XCTAssertNil(StopWarning.marks(bad), bad) }
        let warning = StopWarning(marks: [90, 10], template: "say restart in {time} ({seconds} s, {minutes} min)")
        XCTAssertEqual(warning.line(at: 90), "say restart in 1m30s (90 s, 2 min)")
        XCTAssertEqual(warning.line(at: 10), "say restart in 10s (10 s, 0 min)")
        var options = VerbOptions()
        options.warnings = [10]
        XCTAssertThrowsError(try StopWarning.of(try Fixtures.vectorServer(), options)) {
            XCTAssertEqual($0 as? SelectionError, .noWarningTemplate)
        }
        options.warningCommand = "say one\ntwo"
        XCTAssertThrowsError(try StopWarning.of(try Fixtures.vectorServer(), options), "one line only")
    }
}
