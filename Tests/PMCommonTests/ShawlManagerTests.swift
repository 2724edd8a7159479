import XCTest

@testable import PMCommon
@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

/// The shawl manager's command sequences (with the fixes of docs/differences.md), against a
/// fake Windows behind a recording runner and a temporary services directory.
final class ShawlManagerTests: XCTestCase {
    private var bed: WindowsTestBed!
    private var manager: ShawlManager { ShawlManager(host: bed.host) }

    override func setUpWithError() throws { bed = try WindowsTestBed() }
    /// XCTest keeps every test case alive until the run ends: release the bed (and its directory) now.
    override func tearDown() { bed = nil }

    private func lifecycle(_ server: Server? = nil, dryRun: Bool = false) throws -> Lifecycle {
        Lifecycle(manager: manager, server: try server ?? bed.server(), context: bed.context(dryRun: dryRun))
    }

    private let binPath =
        #"binPath="C:\Program Files\shawl\shawl.exe" run --name gameapServer7 --restart --stop-timeout 10000 "#
        + #"--cwd /srv/gameap/servers/cs --log-dir C:\gameap\services\logs --log-as gameapServer7.log "#
        + #"--log-rotate daily --log-retain 7 -- srcds.exe -game csgo +hostname "Andrey's Server""#
    private var create: String { "sc create gameapServer7 start=demand obj=gameap password=****** \(binPath)" }

    func testStartOfANewService() throws {
        XCTAssertEqual(try lifecycle().start(), .started)
        XCTAssertEqual(
            bed.commands, ["sc queryex gameapServer7", "sc queryex gameapServer7", create, "sc start gameapServer7"])
        let call = bed.runner.calls[2]
        XCTAssertEqual(call.arguments[5], "password=\(WindowsTestBed.password)", "the real password reaches sc")
        XCTAssertEqual(call.arguments.last, binPath)
        let file = try XCTUnwrap(bed.file("gameapServer7.yaml"))
        XCTAssertTrue(
            file.hasPrefix(
                "command=srcds.exe -game csgo +hostname Andrey's "
                    + "Server\nworkdir=/srv/gameap/servers/cs\nuser=gameap\naccount=gameap\npassword=sha256:"
            ), file)
        XCTAssertFalse(file.contains(WindowsTestBed.password))
    }

    func testUnchangedServiceIsOnlyStarted() throws {
        _ = try manager.install(try bed.server(), bed.context())
        bed.runner.reset()
        XCTAssertEqual(try lifecycle().start(), .started)
        XCTAssertEqual(bed.commands, ["sc queryex gameapServer7", "sc start gameapServer7"])
    }

    /// A changed input stops and deletes the old service, waits until it is gone (no 1072),
    /// and creates the new one.
    func testChangedServiceIsRecreated() throws {
        _ = try manager.install(try bed.server(), bed.context())
        bed.runner.reset()
        let changed = try bed.server { record, _ in record.vars = [("hostname", "New")] }
        XCTAssertEqual(try manager.install(changed, bed.context()), "updated service gameapServer7")
        XCTAssertEqual(
            bed.commands,
            [
                "sc stop gameapServer7", "sc delete gameapServer7", "sc queryex gameapServer7",
                create.replacing("\"Andrey's Server\"", with: "New")
            ])
    }

    /// The reference compares only command, directory and user (docs/differences.md#win-8).
    func testPasswordAccountModeAndStartModeChangesRecreate() throws {
        _ = try manager.install(try bed.server(), bed.context())
        let variants = [
            try bed.server { _, config in config.users["gameap"] = "another password" },
            try bed.server(networkService: true),
            try bed.server(networkService: true) { _, config in config.managerOptions["service_start"] = "auto" }
        ]
        for server in variants {
            bed.runner.reset()
            XCTAssertEqual(try manager.install(server, bed.context()), "updated service gameapServer7")
            XCTAssertTrue(bed.commands.contains { $0.hasPrefix("sc create") })
        }
        bed.runner.reset()
        XCTAssertEqual(try manager.install(variants[2], bed.context()), "service gameapServer7 is up to date")
        XCTAssertTrue(bed.commands.isEmpty)
    }

    /// A service without its change-detection file is recreated, not left to fail with 1073.
    func testServiceWithoutItsFileIsRecreated() throws {
        bed.windows.services["gameapServer7"] = .running
        XCTAssertEqual(try manager.install(try bed.server(), bed.context()), "updated service gameapServer7")
        XCTAssertEqual(
            bed.commands,
            [
                "sc queryex gameapServer7", "sc stop gameapServer7", "sc queryex gameapServer7",
                "sc delete gameapServer7", "sc queryex gameapServer7", create
            ])
    }

