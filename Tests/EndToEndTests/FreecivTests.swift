import Foundation
import PMCommon
import XCTest

@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

/// A real game server, Debian's freeciv-server, through the built tools with `-m tmux`. It
/// lives in /usr/games and refuses to run as root, so it runs as the record's `su_user`.
final class FreecivTests: XCTestCase {
    private var node: TmuxNode!
    private static let server = "/usr/games/freeciv-server"

    override func setUpWithError() throws {
        try Backend.require(.program(Self.server))
        node = try TmuxNode()
    }

    override func tearDown() { node?.tearDown() }

    /// A record that runs freeciv-server on a free port with its saves in the server directory.
    private func record(id: Int, consoleStop: String) throws -> String {
        let port = try freePort()
        let json = try node.record(
            id: id, command: "\(Self.server) --port {port} --saves {dir}/saves",
            extra: #", "settings": [{"name": "console_stop_command", "value": "\#(consoleStop)"}]"#)
        return try node.file(
            json.replacingOccurrences(of: "\"server_port\": \(27000 + id)", with: "\"server_port\": \(port)"))
    }

    func testFreecivLifecycleWithAGracefulQuit() throws {
        let record = try record(id: 1, consoleStop: "quit")
        let start = try node.run("pm-start", [record])
        XCTAssertEqual(start.status, 0, start.stderr)

        let status = try node.run("pm-status", ["--json", record])
        XCTAssertEqual(status.status, 0, status.stderr)
        let object = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        XCTAssertEqual(object?["name"] as? String, XID.name(uuid: node.uuid(1), id: 1))
        let pid = try XCTUnwrap(object?["pid"] as? Int)
        XCTAssertEqual(try Toolbox.shell("ps -o comm= -p \(pid)").stdout, "freeciv-server\n")

        _ = try node.waitForOutput(record, containing: "Now accepting new client connections", seconds: 30)
        XCTAssertEqual(try node.run("pm-input", ["-c", "list", record]).status, 0)
        let output = try node.waitForOutput(record, containing: "AI*5")
        XCTAssertTrue(output.contains("List of players:"), output)
        for player in 1...5 { XCTAssertTrue(output.contains("AI*\(player)"), "player AI*\(player) in \(output)") }

        // Metrics from the game's process tree; a CPU percent only once a baseline exists.
        let first = try node.run("pm-metrics", ["--interval", "0", record])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(Prometheus.value(first.stdout, "gameap_server_up"), 1)
        XCTAssertGreaterThan(
            try XCTUnwrap(Prometheus.value(first.stdout, "gameap_server_memory_usage_bytes")), 10_000_000)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(Prometheus.value(first.stdout, "gameap_server_process_pids")), 1)
        XCTAssertNotNil(Prometheus.value(first.stdout, "gameap_server_cpu_seconds_total"))
        XCTAssertNil(
            Prometheus.value(first.stdout, "gameap_server_cpu_usage_percent"), "no baseline yet: no CPU percent")
        XCTAssertTrue(first.stdout.contains("session=\"\(XID.name(uuid: node.uuid(1), id: 1))\""), first.stdout)
        Thread.sleep(forTimeInterval: 0.3)
        let second = try node.run("pm-metrics", ["--interval", "0", record])
        XCTAssertNotNil(
            Prometheus.value(second.stdout, "gameap_server_cpu_usage_percent"), "the first run left a baseline")

        let began = Date()
        let stop = try node.run("pm-stop", ["--timeout", "20", record])
        XCTAssertEqual(stop.status, 0, stop.stderr)
        XCTAssertTrue(stop.stdout.hasPrefix("server 1: stopped gracefully after"), stop.stdout)
        XCTAssertLessThan(Date().timeIntervalSince(began), 10, "well before the timeout")
        XCTAssertEqual(try node.run("pm-status", [record]).status, 1)
    }

    func testFreecivIgnoringTheStopCommandIsForcedAfterTheTimeout() throws {
        let record = try record(id: 2, consoleStop: "this-is-not-a-command")
        XCTAssertEqual(try node.run("pm-start", [record]).status, 0)
        _ = try node.waitForOutput(record, containing: "Now accepting new client connections", seconds: 30)
        let began = Date()
        let stop = try node.run("pm-stop", ["--timeout", "3", record])
        XCTAssertEqual(stop.status, 0, stop.stderr)
        XCTAssertEqual(
            stop.stdout, "server 2: stopped: forced after 3 seconds (the server ignored this-is-not-a-command)\n")
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(began), 3)
        XCTAssertEqual(try node.run("pm-status", [record]).status, 1)
    }
}

/// A TCP port nobody listens on now: the kernel's pick for port 0.
func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
        }
    }
    XCTAssertTrue(bound)
    return Int(UInt16(bigEndian: address.sin_port))
}
