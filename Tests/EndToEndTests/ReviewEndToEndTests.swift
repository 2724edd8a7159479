import Foundation
import XCTest
@testable import PMSystem
@testable import PMHTTP
@testable import PMCore
@testable import PMManagers
import PMCommon

/// Defects found in review, pinned against the built tools and real backends.
final class ReviewEndToEndTests: XCTestCase {
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
        let alive = try Toolbox.shell("pgrep -f '^/bin/sh -c while' | wc -l").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(alive, "2", "both background servers still run after pm-start exited")
    }

    func testSecretsWithShellCharactersStayMasked() throws {
        let node = try SimpleNode()
        defer { node.tearDown() }
        let json = try node.record(id: 3).replacingOccurrences(of: "hunter2-secret", with: "Pa$$w0rd")
            .replacingOccurrences(of: "{node_work_path}/demo-server.sh", with: "{node_work_path}/demo-server.sh +rcon {rcon_password}")
        let record = try node.file(json)
        for arguments in [["--dry-run", record], ["-v", "--dry-run", record]] {
            let result = try node.run("pm-start", arguments)
            XCTAssertFalse((result.stdout + result.stderr).contains("w0rd"), result.stdout + result.stderr)
        }
    }

    /// A tmux that answers garbage gives an error or a sane value, never a crash.
    func testTmuxAnsweringGarbage() throws {
        let node = try TmuxNode()
        defer { node.tearDown() }
        let fake = node.root.appendingPathComponent("fakebin")
        try FileManager.default.createDirectory(at: fake, withIntermediateDirectories: true)
        let name = XID.name(uuid: node.uuid(4), id: 4)
        try "#!/bin/sh\nprintf '\(name)\\t99999999999\\t0\\tx\\tnan\\t0\\n'\n".write(toFile: fake.path + "/tmux", atomically: true, encoding: .utf8)
        chmod(fake.path + "/tmux", 0o755)
        let record = try node.file(node.record(id: 4))
        for tool in ["pm-status", "pm-metrics"] {
            let result = try node.run(tool, tool == "pm-status" ? ["--json", record] : [record], environment: ["PATH": fake.path + ":/usr/bin:/bin"])
            XCTAssertFalse(result.stderr.contains("Fatal error"), result.stderr)
            XCTAssertTrue([0, 1, 255].contains(result.status), "\(tool): \(result.status) \(result.stderr)")
        }
    }

    /// A parent that ignores SIGCHLD must not turn a failing status script into "running".
    func testIgnoredSIGCHLDFromTheParent() throws {
        let node = try SimpleNode(scripts: ["status": "/bin/false"])
        defer { node.tearDown() }
        let record = try node.file(node.record(id: 5))
        let result = try Toolbox.shell("trap '' CHLD; exec pm-status --config \(node.configPath) --state-dir \(node.statePath) \(record)")
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertEqual(result.stdout, "server 5: stopped\n")
    }

    /// A script run as another user inherits only its standard descriptors.
    func testNoDescriptorLeaksIntoScripts() throws {
        _ = try Toolbox.shell("id pmtest >/dev/null 2>&1 || useradd --create-home --shell /usr/sbin/nologin --user-group pmtest")
        let node = try SimpleNode(scripts: ["start": "{command}", "status": "{command}"])
        defer { node.tearDown() }
        let json = try node.record(id: 6, user: "pmtest")
            .replacingOccurrences(of: "\"{node_work_path}/demo-server.sh\"", with: "\"/bin/sh -c 'ls /proc/self/fd > fds.txt'\"")
        XCTAssertEqual(try node.run("pm-start", [try node.file(json)]).status, 0)
        let fds = try String(contentsOfFile: node.workPath + "/servers/s6/fds.txt", encoding: .utf8).split(separator: "\n").compactMap { Int($0) }
        XCTAssertEqual(fds.filter { $0 > 3 }, [], "descriptors beyond stdin, stdout, stderr and ls's own: \(fds)")
    }

    func testAMissingStatusScriptIsUnknownNotStopped() throws {
        let node = try SimpleNode(scripts: ["status": "/nonexistent/runner.sh status"])
        defer { node.tearDown() }
        let result = try node.run("pm-status", [try node.file(node.record(id: 7))])
        XCTAssertEqual(result.status, 255, result.stderr)
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
