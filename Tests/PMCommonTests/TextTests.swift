import XCTest

@testable import PMCommon
@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

/// The byte-level text helpers of System/Text.swift, which replace the standard library's
/// generic ones on start-up paths and must give the same answers.
final class TextTests: XCTestCase {
    func testFieldsKeepEmptyFieldsLikeSplit() {
        for text in ["", "a", "a\tb", "a\t\tb", "\t", "\ta\t", "é\tü\t", "x\r\ny"] {
            let expected = text.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            XCTAssertEqual(text.fields(separatedBy: UInt8(ascii: "\t")), expected, text)
        }
    }

    func testLinesSplitAtLFOnly() {
        XCTAssertEqual("a\r\nb\n\nc\n".lines, ["a\r", "b", "", "c"])
        XCTAssertEqual("".lines, [])
    }

    func testValidUTF8MatchesTheStandardLibrary() {
        let cases: [[UInt8]] = [
            [], Array("plain".utf8), Array("é ü € 𝄞".utf8), [0xF0, 0x90, 0x80, 0x61], [0xED, 0xA0, 0x80],
            [0xC0, 0xAF],
            [0xFF], [0x80], [0xE2, 0x82], [0xF4, 0x90, 0x80, 0x80], [0xEF, 0xBF, 0xBD], [0x00]
        ]
        for bytes in cases {
            XCTAssertEqual(String(validUTF8: bytes), String(validating: bytes, as: UTF8.self), "\(bytes)")
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            // Mostly bytes that start or continue multi-byte sequences, where the rules are.
            let bytes = (0..<Int.random(in: 0...6, using: &generator)).map { _ in
                [0x41, 0x80, 0xBF, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF][
                    Int.random(in: 0..<12, using: &generator)] as UInt8
            }
            XCTAssertEqual(String(validUTF8: bytes), String(validating: bytes, as: UTF8.self), "\(bytes)")
        }
    }

    func testJoinedMatchesTheStandardLibrary() {
        for parts in [[], ["a"], ["a", "", "b"], ["é", "ü"]] as [[String]] {
            XCTAssertEqual(parts.joined(separator: ", "), parts.lazy.joined(separator: ", "))
        }
    }
}