    func testServiceMarkedForDeletionIsWaitedFor() throws {
        _ = try manager.install(try bed.server(), bed.context())
        bed.windows.queued["sc delete"] = [1072]
        bed.runner.reset()
        let changed = try bed.server { record, _ in record.vars = [("hostname", "New")] }
        var asked = false
        let answer = bed.runner.answer
        let windows = bed.windows
        bed.runner.answer = { words in
            if words.starts(with: ["sc", "queryex"]) && !asked {
                asked = true
                return CommandResult(
                    .exited(0), output: Array(FakeWindows.queryText("gameapServer7", .stopped, pid: 0).utf8))
            }
            if words.starts(with: ["sc", "queryex"]) { windows.services = [:] }
            return answer(words)
        }
        XCTAssertEqual(try manager.install(changed, bed.context()), "updated service gameapServer7")
        XCTAssertEqual(bed.commands.filter { $0.hasPrefix("sc queryex") }.count, 2, "asked again after half a second")
    }

    /// `use_network_service_user`: the directory is granted to NETWORK SERVICE, the service
    /// runs as it, and no password is passed.
    func testNetworkServiceAccount() throws {
        let server = try bed.server(networkService: true)
        XCTAssertEqual(try manager.install(server, bed.context()), "installed service gameapServer7")
        XCTAssertEqual(
            bed.commands,
            [
                "sc queryex gameapServer7", "icacls /srv/gameap/servers/cs /grant *S-1-5-20:(OI)(CI)M /T",
                #"sc create gameapServer7 start=demand obj=NT AUTHORITY\NetworkService "# + binPath
            ])
        XCTAssertEqual(bed.runner.calls[2].arguments, bed.runner.calls[2].shownArguments)
    }

    func testStartOfARunningServiceAndAlreadyRunningAnswers() throws {
        bed.windows.services["gameapServer7"] = .running
        XCTAssertEqual(try lifecycle().start(), .alreadyRunning)
        XCTAssertEqual(bed.commands, ["sc queryex gameapServer7"])
        bed.windows.services = [:]
        bed.windows.queued["sc start"] = [1056]
        XCTAssertEqual(try lifecycle().start(), .started, "1056 from a racing start is not an error")
    }

    func testStartFailureNamesTheCode() throws {
        bed.windows.queued["sc start"] = [1053]
        XCTAssertThrowsError(try lifecycle().start()) { error in
            XCTAssertEqual(ExitStatus(for: error), .failure)
            XCTAssertTrue(
                "\(error)".hasPrefix("sc start exited with 1053 (the service did not respond to the request in time)"),
                "\(error)")
        }
    }

    func testStopWaitsForTheServiceToStop() throws {
        try manager.start(try bed.server(), bed.context())
        bed.runner.reset()
        var polls = 0
        let answer = bed.runner.answer
        bed.runner.answer = { words in
            if words == ["sc", "stop", "gameapServer7"] { return CommandResult(.exited(0)) }
            if words.starts(with: ["sc", "queryex"]) && polls > 0 {
                polls += 1
                return CommandResult(
                    .exited(0),
                    output: Array(
                        FakeWindows.queryText("gameapServer7", polls < 3 ? .stopPending : .stopped, pid: 9).utf8))
            }
            if words.starts(with: ["sc", "queryex"]) { polls = 1 }
            return answer(words)
        }
        XCTAssertEqual(try lifecycle().stop(), .stopped)
        XCTAssertEqual(
            bed.commands,
            [
                "sc queryex gameapServer7", "sc stop gameapServer7", "sc queryex gameapServer7",
                "sc queryex gameapServer7"
            ])
    }

    /// A failed `sc stop` is checked: stopped is fine, running is a failure (the reference
    /// returns 1 only after its own status check).
    func testStopFailures() throws {
        bed.windows.services["gameapServer7"] = .running
        bed.windows.queued["sc stop"] = [1061]
        XCTAssertThrowsError(try lifecycle().stop()) { error in
            XCTAssertEqual(ExitStatus(for: error), .failure)
            XCTAssertTrue("\(error)".contains("1061 (the service cannot accept control messages now)"), "\(error)")
        }
        bed.windows.queued["sc stop"] = [1062]
        XCTAssertEqual(try lifecycle().stop(), .stopped)
    }

