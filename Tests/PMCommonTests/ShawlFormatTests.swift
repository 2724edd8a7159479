import XCTest

@testable import PMCommon
@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

/// The shawl argument vector and binPath, the change-detection file (docs/differences.md#win-8)
/// and the log reading (docs/differences.md#win-12).
final class ShawlFormatTests: XCTestCase {
    private func arguments(
        _ words: [String], directory: String = #"C:\gameap\servers\my server"#
    ) throws -> ShawlArguments {
        ShawlArguments(
            name: "gameapServer7", workingDirectory: directory, logDirectory: #"C:\gameap\services\logs"#,
            program: try ServiceProgram(words: words))
    }

    /// The spec's example, byte for byte.
    func testGoldenBinPath() throws {
        let shawl = try arguments(["srcds.exe", "-game", "csgo", "+hostname", "Andrey's Server"])
        XCTAssertEqual(
            shawl.binPath(shawl: #"C:\Program Files\shawl\shawl.exe"#),
            #""C:\Program Files\shawl\shawl.exe" run --name gameapServer7 --restart --stop-timeout 10000 "#
                + #"--cwd "C:\gameap\servers\my server" --log-dir C:\gameap\services\logs --log-as gameapServer7.log "#
                + #"--log-rotate daily --log-retain 7 -- srcds.exe -game csgo +hostname "Andrey's Server""#
        )
        XCTAssertEqual(
            shawl.vector,
            [
                "run", "--name", "gameapServer7", "--restart", "--stop-timeout", "10000", "--cwd",
                #"C:\gameap\servers\my server"#,
                "--log-dir", #"C:\gameap\services\logs"#, "--log-as", "gameapServer7.log", "--log-rotate", "daily",
                "--log-retain", "7", "--", "srcds.exe", "-game", "csgo", "+hostname", "Andrey's Server"
            ])
    }

    func testBatchFileVector() throws {
        XCTAssertEqual(
            try arguments([#"C:\servers\cs\start.bat"#, "-x"]).vector.suffix(5),
            ["--", "cmd.exe", "/c", #"C:\servers\cs\start.bat"#, "-x"])
    }

    /// Hostile values stay one argument of shawl's command line: quotes, `&`, `%PATH%`,
    /// control characters, non-ASCII, trailing backslashes.
    func testHostileValuesStayOneArgument() throws {
        let hostile = ["a\"b", "x & calc", "%PATH%", "line\nbreak", "тест ✓", #"C:\dir with space\"#, ""]
        let shawl = try arguments(["srcds.exe"] + hostile, directory: #"C:\srv\a "quoted" dir\"#)
        let binPath = shawl.binPath(shawl: #"C:\Program Files\shawl\shawl.exe"#)
        XCTAssertTrue(
            binPath.hasSuffix(
                #" -- srcds.exe "a\"b" "x & calc" %PATH% "line"# + "\n"
                    + #"break" "тест ✓" "C:\dir with space\\" """#),
            binPath)
        XCTAssertTrue(binPath.contains(#"--cwd "C:\srv\a \"quoted\" dir\\" --log-dir"#), binPath)
        XCTAssertEqual(
            try ShellWords.split(binPath, dialect: .windows), [#"C:\Program Files\shawl\shawl.exe"#] + shawl.vector,
            "CommandLineToArgvW gives the vector back")
    }

    // MARK: - Change detection

    private let salt = [UInt8](0..<16)

    private func fingerprint(password: String = "S3cr3t!", account: ServiceAccount? = nil) -> ShawlFingerprint {
        ShawlFingerprint(
            command: "./run.sh +set hostname 'Settings Hostname'", workingDirectory: #"C:\gameap\servers\cs"#,
            user: "gameap",
            account: account ?? .user(name: "gameap", password: password), startMode: .demand,
            binPath: #"C:\shawl.exe run -- run.sh"#)
    }

    func testFingerprintFile() {
        let digest = SHA256.hexDigest(salt + Array("S3cr3t!".utf8))
        XCTAssertEqual(
            fingerprint().render(salt: salt),
            """
            command=./run.sh +set hostname 'Settings Hostname'
            workdir=C:\\gameap\\servers\\cs
            user=gameap
            account=gameap
            password=sha256:000102030405060708090a0b0c0d0e0f:\(digest)
            start=demand
            binpath=C:\\shawl.exe run -- run.sh

            """)
        XCTAssertFalse(fingerprint().render(salt: salt).contains("S3cr3t"))
        XCTAssertTrue(
            fingerprint(account: .networkService).render(salt: salt).contains(
                "account=NT AUTHORITY\\NetworkService\npassword=\n"))
    }

    /// Every input changes the file: a password, the account mode, the start mode, the binPath.
    func testEveryInputChangesTheFile() {
        let base = fingerprint().render(salt: salt)
        var changes = [
            fingerprint(password: "other").render(salt: salt), fingerprint(account: .networkService).render(salt: salt)
        ]
        var mode = fingerprint()
        mode.startMode = .auto
        var path = fingerprint()
        path.binPath += " "
        var user = fingerprint()
        user.user = "x"
        changes += [mode.render(salt: salt), path.render(salt: salt), user.render(salt: salt)]
        for changed in changes { XCTAssertNotEqual(changed, base) }
    }

    func testSaltIsReusedAndValuesCannotForgeLines() {
        let text = fingerprint().render(salt: salt)
        XCTAssertEqual(ShawlFingerprint.salt(in: text), salt)
        XCTAssertNil(ShawlFingerprint.salt(in: "command=x\nworkdir=y\nuser=z\n"), "the reference's file has no salt")
        XCTAssertEqual(ShawlFingerprint.newSalt().count, 16)
        var forged = fingerprint()
        forged.command = "x\npassword=sha256:ffffffffffffffffffffffffffffffff:00\r\n100%"
        let rendered = forged.render(salt: salt)
        XCTAssertTrue(
            rendered.hasPrefix("command=x%0Apassword=sha256:ffffffffffffffffffffffffffffffff:00%0D%0A100%25\n"),
            rendered)
        XCTAssertEqual(ShawlFingerprint.salt(in: rendered), salt)
    }

    // MARK: - Log

    func testMessages() {
        XCTAssertEqual(ShawlLog.message(#"2025-11-29 00:07:35 [DEBUG] stdout: "message""#), "message")
        XCTAssertEqual(
            ShawlLog.message(#"2025-11-29 00:07:35 [DEBUG] stderr: "say \"hi\" C:\\x\ttab \u{1b}[0m ok""#),
            "say \"hi\" C:\\x\ttab \u{1b}[0m ok")
        XCTAssertEqual(ShawlLog.message("2025-11-29 00:07:35 [INFO] Launching command"), "Launching command")
        XCTAssertEqual(ShawlLog.message("2025-11-29 00:07:35 [INFO] Command exited with code: 1"), "1")
        XCTAssertEqual(ShawlLog.message("no brackets at all"), "no brackets at all")
        XCTAssertEqual(
            ShawlLog.message(#"x [DEBUG] stdout: "unknown \q escape and \u{zz}""#), #"unknown \q escape and \u{zz}"#)
        XCTAssertEqual(ShawlLog.message(#"x [DEBUG] stdout: """#), "")
        XCTAssertEqual(
            ShawlLog.messages("a [I] stdout: \"one\"\r\nb [I] stdout: \"\"\nc [I] stdout: \"two\"\n"), "one\ntwo\n")
    }
}
