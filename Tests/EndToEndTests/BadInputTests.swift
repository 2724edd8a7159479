import Foundation
import XCTest

@testable import PMTestSupport

/// Bad input of every kind gets exit status 2 (or 255) and one clear line on stderr, and
/// nothing runs: the start command would leave a marker file.
final class BadInputTests: XCTestCase {
    private var node: SimpleNode!
    private var marker: String { node.root.appendingPathComponent("marker").path }

    override func setUpWithError() throws { node = try SimpleNode() }
    override func tearDown() { node?.tearDown() }

    /// A record whose start command would create the marker.
    private func record(_ extra: String = "", id: Int = 1) throws -> String {
        try node.record(id: id, extra: extra).replacingOccurrences(
            of: "\"{node_work_path}/demo-server.sh\"", with: "\"/usr/bin/touch \(marker)\"")
    }

    private func assertRefused(
        _ arguments: [String] = [], tool: String = "pm-start", stdin: String? = nil, status: Int32 = 2,
        mentioning text: String, file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let result = try node.run(tool, arguments, stdin: stdin)
        XCTAssertEqual(result.status, status, result.stderr, file: file, line: line)
        XCTAssertEqual(result.stderrLines.count, 1, "one line on stderr: \(result.stderr)", file: file, line: line)
        XCTAssertTrue(result.stderr.hasPrefix("\(tool): "), result.stderr, file: file, line: line)
        XCTAssertTrue(result.stderr.contains(text), "\(result.stderr) should mention \(text)", file: file, line: line)
        XCTAssertFalse(result.stderr.contains("Fatal error"), file: file, line: line)
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker), "nothing may run", file: file, line: line)
    }

    func testMalformedJSON() throws {
        try assertRefused(stdin: #"{"id": 1, "dir": "#, mentioning: "invalid JSON at line 1")
        try assertRefused(stdin: "\u{FF}\u{FE}", mentioning: "invalid JSON")
        try assertRefused(stdin: "", mentioning: "no server record")
        try assertRefused(stdin: "[]", mentioning: "no server record")
    }

    func testAWrongTypeInEachFieldFamily() throws {
        let cases: [(String, String)] = [
            (#", "server_port": "port""#, "server_port"), (#", "query_port": [1]"#, "query_port"),
            (#", "su_user": 5"#, "su_user"),
            (#", "enabled": "perhaps""#, "enabled"), (#", "vars": [1, 2]"#, "vars"),
            (#", "settings": "x""#, "settings"),
            (#", "game": []"#, "game"), (#", "game_mod": {"vars": [{"var": {}}]}"#, "game_mod.vars[0].var"),
            (#", "cpu_limit": "lots""#, "cpu_limit")
        ]
        for (extra, field) in cases {
            try assertRefused(stdin: try record(extra), mentioning: "field \(field)")
        }
    }

    func testUnknownManager() throws {
        try assertRefused(
            ["-m", "kubernetes", try node.file(record())], mentioning: "unknown process manager \"kubernetes\"")
    }

    func testDirectoryEscapes() throws {
        try assertRefused(
            stdin: #"{"id": 1, "dir": "../../etc", "start_command": "/usr/bin/touch x"}"#,
            mentioning: "field dir: contains '..'")
        try assertRefused(stdin: #"{"id": 1, "dir": "/etc"}"#, mentioning: "outside the work path")
        try assertRefused(["-d", "/etc", "-n", "x"], mentioning: "outside the work path")
        try FileManager.default.createSymbolicLink(atPath: node.workPath + "/servers/link", withDestinationPath: "/tmp")
        try assertRefused(stdin: #"{"id": 1, "dir": "servers/link"}"#, mentioning: "symbolic link")
    }

    func testControlCharactersInNames() throws {
        try assertRefused(stdin: #"{"id": 1, "dir": "servers/a\nb"}"#, mentioning: "control character")
        try assertRefused(stdin: #"{"id": 1, "dir": "servers/s1", "uuid": "x\u001b[31m"}"#, mentioning: "field uuid")
        try assertRefused(stdin: #"{"id": 1, "dir": "servers/s1", "su_user": "root\r"}"#, mentioning: "field su_user")
        try assertRefused(["-n", "bad\tname", "-d", node.workPath + "/servers/s1"], mentioning: "-n")
    }

    func testEmptyRecordAndNoIdentity() throws {
        try assertRefused(stdin: "{}", mentioning: "record 1: the server record is empty")
        try assertRefused(stdin: #"{"dir": "servers/s1"}"#, mentioning: "neither an id nor a uuid")
    }

    func testTenMegabytesOfInput() throws {
        let big = "[" + String(repeating: "{\"id\": 1},", count: 1_000_000) + "{\"id\": 2}]"
        XCTAssertGreaterThan(big.utf8.count, 10_000_000)
        try assertRefused(stdin: big, mentioning: "larger than 4 MiB")
        let path = try node.file(big)
        try assertRefused([path], mentioning: "larger than 4 MiB")
    }

    func testHugeValues() throws {
        try assertRefused(
            stdin: try record(#", "vars": {"hostname": "\#(String(repeating: "x", count: 100_000))"}"#),
            mentioning: "vars.hostname")
        try assertRefused(stdin: #"{"id": 99999999999999999999999, "dir": "servers/s1"}"#, mentioning: "field id")
    }

    func testMissingConfigFileAndInvalidYAML() throws {
        let record = try node.file(record())
        let missing = try Toolbox.run("pm-start", ["--config", "/nonexistent/gameap-daemon.yaml", record])
        XCTAssertEqual(missing.status, 2)
        XCTAssertEqual(
            missing.stderr,
            "pm-start: /nonexistent/gameap-daemon.yaml: cannot read the configuration: No such file or directory\n")
        let bad = node.root.appendingPathComponent("bad.yaml").path
        try "work_path: /srv\nscripts:\n  start: &anchor x\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let invalid = try Toolbox.run("pm-start", ["--config", bad, record])
        XCTAssertEqual(invalid.status, 2)
        XCTAssertEqual(
            invalid.stderr, "pm-start: \(bad), line 3: anchors, aliases, tags and directives are not supported\n")
        let fromEnvironment = try Toolbox.run(
            "pm-status", [record], environment: ["GAMEAP_DAEMON_CONFIG": "/nonexistent/env.yaml"])
        XCTAssertEqual(fromEnvironment.status, 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker))
    }

    func testUsageErrors() throws {
        for arguments in [["--bogus"], ["--lines"], ["-m"], ["-q"]] {
            let result = try node.run("pm-output", arguments)
            XCTAssertEqual(result.status, 2, "\(arguments)")
            XCTAssertTrue(result.stderr.contains("usage: pm-output [options] [FILE ...]"), result.stderr)
        }
        let badValue = try node.run("pm-output", ["--lines", "many"])
        XCTAssertEqual(badValue.status, 2)
        XCTAssertEqual(badValue.stderr, "pm-output: --lines needs an integer in 0...10000000, not \"many\"\n")
    }

    func testInvalidRecordInABatchStopsEverything() throws {
        let batch = "[" + (try record(id: 1)) + "," + #"{"id": 2, "dir": "../x"}"# + "]"
        let result = try node.run("pm-start", [], stdin: batch)
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(
            result.stderr,
            "pm-start: record 2: field dir: contains '..': the server directory must stay inside the work path\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker), "the valid record did not run either")
    }

    func testConsoleInputWithoutASendScript() throws {
        let plain = try SimpleNode(scripts: ["sendcommand": "{command}"])
        defer { plain.tearDown() }
        let result = try plain.run("pm-input", ["-c", "/usr/bin/touch \(marker)", try plain.file(plain.record(id: 1))])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("console input needs a send_command script"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker), "console input is never executed")
    }

    func testHelpAndVersionNeedNoRecord() throws {
        for tool in ["pm-start", "pm-stop", "pm-status", "pm-output", "pm-input", "pm-metrics", "pm-install"] {
            let help = try Toolbox.run(tool, ["--help"])
            XCTAssertEqual(help.status, 0)
            XCTAssertTrue(help.stdout.hasPrefix("usage: \(tool) [options]"), help.stdout)
            let version = try Toolbox.run(tool, ["--version"])
            XCTAssertEqual(version.status, 0)
            XCTAssertTrue(version.stdout.hasPrefix("\(tool) (pm) "))
        }
    }

    /// `pm-output ... | head -n 1` ends quietly: no broken-pipe noise, no crash.
    func testClosedStandardOutput() throws {
        let record = try node.file(node.record(id: 3))
        XCTAssertEqual(try node.run("pm-start", [record]).status, 0)
        for _ in 0..<200 { XCTAssertEqual(try node.run("pm-input", ["-c", "list", record]).status, 0) }
        let result = try Toolbox.shell(
            "pm-output --config \(node.configPath) --state-dir \(node.statePath) --lines 0 \(record) | head -n 1")
        XCTAssertTrue(result.stdout.hasPrefix("demo server"), result.stdout)
        XCTAssertEqual(result.stdout.split(separator: "\n").count, 1)
        XCTAssertEqual(result.stderr, "", "no broken-pipe noise")
        let metrics = try Toolbox.shell(
            "pm-metrics --config \(node.configPath) --state-dir \(node.statePath) \(record) | head -c 10 >/dev/null")
        XCTAssertEqual(metrics.stderr, "")
    }

    /// A write to standard output that fails (a full disk, a closed descriptor) is an error:
    /// one line on stderr and exit 255, never exit 0 with nothing written. A reader that goes
    /// away (`| head`) is not an error.
    func testFailedWritesToStandardOutputAreErrors() throws {
        let record = try node.file(record())
        let tools = "PATH=\(Toolbox.binDirectory.path):$PATH; unset GAMEAP_DAEMON_CONFIG; "
        let metrics = "pm-metrics --config \(node.configPath) --state-dir \(node.statePath) --interval 0 \(record)"
        for redirect in ["> /dev/full", ">&-"] {
            let result = try Toolbox.shell(tools + metrics + " " + redirect + "; echo status=$? >&2")
            XCTAssertTrue(
                result.stderr.contains("pm-metrics: cannot write the standard output: "),
                "\(redirect): \(result.stderr)")
            XCTAssertTrue(result.stderr.hasSuffix("status=255\n"), "\(redirect): \(result.stderr)")
        }
        let piped = try Toolbox.shell(tools + "{ " + metrics + "; echo status=$? >&2; } | head -c 1 >/dev/null")
        XCTAssertEqual(piped.stderr, "status=0\n")
    }

    /// A NUL in a configured path, and numbers in hexadecimal or with an exponent, are refused.
    func testControlCharactersInPathsAndNonDecimalNumbers() throws {
        let config = node.root.appendingPathComponent("nul.yaml").path
        try "work_path: \"\(node.workPath)\\0x\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let nul = try Toolbox.run("pm-start", ["--config", config, try node.file(record())])
        XCTAssertEqual(nul.status, 2)
        XCTAssertTrue(nul.stderr.contains("work_path contains a control character"), nul.stderr)
        try assertRefused(
            ["--timeout", "0x10", try node.file(record())], tool: "pm-stop", mentioning: "needs a number of seconds")
        try assertRefused(
            ["--timeout", "1e3", try node.file(record())], tool: "pm-stop", mentioning: "needs a number of seconds")
        let setting = try node.file(
            node.record(
                id: 2,
                extra:
                    #", "settings": [{"name": "stop_timeout", "value": "0x10"}, "#
                    + #"{"name": "console_stop_command", "value": "quit"}]"#
            ))
        XCTAssertEqual(try node.run("pm-start", [setting]).status, 0)
        defer { _ = try? node.run("pm-stop", ["--force", setting]) }
        try assertRefused([setting], tool: "pm-stop", status: 2, mentioning: "stop_timeout must be a number of seconds")
    }
}
