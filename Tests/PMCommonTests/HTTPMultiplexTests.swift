import XCTest

@testable import PMCommon
@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

/// The stdout/stderr frame decoder of engine logs and attach.
final class HTTPMultiplexTests: XCTestCase {
    private typealias Piece = (stream: MultiplexedStreamDecoder.Stream, bytes: [UInt8])

    /// One frame: the stream byte, three zero bytes, the size big-endian, the payload.
    static func frame(_ stream: UInt8, _ text: String) -> [UInt8] {
        let payload = Array(text.utf8)
        let size = UInt32(payload.count)
        return [
            stream, 0, 0, 0, UInt8(size >> 24), UInt8(size >> 16 & 0xFF), UInt8(size >> 8 & 0xFF), UInt8(size & 0xFF)
        ] + payload
    }

    private func frame(_ stream: UInt8, _ text: String) -> [UInt8] { Self.frame(stream, text) }

    /// Decodes `pieces` in order and merges adjacent parts of the same stream.
    private func decode(_ pieces: [[UInt8]]) throws -> [Piece] {
        var decoder = MultiplexedStreamDecoder()
        var result: [Piece] = []
        for piece in pieces {
            try decoder.decode(piece) { stream, part in
                if let last = result.last, last.stream == stream {
                    result[result.count - 1].bytes += part
                } else {
                    result.append((stream, Array(part)))
                }
            }
        }
        XCTAssertTrue(decoder.isAtFrameBoundary)
        return result
    }

    private var sample: [UInt8] {
        frame(1, "hello ") + frame(1, "") + frame(2, "oops\n") + frame(0, "legacy stdin counts as stdout")
            + frame(2, "") + frame(1, String(repeating: "é", count: 200))
    }

    private var expected: [(MultiplexedStreamDecoder.Stream, String)] {
        [
            (.stdout, "hello "), (.stderr, "oops\n"),
            (.stdout, "legacy stdin counts as stdout" + String(repeating: "é", count: 200))
        ]
    }

    private func assertExpected(_ pieces: [Piece], _ message: String, line: UInt = #line) {
        XCTAssertEqual(pieces.map(\.stream), expected.map(\.0), message, line: line)
        XCTAssertEqual(pieces.map { String(decoding: $0.bytes, as: UTF8.self) }, expected.map(\.1), message, line: line)
    }

    func testFramesSplitAtEveryByteOffset() throws {
        let bytes = sample
        for offset in 0...bytes.count {
            assertExpected(try decode([Array(bytes[..<offset]), Array(bytes[offset...])]), "split at \(offset)")
        }
        assertExpected(try decode(bytes.map { [$0] }), "byte by byte")
        for first in stride(from: 0, through: 40, by: 1) {
            let second = first + 13
            assertExpected(
                try decode([Array(bytes[..<first]), Array(bytes[first..<second]), Array(bytes[second...])]),
                "split at \(first), \(second)")
        }
    }

    func testZeroLengthFramesOnly() throws {
        XCTAssertTrue(try decode([frame(1, "") + frame(2, ""), frame(1, "")]).isEmpty)
        XCTAssertTrue(try decode([]).isEmpty)
    }

    func testPartialFrameIsReportedAtTheEnd() throws {
        var decoder = MultiplexedStreamDecoder()
        var output: [UInt8] = []
        try decoder.decode(Array(frame(1, "abcdef").prefix(10))) { output += $1 }
        XCTAssertEqual(output, Array("ab".utf8), "payload bytes pass on as soon as they are in")
        XCTAssertFalse(decoder.isAtFrameBoundary)
    }

    func testBadHeadersAndEngineErrors() throws {
        XCTAssertThrowsError(try decode([frame(1, "ok") + frame(3, "container exited")])) { error in
            XCTAssertEqual("\(error)", "error from daemon in stream: container exited")
        }
        let error = frame(3, "split")
        XCTAssertThrowsError(try decode([Array(error.prefix(9)), Array(error.dropFirst(9))])) { error in
            XCTAssertEqual(error as? HTTPError, .streamError("split"))
        }
        XCTAssertThrowsError(try decode([frame(5, "x")])) { error in
            XCTAssertEqual("\(error)", "unrecognized stream: 5")
        }
        XCTAssertThrowsError(try decode([Array("HTTP/1.1 200 OK".utf8)])) { error in
            XCTAssertEqual(error as? HTTPError, .unrecognizedStream(UInt8(ascii: "H")))
        }
        XCTAssertThrowsError(try decode([[1, 0, 1, 0, 0, 0, 0, 1, 0x41]])) { error in
            XCTAssertEqual(error as? HTTPError, .badFrameHeader([1, 0, 1, 0, 0, 0, 0, 1]))
        }
    }
}
