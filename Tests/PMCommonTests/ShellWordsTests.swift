import XCTest

@testable import PMCommon
@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

/// The reference's splitting and quoting vectors.
final class ShellWordsTests: XCTestCase {
    func testSplitVectorsFromTheReferenceTests() throws {
        let vectors: [(String, [String])] = [
            ("echo hello", ["echo", "hello"]),
            ("ls -la /tmp", ["ls", "-la", "/tmp"]),
            ("echo 'hello world'", ["echo", "hello world"]),
            ("echo \"hello world\"", ["echo", "hello world"]),
            ("echo \"hello\" 'world'", ["echo", "hello", "world"]),
            ("", []),
            ("test", ["test"]),
            ("run --version=1.14.3 --ip=127.0.0.1", ["run", "--version=1.14.3", "--ip=127.0.0.1"]),
            (
                "echo \"hello=world\" \"--param=value with spaces\"",
                ["echo", "hello=world", "--param=value with spaces"]
            ),
            ("echo    hello    world", ["echo", "hello", "world"]),
            ("  echo hello  ", ["echo", "hello"])
        ]
        for (input, words) in vectors {
            XCTAssertEqual(try ShellWords.split(input), words, input)
        }
    }

    func testSplitComputedVectors() throws {
        let vectors: [(String, [String])] = [
            ("a\\ b", ["a b"]),
            ("\"a\\\"b\"", ["a\"b"]),
            ("\"a\\b\"", ["a\\b"]),
            ("'a\\b'", ["a\\b"]),
            ("\"\\$x\"", ["$x"]),
            ("\"\\\\\"", ["\\"]),
            ("it\\'s", ["it's"]),
            ("-c \"{command}\"", ["-c", "{command}"]),
            ("+hostname '{hostname}'", ["+hostname", "{hostname}"]),
            ("a\r b", ["a\r", "b"]),
            ("a\\\nb", ["ab"]),
            ("x \\\ny", ["x", "y"]),
            ("a\"b\"c", ["abc"]),
            ("'it'\\''s'", ["it's"]),
            ("x \"\" y", ["x", "", "y"]),
            ("a ''", ["a", ""]),
            ("$HOME ~ *.txt {a,b}", ["$HOME", "~", "*.txt", "{a,b}"]),
            ("a#b #c", ["a#b", "#c"]),
            ("a;b|c&d<e>f", ["a;b|c&d<e>f"]),
            ("\"line\\\ncontinued\"", ["linecontinued"])
        ]
        for (input, words) in vectors {
            XCTAssertEqual(try ShellWords.split(input), words, input.debugDescription)
        }
    }

    func testSplitErrors() {
        XCTAssertThrowsError(try ShellWords.split("echo 'hello"))
        XCTAssertThrowsError(try ShellWords.split("echo \"hello"))
        XCTAssertEqual(splitError("a\\"), "Unterminated backslash-escape")
        XCTAssertEqual(splitError("'abc"), "Unterminated single-quoted string")
        XCTAssertEqual(splitError("\"abc"), "Unterminated double-quoted string")
        XCTAssertEqual(splitError("\"abc\\\""), "Unterminated double-quoted string")
    }

    func testQuotedWordsAreMarked() throws {
        let words = try ShellWords.splitMarkingQuotes("-c \"{command}\" {command} '{x}'y")
        XCTAssertEqual(words.map(\.quoted), [false, true, false, false])
    }

    func testJoinVectors() {
        XCTAssertEqual(ShellWords.join(["echo", "hello"]), "echo hello")
        XCTAssertEqual(ShellWords.join(["echo", "hello world"]), "echo 'hello world'")
        XCTAssertEqual(ShellWords.join([]), "")
        XCTAssertEqual(ShellWords.join(["test"]), "test")
        XCTAssertEqual(ShellWords.join(["echo", "--param=value"]), "echo --param=value")
        XCTAssertEqual(
            ShellWords.join(["run", "--version={version}", "--ip={host}"]), "run --version=\\{version} --ip=\\{host}")
        let quoted: [(String, String)] = [
            ("", "''"), ("it's", "it\\'s"), ("it's here", "'it'\\''s here'"), ("'quoted'", "\\'quoted\\'"),
            ("'a b'", "\\''a b'\\'"), ("Andrey's Server", "'Andrey'\\''s Server'"), ("$HOME", "\\$HOME"),
            ("$(id)", "\\$\\(id\\)"), ("`reboot`", "\\`reboot\\`"), ("~user", "\\~user"), ("a~b", "a~b"),
            ("{version}", "\\{version}"), ("x[", "x\\["), ("x]", "x]"), ("C:\\path", "C:\\\\path"),
            ("a\tb", "'a\tb'"), ("100%", "100%"), ("é", "é"), ("a*b", "a\\*b"), ("!", "\\!")
        ]
        for (word, expected) in quoted {
            XCTAssertEqual(ShellWords.quote(word), expected, word)
        }
    }

    /// Deliberate difference (docs/differences.md#cmd-2): `#` first and `NAME=` are quoted, so `sh -c` cannot read a
    /// comment or an assignment.
    func testJoinQuotesCommentsAndAssignments() {
        XCTAssertEqual(ShellWords.quote("#comment"), "\\#comment")
        XCTAssertEqual(ShellWords.quote("A=B"), "A\\=B")
        XCTAssertEqual(ShellWords.quote("--a=b"), "--a=b")
        XCTAssertEqual(ShellWords.quote("a#b"), "a#b")
    }

    func testRoundTrips() throws {
        for text in [
            "echo hello world", "ls -la /tmp", "run --version=1.14.3 --ip=127.0.0.1",
            "run --version={version} --ip={host}"
        ] {
            let words = try ShellWords.split(text)
            XCTAssertEqual(try ShellWords.split(ShellWords.join(words)), words)
        }
        let hostile = ["", "'", "''", "a'b", " x ", "$(id)", "#x", "A=1", "a\nb", "\\", "\"", "é ü", "\t", "~", "-c"]
        XCTAssertEqual(try ShellWords.split(ShellWords.join(hostile)), hostile)
    }

    func testJoinedCommandReachesShExactly() throws {
        let words = ["printf", "%s|", "#x", "A=B", "it's", "$(id)", "a b", "", "`x`", "\\", "~"]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", ShellWords.join(words)]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        process.waitUntilExit()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(output, words.dropFirst(2).map { $0 + "|" }.joined())
    }

    func testWindowsQuoting() {
        let vectors: [(String, String)] = [
            ("", "\"\""), ("simple", "simple"), ("C:\\path\\to", "C:\\path\\to"), ("a b", "\"a b\""),
            ("Andrey's Server", "\"Andrey's Server\""), ("a\"b", "\"a\\\"b\""), ("\"", "\"\\\"\""),
            ("C:\\path with space\\", "\"C:\\path with space\\\\\""), ("a \\\"b", "\"a \\\\\\\"b\"")
        ]
        for (input, expected) in vectors {
            XCTAssertEqual(WindowsQuoting.quote(input), expected, input)
        }
        XCTAssertEqual(
            WindowsQuoting.join(["game.exe", "--name", "Andrey's Server", "--path", "C:\\a b\\"]),
            "game.exe --name \"Andrey's Server\" --path \"C:\\a b\\\\\"")
    }

    private func splitError(_ input: String) -> String? {
        do {
            _ = try ShellWords.split(input)
            return nil
        } catch {
            return "\(error)"
        }
    }
}
