import XCTest

@testable import PMCommon
@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

/// The winsw manager's command sequences (with the fixes of docs/differences.md), against a
/// fake Windows behind a recording runner and a temporary services directory.
final class WinSWManagerTests: XCTestCase {
    private var bed: WindowsTestBed!
    private var manager: WinSWManager { WinSWManager(host: bed.host) }
    private let xml = #"C:\gameap\services\gameapServer7.xml"#

    override func setUpWithError() throws { bed = try WindowsTestBed() }
    /// XCTest keeps every test case alive until the run ends: release the bed (and its directory) now.
    override func tearDown() { bed = nil }

    private func lifecycle(_ server: Server? = nil, dryRun: Bool = false) throws -> Lifecycle {
        Lifecycle(manager: manager, server: try server ?? bed.server(), context: bed.context(dryRun: dryRun))
    }

    private var icaclsRestrict: String {
        #"icacls \#(xml) /inheritance:r /grant:r *S-1-5-32-544:F *S-1-5-18:F gameap:R"#
    }

    func testStartOfANewService() throws {
        XCTAssertEqual(try lifecycle().start(), .started)
        XCTAssertEqual(
            bed.commands, ["sc queryex gameapServer7", icaclsRestrict, "winsw install \(xml)", "winsw start \(xml)"])
        let written = try XCTUnwrap(bed.file("gameapServer7.xml"))
        XCTAssertTrue(
            written.contains("<password>\(XMLEscaping.escape(WindowsTestBed.password))</password>"),
            "the file holds the password")
        XCTAssertTrue(written.contains("<workingdirectory>/srv/gameap/servers/cs</workingdirectory>"))
        XCTAssertTrue(
            written.contains("<arguments>-game csgo +hostname &#34;Andrey&#39;s Server&#34;</arguments>"), written)
        let mode =
            try FileManager.default.attributesOfItem(atPath: bed.directory + "/services/gameapServer7.xml")[
                .posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)
        XCTAssertTrue(bed.runner.calls.allSatisfy { $0.windowsCommandLine && $0.workingDirectory == nil })
        XCTAssertTrue(bed.runner.calls[0].readOnly)
    }

    func testStartOfAnUnchangedServiceRefreshes() throws {
        try manager.start(try bed.server(), bed.context())
        bed.windows.services["gameapServer7"] = .stopped
        bed.runner.reset()
        XCTAssertEqual(try lifecycle().start(), .started)
        XCTAssertEqual(bed.commands, ["sc queryex gameapServer7", "winsw refresh \(xml)", "winsw start \(xml)"])
    }

    func testStartOfAChangedServiceRewritesAndRefreshes() throws {
        try manager.start(try bed.server(), bed.context())
        bed.windows.services["gameapServer7"] = .stopped
        bed.runner.reset()
        let changed = try bed.server { record, _ in record.vars = [("hostname", "New Name")] }
        XCTAssertEqual(try lifecycle(changed).start(), .started)
        XCTAssertEqual(
            bed.commands, ["sc queryex gameapServer7", icaclsRestrict, "winsw refresh \(xml)", "winsw start \(xml)"])
        XCTAssertTrue(try XCTUnwrap(bed.file("gameapServer7.xml")).contains("New Name"))
    }

    /// A definition whose service was removed behind our back: refresh says 1060, install.
    func testRefreshOfAMissingServiceInstalls() throws {
        try manager.start(try bed.server(), bed.context())
        bed.windows.services = [:]
        bed.runner.reset()
        XCTAssertEqual(try lifecycle().start(), .started)
        XCTAssertEqual(
            bed.commands,
            ["sc queryex gameapServer7", "winsw refresh \(xml)", "winsw install \(xml)", "winsw start \(xml)"])
    }

    /// A service that exists without its definition: install says 1073, refresh.
    func testInstallOfAnExistingServiceRefreshes() throws {
        bed.windows.services["gameapServer7"] = .stopped
        XCTAssertEqual(try lifecycle().start(), .started)
        XCTAssertEqual(
            bed.commands,
            [
                "sc queryex gameapServer7", icaclsRestrict, "winsw install \(xml)", "winsw refresh \(xml)",
                "winsw start \(xml)"
            ])
    }

