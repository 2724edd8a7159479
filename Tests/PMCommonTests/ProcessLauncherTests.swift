import XCTest

@testable import PMCommon
@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

/// The launcher against real processes.
final class ProcessLauncherTests: XCTestCase {
    private let launcher = ProcessLauncher()

    private func capture(_ arguments: [String], _ edit: (inout CommandSpec) -> Void = { _ in }) throws -> CommandResult
    {
        var spec = CommandSpec(arguments)
        edit(&spec)
        return try launcher.run(spec, output: .capture(limit: 1 << 20))
    }

    func testExitStatusOutputAndWorkingDirectory() throws {
        let result = try capture(["/bin/sh", "-c", "pwd; echo err >&2; exit 3"]) { $0.workingDirectory = "/tmp" }
        XCTAssertEqual(result.termination, .exited(3))
        XCTAssertEqual(result.text, "/tmp\nerr\n")
    }

    func testFallbackDirectoryAndMissingDirectory() throws {
        let result = try capture(["pwd"]) {
            $0.workingDirectory = "/nonexistent/x"
            $0.fallbackDirectory = "/"
        }
        XCTAssertEqual(result.text, "/\n")
        XCTAssertThrowsError(try capture(["pwd"]) { $0.workingDirectory = "/nonexistent/x" }) { error in
            XCTAssertTrue("\(error)".contains("invalid work directory"))
        }
    }

    func testEnvironmentIsAddedToTheInheritedOne() throws {
        let result = try capture(["/bin/sh", "-c", "echo \"$PM_A|$PM_B|${PATH:+path}\""]) {
            $0.environment = [
                EnvironmentEntry("PM_A", "1"), EnvironmentEntry("PM_B", "it's $x"), EnvironmentEntry("PM_A", "2")
            ]
        }
        XCTAssertEqual(result.text, "2|it's $x|path\n")
    }

    /// An inherited variable that the spec sets or unsets appears once, or not at all; a name
    /// that only begins like it is kept.
    func testEnvironmentOverridesAndUnsetsInheritedNames() throws {
        setenv("PM_INHERITED", "old", 1)
        setenv("PM_INHERITED_LONGER", "kept", 1)
        setenv("PM_GONE", "x", 1)
        defer { for name in ["PM_INHERITED", "PM_INHERITED_LONGER", "PM_GONE"] { unsetenv(name) } }
        let result = try capture(["/usr/bin/env"]) {
            $0.environment = [EnvironmentEntry("PM_INHERITED", "new")]
            $0.unsetEnvironment = ["PM_GONE", "PM_NOT_SET"]
        }
        let names = ["PM_INHERITED", "PM_GONE", "PM_NOT_SET"]
        let lines = result.text.split(separator: "\n").filter { line in names.contains { line.hasPrefix($0) } }.sorted()
        XCTAssertEqual(lines, ["PM_INHERITED=new", "PM_INHERITED_LONGER=kept"])
    }

