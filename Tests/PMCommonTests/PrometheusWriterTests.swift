import XCTest

@testable import PMCommon
@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

final class PrometheusWriterTests: XCTestCase {
    func testFamiliesSortedHelpAndTypeOnceSeriesSorted() {
        let samples = [
            MetricSample(
                .up, .unsigned(1), labels: [("server_uuid", "u2"), ("server_id", "2")], timestamp: 1713722286.5),
            MetricSample(
                .cpuUsagePercent, .real(12.5), labels: [("server_id", "7"), ("service", "gameap-server-x.service")]),
            MetricSample(.up, .unsigned(0), labels: [("server_id", "1")]),
            MetricSample(.up, .unsigned(1), labels: [("server_id", "1")])
        ]
        XCTAssertEqual(
            PrometheusWriter.render(samples),
            """
            # HELP gameap_server_cpu_usage_percent CPU usage of the game server (100 = one core).
            # TYPE gameap_server_cpu_usage_percent gauge
            gameap_server_cpu_usage_percent{server_id="7",service="gameap-server-x.service"} 12.5
            # HELP gameap_server_up Whether the game server process is running (1) or not (0).
            # TYPE gameap_server_up gauge
            gameap_server_up{server_id="1"} 0
            gameap_server_up{server_id="2",server_uuid="u2"} 1

            """)
        XCTAssertTrue(
            PrometheusWriter.render(samples, timestamps: true).contains(
                "gameap_server_up{server_id=\"2\",server_uuid=\"u2\"} 1 1713722286500\n"))
    }

    func testEscapingAndSpecialValues() {
        XCTAssertEqual(PrometheusWriter.escapeLabel("say \"hi\"\n"), "say \\\"hi\\\"\\n")
        XCTAssertEqual(PrometheusWriter.escapeLabel("\\n"), "\\\\n")
        XCTAssertEqual(PrometheusWriter.escapeLabel("C:\\"), "C:\\\\")
        XCTAssertEqual(PrometheusWriter.format(.real(.nan)), "NaN")
        XCTAssertEqual(PrometheusWriter.format(.real(.infinity)), "+Inf")
        XCTAssertEqual(PrometheusWriter.format(.real(-.infinity)), "-Inf")
        XCTAssertEqual(PrometheusWriter.format(.signed(-3)), "-3")
        XCTAssertEqual(PrometheusWriter.format(.unsigned(UInt64.max)), "18446744073709551615")
        XCTAssertEqual(PrometheusWriter.escapeHelp("a\\b\nc"), "a\\\\b\\nc")
        XCTAssertTrue(ASCII.isIdentifier("server_id".utf8))
        XCTAssertFalse(ASCII.isIdentifier("1x".utf8))
        XCTAssertFalse(ASCII.isIdentifier("a-b".utf8))
    }
}
