import Foundation
import XCTest

@testable import PMTestSupport

/// The Windows managers through the built tools on Linux: `--dry-run` prints the whole plan
/// (the WinSW definition, the shawl command line, every command in order) without the service
/// password, and a real run is refused before anything happens.
final class WindowsPlanTests: XCTestCase {
    private let password = "Pa$$ w0rd&<x>\"'"
    private var root: URL!
    private var config: String { root.appendingPathComponent("gameap-daemon.yaml").path }
    private var record: String { root.appendingPathComponent("server.json").path }

    override func setUpWithError() throws {
        root = URL(fileURLWithPath: "/tmp").appendingPathComponent("pm-windows-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("work/servers/cs"), withIntermediateDirectories: true)
        let encoded = Data(password.utf8).base64EncodedString()
        try "work_path: \(root.path)/work\nusers:\n  gameap: 'base64:\(encoded)'\n  other: 'plain-secret'\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        try """
        {"id": 7, "uuid": "759b875e-d910-11eb-aff7-d796d7fcf7ef", "dir": "servers/cs", "su_user": "gameap", \
        "server_port": 27015,
         "start_command": "srcds.exe -game csgo +hostname {hostname}", "rcon": "rcon-secret", \
        "vars": {"hostname": "Andrey's Server"}}
        """.write(toFile: record, atomically: true, encoding: .utf8)
    }

    override func tearDown() { try? FileManager.default.removeItem(at: root) }

    private func run(_ tool: String, _ arguments: [String]) throws -> Toolbox.Result {
        try Toolbox.run(
            tool, ["--config", config, "--state-dir", root.appendingPathComponent("state").path] + arguments)
    }

    private func assertNoSecrets(_ result: Toolbox.Result, file: StaticString = #filePath, line: UInt = #line) {
        let printed = result.stdout + result.stderr
        for secret in [
            password, Data(password.utf8).base64EncodedString(), "plain-secret", "rcon-secret", "Pa&#36;", "p&amp;"
        ] {
            XCTAssertFalse(printed.contains(secret), "\(secret) printed:\n\(printed)", file: file, line: line)
        }
    }

    func testWinSWDryRunPrintsTheDefinitionAndEveryCommand() throws {
        let result = try run("pm-start", ["-m", "winsw", "--dry-run", "-v", record])
        XCTAssertEqual(result.status, 0, result.stderr)
        let xml = #"C:\gameap\services\gameapServer7.xml"#
        XCTAssertTrue(
            result.stdout.contains(
                """
                write \(xml):
                ----- BEGIN \(xml) -----
                <service>
                  <id>gameapServer7</id>
                  <name>gameapServer7</name>
                  <startmode>Manual</startmode>
                  <executable>srcds.exe</executable>
                  <arguments>-game csgo +hostname &#34;Andrey&#39;s Server&#34;</arguments>
                  <workingdirectory>\(root.path)/work/servers/cs</workingdirectory>
                  <env name="HOSTNAME" value="Andrey&#39;s Server"></env>
                  <env name="PORT" value="27015"></env>
                """), result.stdout)
        XCTAssertTrue(
            result.stdout.contains(
                """
                  <serviceaccount>
                    <username>gameap</username>
                    <password>******</password>
                  </serviceaccount>
                </service>
                ----- END \(xml) -----
                run:
                    icacls \(xml) /inheritance:r /grant:r *S-1-5-32-544:F *S-1-5-18:F gameap:R
                run:
                    winsw install \(xml)
                run:
                    winsw start \(xml)
                server 7: would start

                """), result.stdout)
        assertNoSecrets(result)
    }

    func testShawlDryRunPrintsTheCommandLine() throws {
        let result = try run("pm-start", ["-m", "shawl", "--dry-run", "-v", record])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(
            result.stdout.contains(
                """
                run:
                    sc create gameapServer7 start=demand obj=gameap password=****** \
                "binPath=shawl.exe run --name gameapServer7 --restart --stop-timeout 10000 \
                --cwd \(root.path)/work/servers/cs --log-dir C:\\gameap\\services\\logs --log-as gameapServer7.log \
                --log-rotate daily --log-retain 7 -- srcds.exe -game csgo +hostname \\"Andrey's Server\\""

                """), result.stdout)
        XCTAssertTrue(
            result.stdout.hasSuffix("run:\n    sc start gameapServer7\nserver 7: would start\n"), result.stdout)
        assertNoSecrets(result)
    }

    /// On Linux every tool refuses a real run with one line and exit status 2; with
    /// `--dry-run` each prints its plan (status and metrics cannot be asked: 255; console
    /// input is not supported: 1).
    func testRealRunsAreRefusedAndEveryToolPlans() throws {
        let tools: [(String, [String], Int32)] = [
            ("pm-start", [], 0), ("pm-start", ["--restart"], 0), ("pm-stop", [], 0), ("pm-status", [], 255),
            ("pm-output", [], 0),
            ("pm-input", ["-c", "say hi"], 1), ("pm-metrics", [], 255), ("pm-install", [], 0),
            ("pm-install", ["--uninstall"], 0)
        ]
        for manager in ["winsw", "shawl"] {
            for (tool, extra, dryStatus) in tools {
                let refused = try run(tool, ["-m", manager, record] + extra)
                XCTAssertEqual(refused.status, 2, "\(tool) \(manager): \(refused.stderr)")
                XCTAssertEqual(
                    refused.stderr,
                    "\(tool): the \(manager) manager drives Windows services and runs on Windows only: on this system "
                        + "it only prints its plan (--dry-run)\n"
                )
                XCTAssertEqual(refused.stdout, "")
                let planned = try run(tool, ["-m", manager, "--dry-run", "-v", record] + extra)
                XCTAssertEqual(
                    planned.status, dryStatus, "\(tool) \(manager) --dry-run: \(planned.stdout)\(planned.stderr)")
                XCTAssertFalse(planned.stderr.contains("Fatal error"))
                assertNoSecrets(planned)
            }
        }
        XCTAssertFalse(
            FileManager.default.fileExists(atPath: "C:\\gameap\\services"), "nothing was written under a Windows name")
    }
}
