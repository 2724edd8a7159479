import Foundation
import PMCommon
import PMCore
import PMHTTP
import PMManagers
import PMSystem
import XCTest

/// A node for the docker manager against a real dockerd on a private socket
/// (`scripts/backends/docker-up`, which scripts/test runs), with the local busybox image
/// `localhost/pmtest`. Each node has its own work path and uuids; `tearDown` uninstalls
/// every server it made and checks that no container of them is left.
final class DockerNode {
    static let dockerSocket = ProcessInfo.processInfo.environment["PM_DOCKER_SOCKET"] ?? "/tmp/pm-backends/docker.sock"
    /// Podman's Docker-compatible API (`scripts/backends/podman-up`).
    static let podmanSocket = ProcessInfo.processInfo.environment["PM_PODMAN_SOCKET"] ?? "/tmp/pm-backends/podman.sock"
    static let image = "localhost/pmtest"

    /// The engine's socket.
    let socket: String

    let root: String
    var workPath: String { root + "/work" }
    var statePath: String { root + "/state" }
    private let tag = UInt16.random(in: 0...UInt16.max)
    private var records: [String] = []
    /// The engine the tools talk to (`-o host=`).
    var host: String

    /// `docker`, or `podman` (libpod, `-o socket_path=`).
    let manager: String

    init(socket: String = DockerNode.dockerSocket, manager: String = "docker") throws {
        self.socket = socket
        self.manager = manager
        host = "unix://" + socket
        try Backend.require(.root, .program("curl"), .engine(socket: socket))
        root = "/tmp/pm-docker-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: workPath + "/servers", withIntermediateDirectories: true)
        _ = try Toolbox.shell("chmod 755 \(root) \(workPath) \(workPath)/servers")
        _ = try TestUser.ensure()
    }

    func uuid(_ id: Int) -> String { String(format: "%08d-%04x-4000-8000-d0c000000000", id, tag) }
    func name(_ id: Int) -> String { XID.name(uuid: uuid(id), id: id) }

    /// A record run as `pmtest` from the busybox image; `files` are written into its directory.
    func record(
        id: Int, command: String, files: [String: String] = [:], vars: [String: String] = [:], extra: String = "",
        uuid: String? = nil
    ) throws -> String {
        let dir = "servers/d\(id)"
        let directory = workPath + "/" + dir
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (name, text) in files {
            try text.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
            _ = try Toolbox.shell("chmod 755 \(ShellWords.quote(directory + "/" + name))")
        }
        _ = try Toolbox.shell("chown -R pmtest: \(directory)")
        var allVars = ["docker_image": Self.image]
        allVars.merge(vars) { $1 }
        let varsJSON = String(
            decoding: try JSONSerialization.data(withJSONObject: allVars, options: [.sortedKeys]), as: UTF8.self)
        let commandJSON = String(decoding: try JSONSerialization.data(withJSONObject: [command]), as: UTF8.self)
        let json = """
            {"id": \(id), "uuid": "\(uuid ?? self.uuid(id))", "dir": "\(dir)", "su_user": "pmtest", \
            "server_ip": "127.0.0.1",
             "server_port": \(28000 + id * 10), "query_port": \(28001 + id * 10), "rcon_port": \(28002 + id * 10),
             "start_command": \(commandJSON.dropFirst().dropLast()),
             "vars": \(varsJSON)\(extra)}
            """
        let path = root + "/record-\(id).json"
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        records.append(path)
        return path
    }

    /// The flags that choose the manager and its engine.
    var engineFlags: [String] {
        [
            "-m", manager, "-o", manager == "podman" ? "socket_path=\(host)" : "host=\(host)", "--work-path", workPath,
            "--state-dir", statePath
        ]
    }

    @discardableResult
    func run(
        _ tool: String, _ arguments: [String], stdin: String? = nil, timeout: TimeInterval = 90
    ) throws -> Toolbox.Result {
        try Toolbox.run(
            tool, engineFlags + arguments,
            stdin: stdin.map { Data($0.utf8) }, timeout: timeout)
    }

    /// `GET path` on the engine's socket, as JSON.
    func engine(_ path: String) throws -> Any {
        let result = try Toolbox.shell("curl -sS --unix-socket \(socket) \(ShellWords.quote("http://d/v1.41" + path))")
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }

    /// Containers of this node (by the uuid label).
    func containers() throws -> [[String: Any]] {
        let all = try engine("/containers/json?all=1") as? [[String: Any]] ?? []
        return all.filter {
            (($0["Labels"] as? [String: String])?["gameap.server.uuid"] ?? "").contains(String(format: "-%04x-", tag))
        }
    }

    func waitForOutput(_ record: String, containing text: String, seconds: Double = 10) throws -> String {
        try Toolbox.poll(seconds: seconds, until: { $0.contains(text) }) {
            try run("pm-output", ["--lines", "0", record]).stdout
        }
    }

    func tearDown() {
        host = "unix://" + socket
        for record in records { _ = try? run("pm-install", ["--uninstall", "--force", record]) }
        XCTAssertEqual((try? containers())?.count ?? 0, 0, "containers left behind")
        try? FileManager.default.removeItem(atPath: root)
    }
}
