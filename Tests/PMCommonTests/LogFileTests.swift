import Foundation
import XCTest

@testable import PMCommon
@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

/// Reading logs by whole lines from the end (systemd's `append:` logs).
final class LogFileTests: XCTestCase {
    private var path = ""

    override func setUp() {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("pm-log-\(UUID().uuidString)").path
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: path) }

    private func write(_ text: String) throws { try text.write(toFile: path, atomically: false, encoding: .utf8) }
    private func last(_ count: Int) throws -> String {
        String(decoding: try LogFile.lastLines(path, count: count), as: UTF8.self)
    }

    func testLastLinesAreWholeLines() throws {
        try write("one\ntwo\nthree\n")
        XCTAssertEqual(try last(2), "two\nthree\n")
        XCTAssertEqual(try last(3), "one\ntwo\nthree\n")
        XCTAssertEqual(try last(10), "one\ntwo\nthree\n")
        XCTAssertEqual(try last(0), "one\ntwo\nthree\n")
        try write("one\ntwo\npartial")
        XCTAssertEqual(try last(1), "partial")
        try write("")
        XCTAssertEqual(try last(5), "")
    }

    /// A log larger than the first window: lines of multi-byte characters are never cut.
    func testLargeLogNeverStartsInsideALineOrACharacter() throws {
        let line = String(repeating: "é", count: 999) + "\n"
        try write(String(repeating: line, count: 300))
        let tail = try last(100)
        XCTAssertEqual(tail, String(repeating: line, count: 100))
        let all = try last(0)
        XCTAssertEqual(all.utf8.count, line.utf8.count * 300)
    }

    func testMissingLogIsAnError() {
        XCTAssertThrowsError(try LogFile.lastLines(path + "-missing", count: 1)) {
            XCTAssertEqual(($0 as? SystemError)?.code, ENOENT)
        }
    }

    /// The feed gives the lines before it started, then what is appended; after the log is
    /// truncated (a new start) it reads the new log from its beginning; after a rotation (the
    /// log renamed, a new one made) it reads what went into the old file, then the new one.
    func testFeedFollowsAppendsTruncationAndRotation() throws {
        try write("one\ntwo\nthree\n")
        let path = self.path
        let feed = try LogFileFeed(name: path) {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            return fd >= 0 ? fd : nil
        }
        XCTAssertEqual(try feed.history(lines: 2).map { String(decoding: $0, as: UTF8.self) }, "two\nthree\n")
        XCTAssertEqual(try feed.newOutput(), [])
        func append(_ text: String, to file: String) throws {
            let handle = try XCTUnwrap(FileHandle(forWritingAtPath: file))
            handle.seekToEndOfFile()
            handle.write(Data(text.utf8))
            try handle.close()
        }
        try append("new\n", to: path)
        XCTAssertEqual(String(decoding: try feed.newOutput(), as: UTF8.self), "new\n")
        XCTAssertEqual(truncate(path, 0), 0)
        try append("x\n", to: path)
        XCTAssertEqual(String(decoding: try feed.newOutput(), as: UTF8.self), "x\n")
        XCTAssertEqual(rename(path, path + ".1"), 0)
        try append("last of the old\n", to: path + ".1")
        try Data("first of the new\n".utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(String(decoding: try feed.newOutput(), as: UTF8.self), "last of the old\nfirst of the new\n")
        try? FileManager.default.removeItem(atPath: path + ".1")
    }
}
