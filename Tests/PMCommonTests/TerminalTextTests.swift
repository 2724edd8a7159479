import XCTest

@testable import PMSystem

/// A terminal's bytes as the text a terminal shows.
final class TerminalTextTests: XCTestCase {
    private func text(_ bytes: [UInt8]) -> String { String(decoding: TerminalText.convert(bytes), as: UTF8.self) }
    private func text(_ string: String) -> String { text(Array(string.utf8)) }

    /// Each input and the text it shows.
    private func check(_ cases: KeyValuePairs<String, String>, line: UInt = #line) {
        for (input, shown) in cases {
            XCTAssertEqual(text(input), shown, input.debugDescription, line: line)
        }
    }

    func testColoursTitlesAndBracketedPasteAreRemoved() {
        check([
            "\u{1B}[32mgreen\u{1B}[0m plain\n": "green plain\n",
            "\u{1B}[?2004h> \u{1B}[?2004l\n": "> \n",
            "\u{1B}]0;window title\u{07}after\n": "after\n",
            "\u{1B}]8;;http://x\u{1B}\\link\u{1B}]8;;\u{1B}\\\n": "link\n",
            "\u{1B}(Bcharset\u{1B}=\n": "charset\n",
            "\u{1B}P1$r0m\u{1B}\\dcs gone\n": "dcs gone\n"
        ])
    }

    /// A shorter rewrite leaves the rest of the line, as on a screen.
    func testCarriageReturnsRewriteTheLineAsATerminalShowsIt() {
        check([
            "line one\r\nline two\r\n": "line one\nline two\n",
            "progress 10%\rprogress 55%\rprogress 100%\n": "progress 100%\n",
            "10%\r5\n": "50%\n",
            "Loading....\r\u{1B}[2KDone\n": "Done\n",
            "Loading....\r\u{1B}[KDone\n": "Done\n",
            "abc\u{08}\u{08}X\n": "aXc\n",
            "a\u{1B}[5Gb\n": "a   b\n",
            "col\u{1B}[3Dx\n": "xol\n"
        ])
    }

    func testControlBytesAreDroppedAndTabsKept() {
        XCTAssertEqual(text("a\u{07}b\u{00}c\td\u{7F}\n"), "abc\td\n")
    }

    func testInvalidUTF8BecomesReplacementCharacters() {
        XCTAssertEqual(text([0x61, 0xFF, 0x62, 0xC3, 0x0A]), "a\u{FFFD}b\u{FFFD}\n")
        XCTAssertEqual(text([0xE2, 0x82, 0x61, 0x0A]), "\u{FFFD}a\n")
        XCTAssertEqual(text("é ✓ 😀\n"), "é ✓ 😀\n")
    }

    /// Chunks may cut a sequence or a character anywhere.
    func testSequencesAndCharactersCutAcrossChunksAreWhole() {
        let input = Array("\u{1B}[1;31mred é\u{1B}]0;t\u{07}\r\nnext 😀 line\r\n".utf8)
        let whole = text(input)
        for cut in 1..<input.count {
            var converter = TerminalText()
            let joined = converter.lines(from: input[..<cut]) + converter.lines(from: input[cut...]) + converter.flush()
            XCTAssertEqual(String(decoding: joined, as: UTF8.self), whole, "cut at \(cut)")
        }
        XCTAssertEqual(whole, "red é\nnext 😀 line\n")
    }

    func testAnUnendedLineComesOutAtTheEndAndAHugeLineIsCut() {
        var converter = TerminalText()
        XCTAssertEqual(converter.lines(from: Array("> prompt".utf8)), [])
        XCTAssertEqual(String(decoding: converter.flush(), as: UTF8.self), "> prompt\n")
        let huge = text(Array(repeating: UInt8(ascii: "x"), count: TerminalText.maximumLine * 2) + [0x0A])
        XCTAssertEqual(huge.utf8.count, TerminalText.maximumLine + 1)
    }
}
