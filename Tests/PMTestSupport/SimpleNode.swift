import Foundation
import XCTest

/// A node for the simple manager in a temporary directory: a work path holding the example
/// `runner.sh` and `demo-server.sh`, a daemon configuration that uses them, and a state
/// directory. Every server it started is stopped on `tearDown`.
/// Shared by a test\'s threads only to run tools, which reads what `init` set.
final class SimpleNode: @unchecked Sendable {
    let root: URL
    var workPath: String { root.appendingPathComponent("work").path }
    var configPath: String { root.appendingPathComponent("gameap-daemon.yaml").path }
    var statePath: String { root.appendingPathComponent("state").path }

    /// `scripts` replaces or adds entries of the `scripts` block.
    init(scripts overrides: [String: String] = [:]) throws {
        try Backend.require(.root)
        root = URL(fileURLWithPath: "/tmp").appendingPathComponent("pm-e2e-\(UUID().uuidString.prefix(8))")
        let fm = FileManager.default
        try fm.createDirectory(
            atPath: root.appendingPathComponent("work/servers").path, withIntermediateDirectories: true)
        try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root.path)
        for script in ["runner.sh", "demo-server.sh"] {
            let target = workPath + "/" + script
            try fm.copyItem(
                atPath: Toolbox.repository.appendingPathComponent("examples/\(script)").path, toPath: target)
            try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: target)
        }
        var scripts = [
            "start": #"{node_work_path}/runner.sh start -d {dir} -n {uuid} -u {user} -c "{command}""#,
            "stop": "{node_work_path}/runner.sh stop -d {dir} -n {uuid} -u {user}",
            "status": "{node_work_path}/runner.sh status -d {dir} -n {uuid} -u {user}",
            "getconsole": "{node_work_path}/runner.sh get_console -d {dir} -n {uuid} -u {user}",
            "sendcommand": #"{node_work_path}/runner.sh send_command -d {dir} -n {uuid} -u {user} -c "{command}""#
        ]
        scripts.merge(overrides) { $1 }
        let block = scripts.sorted { $0.key < $1.key }.map {
            "  \($0.key): '\($0.value.replacingOccurrences(of: "'", with: "''"))'"
        }
        try (["work_path: \(workPath)", "process_manager:", "  name: simple", "scripts:"] + block)
            .joined(separator: "\n").write(toFile: configPath, atomically: true, encoding: .utf8)
        _ = try TestUser.ensure()
    }

    /// A record for the demo server (or `command`), run as `user` (the test user; "" runs it as
    /// root, which needs --allow-root); `dir` is created (owned by `user` when given).
    func record(
        id: Int, user: String = "pmtest", command: String = "{node_work_path}/demo-server.sh", extra: String = "",
        uuid: String? = nil
    ) throws -> String {
        let dir = "servers/s\(id)"
        let path = workPath + "/" + dir
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        if !user.isEmpty {
            _ = try Toolbox.shell("chown \(user): \(path)")
        }
        return """
            {"id": \(id), "uuid": "\(uuid ?? self.uuid(id))", "dir": "\(dir)", "su_user": "\(user)", \
            "server_port": \(27000 + id),
             "start_command": "\(command)", "rcon": "hunter2-secret",
             "vars": {"default_map": "de_dust2", "hostname": "Server \(id)"}\(extra)}
            """
    }

    func uuid(_ id: Int) -> String { String(format: "%08d-0000-4000-8000-000000000000", id) }

    /// Writes a record to a file and returns its path.
    func file(_ json: String, name: String = UUID().uuidString) throws -> String {
        let path = root.appendingPathComponent("\(name).json").path
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @discardableResult
    func run(
        _ tool: String, _ arguments: [String], stdin: String? = nil, timeout: TimeInterval = 60
    ) throws -> Toolbox.Result {
        try Toolbox.run(
            tool, ["--config", configPath, "--state-dir", statePath] + arguments,
            stdin: stdin.map { Data($0.utf8) }, timeout: timeout)
    }

    /// The demo-server processes of this node still alive (zombies excepted).
    func runningServers() throws -> Int {
        let list = try Toolbox.shell(
            "ps -eo stat=,args= | grep -v '^Z' | grep -c '[/]bin/sh \(workPath)/demo-server.sh' || true")
        return Int(list.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    /// Kills whatever the demo servers left running, and removes the directory.
    func tearDown() {
        _ = try? Toolbox.shell(
            "for p in \(workPath)/servers/*/.runner/server.pid; do [ -f \"$p\" ] && kill -KILL -$(cat \"$p\") "
                + "2>/dev/null; done; true"
        )
        try? FileManager.default.removeItem(at: root)
    }
}
