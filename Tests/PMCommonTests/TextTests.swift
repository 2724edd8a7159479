import XCTest
@testable import PMCommon

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

    func testJoinedMatchesTheStandardLibrary() {
        for parts in [[], ["a"], ["a", "", "b"], ["é", "ü"]] as [[String]] {
            XCTAssertEqual(parts.joined(separator: ", "), parts.lazy.joined(separator: ", "))
        }
    }
}
