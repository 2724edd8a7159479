import XCTest

@testable import PMCommon
@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

final class CPUBaselineTests: XCTestCase {
    private var state: StateDirectory!

    override func setUpWithError() throws {
        state = StateDirectory(
            path: FileManager.default.temporaryDirectory.appendingPathComponent("pm-cpu-\(UUID().uuidString)").path)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: state.path) }

    private static func reading(
        _ identity: String, _ seconds: Double, at: Double, resample: (@Sendable () throws -> CPUReading?)? = nil
    ) -> CPUReading {
        CPUReading(identity: identity, seconds: seconds, at: at, labels: [("server_id", "1")], resample: resample)
    }

    func testPercentAgainstABaseline() throws {
        let baselines = try CPUBaselines(state: state)
        try baselines.save(Self.reading("10@500", 2.0, at: 100), for: "srv")
        let now = Self.reading("10@500", 3.0, at: 104)
        let baseline = try XCTUnwrap(baselines.baseline(for: "srv", matching: now))
        XCTAssertEqual(now.percent(since: baseline), 25)
    }

    /// A baseline of other processes (the server restarted) or too old is not used (docs/differences.md#life-14).
    func testRestartedOrStaleBaselinesAreIgnored() throws {
        let baselines = try CPUBaselines(state: state)
        try baselines.save(Self.reading("10@500", 2.0, at: 100), for: "srv")
        XCTAssertNil(baselines.baseline(for: "srv", matching: Self.reading("11@900", 5.0, at: 104)))
        XCTAssertNil(
            baselines.baseline(for: "srv", matching: Self.reading("10@500", 5.0, at: 100 + CPUBaselines.maximumAge + 1))
        )
        XCTAssertNil(baselines.baseline(for: "other", matching: Self.reading("10@500", 5.0, at: 104)))
        XCTAssertNil(
            Self.reading("10@500", 1.0, at: 104).percent(since: ("10@500", 2.0, 100)), "a counter that went back")
        try "garbage\n".write(toFile: baselines.directory + "/srv", atomically: true, encoding: .utf8)
        XCTAssertNil(baselines.baseline(for: "srv", matching: Self.reading("10@500", 5.0, at: 104)))
    }

    /// Writers of lines of different lengths and readers side by side: every reading is one
    /// whole line some writer wrote (seconds and time written together), never a mix.
    func testConcurrentWritersNeverTearAFile() throws {
        let baselines = try CPUBaselines(state: state)
        try baselines.save(Self.reading("10@500", 0, at: 0), for: "srv")
        DispatchQueue.concurrentPerform(iterations: 400) { index in
            let value = index % 2 == 0 ? Double(index) : Double(index) * 1_000_000.125
            try? baselines.save(Self.reading("10@500", value, at: value), for: "srv")
            let found = baselines.baseline(for: "srv", matching: Self.reading("10@500", 0, at: 0))
            XCTAssertNotNil(found)
            if let found { XCTAssertEqual(found.seconds, found.at) }
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: baselines.directory), ["srv"])
    }

    /// Rewritten in place (no new inode per reading); a file that is not one whole line (a
    /// writer killed half-way) is not used.
    func testBaselinesAreRewrittenInPlaceAndPartLinesIgnored() throws {
        let baselines = try CPUBaselines(state: state)
        let path = baselines.directory + "/srv"
        try baselines.save(Self.reading("10@500", 2.0, at: 100), for: "srv")
        let inode = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? UInt64)
        try baselines.save(Self.reading("10@500", 3.0, at: 101), for: "srv")
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? UInt64, inode)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "v1 10@500 3.0 101.0\n")
        for torn in ["v1 10@500 3.0 101.0", "v1 10@500 3.0 101.0\n9\n", "v1 10@500 3.0 10"] {
            try torn.write(toFile: path, atomically: false, encoding: .utf8)
            XCTAssertNil(baselines.baseline(for: "srv", matching: Self.reading("10@500", 5.0, at: 104)), torn)
        }
    }

    /// Without baselines, many servers take their second reading after one sleep together.
    func testOneSleepForTheWholeBatch() throws {
        let collector = MetricsCollector()
        let resamples = Locked(0)
        for index in 0..<20 {
            let first = Self.reading("\(index)@1", 1.0, at: Clock.monotonic) {
                resamples.withLock { $0 += 1 }
                return CPUReading(identity: "\(index)@1", seconds: 1.5, labels: [], resample: nil)
            }
            collector.add(MetricsReport(samples: [], cpu: first), for: "s\(index)")
        }
        let began = Date()
        let samples = collector.finish(state: state, interval: 0.5) { XCTFail($0) }
        XCTAssertLessThan(Date().timeIntervalSince(began), 1.2, "one interval, not twenty")
        XCTAssertEqual(resamples.withLock { $0 }, 20)
        XCTAssertEqual(samples.count, 20)
        for sample in samples {
            XCTAssertEqual(sample.family, .cpuUsagePercent)
            guard case .real(let percent) = sample.value else { return XCTFail() }
            XCTAssertEqual(percent, 100, accuracy: 20)
        }
        let second = MetricsCollector()
        second.add(MetricsReport(samples: [], cpu: Self.reading("0@1", 2.0, at: Clock.monotonic + 0.5)), for: "s0")
        XCTAssertEqual(
            second.finish(state: state, interval: 0) { XCTFail($0) }.count, 1, "the saved baseline is used at once")
    }

    func testNoBaselineAndNoIntervalGivesNoPercent() throws {
        let collector = MetricsCollector()
        collector.add(MetricsReport(samples: [], cpu: Self.reading("1@1", 1.0, at: Clock.monotonic)), for: "fresh")
        XCTAssertEqual(collector.finish(state: state, interval: 0) { XCTFail($0) }, [])
    }
}
