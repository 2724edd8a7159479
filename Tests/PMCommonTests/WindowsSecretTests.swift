import XCTest

@testable import PMCommon
@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

/// The service password never appears in anything the tools print — results, echoes
/// (`-v`), dry-run plans, errors — for any verb of either Windows manager, on success and on
/// failure, nor in the errors thrown (docs/differences.md#win-1).
final class WindowsSecretTests: XCTestCase {
    private func managers(_ host: ServiceHost) -> [WindowsServiceManager] {
        [WinSWManager(host: host), ShawlManager(host: host)]
    }

    /// Runs every verb and returns the descriptions of the errors they threw.
    private func everyVerb(_ manager: WindowsServiceManager, _ server: Server, _ context: VerbContext) -> [String] {
        let lifecycle = Lifecycle(manager: manager, server: server, context: context)
        var errors: [String] = []
        let verbs: [() throws -> Any] = [
            { try Installation(lifecycle).install() }, { try lifecycle.start() }, { try lifecycle.restart() },
            { try manager.status(server, context) }, { try lifecycle.output(lines: 10) },
            { try lifecycle.send("say hi") },
            { try lifecycle.metrics() }, { try lifecycle.stop() }, { try Installation(lifecycle).uninstall() },
            { try manager.start(server, context) }, { try manager.stop(server, context) }
        ]
        for verb in verbs {
            do { _ = try verb() } catch { errors.append("\(error)") }
        }
        return errors
    }

    private func assertNoSecret(
        _ text: String, _ password: String, _ what: String, file: StaticString = #filePath, line: UInt = #line
    ) {
        for spelling in [
            password, Base64.encode(Array(password.utf8)), XMLEscaping.escape(password), WindowsQuoting.quote(password),
            ShellWords.quote(password)
        ] {
            XCTAssertFalse(
                text.contains(spelling), "\(what) shows the password as \(spelling):\n\(text)", file: file, line: line)
        }
    }

    func testThePasswordIsNeverPrinted() throws {
        for password in [WindowsTestBed.password, "Zq", "pa$$ w0rd%PATH%&"] {
            for dryRun in [false, true] {
                for failing in [false, true] {
                    let bed = try WindowsTestBed()
                    if failing {
                        for key in [
                            "winsw install", "winsw start", "winsw stop", "sc create", "sc start", "sc stop",
                            "icacls /srv/gameap/servers/cs"
                        ] {
                            bed.windows.queued[key] = [1057, 1057]
                        }
                    }
                    for manager in managers(bed.host) + managers(WindowsTestBed.elsewhere) {
                        let server = try bed.server { _, config in
                            config.users["gameap"] = "base64:" + Base64.encode(Array(password.utf8))
                        }
                        let errors = everyVerb(manager, server, bed.context(dryRun: dryRun || !manager.host.runsHere))
                        let label = "\(manager.name) dry-run \(dryRun) failing \(failing)"
                        assertNoSecret(bed.printed, password, "the output of \(label)")
                        assertNoSecret(errors.joined(separator: "\n"), password, "the errors of \(label)")
                    }
                    if !dryRun {
                        XCTAssertTrue(
                            bed.runner.calls.contains { $0.arguments.contains("password=\(password)") },
                            "sc create did get it")
                    }
                }
            }
        }
    }

    func testServerMaskerKnowsTheDecodedPassword() throws {
        let server = try WindowsTestBed().server()
        XCTAssertEqual(server.masker.apply("x \(WindowsTestBed.password) y"), "x ****** y")
        XCTAssertEqual(server.masker.apply(WindowsTestBed.encodedPassword), "******")
    }
}
