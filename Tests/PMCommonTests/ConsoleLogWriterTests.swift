import Foundation
import XCTest

@testable import PMCore
@testable import PMSystem
@testable import PMTestSupport

/// The console logger on its own: rotation, compression, and a full disk.
final class ConsoleLogWriterTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("pm-log-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs a logger over `input`, written into its pipe by another thread; its status.
    private func log(_ input: [UInt8], limits: ConsoleLog.Limits) throws -> ExitStatus {
        var ends: [Int32] = [-1, -1]
        XCTAssertEqual(pipe(&ends), 0)
        let writer = ends[1]
        let feeder = Parallel.background {
            input.withUnsafeBytes { buffer in
                var done = 0
                while done < buffer.count {
                    let count = write(writer, buffer.baseAddress! + done, buffer.count - done)
                    if count <= 0 { break }
                    done += count
                }
            }
            close(writer)
        }
        let status = try ConsoleLogWriter(directory: directory, limits: limits).run(input: ends[0])
        feeder.join()
        close(ends[0])
        return status
    }

    private func lines(_ count: Int) -> [UInt8] {
        Array(
            (0..<count).map { String(format: "line %06d .........................................\r\n", $0) }
                .joined().utf8)
    }

    private func files() throws -> [String: Int] {
        var sizes: [String: Int] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            sizes[name] = try FileManager.default.attributesOfItem(atPath: directory + "/" + name)[.size] as? Int
        }
        return sizes
    }

    func testRotationKeepsTheLimitsAndCompressesTheOlderFiles() throws {
        var limits = ConsoleLog.Limits()
        limits.maximum = 64 << 10
        limits.keep = 3
        limits.compress = true
        XCTAssertEqual(try log(lines(20000), limits: limits), .success)
        let sizes = try files()
        XCTAssertEqual(
            Set(sizes.keys.filter { $0.hasPrefix("console.log") }),
            ["console.log", "console.log.1.gz", "console.log.2.gz"])
        XCTAssertLessThanOrEqual(sizes["console.log"] ?? 0, 64 << 10)
        let last = try String(contentsOfFile: directory + "/console.log", encoding: .utf8)
        XCTAssertTrue(
            last.hasSuffix(" line 019999 .........................................\n"), String(last.suffix(80)))
        XCTAssertFalse(last.contains("\r"), "the log is text")
        let unzipped = try Toolbox.shell("gzip -dc \(directory)/console.log.1.gz | tail -n 1")
        XCTAssertTrue(unzipped.stdout.contains(" line 01"), unzipped.stdout)

        // The next run starts a new file, and keeps three in all.
        XCTAssertEqual(try log(lines(1), limits: limits), .success)
        XCTAssertEqual(
            try String(contentsOfFile: directory + "/console.log", encoding: .utf8).split(separator: "\n").count, 1)
        XCTAssertEqual(try files().keys.filter { $0.hasPrefix("console.log") }.count, 3)
    }

    /// A full disk drops lines, never the input: the logger reads to the end, and says what it
    /// dropped once it can write again (after a rotation freed space).
    func testAFullDiskDropsLinesAndTheLoggerGoesOn() throws {
        try Backend.require(.root)
        let mount = try Toolbox.shell("mount -t tmpfs -o size=384k pm-log-test \(ShellWords.quote(directory))")
        XCTAssertEqual(mount.status, 0, mount.stderr)
        defer { _ = try? Toolbox.shell("umount \(ShellWords.quote(directory))") }
        var limits = ConsoleLog.Limits()
        limits.maximum = 256 << 10
        limits.keep = 2
        XCTAssertEqual(try log(lines(50000), limits: limits), .success, "all 3 MiB read")
        let all = try files().keys.filter { $0.hasPrefix("console.log") }.map {
            (try? String(contentsOfFile: directory + "/" + $0, encoding: .utf8)) ?? ""
        }.joined()
        XCTAssertTrue(all.contains(" lines were dropped: No space left on device]"), "\((try? files()) ?? [:])")
        for line in all.split(separator: "\n") {
            XCTAssertTrue(line.hasSuffix("...") || line.hasSuffix("]"), "no half line: \(line)")
        }
    }
}
