import Foundation
import PMCommon
import XCTest

@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

/// pm-metrics in a Prometheus set-up: its output passes `promtool check metrics` and a real
/// Pushgateway (started here on a loopback port) accepts it and serves it back.
final class PrometheusTests: XCTestCase {
    private var node: TmuxNode!
    private var gateway: Int32 = 0
    private var port = 0

    override func setUpWithError() throws {
        node = try TmuxNode()
    }

    override func tearDown() {
        if gateway > 0 { kill(gateway, SIGTERM) }
        node?.tearDown()
    }

    func testPromtoolAcceptsTheOutput() throws {
        let records = try (1...3).map { try node.record(id: $0) }
        let array = try node.file("[" + records.joined(separator: ",") + "]")
        XCTAssertEqual(try node.run("pm-start", [array]).status, 0)
        let metrics = try node.run("pm-metrics", ["--interval", "0.5", array])
        XCTAssertEqual(metrics.status, 0, metrics.stderr)
        for family in [
            "up", "cpu_usage_percent", "cpu_seconds_total", "memory_usage_bytes", "block_io_read_bytes_total",
            "block_io_write_bytes_total", "process_pids"
        ] {
            XCTAssertEqual(metrics.stdout.components(separatedBy: "# TYPE gameap_server_\(family) ").count, 2, family)
        }
        XCTAssertFalse(metrics.stdout.contains("network"), "no host-wide network numbers")
        let file = node.root.appendingPathComponent("metrics.txt").path
        try metrics.stdout.write(toFile: file, atomically: true, encoding: .utf8)
        try Backend.require(.program("promtool"))
        let check = try Toolbox.shell("promtool check metrics < \(file)")
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
    }

    func testPushgatewayAcceptsAPipedPush() throws {
        try startGateway()
        let record = try node.file(node.record(id: 4))
        XCTAssertEqual(try node.run("pm-start", [record]).status, 0)
        let url = "http://127.0.0.1:\(port)/metrics/job/gameap/instance/node1"
        let push = try Toolbox.shell(
            "pm-metrics --config \(node.configPath) --state-dir \(node.statePath) --interval 0.3 \(record) | curl -sS "
                + "--fail --data-binary @- \(url)",
            environment: node.environment)
        XCTAssertEqual(push.status, 0, push.stderr)
        let served = try Toolbox.shell("curl -sS --fail http://127.0.0.1:\(port)/metrics").stdout
        let labels =
            "instance=\"node1\",job=\"gameap\",server_id=\"4\",server_uuid=\"\(node.uuid(4))\","
            + "session=\"\(XID.name(uuid: node.uuid(4), id: 4))\""
        XCTAssertEqual(Prometheus.value(served, "gameap_server_up", containing: labels), 1, served)
        XCTAssertGreaterThan(
            try XCTUnwrap(Prometheus.value(served, "gameap_server_memory_usage_bytes", containing: labels)), 0)
        XCTAssertGreaterThanOrEqual(
            try XCTUnwrap(Prometheus.value(served, "gameap_server_process_pids", containing: labels)), 1)
        XCTAssertNotNil(Prometheus.value(served, "gameap_server_cpu_usage_percent", containing: labels))

        let rejected = try Toolbox.shell(
            "pm-metrics --timestamps --config \(node.configPath) --state-dir \(node.statePath) \(record) | curl -s -o "
                + "/dev/null -w '%{http_code}' --data-binary @- \(url)",
            environment: node.environment)
        XCTAssertEqual(rejected.stdout, "400", "a Pushgateway rejects timestamps, which is why they are off by default")
    }

    func testTwentyServersTakeOneInterval() throws {
        let records = try (11...30).map { try node.record(id: $0) }
        let array = try node.file("[" + records.joined(separator: ",") + "]")
        XCTAssertEqual(try node.run("pm-start", [array]).status, 0)
        let began = Date()
        let metrics = try node.run("pm-metrics", ["--interval", "1", array])
        let elapsed = Date().timeIntervalSince(began)
        XCTAssertEqual(metrics.status, 0, "stderr: \(metrics.stderr)\nstdout: \(metrics.stdout)")
        XCTAssertLessThan(elapsed, 3, "one interval for the batch, not twenty")
        XCTAssertEqual(metrics.stdout.components(separatedBy: "\ngameap_server_cpu_usage_percent{").count - 1, 20)
    }

    func testSimpleServersAreFoundByTheirMarker() throws {
        try Backend.require(.program("prometheus-pushgateway"))
        let simple = try SimpleNode()
        defer { simple.tearDown() }
        let record = try simple.file(simple.record(id: 1))
        XCTAssertEqual(try simple.run("pm-start", [record]).status, 0)
        let metrics = try simple.run("pm-metrics", ["--interval", "0.2", record])
        XCTAssertEqual(metrics.status, 0, metrics.stderr)
        XCTAssertGreaterThanOrEqual(
            try XCTUnwrap(Prometheus.value(metrics.stdout, "gameap_server_process_pids")), 1, metrics.stdout)
        XCTAssertGreaterThan(try XCTUnwrap(Prometheus.value(metrics.stdout, "gameap_server_memory_usage_bytes")), 0)
        XCTAssertNotNil(Prometheus.value(metrics.stdout, "gameap_server_cpu_usage_percent"))
        XCTAssertEqual(try simple.run("pm-stop", ["--force", record]).status, 0)
        let stopped = try simple.run("pm-metrics", [record])
        XCTAssertEqual(Prometheus.value(stopped.stdout, "gameap_server_up"), 0)
        XCTAssertNil(Prometheus.value(stopped.stdout, "gameap_server_process_pids"))
    }

    /// Starts `prometheus-pushgateway` on a free loopback port and waits until it is ready.
    private func startGateway() throws {
        for candidate in 19100..<19200 {
            let started = try Toolbox.shell(
                "prometheus-pushgateway --web.listen-address=127.0.0.1:\(candidate) >\(node.root.path)/gateway.log "
                    + "2>&1 & echo $!"
            )
            gateway = Int32(started.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
            for _ in 0..<50 {
                if try Toolbox.shell("curl -sf http://127.0.0.1:\(candidate)/-/ready").status == 0 {
                    port = candidate
                    return
                }
                Thread.sleep(forTimeInterval: 0.1)
            }
            kill(gateway, SIGTERM)
        }
        XCTFail("the Pushgateway did not start")
    }
}
