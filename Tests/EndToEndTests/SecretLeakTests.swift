import Foundation
import PMCommon
import XCTest

@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

/// No secret leaves a tool: every tool's `--dry-run -v` output, for all seven managers, is
/// searched for the secrets of a record whose start command, console line and environment
/// use them. Each secret holds a core of letters and digits that every escaping keeps, so one
/// search finds it in any spelling (shell-quoted, JSON, XML, Windows-quoted, percent-encoded);
/// tmux's `send-keys -H` hex bytes are searched for too.
final class SecretLeakTests: XCTestCase {
    /// The rcon password, a password variable, a token variable, a variable that
    /// `secret_vars` names, and (Windows managers) the service account's password.
    static let cores = ["Zq1x", "Zq2x", "Zq3x", "Zq4x", "Zq5x"]
    static let rcon = #"rc"on\Zq1x$%'&<> w"#
    static let settings: String = {
        let values = [
            ("server_password", #"sv Zq2x"\p&w"#), ("admin_token", "Zq3xtoken"), ("my_key", "Zq4x-custom"),
            ("secret_vars", "my_key")
        ]
        let list = values.map { #"{"name": "\#($0.0)", "value": \#(json($0.1))}"# }.joined(separator: ", ")
        return #", "rcon": \#(json(rcon)), "settings": [\#(list)]"#
    }()
    static let command = [
        "+rcon_password", "{rcon_password}", "+sv_password", "{server_password}", "+token", "{admin_token}", "+key",
        "{my_key}"
    ]

    static func json(_ text: String) -> String {
        String(
            decoding: try! JSONSerialization.data(withJSONObject: [text], options: [.fragmentsAllowed]), as: UTF8.self
        ).dropFirst().dropLast().description
    }

    private func assertNoSecret(
        _ result: Toolbox.Result, _ what: String, file: StaticString = #filePath, line: UInt = #line
    ) {
        let printed = result.stdout + result.stderr
        for core in Self.cores {
            let hex = core.utf8.map { String($0, radix: 16) }.joined(separator: " ")
            XCTAssertFalse(
                printed.contains(core) || printed.contains(hex), "\(what) shows \(core):\n\(printed)", file: file,
                line: line)
        }
    }

    /// Each tool in a dry run with echoes, on a record of `bed`; `extra` are the manager's flags.
    private func everyTool(_ run: (String, [String]) throws -> Toolbox.Result, record: String, _ manager: String) throws
    {
        let calls: [(String, [String])] = [
            ("pm-start", []), ("pm-start", ["--restart"]),
            ("pm-stop", ["--console-stop", "rcon_password " + Self.rcon]),
            ("pm-status", ["--json"]), ("pm-output", []), ("pm-input", ["-c", "rcon_password \(Self.rcon)"]),
            ("pm-metrics", []), ("pm-install", []), ("pm-install", ["--uninstall"])
        ]
        for (tool, arguments) in calls {
            assertNoSecret(
                try run(tool, ["--dry-run", "-v"] + arguments + [record]), "\(manager) \(tool) \(arguments.first ?? "")"
            )
        }
    }

    private func bedRecord(_ bed: GameBed) throws -> String {
        let path = try bed.gameRecord(
            id: 1, command: (["./deaf-game", "secrets"] + Self.command).joined(separator: " "),
            settings: Self.settings, uuid: nil)
        try StandInGame.deaf.install(into: bed.serverDirectory(1), user: bed.gameUser)
        return path
    }

    func testTmux() throws {
        let node = try TmuxNode()
        defer { node.tearDown() }
        let record = try bedRecord(node)
        // A running server too, so that the stop, input and output plans reach the session.
        XCTAssertEqual(try node.run("pm-start", [record]).status, 0)
        try everyTool(node.tool, record: record, "tmux")
        XCTAssertEqual(try node.run("pm-stop", ["--force", record]).status, 0)
    }

    func testSimple() throws {
        let node = try SimpleNode()
        defer { node.tearDown() }
        try everyTool(node.tool, record: try bedRecord(node), "simple")
    }

    func testSystemd() throws {
        let node = try SystemdNode()
        defer { node.tearDown() }
        try everyTool(node.tool, record: try bedRecord(node), "systemd")
    }

    func testDockerAndPodman() throws {
        for (socket, manager) in [(DockerNode.dockerSocket, "docker"), (DockerNode.podmanSocket, "podman")] {
            let node = try DockerNode(socket: socket, manager: manager)
            defer { node.tearDown() }
            try everyTool(node.tool, record: try bedRecord(node), manager)
        }
    }

    func testWinSWAndShawl() throws {
        let root = "/tmp/pm-secrets-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/work/servers/w1", withIntermediateDirectories: true)
        try
            ("work_path: \(root)/work\nusers:\n  gameap: "
            + "'\(#"us"e'r\Zq5x&<>"#.replacingOccurrences(of: "'", with: "''"))'\n")
            .write(toFile: root + "/config.yaml", atomically: true, encoding: .utf8)
        let record = root + "/record.json"
        try
            (#"{"id": 1, "uuid": "00000001-0000-4000-8000-000000000000", "dir": "servers/w1", "su_user": "gameap", "#
            + #""start_command": "srcds.exe "#
            + Self.command.joined(separator: " ") + "\"" + Self.settings + "}").write(
                toFile: record, atomically: true, encoding: .utf8)
        for manager in ["winsw", "shawl"] {
            try everyTool(
                { tool, arguments in
                    try Toolbox.run(
                        tool,
                        ["--config", root + "/config.yaml", "--state-dir", root + "/state", "-m", manager] + arguments)
                }, record: record, manager)
        }
    }

    func testSecretsWithShellCharactersStayMasked() throws {
        let node = try SimpleNode()
        defer { node.tearDown() }
        let json = try node.record(id: 3).replacingOccurrences(of: "hunter2-secret", with: "Pa$$w0rd")
            .replacingOccurrences(
                of: "{node_work_path}/demo-server.sh", with: "{node_work_path}/demo-server.sh +rcon {rcon_password}")
        let record = try node.file(json)
        for arguments in [["--dry-run", record], ["-v", "--dry-run", record]] {
            let result = try node.run("pm-start", arguments)
            XCTAssertFalse((result.stdout + result.stderr).contains("w0rd"), result.stdout + result.stderr)
        }
    }
}
