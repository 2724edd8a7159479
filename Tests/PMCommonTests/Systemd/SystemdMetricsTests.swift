import XCTest

@testable import PMCommon
@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

/// `systemctl show` parsing and the samples built from it.
final class SystemdMetricsTests: XCTestCase {
    private let service = "gameap-server-x.service"

    private func report(_ text: String) throws -> MetricsReport {
        try SystemdMetrics(service: service, properties: UnitProperties(text)) { UnitProperties(text) }.report
    }

    private func value(_ report: MetricsReport, _ family: MetricFamily) -> MetricSample.Value? {
        report.samples.first { $0.family == family }?.value
    }

    func testParsesAllEightPropertiesAndToleratesNoise() {
        let properties = UnitProperties(
            """
            MemoryCurrent=1048576\r
            MemoryMax=infinity
            CPUUsageNSec=2000000000
            IOReadBytes=[not set]
            IOWriteBytes=18446744073709551615
            IPIngressBytes=99999999999999999999
            IPEgressBytes=42
            TasksCurrent=3
            garbage line
            =novalue
            CustomEnv=KEY=VALUE
            TasksCurrent=4
            """)
        XCTAssertEqual(properties.count("MemoryCurrent"), 1_048_576)
        XCTAssertNil(properties.count("MemoryMax"))
        XCTAssertEqual(properties.count("CPUUsageNSec"), 2_000_000_000)
        XCTAssertNil(properties.count("IOReadBytes"))
        XCTAssertNil(properties.count("IOWriteBytes"), "the unset sentinel")
        XCTAssertNil(properties.count("IPIngressBytes"), "overflow")
        XCTAssertEqual(properties.count("IPEgressBytes"), 42)
        XCTAssertEqual(properties.count("TasksCurrent"), 4, "a later duplicate wins")
        XCTAssertEqual(properties["CustomEnv"], "KEY=VALUE")
        XCTAssertNil(properties.count("Missing"))
        XCTAssertNil(UnitProperties("X=-1").count("X"))
        XCTAssertNil(UnitProperties("X= 1").count("X"))
    }

    func testSamplesWithoutALimit() throws {
        let report = try report(
            "ActiveState=active\nMainPID=10\nMemoryCurrent=512\nMemoryMax=infinity\nTasksCurrent=2\n")
        XCTAssertEqual(value(report, .up), .unsigned(1))
        XCTAssertEqual(value(report, .memoryUsageBytes), .unsigned(512))
        XCTAssertNil(value(report, .memoryLimitBytes))
        XCTAssertNil(value(report, .memoryUsagePercent))
        XCTAssertEqual(value(report, .processPIDs), .unsigned(2))
        for family in [
            MetricFamily.networkReceiveBytesTotal, .networkTransmitBytesTotal, .blockIOReadBytesTotal,
            .blockIOWriteBytesTotal
        ] {
            XCTAssertEqual(value(report, family), .unsigned(0), family.name)
        }
        XCTAssertNil(report.cpu, "no CPUUsageNSec, no CPU reading")
        XCTAssertNil(value(report, .cpuSecondsTotal))
        XCTAssertTrue(
            report.samples.allSatisfy { $0.labels.contains { $0.name == "service" && $0.value == self.service } })
    }

    func testLimitAndPercent() throws {
        let half = try report("ActiveState=active\nMemoryCurrent=512\nMemoryMax=1024\n")
        XCTAssertEqual(value(half, .memoryLimitBytes), .unsigned(1024))
        XCTAssertEqual(value(half, .memoryUsagePercent), .real(50))
        let none = try report("ActiveState=active\nMemoryMax=1073741824\n")
        XCTAssertEqual(value(none, .memoryUsagePercent), .real(0))
    }

    func testStoppedUnitIsDownAndGarbageIsUnknown() throws {
        XCTAssertEqual(value(try report("ActiveState=inactive\n"), .up), .unsigned(0))
        XCTAssertThrowsError(try report("ActiveState=exploded\n")) { XCTAssertEqual(ExitStatus(for: $0), .unknown) }
        XCTAssertThrowsError(try report("")) { XCTAssertEqual(ExitStatus(for: $0), .unknown) }
    }

