import XCTest

@testable import PMCommon
@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

/// What both Windows managers share: the Windows dialect of word splitting, batch files and
/// `cmd.exe`, accounts and passwords, `sc queryex` parsing, names, start modes, and the small
/// helpers (base64, SHA-256, file tails).
final class WindowsServiceTests: XCTestCase {
    // MARK: - Windows dialect (docs/differences.md#win-5)

    func testWindowsDialectKeepsBackslashes() throws {
        let vectors: [(String, [String])] = [
            (
                #"C:\gameap\steamcmd\steamcmd.exe +login anonymous"#,
                [#"C:\gameap\steamcmd\steamcmd.exe"#, "+login", "anonymous"]
            ),
            (#"'C:\path with space\x.exe' -a"#, [#"C:\path with space\x.exe"#, "-a"]),
            (#""a\"b""#, [#"a"b"#]),
            (#""C:\a b\\" next"#, [#"C:\a b\"#, "next"]),
            (#"a\\\"b"#, [#"a\"b"#]),
            (#"C:\a\ b"#, [#"C:\a\"#, "b"]),
            (#"it\'s"#, ["it's"]),
            (#"trailing\"#, [#"trailing\"#])
        ]
        for (input, words) in vectors {
            XCTAssertEqual(try ShellWords.split(input, dialect: .windows), words, input)
        }
        XCTAssertThrowsError(
            try ShellWords.split(#""C:\dir\"#, dialect: .windows), "an odd run before the quote escapes it")
    }

    /// What `WindowsQuoting.join` quotes splits back (words without a single quote, which
    /// WindowsJoin leaves bare), and `portableJoin` splits back in both dialects.
    func testRoundTrips() throws {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array(#"ab \"'\\\t%&|x"#)
        for _ in 0..<2000 {
            let words = (0..<Int.random(in: 1...4, using: &generator)).map { _ in
                String(
                    (0..<Int.random(in: 0...6, using: &generator)).map { _ in alphabet.randomElement(using: &generator)!
                    })
            }
            XCTAssertEqual(try ShellWords.split(ShellWords.portableJoin(words)), words, "\(words)")
            XCTAssertEqual(try ShellWords.split(ShellWords.portableJoin(words), dialect: .windows), words, "\(words)")
            let plain = words.filter { !$0.contains("'") && !$0.isEmpty }
            XCTAssertEqual(try ShellWords.split(WindowsQuoting.join(plain), dialect: .windows), plain, "\(plain)")
        }
    }

    // MARK: - Programs and batch files (docs/differences.md#win-3)

    func testBatchFilesRunThroughCmdInAnyCase() throws {
        for name in ["start.bat", "START.BAT", "run.Cmd", #"C:\servers\x.cmd"#] {
            XCTAssertEqual(try ServiceProgram(words: [name, "a"]).executable, "cmd.exe", name)
        }
        XCTAssertEqual(try ServiceProgram(words: ["start.bat", "a"]).arguments, ["/c", "start.bat", "a"])
        for name in ["srcds.exe", "bat", "x.batch", #"C:\dir.bat\srcds.exe"#] {
            XCTAssertEqual(try ServiceProgram(words: [name]).executable, name)
        }
    }

    /// `cmd /c` strips the quotes of a quoted first word: `call` goes first.
    func testQuotedBatchPathGetsCall() throws {
        let program = try ServiceProgram(words: [#"C:\my servers\start.bat"#, "My Server"])
        XCTAssertEqual(program.commandLine, #"/c call "C:\my servers\start.bat" "My Server""#)
    }

    func testBatchArgumentsCmdWouldInterpretAreRefused() throws {
        for word in ["a\"b", "%PATH%", "a&calc", "x|y", "<in", ">out", "^", "line\r", "tab\t"] {
            XCTAssertThrowsError(try ServiceProgram(words: ["start.bat", "+hostname", word]), word) { error in
                XCTAssertEqual(ExitStatus(for: error), .invalid)
                XCTAssertTrue("\(error)".contains("word 3 of the start command"), "\(error)")
                XCTAssertTrue("\(error)".contains("cmd.exe"), "\(error)")
            }
        }
        XCTAssertThrowsError(try ServiceProgram(words: ["a&b.bat"]))
        XCTAssertNoThrow(try ServiceProgram(words: ["start.bat", "Andrey's", "Server!", "тест"]))
    }

    /// Programs other than batch files get every character (their arguments are
    /// `CommandLineToArgvW`-quoted), except NUL.
    func testOtherProgramsTakeHostileWords() throws {
        let program = try ServiceProgram(words: ["srcds.exe", "a\"b&c", "%PATH%"])
        XCTAssertEqual(program.commandLine, #""a\"b&c" %PATH%"#)
        XCTAssertThrowsError(try ServiceProgram(words: ["srcds.exe", "a\0b"]))
        XCTAssertThrowsError(try ServiceProgram(words: [])) { XCTAssertTrue("\($0)".contains("nothing to start")) }
    }

    func testTheStartCommandUsesTheWindowsDefaultAndDialect() throws {
        let bed = try WindowsTestBed()
        let server = try bed.server(startCommand: "") { record, _ in
            record.gameMod.defaultStartCommandLinux = "./srcds_run"
            record.gameMod.defaultStartCommandWindows = #"C:\games\cs\srcds.exe -game cstrike +hostname '{hostname}'"#
        }
        let program = try ServiceProgram.of(server)
        XCTAssertEqual(program.executable, #"C:\games\cs\srcds.exe"#)
        XCTAssertEqual(program.arguments, ["-game", "cstrike", "+hostname", "Andrey's Server"])
    }

    // MARK: - Accounts

    func testPasswordsFromTheUsersMap() throws {
        XCTAssertEqual(try ServiceAccount.password("plain", user: "u"), "plain")
        XCTAssertEqual(try ServiceAccount.password("base64:" + Base64.encode(Array("pä$$".utf8)), user: "u"), "pä$$")
        for bad in ["", "base64:", "base64:!!!!", "base64:YQ", "base64:" + Base64.encode([0xFF]), "a\nb"] {
            XCTAssertThrowsError(try ServiceAccount.password(bad, user: "u"), bad) { error in
                XCTAssertEqual(ExitStatus(for: error), .invalid)
                XCTAssertTrue("\(error)".contains("user u in the users map"), "\(error)")
            }
        }
        XCTAssertThrowsError(try ServiceAccount.password("base64:c2VjcmV0IQ", user: "u")) {
            XCTAssertFalse("\($0)".contains("c2VjcmV0IQ"), "the value is never quoted")
        }
    }

    func testAccountOfAServer() throws {
        let bed = try WindowsTestBed()
        XCTAssertEqual(
            try ServiceAccount.of(try bed.server(), manager: "winsw"),
            .user(name: "gameap", password: WindowsTestBed.password))
        XCTAssertEqual(try ServiceAccount.of(try bed.server(networkService: true), manager: "winsw"), .networkService)
        XCTAssertThrowsError(try ServiceAccount.of(try bed.server { record, _ in record.user = "" }, manager: "winsw"))
        {
            XCTAssertTrue("\($0)".contains("su_user"))
        }
        XCTAssertThrowsError(
            try ServiceAccount.of(try bed.server { record, _ in record.user = "other" }, manager: "shawl")
        ) {
            XCTAssertTrue("\($0)".contains("users.other"))
        }
    }

    func testSecretsOfTheUsersMapIncludeDecodedPasswords() {
        let secrets = UserPasswords.secrets(in: ["a": "plain", "b": "base64:" + Base64.encode(Array("decoded!".utf8))])
        XCTAssertTrue(secrets.contains("plain"))
        XCTAssertTrue(secrets.contains("decoded!"))
        XCTAssertTrue(secrets.contains(Base64.encode(Array("decoded!".utf8))))
    }

    // MARK: - sc queryex

    func testQueryParsing() {
        XCTAssertEqual(
            ServiceQuery.parse(FakeWindows.queryText("s", .running, pid: 4242)),
            ServiceQuery(state: .running, pid: 4242))
        XCTAssertEqual(
            ServiceQuery.parse(FakeWindows.queryText("s", .stopped, pid: 0)), ServiceQuery(state: .stopped, pid: nil))
        XCTAssertEqual(
            ServiceQuery.parse(FakeWindows.queryText("s", .startPending, pid: 9))?.status,
            ServerStatus(.running, pid: 9))
        XCTAssertEqual(ServiceQuery.parse(FakeWindows.queryText("s", .stopPending, pid: 9))?.status.state, .running)
        XCTAssertEqual(ServiceQuery.parse(FakeWindows.queryText("s", .stopped, pid: 0))?.status, ServerStatus(.stopped))
        let localized =
            "SERVICE_NAME: s\r\n        TYP                : 10  WIN32_OWN_PROCESS\r\n        STATUS             : 4  "
            + "RUNNING\r\n"
        XCTAssertEqual(
            ServiceQuery.parse(localized)?.state, .running,
            "labels may be localized; the state line is found by its value")
        XCTAssertNil(
            ServiceQuery.parse("C:\\RUNNING># sc queryex s\nno state here\n"), "RUNNING elsewhere is not a state")
        XCTAssertNil(ServiceQuery.parse("STATE : 4 STOPPED\n"), "code and name must agree")
    }

    // MARK: - Names and settings

    func testServiceNames() throws {
        let bed = try WindowsTestBed()
        XCTAssertEqual(try ServiceName.of(try bed.server(), manager: "winsw"), "gameapServer7")
        XCTAssertEqual(
            try ServiceName.of(try bed.server { record, _ in record.nameOverride = "cs-1" }, manager: "winsw"), "cs-1")
        XCTAssertThrowsError(try ServiceName.of(try bed.server { record, _ in record.id = 0 }, manager: "shawl")) {
            XCTAssertTrue("\($0)".contains("needs an id"))
        }
    }

    func testStartModeSetting() throws {
        let bed = try WindowsTestBed()
        XCTAssertEqual(try ServiceStartMode.of(try bed.server()), .demand)
        XCTAssertEqual(
            try ServiceStartMode.of(try bed.server { _, config in config.managerOptions["service_start"] = "AUTO" }),
            .auto)
        XCTAssertThrowsError(
            try ServiceStartMode.of(try bed.server { record, _ in record.vars.append(("service_start", "boot")) }))
    }

    // MARK: - Helpers

    func testBase64() {
        for text in ["", "f", "fo", "foo", "foob", "fooba", "foobar"] {
            XCTAssertEqual(Base64.decode(Base64.encode(Array(text.utf8))), Array(text.utf8))
        }
        XCTAssertEqual(Base64.encode(Array("foobar".utf8)), "Zm9vYmFy")
        XCTAssertEqual(Base64.decode("Zm9v\r\nYmE="), Array("fooba".utf8), "CR and LF are skipped, as Go does")
        for bad in ["Zm9", "Zm=v", "Z===", "Zm9v!A==", "=Zm9"] { XCTAssertNil(Base64.decode(bad), bad) }
    }

    func testSHA256() {
        XCTAssertEqual(SHA256.hexDigest([]), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(
            SHA256.hexDigest(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(
            SHA256.hexDigest(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(
            SHA256.hexDigest([UInt8](repeating: 0x61, count: 1_000_000)),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    func testServiceLogTailStartsAtALine() throws {
        let bed = try WindowsTestBed()
        let files = ServiceFiles(root: bed.directory)
        let lines = (1...20000).map { "line \($0)" }
        try (lines.joined(separator: "\n") + "\n").write(
            toFile: bed.directory + "/log", atomically: true, encoding: .utf8)
        XCTAssertEqual(
            String(decoding: try files.tail("log", lines: 2) ?? [], as: UTF8.self), "line 19999\nline 20000\n")
        XCTAssertEqual(try files.tail("log", lines: 0)?.count, (lines.joined(separator: "\n") + "\n").utf8.count)
        let capped = String(
            decoding: try LogFile.lastLines(bed.directory + "/log", count: 0, limit: 100), as: UTF8.self)
        XCTAssertTrue(capped.hasPrefix("line "), "a cut tail begins at a whole line: \(capped)")
        XCTAssertTrue(capped.hasSuffix("line 20000\n"))
        XCTAssertNil(try files.tail("missing", lines: 5))
        try "no newline".write(toFile: bed.directory + "/log", atomically: true, encoding: .utf8)
        XCTAssertEqual(String(decoding: try files.tail("log", lines: 5) ?? [], as: UTF8.self), "no newline")
    }
}
