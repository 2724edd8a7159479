import XCTest

@testable import PMCommon
@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

final class JSONTests: XCTestCase {
    func testValuesAndNumbersAsWritten() throws {
        let value = try JSONParser.parse(
            #" {"a": [1, -2.50, 3e2, true, false, null], "b": "\u00e9\ud83d\ude00\n\"", "a": 2} "#)
        guard case .object(let object) = value else { return XCTFail() }
        XCTAssertEqual(object["a"], .number("2"), "the last duplicate wins")
        XCTAssertEqual(
            object.members[0].value,
            .array([.number("1"), .number("-2.50"), .number("3e2"), .bool(true), .bool(false), .null]))
        XCTAssertEqual(object["b"], .string("é😀\n\""))
    }

    func testSequences() throws {
        XCTAssertEqual(try JSONParser.parseSequence(Array("{\"a\":1}\n{\"a\":2}\n\n[3]".utf8)).count, 3)
        XCTAssertEqual(try JSONParser.parseSequence(Array("  ".utf8)), [])
    }

    func testErrorsHaveAPosition() {
        for text in ["", "{", "{\"a\" 1}", "[1,]", "01", "1.", "\"\u{01}\"", "\"\\x\"", "tru", "{\"a\":1}x", "-"] {
            XCTAssertThrowsError(try JSONParser.parse(text), text)
        }
        XCTAssertThrowsError(try JSONParser.parse("{\n  \"a\": ?}")) { error in
            XCTAssertEqual((error as? JSONSyntaxError)?.line, 2)
        }
    }

    func testNestingIsLimited() {
        XCTAssertThrowsError(try JSONParser.parse(String(repeating: "[", count: 100_000)))
        XCTAssertNoThrow(try JSONParser.parse(String(repeating: "[", count: 60) + String(repeating: "]", count: 60)))
    }

    func testInvalidUTF8IsRefused() throws {
        let quote: UInt8 = 0x22
        let backslash: UInt8 = 0x5C
        let n: UInt8 = 0x6E
        for bytes: [UInt8] in [
            [0xC3, 0x28], [0xC3, backslash, n], [backslash, n, 0xA9], [0xC0, 0xAF], [0xED, 0xA0, 0x80],
            [0xF0, 0x9F, 0x98]
        ] {
            XCTAssertThrowsError(try JSONParser.parse([quote] + bytes + [quote]), "\(bytes)") { error in
                XCTAssertEqual((error as? JSONSyntaxError)?.message, "a string is not valid UTF-8")
            }
        }
        XCTAssertEqual(try JSONParser.parse([quote, 0xC3, 0xA9, backslash, n, 0xC3, 0xA9, quote]), .string("é\né"))
        XCTAssertThrowsError(try JSONParser.parse(Array("{\n  \"a\": \"".utf8) + [0xC3, 0x28, quote, 0x7D])) { error in
            XCTAssertEqual(
                (error as? JSONSyntaxError).map { [$0.line, $0.column] }, [2, 8],
                "the position of the string's opening quote")
        }
    }

    func testWriterEscapes() {
        XCTAssertEqual(
            JSONWriter.string(.object(JSONObject([("k", .string("a\"b\\\n\u{01}é")), ("n", .number("1"))]))),
            #"{"k":"a\"b\\\n\u0001é","n":1}"#)
    }
}