    /// A bare name is looked up in PATH only, never in the working directory (docs/differences.md#cmd-3).
    func testBareNamesNeverResolveInTheWorkingDirectory() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pm-launch-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fake = directory + "/true"
        try "#!/bin/sh\necho hijacked\n".write(toFile: fake, atomically: true, encoding: .utf8)
        chmod(fake, 0o755)
        XCTAssertEqual(try capture(["true"]) { $0.workingDirectory = directory }.text, "")
        XCTAssertEqual(try capture(["./true"]) { $0.workingDirectory = directory }.text, "hijacked\n")
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(directory))
        defer { _ = FileManager.default.changeCurrentDirectoryPath("/") }
        XCTAssertNil(
            ExecutableLookup.resolve("true", workingDirectory: directory, searchPath: ".::relative"),
            "relative PATH entries are skipped")
        XCTAssertEqual(
            ExecutableLookup.resolve("true", workingDirectory: nil, searchPath: "/nonexistent:" + directory), fake)
        // A directory of that name, and a file without the execute bit, are passed over.
        let earlier = directory + "/é dir"
        let plain = directory + "/plain"
        try FileManager.default.createDirectory(atPath: earlier + "/true", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: plain, withIntermediateDirectories: true)
        try "#!/bin/sh\n".write(toFile: plain + "/true", atomically: true, encoding: .utf8)
        XCTAssertEqual(
            ExecutableLookup.resolve(
                "true", workingDirectory: nil, searchPath: "\(earlier):\(plain)::\(directory):/bin"), fake)
        try "#!/bin/sh\n".write(toFile: earlier + "/x", atomically: true, encoding: .utf8)
        chmod(earlier + "/x", 0o755)
        XCTAssertEqual(
            ExecutableLookup.resolve("x", workingDirectory: nil, searchPath: "/bin:" + earlier), earlier + "/x")
        XCTAssertThrowsError(try capture(["pm-no-such-program"])) { error in
            XCTAssertTrue("\(error)".contains("not found in PATH"), "\(error)")
        }
    }

    /// A timeout kills the whole process group, grandchildren included, and does not wait for
    /// a pipe a grandchild keeps open.
    func testTimeoutKillsTheWholeGroup() throws {
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("pm-grandchild-\(UUID().uuidString)")
            .path
        let began = Date()
        let result = try capture(["/bin/sh", "-c", "(sleep 30; touch \(marker)) & echo started; sleep 30"]) {
            $0.timeout = 0.5
        }
        XCTAssertEqual(result.termination, .timedOut(seconds: 0.5))
        XCTAssertEqual(result.text, "started\n")
        XCTAssertLessThan(
            Date().timeIntervalSince(began), 1.5, "the leader is reaped, so the kill does not wait out its grace")
        Thread.sleep(forTimeInterval: 0.2)
        let pgrep = try capture(["pgrep", "-f", "touch \(marker)"])
        XCTAssertEqual(pgrep.termination, .exited(1), "the grandchild must be gone")
    }

    func testABackgroundGrandchildHoldingThePipeDoesNotHang() throws {
        let began = Date()
        let result = try capture(["/bin/sh", "-c", "sleep 5 & echo done"])
        XCTAssertEqual(result.termination, .exited(0))
        XCTAssertEqual(result.text, "done\n")
        XCTAssertLessThan(Date().timeIntervalSince(began), 2)
    }

    func testSignalIsReported() throws {
        XCTAssertEqual(try capture(["/bin/sh", "-c", "kill -9 $$"]).termination, .signaled(9))
    }

    func testCaptureKeepsTheLastBytes() throws {
        let result = try launcher.run(CommandSpec(["/bin/sh", "-c", "seq 1 100000"]), output: .capture(limit: 12))
        XCTAssertEqual(result.text, "99999\n100000\n".suffix(12).description)
    }

    /// The child runs as the user with its groups and HOME (root only).
    func testRunsAsTheServerUser() throws {
        let account = try TestUser.ensure()
        let result = try capture(["/bin/sh", "-c", "id -un; id -u; echo $HOME; echo $USER"]) {
            $0.account = account
            $0.workingDirectory = "/"
        }
        XCTAssertEqual(result.text, "\(account.name)\n\(account.uid)\n\(account.home)\n\(account.name)\n")
        XCTAssertTrue(account.groups.contains(account.gid))
    }

    func testWriteAtomicallyReplacesTheFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pm-atomic-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try FileSystem.writeAtomically(path, Array("one".utf8))
        try FileSystem.writeAtomically(path, Array("two\u{0}\r\n".utf8), mode: 0o640)
        XCTAssertEqual(try FileSystem.contents(of: path), Array("two\u{0}\r\n".utf8))
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o640)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: FileManager.default.temporaryDirectory.path)
            .filter { $0.hasPrefix(".pm-atomic") }
        XCTAssertEqual(leftovers, [])
    }
}