    /// 1053 on start: uninstall, install, start again (the reference's repair).
    func testStartTimeoutReinstalls() throws {
        bed.windows.queued["winsw start"] = [1053]
        XCTAssertEqual(try lifecycle().start(), .started)
        XCTAssertEqual(
            bed.commands.dropFirst(2),
            [
                "winsw install \(xml)", "winsw start \(xml)", "winsw uninstall \(xml)", "winsw install \(xml)",
                "winsw start \(xml)"
            ])
    }

    func testStartFailuresNameTheCodeAndExitOne() throws {
        bed.windows.queued["winsw start"] = [1053, 1053]
        XCTAssertThrowsError(try lifecycle().start()) { error in
            XCTAssertEqual(ExitStatus(for: error), .failure)
            XCTAssertTrue("\(error)".hasPrefix("winsw start exited with 1053 (the service did not respond"), "\(error)")
        }
        bed.windows.services = [:]
        bed.windows.queued["winsw start"] = [1069]
        XCTAssertThrowsError(try lifecycle().start()) { error in
            XCTAssertEqual(ExitStatus(for: error), .failure)
            XCTAssertTrue("\(error)".contains("1069 (the service did not start due to a logon failure"), "\(error)")
        }
    }

    func testStartOfARunningServiceRunsNothingElse() throws {
        bed.windows.services["gameapServer7"] = .running
        XCTAssertEqual(try lifecycle().start(), .alreadyRunning)
        XCTAssertEqual(bed.commands, ["sc queryex gameapServer7"])
    }

    /// 1056 from a start that raced another: the service runs, which is what was asked.
    func testAlreadyRunningAnswerIsSuccess() throws {
        bed.windows.queued["winsw start"] = [1056]
        XCTAssertNoThrow(try lifecycle().start())
    }

    func testStopAndStopOfAStoppedService() throws {
        try manager.start(try bed.server(), bed.context())
        bed.runner.reset()
        XCTAssertEqual(try lifecycle().stop(), .stopped)
        XCTAssertEqual(bed.commands, ["sc queryex gameapServer7", "winsw stop \(xml)"])
        bed.runner.reset()
        XCTAssertEqual(try lifecycle().stop(), .alreadyStopped)
        XCTAssertEqual(bed.commands, ["sc queryex gameapServer7"])
    }

    /// The reference reports success for any exit code of `winsw stop` (docs/differences.md#win-14).
    func testStopFailureIsAFailure() throws {
        try manager.start(try bed.server(), bed.context())
        bed.windows.queued["winsw stop"] = [1051]
        XCTAssertThrowsError(try lifecycle().stop()) { error in
            XCTAssertEqual(ExitStatus(for: error), .failure)
            XCTAssertTrue("\(error)".contains("1051 (other running services depend on it)"), "\(error)")
        }
        bed.windows.queued["winsw stop"] = [1062]
        XCTAssertEqual(try lifecycle().stop(), .stopped, "not active is stopped")
    }

    /// A running service without its definition is stopped through the SCM.
    func testStopWithoutDefinitionUsesSc() throws {
        bed.windows.services["gameapServer7"] = .running
        XCTAssertEqual(try lifecycle().stop(), .stopped)
        XCTAssertEqual(bed.commands, ["sc queryex gameapServer7", "sc stop gameapServer7", "sc queryex gameapServer7"])
    }

    func testRestartIsWinswRestart() throws {
        try manager.start(try bed.server(), bed.context())
        bed.runner.reset()
        XCTAssertEqual(try lifecycle().restart(), .restarted)
        XCTAssertEqual(bed.commands, ["winsw refresh \(xml)", "winsw restart \(xml)"])
    }

