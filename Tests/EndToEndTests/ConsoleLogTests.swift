import Foundation
import XCTest

@testable import PMCommon
@testable import PMCore
@testable import PMSystem
@testable import PMTestSupport

/// The console log of tmux servers, against real tmux and a game that talks to its terminal
/// (`terminal-game`): text for followers, the last words after a stop or a crash, rotation
/// that never holds the game up, and a log directory the game's user cannot turn against root.
final class ConsoleLogTests: XCTestCase {
    private var node: TmuxNode!

    override func setUpWithError() throws {
        node = try TmuxNode()
    }

    override func tearDown() {
        node?.tearDown()
    }

    private func logDirectory(_ id: Int) -> String {
        node.statePath + "/servers/\(id)-\(node.uuid(id))"
    }

    private func terminalGame(_ id: Int, settings: [(String, String)] = []) throws -> String {
        try node.record(id: id, game: .terminal, tag: "t\(id)", settings: settings)
    }

    /// When the line ending in `text` arrived, from the times of `pm-output --timestamps`.
    private func arrival(of text: String, in log: String) throws -> Double {
        let line = try XCTUnwrap(log.split(separator: "\n").first { $0.hasSuffix(text) }, "\(text) in \(log)")
        return try XCTUnwrap(Timestamp.parseRFC3339(String(line.prefix(24))))
    }

    /// `--follow` gives lines of text: no escape sequence, no carriage return, the loading
    /// line in its last state, a replacement character for the byte that is not UTF-8;
    /// `--raw` gives what the terminal received.
    func testFollowersGetTextAndRawGetsTheTerminalsBytes() throws {
        let record = try startedTerminalGame(1)
        let text = node.root.appendingPathComponent("follow.txt").path
        let raw = node.root.appendingPathComponent("raw.txt").path
        let config = ["--config", node.configPath, "--state-dir", node.statePath]
        let script = """
            pm-output \(ShellWords.join(config)) --follow --lines 50 \(record) > \(text) 2>&1 &
            text=$!
            pm-output \(ShellWords.join(config)) --follow --raw --lines 50 \(record) > \(raw) 2>&1 &
            raw=$!
            sleep 1
            pm-input \(ShellWords.join(config)) \(record) -- hello
            sleep 1
            pm-stop \(ShellWords.join(config)) --console-stop quit \(record)
            wait $text $raw
            """
        let run = try Toolbox.shell(script, environment: node.environment, timeout: 60)
        XCTAssertEqual(run.status, 0, run.stderr)
        let followed = try Data(contentsOf: URL(fileURLWithPath: text))
        let followedText = String(decoding: followed, as: UTF8.self)
        XCTAssertFalse(followed.contains(0x1B), followedText)
        XCTAssertFalse(followed.contains(0x0D), followedText)
        for line in [
            "terminal-game ready", "loading 100%", "red and invalid \u{FFFD} byte", "unknown command: hello",
            "saving the world...", "world saved, goodbye"
        ] {
            XCTAssertTrue(followedText.contains(line), "\(line) in \(followedText)")
        }
        XCTAssertFalse(followedText.contains("loading 25%"), followedText)
        let rawBytes = try Data(contentsOf: URL(fileURLWithPath: raw))
        XCTAssertTrue(rawBytes.contains(0x1B), "--raw keeps the escape sequences")
        XCTAssertTrue(rawBytes.contains(0x0D), "--raw keeps the carriage returns")
        XCTAssertTrue(String(decoding: rawBytes, as: UTF8.self).contains("world saved, goodbye"))
    }

    /// SIGTERM, SIGINT or SIGHUP end a follower of the log cleanly, with what it read written.
    func testAnInterruptedFollowerWritesWhatItRead() throws {
        let record = try startedTerminalGame(7)
        let config = ["--config", node.configPath, "--state-dir", node.statePath]
        for signal in ["TERM", "INT", "HUP"] {
            let follower = try Toolbox.shell(
                """
                pm-output \(ShellWords.join(config)) --follow --lines 1 \(record) &
                pid=$!
                sleep 1
                pm-input \(ShellWords.join(config)) \(record) -- "said before SIG\(signal)" >/dev/null
                sleep 0.5
                kill -\(signal) $pid
                wait $pid
                """, environment: node.environment, timeout: 30)
            XCTAssertEqual(follower.status, 0, "\(signal): \(follower.stderr)")
            XCTAssertTrue(follower.stdout.contains("unknown command: said before SIG\(signal)\n"), follower.stdout)
        }
        XCTAssertEqual(try node.run("pm-stop", ["--console-stop", "quit", record]).status, 0)
    }