    func testStatusReadsTheStateLine() throws {
        XCTAssertEqual(try manager.status(try bed.server(), bed.context()), ServerStatus(.stopped))
        bed.windows.services["gameapServer7"] = .startPending
        XCTAssertEqual(try manager.status(try bed.server(), bed.context()).state, .running)
        bed.runner.answer = { _ in CommandResult(.exited(0), output: Array("garbage RUNNING\n".utf8)) }
        XCTAssertThrowsError(try manager.status(try bed.server(), bed.context())) {
            XCTAssertEqual(ExitStatus(for: $0), .unknown)
        }
    }

    func testUninstallDeletesTheServiceAndItsFile() throws {
        try manager.start(try bed.server(), bed.context())
        bed.runner.reset()
        XCTAssertEqual(
            try Installation(try lifecycle()).uninstall(),
            #"uninstalled service gameapServer7 (its logs stay in C:\gameap\services\logs)"#)
        XCTAssertEqual(
            bed.commands,
            ["sc queryex gameapServer7", "sc stop gameapServer7", "sc queryex gameapServer7", "sc delete gameapServer7"]
        )
        XCTAssertNil(bed.file("gameapServer7.yaml"))
        XCTAssertTrue(bed.windows.services.isEmpty)
    }

    func testOutputUnquotesTheLog() throws {
        XCTAssertThrowsError(try manager.output(try bed.server(), lines: 5, bed.context())) {
            XCTAssertEqual(ExitStatus(for: $0), .failure)
            XCTAssertTrue(
                "\($0)".contains(#"C:\gameap\services\logs\gameapServer7.log_rCURRENT.log does not exist"#), "\($0)")
        }
        try bed.writeFile(
            "logs/gameapServer7.log_rCURRENT.log",
            """
            2025-11-29 00:07:35 [INFO] Launching command
            2025-11-29 00:07:35 [DEBUG] stdout: "Map \\"de_dust2\\" loaded"
            2025-11-29 00:07:36 [DEBUG] stderr: "C:\\\\x\\tfailed"

            """)
        XCTAssertEqual(try lifecycle().output(lines: 0), "Launching command\nMap \"de_dust2\" loaded\nC:\\x\tfailed\n")
        XCTAssertEqual(try lifecycle().output(lines: 1), "C:\\x\tfailed\n")
    }

    func testConsoleInputIsRefused() throws {
        XCTAssertThrowsError(try lifecycle().send("quit")) { error in
            XCTAssertEqual(ExitStatus(for: error), .failure)
            XCTAssertTrue("\(error)".contains("not supported by the shawl manager"))
        }
    }

    /// A graceful stop cannot type the console stop command: the tool says so and stops.
    func testGracefulStopFallsBackToTheHardStop() throws {
        try manager.start(try bed.server(), bed.context())
        let server = try bed.server { record, _ in record.settings = [("console_stop_command", "quit")] }
        XCTAssertEqual(try lifecycle(server).stop(), .stopped)
        XCTAssertTrue(bed.printed.contains("cannot send the console stop command"))
    }

    func testShawlMissingFromPath() throws {
        let host = ServiceHost(files: ServiceFiles(root: bed.directory + "/services"), locate: { _ in nil })
        XCTAssertThrowsError(try ShawlManager(host: host).install(try bed.server(), bed.context())) {
            XCTAssertTrue("\($0)".contains("shawl.exe was not found in PATH"))
        }
    }

    func testElsewhereOnlyPlans() throws {
        let elsewhere = ShawlManager(host: WindowsTestBed.elsewhere)
        XCTAssertNotNil(elsewhere.unavailableReason)
        let lifecycle = Lifecycle(
            manager: elsewhere, server: try bed.server(), context: bed.context(dryRun: true, verbose: false))
        XCTAssertEqual(try lifecycle.start(), .wouldStart)
        XCTAssertTrue(bed.runner.calls.isEmpty)
        let plan = bed.printed
        XCTAssertTrue(
            plan.hasPrefix("find shawl.exe in PATH: not possible on this system (the plan uses the name shawl.exe)"),
            plan)
        XCTAssertTrue(
            plan.contains(
                "run:\n    sc create gameapServer7 start=demand obj=gameap password=****** \"binPath=shawl.exe run "
                    + "--name gameapServer7"
            ), plan)
        XCTAssertTrue(plan.contains("write C:\\gameap\\services\\gameapServer7.yaml:\n----- BEGIN"), plan)
        XCTAssertTrue(plan.hasSuffix("run:\n    sc start gameapServer7\n"), plan)
    }
}
