import Foundation
import PMCommon
import XCTest

@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

/// What other local users can read of a server's processes, and what the tool's own
/// environment (root's, on a node) passes to the programs it runs for a game.
final class ProcessExposureTests: XCTestCase {
    private let canary = "ROOT_CANARY_SECRET"
    private let secret = "exposed-\(UInt32.random(in: 0...UInt32.max))"

    /// Every local user can read every process's arguments (`ps -eo args`). After a real tmux
    /// start, no process shows a variable's value, and the user's tmux server, which keeps the
    /// arguments of the client that started it, shows nothing of the game's.
    func testNoVariableValueInAnyProcessArguments() throws {
        let node = try TmuxNode()
        defer { node.tearDown() }
        let record = try node.file(
            node.record(
                id: 1, command: "sleep 300",
                extra: #", "settings": [{"name": "server_password", "value": "\#(secret)"}]"#))
        XCTAssertEqual(try node.run("pm-start", [record]).status, 0)
        let arguments = try Toolbox.shell("ps -eo args").stdout
        XCTAssertFalse(arguments.contains(secret), "a variable's value in some process's arguments")
        let server = try node.tmux(["display", "-p", "#{pid}"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let serverArguments = try Toolbox.shell("ps -o args= -p \(server)").stdout
        XCTAssertEqual(
            serverArguments, "tmux new-session -d -s gameap -x 200 /bin/sh ; set-option -g history-limit 30000\n")
    }

    /// A tmux game and a simple-manager script start from a clean environment: none of the
    /// tool's variables but the locale and the like, a fixed PATH, the server's variables.
    func testGamesAndScriptsNeverSeeTheToolsEnvironment() throws {
        let toolEnvironment = [canary: secret, "PATH": "/root/private-bin:" + CleanEnvironment.path]

        let tmux = try TmuxNode()
        defer { tmux.tearDown() }
        let game = try tmux.file(tmux.record(id: 1, command: "/bin/sh -c 'env > env.txt; exec sleep 300'"))
        XCTAssertEqual(try tmux.run("pm-start", [game], environment: toolEnvironment).status, 0)
        let gameEnvironment = Toolbox.poll(seconds: 5, until: { $0.contains("SERVER_PORT=") }) {
            (try? String(contentsOfFile: tmux.workPath + "/servers/t1/env.txt", encoding: .utf8)) ?? ""
        }
        check(gameEnvironment, "the tmux game")

        let simple = try SimpleNode(scripts: ["start": "/bin/sh -c 'env > {dir}/env.txt'", "status": "/bin/false"])
        defer { simple.tearDown() }
        let script = try simple.file(simple.record(id: 2, user: "pmtest"))
        let start = try Toolbox.run(
            "pm-start", ["--config", simple.configPath, "--state-dir", simple.statePath, script],
            environment: toolEnvironment)
        XCTAssertEqual(start.status, 1, "the status script says it does not run: \(start.stderr)")
        check(try String(contentsOfFile: simple.workPath + "/servers/s2/env.txt", encoding: .utf8), "the start script")
    }

    private func check(_ environment: String, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(environment.contains(secret), "\(what) saw the tool's \(canary)", file: file, line: line)
        XCTAssertTrue(
            environment.contains("\nPATH=\(CleanEnvironment.path)\n")
                || environment.hasPrefix("PATH=\(CleanEnvironment.path)\n"),
            "\(what): \(environment)", file: file, line: line)
        XCTAssertTrue(
            environment.contains("SERVER_PORT="), "\(what) has the server's variables", file: file, line: line)
        XCTAssertTrue(
            environment.contains("HOME=/home/pmtest"), "\(what) runs as the game's user", file: file, line: line)
    }
}
