import Foundation
import PMCommon
import PMCore
import PMHTTP
import PMManagers
import PMSystem
import XCTest

/// A node for the systemd manager with a real `systemd --user` manager: the tools run as the
/// unprivileged user `pmsd`, whose manager `scripts/backends/systemd-user-up pmsd` starts
/// (scripts/test does, and stops it afterwards). A work path in that user's home, a daemon
/// configuration with `scope: user`, and a state directory; `tearDown` uninstalls every server.
final class SystemdNode {
    static let user = "pmsd"

    let account: Account
    let root: String
    var workPath: String { root + "/work" }
    var configPath: String { root + "/gameap-daemon.yaml" }
    var statePath: String { root + "/state" }
    var runtimeDirectory: String { "/run/user/\(account.uid)" }
    private var records: [String] = []

    /// The tools, copied where the test user can run them (the build directory may be private).
    static let binDirectory: String = {
        let directory = "/tmp/pm-systemd-bin-\(getpid())"
        atexit { try? FileManager.default.removeItem(atPath: SystemdNode.binDirectory) } // set by then
        try? FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        for tool in ["pm-start", "pm-stop", "pm-status", "pm-output", "pm-input", "pm-metrics", "pm-install"] {
            try? FileManager.default.removeItem(atPath: directory + "/" + tool)
            try? FileManager.default.copyItem(atPath: Toolbox.path(tool), toPath: directory + "/" + tool)
        }
        return directory
    }()

    init() throws {
        try Backend.require(.root, .systemdUserManager(user: Self.user))
        guard let account = Account.lookup(name: Self.user) else {
            throw RequiredBackendMissing(message: "no user \(Self.user)")
        }
        self.account = account
        root = account.home + "/pm-e2e-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: workPath + "/servers", withIntermediateDirectories: true)
        let demo = workPath + "/demo-server.sh"
        try FileManager.default.copyItem(
            atPath: Toolbox.repository.appendingPathComponent("examples/demo-server.sh").path, toPath: demo)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: demo)
        try "work_path: \(workPath)\nprocess_manager:\n  name: systemd\n  config:\n    scope: user\n"
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        _ = try Toolbox.shell("chown -R \(Self.user): \(root)")
    }

    /// Unique per node, so units that a crashed run left behind never meet a new test.
    private let tag = UInt16.random(in: 0...UInt16.max)
    func uuid(_ id: Int) -> String { String(format: "%08d-%04x-4000-8000-5d0000000000", id, tag) }
    func name(_ id: Int) -> String { XID.name(uuid: uuid(id), id: id) }
    func service(_ id: Int) -> String { "gameap-server-\(name(id)).service" }

    /// A record for the demo server (or `command`), with its directory created; written to a
    /// file the test user can read.
    func record(
        id: Int, command: String = "{node_work_path}/demo-server.sh", extra: String = "", uuid: String? = nil
    ) throws -> String {
        let dir = "servers/s\(id)"
        try FileManager.default.createDirectory(atPath: workPath + "/" + dir, withIntermediateDirectories: true)
        let json = """
            {"id": \(id), "uuid": "\(uuid ?? self.uuid(id))", "dir": "\(dir)", "server_port": \(27100 + id),
             "start_command": "\(command)", "vars": {"hostname": "Systemd \(id)"}\(extra)}
            """
        let path = root + "/record-\(id).json"
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        _ = try Toolbox.shell("chown -R \(Self.user): \(root)")
        records.append(path)
        return path
    }

    /// Runs a tool as the test user, with only the environment a service would have.
    @discardableResult
    func run(
        _ tool: String, _ arguments: [String], stdin: String? = nil, as user: String = SystemdNode.user,
        environment: [String: String] = [:], timeout: TimeInterval = 60
    ) throws -> Toolbox.Result {
        var variables = [
            "PATH": "\(Self.binDirectory):/usr/local/bin:/usr/bin:/bin", "XDG_RUNTIME_DIR": runtimeDirectory
        ]
        variables.merge(environment) { $1 }
        let assignments = variables.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let words =
            ["runuser", "-u", user, "--", "env", "-i"] + assignments
            + [tool, "--config", configPath, "--state-dir", statePath] + arguments
        return try Toolbox.shell("exec " + ShellWords.join(words), stdin: stdin.map { Data($0.utf8) }, timeout: timeout)
    }

    /// `systemctl --user` as the test user.
    func systemctl(_ arguments: [String]) throws -> Toolbox.Result {
        try Toolbox.shell(
            "exec "
                + ShellWords.join(
                    [
                        "runuser", "-u", Self.user, "--", "env", "XDG_RUNTIME_DIR=\(runtimeDirectory)",
                        "systemctl", "--user"
                    ] + arguments))
    }

    func tearDown() {
        for record in records {
            let uninstall = try? run("pm-install", ["--uninstall", "--force", record])
            XCTAssertEqual(uninstall?.status, 0, "tearDown: \(uninstall?.stderr ?? "")")
        }
        try? FileManager.default.removeItem(atPath: root)
    }

    /// Polls the output until it contains `text` (up to `seconds`).
    func waitForOutput(_ record: String, containing text: String, seconds: Double = 10) throws -> String {
        try Toolbox.poll(seconds: seconds, until: { $0.contains(text) }) {
            try run("pm-output", ["--lines", "0", record]).stdout
        }
    }
}
