import Foundation
import PMCommon
import PMCore
import PMHTTP
import PMManagers
import PMSystem
import XCTest

/// A node for the tmux manager: a work path, a daemon configuration with the default scripts,
/// a state directory and a private `TMUX_TMPDIR` (mode 1777, like /tmp), so the tests' tmux
/// servers are their own. `tearDown` kills every tmux server started under it.
/// Shared by a test\'s threads only to run tools, which reads what `init` set.
final class TmuxNode: @unchecked Sendable {
    let root: URL
    var workPath: String { root.appendingPathComponent("work").path }
    var configPath: String { root.appendingPathComponent("gameap-daemon.yaml").path }
    var statePath: String { root.appendingPathComponent("state").path }
    var tmuxDirectory: String { root.appendingPathComponent("tmux").path }

    init() throws {
        try Backend.require(.root, .program("tmux"))
        root = URL(fileURLWithPath: "/tmp").appendingPathComponent("pm-tmux-\(UUID().uuidString.prefix(8))")
        let fm = FileManager.default
        try fm.createDirectory(atPath: workPath + "/servers", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: tmuxDirectory, withIntermediateDirectories: true)
        try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root.path)
        try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: workPath)
        try fm.setAttributes([.posixPermissions: 0o1777], ofItemAtPath: tmuxDirectory)
        let demo = workPath + "/demo-server.sh"
        try fm.copyItem(atPath: Toolbox.repository.appendingPathComponent("examples/demo-server.sh").path, toPath: demo)
        try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: demo)
        try "work_path: \(workPath)\nprocess_manager:\n  name: tmux\n".write(
            toFile: configPath, atomically: true, encoding: .utf8)
        _ = try TestUser.ensure()
    }

    var environment: [String: String] { ["TMUX_TMPDIR": tmuxDirectory] }

    func uuid(_ id: Int) -> String { String(format: "%08d-0000-4000-8000-000000000000", id) }

    /// A record for the demo server, run as `user`, with its directory created.
    func record(
        id: Int, user: String = "pmtest", command: String = "{node_work_path}/demo-server.sh", extra: String = "",
        uuid: String? = nil
    ) throws -> String {
        let dir = "servers/t\(id)"
        try FileManager.default.createDirectory(atPath: workPath + "/" + dir, withIntermediateDirectories: true)
        if !user.isEmpty { _ = try Toolbox.shell("chown \(user): \(workPath)/\(dir)") }
        return """
            {"id": \(id), "uuid": "\(uuid ?? self.uuid(id))", "dir": "\(dir)", "su_user": "\(user)", \
            "server_port": \(27000 + id),
             "start_command": "\(command)", "vars": {"default_map": "de_nuke", "hostname": "Tmux \(id)"}\(extra)}
            """
    }

    func file(_ json: String) throws -> String {
        let path = root.appendingPathComponent("\(UUID().uuidString).json").path
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @discardableResult
    func run(
        _ tool: String, _ arguments: [String], stdin: String? = nil, environment extra: [String: String] = [:],
        timeout: TimeInterval = 60
    ) throws -> Toolbox.Result {
        try Toolbox.run(
            tool, ["--config", configPath, "--state-dir", statePath] + arguments,
            stdin: stdin.map { Data($0.utf8) }, environment: environment.merging(extra) { $1 }, timeout: timeout)
    }

    /// Runs tmux as `user` against this node's tmux servers.
    func tmux(_ arguments: [String], user: String = "pmtest") throws -> Toolbox.Result {
        try Toolbox.shell("runuser -u \(user) -- env TMUX_TMPDIR=\(tmuxDirectory) tmux \(ShellWords.join(arguments))")
    }

    func tearDown() {
        _ = try? Toolbox.shell(
            "for s in \(tmuxDirectory)/tmux-*/*; do [ -S \"$s\" ] && tmux -S \"$s\" kill-server; done 2>/dev/null; true"
        )
        try? FileManager.default.removeItem(at: root)
    }

    /// Polls the output until it contains `text` (up to `seconds`).
    func waitForOutput(_ record: String, containing text: String, seconds: Double = 10) throws -> String {
        try Toolbox.poll(seconds: seconds, until: { $0.contains(text) }) {
            try run("pm-output", ["--lines", "0", record]).stdout
        }
    }
}
