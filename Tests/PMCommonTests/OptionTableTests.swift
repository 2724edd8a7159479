import XCTest

@testable import PMCommon
@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

final class OptionTableTests: XCTestCase {
    func testRunnerFlagsBuildARecord() throws {
        let invocation = try OptionTable.parse(
            ["-d", "/srv/x", "-n", "my-server", "-u", "gameap", "-c", "./run -x"], verb: .start)
        XCTAssertTrue(invocation.buildsRecord)
        var record = ServerRecord()
        for edit in invocation.recordEdits { try edit(&record) }
        XCTAssertEqual(record.fullDirectory, "/srv/x")
        XCTAssertEqual(record.nameOverride, "my-server")
        XCTAssertEqual(record.user, "gameap")
        XCTAssertEqual(record.startCommand, "./run -x")
    }

    func testAUUIDNameIsNotAnOverride() throws {
        var record = ServerRecord()
        for edit in try OptionTable.parse(["-n", "3f6c1b2a-9d4e-4c1a-8b7e-5a2d9c0f1e34"], verb: .status).recordEdits {
            try edit(&record)
        }
        XCTAssertNil(record.nameOverride)
        XCTAssertEqual(record.uuid, "3f6c1b2a-9d4e-4c1a-8b7e-5a2d9c0f1e34")
    }

    func testForms() throws {
        XCTAssertThrowsError(try OptionTable.parse(["--=json"], verb: .status)) { error in
            XCTAssertEqual("\(error)", "unknown option --", "the name ends at the first \"=\"")
        }
        let invocation = try OptionTable.parse(
            ["--lines=5", "-f", "-vmsimple", "--option", "scope=user", "a.json", "-", "--", "b.json"], verb: .output)
        XCTAssertEqual(invocation.options.lines, 5)
        XCTAssertTrue(invocation.follow)
        XCTAssertTrue(invocation.verbose)
        XCTAssertEqual(invocation.managerName, "simple")
        XCTAssertEqual(invocation.managerOptions.map { "\($0.key)=\($0.value)" }, ["scope=user"])
        XCTAssertEqual(invocation.recordFiles, ["a.json", "-", "b.json"])
        let input = try OptionTable.parse(["rec.json", "--", "say", "hello", "world"], verb: .input)
        XCTAssertEqual(input.consoleLine, "say hello world")
        XCTAssertEqual(input.recordFiles, ["rec.json"])
    }

    /// The daemon passes an already split start command after `--`.
    func testStartCommandWordsAfterTheSeparator() throws {
        var record = ServerRecord()
        for edit in try OptionTable.parse(["-d", "/x", "--", "./run", "+hostname", "Andrey's Server"], verb: .start)
            .recordEdits
        {
            try edit(&record)
        }
        XCTAssertEqual(try ShellWords.split(record.startCommand), ["./run", "+hostname", "Andrey's Server"])
    }

    func testErrors() {
        let cases: [([String], Verb)] = [
            (["--bogus"], .start), (["-x"], .start), (["--lines"], .output), (["--lines", "-1"], .output),
            (["--json"], .start),
            (["--port", "70000"], .start), (["--var", "novalue"], .start), (["-n", "bad name"], .start),
            (["-n", "-x"], .status),
            (["--restart=yes"], .start), (["--timeout", "soon"], .stop), (["-c", "x"], .status),
            (["--dry-run=1"], .stop),
            (["--=json"], .status), (["--=lines=5"], .output)
        ]
        for (arguments, verb) in cases {
            XCTAssertThrowsError(try OptionTable.parse(arguments, verb: verb), "\(arguments)") { error in
                XCTAssertTrue(error is UsageError, "\(error)")
            }
        }
    }

    func testHelpListsEveryOptionOfTheTool() {
        for verb in Verb.allCases {
            let help = OptionTable.help(verb)
            for option in OptionTable.options(for: verb) {
                XCTAssertTrue(help.contains(option.synopsis), "\(verb.toolName) --help lacks \(option.synopsis)")
            }
        }
        XCTAssertTrue(OptionTable.help(.start).contains("--restart "))
        XCTAssertFalse(OptionTable.help(.status).contains("--restart "))
    }

    func testCombinedExitStatus() {
        XCTAssertEqual(ExitStatus.combined([.success, .success]), .success)
        XCTAssertEqual(ExitStatus.combined([.failure, .unknown, .success]), .unknown)
        XCTAssertEqual(ExitStatus.combined([.failure, .invalid, .unknown]), .invalid)
        XCTAssertEqual(ExitStatus.combined([.success, .failure]), .failure)
        XCTAssertEqual(ExitStatus.combined([]), .success)
    }

    func testReservedAndControlNamesInFlags() {
        XCTAssertThrowsError(try OptionTable.parse(["-n", "gameap"], verb: .start))
        XCTAssertThrowsError(try OptionTable.parse(["-d", "/srv/a\nb"], verb: .start))
        XCTAssertThrowsError(try OptionTable.parse(["-u", "x\u{1b}"], verb: .start))
    }
}