    /// After a graceful stop, a crash and a game that exits at once, the last lines are in
    /// `pm-output`, which exits 0; `--timestamps` and `--since` read the log's times.
    func testTheLastWordsOutliveTheSession() throws {
        let record = try startedTerminalGame(2)
        XCTAssertEqual(try node.run("pm-stop", ["--console-stop", "quit", record]).status, 0)
        let stopped = try node.run("pm-output", ["--lines", "2", record])
        XCTAssertEqual(stopped.status, 0, stopped.stderr)
        XCTAssertEqual(stopped.stdout, "saving the world...\nworld saved, goodbye\n")
        let timed = try node.run("pm-output", ["--lines", "1", "--timestamps", record])
        XCTAssertEqual(timed.status, 0, timed.stderr)
        let time = try XCTUnwrap(Timestamp.parseRFC3339(String(timed.stdout.prefix(24))), timed.stdout)
        XCTAssertLessThan(abs(time - Date().timeIntervalSince1970), 30)
        XCTAssertTrue(timed.stdout.hasSuffix(" world saved, goodbye\n"), timed.stdout)
        let sinceAnHour = try node.run("pm-output", ["--since", "1h", "--lines", "0", record]).stdout
        XCTAssertTrue(sinceAnHour.hasPrefix("terminal-game ready\n"), sinceAnHour)
        XCTAssertTrue(sinceAnHour.hasSuffix("world saved, goodbye\n"), sinceAnHour)
        XCTAssertEqual(try node.run("pm-output", ["--since", "2099-01-01T00:00:00Z", record]).stdout, "")

        XCTAssertEqual(try node.run("pm-start", [record]).status, 0)
        _ = try node.waitForOutput(record, containing: "invalid")
        XCTAssertEqual(try node.run("pm-input", [record, "--", "segv"]).status, 0)
        XCTAssertTrue(Toolbox.poll(seconds: 10) { (try? self.node.run("pm-status", [record]).status) == 1 })
        // The game's supervisor says how the game ended.
        let crashed = try node.run("pm-output", ["--lines", "2", record])
        XCTAssertEqual(crashed.status, 0, crashed.stderr)
        XCTAssertEqual(crashed.stdout, "about to crash\npm-start: the game ended (killed by SIGSEGV)\n")
        XCTAssertEqual(try node.run("pm-stop", [record]).status, 0)
        let afterStop = try node.run("pm-output", ["--lines", "2", record])
        XCTAssertEqual(afterStop.stdout, crashed.stdout, "the stop of a crashed server keeps its log")

        let failing = try node.record(id: 3, game: .crashing, tag: "t3", arguments: ["exit"])
        // The simple manager cannot tell a game that exits at once (its status script may see
        // it still running); its words are in the log either way.
        _ = try node.run("pm-start", [failing])
        let lastWords = try node.run("pm-output", ["--lines", "2", failing])
        XCTAssertEqual(lastWords.status, 0, lastWords.stderr)
        XCTAssertEqual(
            lastWords.stdout, "crashing-game: map de_missing not found\npm-start: the game ended (exit status 3)\n")
        XCTAssertEqual(try node.run("pm-output", ["--lines", "1", "--timestamps", failing]).status, 0)
    }

    /// 30 MiB through a log of at most 1 MiB kept in 3 files: the game finishes its output at
    /// once, no file passes the limit by more than a line, and no more files are kept.
    func testRotationKeepsTheLimitsAndNeverHoldsTheGameUp() throws {
        let record = try startedTerminalGame(4, settings: [("console_log_max", "1M"), ("console_log_keep", "3")])
        XCTAssertEqual(try node.run("pm-input", [record, "--", "flood 30"]).status, 0)
        let log = logDirectory(4) + "/console.log"
        XCTAssertTrue(
            Toolbox.poll(seconds: 60) {
                ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("flood done")
            }, "the whole flood reached the log")
        let files = try FileManager.default.contentsOfDirectory(atPath: logDirectory(4)).filter {
            $0.hasPrefix("console.log")
        }
        XCTAssertEqual(files.sorted(), ["console.log", "console.log.1", "console.log.2"])
        for file in files {
            let size = try XCTUnwrap(
                FileManager.default.attributesOfItem(atPath: logDirectory(4) + "/" + file)[.size] as? Int)
            XCTAssertLessThanOrEqual(size, 1 << 20, file)
        }
        let lines = try node.run("pm-output", ["--lines", "1", "--since", "1h", record])
        XCTAssertTrue(lines.stdout.hasPrefix("flood done ("), lines.stdout + lines.stderr)
        XCTAssertEqual(try node.run("pm-stop", ["--console-stop", "quit", record]).status, 0)
        XCTAssertEqual(try node.run("pm-output", ["--lines", "1", record]).stdout, "world saved, goodbye\n")
    }