    func testStatusFromTheServiceControlManager() throws {
        XCTAssertEqual(
            try manager.status(try bed.server(), bed.context()), ServerStatus(.stopped), "no such service (1060)")
        bed.windows.services["gameapServer7"] = .running
        bed.windows.pids["gameapServer7"] = 5150
        XCTAssertEqual(try manager.status(try bed.server(), bed.context()), ServerStatus(.running, pid: 5150))
        bed.windows.queued["sc queryex"] = [5]
        XCTAssertThrowsError(try manager.status(try bed.server(), bed.context())) { error in
            XCTAssertEqual(ExitStatus(for: error), .unknown)
            XCTAssertTrue("\(error)".contains("5 (access is denied"), "\(error)")
        }
    }

    func testInstallAndUninstall() throws {
        XCTAssertEqual(try manager.install(try bed.server(), bed.context()), "installed service gameapServer7")
        XCTAssertEqual(try manager.install(try bed.server(), bed.context()), "service gameapServer7 is up to date")
        let changed = try bed.server { record, _ in record.port = 27016 }
        XCTAssertEqual(try manager.install(changed, bed.context()), "updated service gameapServer7")
        bed.runner.reset()
        XCTAssertEqual(
            try Installation(try lifecycle()).uninstall(),
            "uninstalled service gameapServer7 (its logs stay in C:\\gameap\\services)")
        XCTAssertEqual(bed.commands, ["sc queryex gameapServer7", "winsw uninstall \(xml)"])
        XCTAssertNil(bed.file("gameapServer7.xml"))
        XCTAssertNil(bed.windows.services["gameapServer7"])
    }

    /// `use_network_service_user` (ignored by the reference's WinSW): NETWORK SERVICE in the
    /// definition, which may read it, and NETWORK SERVICE may change the server's files.
    func testNetworkServiceAccount() throws {
        let server = try bed.server(networkService: true) { record, _ in record.user = "" }
        XCTAssertEqual(try Lifecycle(manager: manager, server: server, context: bed.context()).start(), .started)
        XCTAssertEqual(
            bed.commands,
            [
                "sc queryex gameapServer7", "icacls /srv/gameap/servers/cs /grant *S-1-5-20:(OI)(CI)M /T",
                #"icacls \#(xml) /inheritance:r /grant:r *S-1-5-32-544:F *S-1-5-18:F *S-1-5-20:R"#,
                "winsw install \(xml)", "winsw start \(xml)"
            ])
        XCTAssertTrue(
            try XCTUnwrap(bed.file("gameapServer7.xml")).contains("<username>NT AUTHORITY\\NetworkService</username>"))
    }

    func testServiceStartAutoGivesTheReferenceDefinition() throws {
        let server = try bed.server { _, config in config.managerOptions["service_start"] = "auto" }
        try manager.start(server, bed.context())
        XCTAssertFalse(try XCTUnwrap(bed.file("gameapServer7.xml")).contains("<startmode>"))
    }

    func testOutputIsStandardErrorThenStandardOutput() throws {
        XCTAssertThrowsError(try manager.output(try bed.server(), lines: 10, bed.context())) {
            XCTAssertTrue("\($0)".contains("no output yet"))
        }
        try bed.writeFile("gameapServer7.out.log", "one\ntwo\nthree\n")
        XCTAssertEqual(try lifecycle().output(lines: 2), "two\nthree\n")
        try bed.writeFile("gameapServer7.err.log", "oops")
        XCTAssertEqual(
            try lifecycle().output(lines: 0),
            """
            ==> C:\\gameap\\services\\gameapServer7.err.log <==
            oops
            ==> C:\\gameap\\services\\gameapServer7.out.log <==
            one
            two
            three

            """)
        XCTAssertEqual(
            try lifecycle().output(lines: 3), "one\ntwo\nthree\n", "cut to the last lines, the output comes first")
    }