    /// CPU seconds from `CPUUsageNSec`; the reading is keyed on the invocation, so a restart
    /// (a new InvocationID) never gives a percent against the old counter (docs/differences.md#sd-21).
    func testCPUReadingIsKeyedOnTheInvocation() throws {
        let first = try XCTUnwrap(try report("ActiveState=active\nInvocationID=aaa1\nCPUUsageNSec=1000000000\n").cpu)
        XCTAssertEqual(first.identity, "aaa1")
        XCTAssertEqual(first.seconds, 1)
        let later = CPUReading(identity: "aaa1", seconds: 3, at: first.at + 1, labels: [], resample: nil)
        XCTAssertEqual(
            try XCTUnwrap(later.percent(since: (first.identity, first.seconds, first.at))), 200, accuracy: 0.001)
        let idle = CPUReading(identity: "aaa1", seconds: 1, at: first.at + 1, labels: [], resample: nil)
        XCTAssertEqual(idle.percent(since: (first.identity, first.seconds, first.at)), 0)
        let restarted = CPUReading(identity: "bbb2", seconds: 5, at: first.at + 1, labels: [], resample: nil)
        XCTAssertNil(restarted.percent(since: (first.identity, first.seconds, first.at)))
        let backwards = CPUReading(identity: "aaa1", seconds: 0.5, at: first.at + 1, labels: [], resample: nil)
        XCTAssertNil(backwards.percent(since: (first.identity, first.seconds, first.at)))
        let report = try report("ActiveState=active\nMainPID=7\nExecMainStartTimestampMonotonic=99\nCPUUsageNSec=5\n")
        XCTAssertEqual(report.cpu?.identity, "7@99", "without an InvocationID: main pid and start time")
        XCTAssertEqual(value(report, .cpuSecondsTotal), .real(5e-9))
    }

    func testStatusFromShow() {
        XCTAssertEqual(SystemdManager.status(UnitProperties("ActiveState=active\nMainPID=12\n")).pid, 12)
        let restarting = SystemdManager.status(
            UnitProperties(
                "ActiveState=activating\nSubState=auto-restart\nMainPID=0\nExecMainStartTimestampMonotonic=1\n"
                    + "ExecMainCode=2\nExecMainStatus=11\nExecMainExitTimestampMonotonic=2\nRestartUSec=5s\nNRestarts=2\n"
            ))
        XCTAssertFalse(restarting.isRunning, "waiting to restart, the game is down")
        XCTAssertEqual(restarting.lastExit?.signalName, "SIGSEGV")
        XCTAssertEqual(restarting.restarts, 2)
        XCTAssertEqual(restarting.restartAt.map { $0 - (restarting.lastExit?.at ?? 0) }, 5)
        XCTAssertNil(SystemdManager.status(UnitProperties("ActiveState=activating\nMainPID=0\n")).pid)
        let failed = SystemdManager.status(
            UnitProperties("ActiveState=failed\nExecMainStatus=3\nExecMainStartTimestampMonotonic=1\n"))
        XCTAssertEqual(failed.state, .stopped)
        XCTAssertEqual(failed.exitCode, 3)
        XCTAssertEqual(
            SystemdManager.status(UnitProperties("LoadState=not-found\nActiveState=inactive\n")).state, .stopped)
        XCTAssertEqual(SystemdManager.status(UnitProperties("nonsense")).state, .unknown)
    }

    func testShowOfSeveralUnitsIsSplitByBlankLines() {
        let units = UnitProperties.units(
            "Id=a.service\nActiveState=active\n\nId=b.service\r\nActiveState=failed\r\n\r\nno id\n")
        XCTAssertEqual(units.keys.sorted(), ["a.service", "b.service"])
        XCTAssertEqual(units["b.service"]?["ActiveState"], "failed")
    }
}