    /// tmux expands `pipe-pane`'s command (`#{...}`, `#(...)`, strftime `%`): a state
    /// directory with such characters still gets the log, and tmux runs nothing it names.
    func testAStateDirectoryWithTmuxFormatCharacters() throws {
        let record = try terminalGame(6)
        let state = node.root.appendingPathComponent("state %H #(touch pwned) #{pane_id}").path
        XCTAssertEqual(try node.run("pm-start", ["--state-dir", state, record]).status, 0)
        let log = state + "/servers/6-\(node.uuid(6))/console.log"
        XCTAssertTrue(
            Toolbox.poll(seconds: 10) {
                ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("terminal-game ready")
            }, "the log is where the state directory says")
        XCTAssertFalse(FileManager.default.fileExists(atPath: node.serverDirectory(6) + "/pwned"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/pwned"))
        XCTAssertEqual(try node.run("pm-stop", ["--state-dir", state, record]).status, 0)
    }

    /// Stops `record` with `arguments`, and gives the gaps between the arrivals of the lines
    /// ending in `texts` (in the console log's times), the stop's words last.
    private func gaps(stopping record: String, _ arguments: [String], between texts: [String]) throws -> [Double] {
        let stop = try node.run("pm-stop", arguments + ["--console-stop", "quit", record])
        XCTAssertEqual(stop.status, 0, stop.stderr)
        let log = try node.run("pm-output", ["--timestamps", "--lines", "0", record]).stdout
        let times = try (texts + ["saving the world..."]).map { try arrival(of: $0, in: log) }
        return zip(times, times.dropFirst()).map { $1 - $0 }
    }

    private func startedTerminalGame(_ id: Int, settings: [(String, String)] = []) throws -> String {
        let record = try terminalGame(id, settings: settings)
        XCTAssertEqual(try node.run("pm-start", [record]).status, 0)
        _ = try node.waitForOutput(record, containing: "invalid")
        return record
    }

    /// `pre_stop_command` lines arrive before the stop command, `pre_stop_wait` apart.
    func testPreStopLinesArriveInOrderAndApart() throws {
        let record = try startedTerminalGame(
            8, settings: [("pre_stop_command", "save first\\nsave second"), ("pre_stop_wait", "1")])
        let apart = try gaps(
            stopping: record, [], between: ["unknown command: save first", "unknown command: save second"])
        XCTAssertEqual(apart.count, 2)
        for gap in apart { XCTAssertEqual(gap, 1, accuracy: 0.3) }
    }

    /// `--warn 3s,1s`: the warnings arrive in order, 2 s apart, and the stop command a second
    /// after the last; without a template, or with a bad time, nothing is sent (exit 2).
    func testWarnedStop() throws {
        let record = try startedTerminalGame(9)
        for bad in [["--warn", "3s"], ["--warn", "-5s", "--warn-command", "say {time}"]] {
            let refused = try node.run("pm-stop", bad + ["--console-stop", "quit", record])
            XCTAssertEqual(refused.status, 2, "\(bad): \(refused.stderr)")
            XCTAssertEqual(try node.run("pm-status", [record]).status, 0, "\(bad): still running")
        }
        let apart = try gaps(
            stopping: record, ["--warn", "3s,1s", "--warn-command", "say restart in {time}"],
            between: ["unknown command: say restart in 3s", "unknown command: say restart in 1s"])
        XCTAssertEqual(apart.count, 2)
        XCTAssertEqual(apart.first ?? 0, 2, accuracy: 0.4)
        XCTAssertEqual(apart.last ?? 0, 1, accuracy: 0.4)
        XCTAssertFalse(
            try node.run("pm-output", ["--lines", "0", record]).stdout.contains("say {time}"),
            "nothing of the refused stops was sent")
    }

    /// The game's user owns the log directory and may replace the log with a link to a file
    /// only root may read, or with a FIFO: root reads neither, and says why.
    func testALogTurnedIntoALinkIsNeverReadByRoot() throws {
        let record = try startedTerminalGame(5)
        XCTAssertEqual(try node.run("pm-stop", ["--console-stop", "quit", record]).status, 0)
        let secret = node.root.appendingPathComponent("root-only").path
        try "root's secret\n".write(toFile: secret, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: secret)
        let log = logDirectory(5) + "/console.log"
        let attack = try Toolbox.shell("runuser -u pmtest -- sh -c 'rm -f \(log) && ln -s \(secret) \(log)'")
        XCTAssertEqual(attack.status, 0, attack.stderr)
        let linked = try node.run("pm-output", ["--lines", "5", record])
        XCTAssertFalse(linked.stdout.contains("secret"), linked.stdout)
        XCTAssertEqual(linked.status, 255, linked.stderr)
        XCTAssertTrue(linked.stderr.contains("cannot read the console log"), linked.stderr)

        _ = try Toolbox.shell("runuser -u pmtest -- sh -c 'rm -f \(log) && mkfifo \(log)'")
        let fifo = try node.run("pm-output", ["--lines", "5", record], timeout: 10)
        XCTAssertEqual(fifo.status, 255, fifo.stderr)
        XCTAssertTrue(fifo.stderr.contains("not a regular file"), fifo.stderr)
    }
}

/// The simple manager keeps a console log when its scripts keep none (no getconsole script):
/// what the start script and the game it leaves running write.
final class SimpleConsoleLogTests: XCTestCase {
    private var node: SimpleNode!

    override func setUpWithError() throws {
        node = try SimpleNode(scripts: [
            "start": "{node_work_path}/bg-start.sh {dir} {command}",
            "status": "{node_work_path}/bg-status.sh {dir}",
            "stop": "", "getconsole": "", "sendcommand": ""
        ])
        let start = """
            #!/bin/sh
            # Runs the game in the background with this script's output, and keeps its pid.
            dir=$1
            shift
            cd "$dir" && "$@" &
            echo $! > "$dir/game.pid"
            echo "bg-start: started $*"
            """
        let status = "#!/bin/sh\nkill -0 \"$(cat \"$1/game.pid\" 2>/dev/null)\" 2>/dev/null\n"
        for (name, text) in [("bg-start.sh", start), ("bg-status.sh", status)] {
            let path = node.workPath + "/" + name
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        }
    }

    override func tearDown() {
        node?.tearDown()
    }

    func testTheLastWordsOfAStoppedCrashedOrFailedGame() throws {
        let stopped = try node.record(id: 1, game: .crashing, tag: "c1", arguments: ["exit", "30"])
        let started = try node.run("pm-start", [stopped])
        XCTAssertEqual(started.status, 0, started.stderr)
        _ = try node.waitForOutput(stopped, containing: "crashing-game ready")
        let both = try node.run("pm-output", ["--lines", "0", stopped]).stdout
        XCTAssertTrue(both.contains("bg-start: started ./crashing-game c1 exit 30\n"), "the start script's: \(both)")
        XCTAssertEqual(try node.run("pm-stop", [stopped]).status, 0)
        // The script's line and the game's come in either order.
        let afterStop = try node.run("pm-output", ["--lines", "2", stopped])
        XCTAssertEqual(afterStop.status, 0, afterStop.stderr)
        XCTAssertTrue(afterStop.stdout.contains("crashing-game ready"), afterStop.stdout)
        XCTAssertEqual(try Toolbox.shell("pgrep -f '[w]rite-log .*servers/1-' || true").stdout, "", "no logger left")

        let crashed = try node.record(id: 2, game: .crashing, tag: "c2", arguments: ["segv", "1"])
        XCTAssertEqual(try node.run("pm-start", [crashed]).status, 0)
        _ = try node.waitForOutput(crashed, containing: "segmentation fault ahead")
        XCTAssertTrue(Toolbox.poll(seconds: 10) { (try? self.node.run("pm-status", [crashed]).status) == 1 })
        // The supervisor says how the game ended, after the game's last words.
        _ = try node.waitForOutput(crashed, containing: "the game ended")
        XCTAssertEqual(
            try node.run("pm-output", ["--lines", "2", crashed]).stdout,
            "crashing-game: segmentation fault ahead\npm-start: the game ended (killed by SIGSEGV)\n")
        let timed = try node.run("pm-output", ["--lines", "1", "--timestamps", crashed])
        XCTAssertNotNil(Timestamp.parseRFC3339(String(timed.stdout.prefix(24))), timed.stdout)

        let failing = try node.record(id: 3, game: .crashing, tag: "c3", arguments: ["exit"])
        // The simple manager cannot tell a game that exits at once (its status script may see
        // it still running); its words are in the log either way.
        _ = try node.run("pm-start", [failing])
        // The game's line and the start script's come in either order.
        let lastWords = try node.waitForOutput(failing, containing: "map de_missing not found")
        XCTAssertTrue(lastWords.contains("crashing-game: map de_missing not found\n"), lastWords)
    }
}