    func testConsoleInputIsRefused() throws {
        XCTAssertFalse(manager.canSendInput(try bed.server()))
        XCTAssertThrowsError(try lifecycle().send("say hi")) { error in
            XCTAssertEqual(ExitStatus(for: error), .failure)
            XCTAssertTrue("\(error)".contains("console input is not supported by the winsw manager"))
        }
        XCTAssertTrue(bed.runner.calls.isEmpty)
    }

    func testMetricsAreLivenessWithTheServiceLabel() throws {
        bed.windows.services["gameapServer7"] = .running
        let samples = try lifecycle().metrics().samples
        XCTAssertEqual(samples.count, 1)
        XCTAssertEqual(samples[0].value, .unsigned(1))
        XCTAssertEqual(samples[0].labels.map(\.value), ["7", "759b875e-d910-11eb-aff7-d796d7fcf7ef", "gameapServer7"])
        XCTAssertEqual(samples[0].labels.last?.name, "service")
    }

    func testBadInputRunsNothing() throws {
        let cases: [(Server, String)] = [
            (try bed.server { record, _ in record.user = "" }, "su_user"),
            (try bed.server { record, _ in record.user = "nobody" }, "users.nobody"),
            (
                try bed.server(startCommand: "start.bat +hostname {hostname}") { record, _ in
                    record.vars = [("hostname", "a&calc")]
                }, "cmd.exe"
            ),
            (try bed.server(startCommand: "x.exe 'unterminated"), "Unterminated"),
            (try bed.server(startCommand: ""), "nothing to start")
        ]
        for (server, text) in cases {
            XCTAssertThrowsError(try manager.start(server, bed.context())) { error in
                XCTAssertEqual(ExitStatus(for: error), .invalid, "\(error)")
                XCTAssertTrue("\(error)".contains(text), "\(error)")
            }
        }
        XCTAssertTrue(bed.runner.calls.isEmpty)
        XCTAssertNil(bed.file("gameapServer7.xml"))
    }

    // MARK: - Dry runs and other systems

    func testDryRunWritesNothingAndPrintsTheMaskedDefinition() throws {
        XCTAssertEqual(try lifecycle(dryRun: true).start(), .wouldStart)
        XCTAssertNil(bed.file("gameapServer7.xml"))
        XCTAssertEqual(bed.runner.calls.count, 1, "only the status query ran")
        let plan = bed.printed
        XCTAssertTrue(plan.contains("write \(xml):\n----- BEGIN \(xml) -----\n<service>\n"), plan)
        XCTAssertTrue(plan.contains("<password>******</password>"))
        XCTAssertTrue(plan.contains("run:\n    winsw install \(xml)\nrun:\n    winsw start \(xml)\n"), plan)
    }

    /// On Linux: real runs are refused before anything; a dry run prints the whole plan for a
    /// new service, listing the questions it cannot ask.
    func testElsewhereOnlyPlans() throws {
        let elsewhere = WinSWManager(host: WindowsTestBed.elsewhere)
        XCTAssertEqual(
            elsewhere.unavailableReason,
            "the winsw manager drives Windows services and runs on Windows only: on this system it only prints its "
                + "plan (--dry-run)"
        )
        XCTAssertFalse(elsewhere.usesLocalAccounts)
        XCTAssertNil(manager.unavailableReason)
        let lifecycle = Lifecycle(manager: elsewhere, server: try bed.server(), context: bed.context(dryRun: true))
        XCTAssertEqual(try lifecycle.start(), .wouldStart)
        XCTAssertEqual(try lifecycle.stop(), .wouldStop)
        XCTAssertEqual(try lifecycle.restart(), .wouldRestart)
        XCTAssertEqual(try elsewhere.status(try bed.server(), bed.context(dryRun: true)).state, .unknown)
        XCTAssertTrue(bed.runner.calls.isEmpty, "nothing runs on a system without Windows services")
        let plan = bed.printed
        XCTAssertTrue(
            plan.contains("read \(xml): not possible on this system (the plan assumes it does not exist)"), plan)
        XCTAssertTrue(
            plan.contains("ask:\n    sc queryex gameapServer7\n  not asked: this system is not Windows"), plan)
    }
}
