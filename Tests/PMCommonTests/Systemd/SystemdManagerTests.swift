import Foundation
import XCTest

@testable import PMCommon
@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

/// The systemd manager's command sequences (the reference's scenarios) with a
/// recording runner: how the system scope is tested, since PID 1 here is not systemd.
final class SystemdManagerTests: XCTestCase {
    private let runner = RecordingRunner()
    private var root = ""
    /// The answers: ActiveState per unit, and scripted exits per action.
    private var active: [String: String] = [:]
    private var mainPID: [String: Int] = [:]
    private var restarts: [String: Int] = [:]
    private var exits: [String: Int32] = [:]

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("pm-systemd-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root + "/units", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/work/servers/cs", withIntermediateDirectories: true)
        XCTAssertTrue(
            FileManager.default.createFile(
                atPath: root + "/work/servers/cs/hlds_run", contents: Data("#!/bin/sh\n".utf8),
                attributes: [.posixPermissions: 0o755]))
        runner.answer = { [unowned self] words in answer(Array(words.drop { $0 == "systemctl" || $0 == "--user" })) }
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: root) }

    private func answer(_ words: [String]) -> CommandResult {
        let action = words.first ?? ""
        let unit = words.count > 1 ? words[1] : ""
        if let code = exits[action + " " + unit] ?? exits[action] {
            return CommandResult(.exited(code), output: Array("systemctl says no\n".utf8))
        }
        switch action {
        case "show":
            let units = words.dropFirst().filter { !$0.hasPrefix("--") }
            let text = units.map { unit in
                let state = active[unit] ?? "inactive"
                return
                    "Id=\(unit)\nLoadState=loaded\nActiveState=\(state)\nSubState=running\n"
                    + "MainPID=\(mainPID[unit] ?? (state == "active" ? 4242 : 0))\n"
                    + "NRestarts=\(restarts[unit] ?? 0)\nExecMainStatus=0\n"
            }.joined(separator: "\n")
            return CommandResult(.exited(0), output: Array(text.utf8))
        case "start", "restart": active[unit] = "active"
        case "stop": active[unit] = "inactive"
        default: break
        }
        return CommandResult(.exited(0))
    }

    private var scope: SystemdScope {
        SystemdScope(
            kind: .system, unitsDirectory: root + "/units", runtimeUnitsDirectory: root + "/run",
            user: UnitFileTests.account)
    }
    private let service = "gameap-server-emdoenmp238umrvnqub0.service"
    private let socket = "gameap-server-emdoenmp238umrvnqub0.socket"

    private func server(edit: (inout ServerRecord) -> Void = { _ in }) throws -> Server {
        try UnitFileTests.goldenServer(workPath: root + "/work") { record in
            record.user = ""
            edit(&record)
        }
    }

    private func lifecycle(
        _ server: Server, scope: SystemdScope? = nil, options: VerbOptions = VerbOptions(),
        dryRun: Bool = false
    ) -> Lifecycle {
        Lifecycle(
            manager: SystemdManager(scope: scope ?? self.scope), server: server,
            context: .testing(runner, options: options, dryRun: dryRun))
    }

    /// Each call as `action unit`, without `systemctl` and the property list.
    private var calls: [String] {
        runner.calls.map { spec in
            spec.arguments.drop { $0 == "systemctl" || $0 == "--user" }.prefix(2).joined(separator: " ")
        }
    }

    func testStartOnAFreshServer() throws {
        let server = try server()
        XCTAssertEqual(try lifecycle(server).start(), .started)
        let polls = calls.dropFirst(7)
        XCTAssertFalse(polls.isEmpty)
        // The status, the owner of the unit, then the start.
        XCTAssertEqual(
            Array(calls.prefix(7)),
            [
                "show \(service)", "show \(service)", "daemon-reload", "show \(socket)", "start \(socket)",
                "reset-failed \(service)", "start \(service)"
            ])
        XCTAssertTrue(polls.allSatisfy { $0 == "show \(service)" }, "\(calls)")
        let unit = try String(contentsOfFile: root + "/units/" + service, encoding: .utf8)
        XCTAssertTrue(unit.contains("ExecStart=\(root)/work/servers/cs/hlds_run -game cstrike"), unit)
        XCTAssertTrue(FileManager.default.fileExists(atPath: root + "/units/" + socket))
        let log = root + "/work/.systemd-services/emdoenmp238umrvnqub0.log"
        let attributes = try FileManager.default.attributesOfItem(atPath: log)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        let unitMode =
            try FileManager.default.attributesOfItem(atPath: root + "/units/" + service)[.posixPermissions] as? NSNumber
        XCTAssertEqual(unitMode?.intValue, 0o600)
        XCTAssertTrue(
            runner.calls.allSatisfy {
                $0.environment.isEmpty && $0.arguments.first == "systemctl" && $0.arguments[1] != "--user"
            })
    }

    func testStartWhenTheSocketIsActiveDoesNotStartItAgain() throws {
        let server = try server()
        XCTAssertEqual(try lifecycle(server).start(), .started)
        active[service] = "inactive"
        runner.reset()
        XCTAssertEqual(try lifecycle(server).start(), .started)
        XCTAssertEqual(
            Array(calls.prefix(6)),
            [
                "show \(service)", "show \(service)", "daemon-reload", "show \(socket)",
                "reset-failed \(service)", "start \(service)"
            ])
    }

    /// A socket unit whose content changed (another work path) is rewritten and restarted
    /// (docs/differences.md#sd-18); a FIFO left by an inactive socket is removed before it starts
    /// (docs/differences.md#sd-9).
    func testChangedSocketUnitIsRewrittenAndRestarted() throws {
        try "[Socket]\nListenFIFO=/old/path\n".write(
            toFile: root + "/units/" + socket, atomically: true, encoding: .utf8)
        active[socket] = "active"
        XCTAssertEqual(try lifecycle(try server()).start(), .started)
        XCTAssertTrue(calls.contains("restart \(socket)"), "\(calls)")
        XCTAssertTrue(
            try String(contentsOfFile: root + "/units/" + socket, encoding: .utf8).contains("SocketMode=0600"))
    }

    func testStaleFIFOOfAnInactiveSocketIsRemoved() throws {
        let fifo = root + "/work/.systemd-services/emdoenmp238umrvnqub0.stdin"
        try FileManager.default.createDirectory(
            atPath: root + "/work/.systemd-services", withIntermediateDirectories: true)
        XCTAssertEqual(mkfifo(fifo, 0o666), 0)
        XCTAssertEqual(try lifecycle(try server()).start(), .started)
        XCTAssertFalse(FileManager.default.fileExists(atPath: fifo))
    }

    /// A running legacy unit (named by the raw uuid) is stopped and removed first (docs/differences.md#sd-8).
    func testLegacyUnitsAreStoppedBeforeANewStart() throws {
        let legacy = "gameap-server-759b875e-d910-11eb-aff7-d796d7fcf7ef"
        try "[Service]\n".write(toFile: root + "/units/\(legacy).service", atomically: true, encoding: .utf8)
        try "[Socket]\n".write(toFile: root + "/units/\(legacy).socket", atomically: true, encoding: .utf8)
        active[legacy + ".service"] = "inactive"
        XCTAssertEqual(try lifecycle(try server()).start(), .started)
        XCTAssertEqual(
            Array(calls.prefix(4)),
            [
                "show \(legacy).service", "show \(legacy).service", "stop \(legacy).socket",
                "stop \(legacy).service"
            ])
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/units/\(legacy).service"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/units/\(legacy).socket"))
    }

    /// Exit 2 means nothing was changed: the legacy units are removed only once the new
    /// units could be built.
    func testARefusedRecordLeavesTheLegacyUnitsAlone() throws {
        let legacy = root + "/units/gameap-server-759b875e-d910-11eb-aff7-d796d7fcf7ef.service"
        try "[Service]\n".write(toFile: legacy, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try lifecycle(try server { $0.startCommand = "" }).start()) {
            XCTAssertEqual(ExitStatus(for: $0), .invalid)
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: legacy))
        XCTAssertFalse(calls.contains { $0.hasPrefix("stop") }, "\(calls)")
    }

    func testFailedDaemonReloadIsAnError() throws {
        exits["daemon-reload"] = 1
        XCTAssertThrowsError(try lifecycle(try server()).start()) { error in
            XCTAssertEqual(ExitStatus(for: error), .failure)
            XCTAssertTrue("\(error)".contains("reload"), "\(error)")
        }
        XCTAssertFalse(calls.contains("start \(service)"))
    }

    func testAGameThatExitsAtOnceFailsTheStart() throws {
        let server = try server()
        runner.answer = { [unowned self] words in
            let words = Array(words.drop { $0 == "systemctl" || $0 == "--user" })
            if words.first == "show", words[1] == service, calls.contains("start \(service)") {
                return CommandResult(
                    .exited(0),
                    output: Array(
                        "ActiveState=activating\nSubState=auto-restart\nNRestarts=1\nExecMainCode=1\nExecMainStatus=3\n"
                            .utf8))
            }
            return answer(words)
        }
        XCTAssertThrowsError(try lifecycle(server).start()) { error in
            XCTAssertEqual(ExitStatus(for: error), .failure)
            XCTAssertTrue("\(error)".contains("exited at once (status 3)"), "\(error)")
        }
        XCTAssertEqual(calls.last, "stop \(service)")
    }

    /// The status, the unit's owner, the stops, then one look that the unit is down.
    func testStopStopsTheSocketThenTheServiceWithoutPolling() throws {
        active[service] = "active"
        XCTAssertEqual(try lifecycle(try server()).stop(), .stopped)
        XCTAssertEqual(
            calls, ["show \(service)", "show \(service)", "stop \(socket)", "stop \(service)", "show \(service)"])
    }

    /// A unit that is still up after `systemctl stop` (a process that ignored SIGKILL) is not
    /// reported as stopped.
    func testAUnitStillActiveAfterTheStopIsAFailure() throws {
        active[service] = "active"
        runner.answer = { [unowned self] words in
            let words = Array(words.drop { $0 == "systemctl" })
            if words.first == "stop" && words[1] == service { return CommandResult(.exited(0)) }
            return answer(words)
        }
        XCTAssertThrowsError(try lifecycle(try server()).stop()) { error in
            XCTAssertEqual(ExitStatus(for: error), .failure)
            XCTAssertTrue("\(error)".contains("is still active (running) after systemctl stop"), "\(error)")
        }
    }

    /// A failing `systemctl stop` gives exit status 1 and systemctl's message, not its raw exit
    /// code; 5 (unit not loaded) means stopped (docs/differences.md#sd-15).
    func testStopFailureIsExitOneAndUnitNotLoadedIsStopped() throws {
        active[service] = "active"
        exits["stop \(service)"] = 1
        XCTAssertThrowsError(try lifecycle(try server()).stop()) { error in
            XCTAssertEqual(ExitStatus(for: error), .failure)
            XCTAssertTrue("\(error)".contains("systemctl says no"), "\(error)")
        }
        exits["stop \(service)"] = 5
        active[service] = "active"
        XCTAssertEqual(try lifecycle(try server()).stop(), .stopped)
    }

    /// One look at the service and its socket: both down, nothing to stop.
    func testStopOfAStoppedServerSucceedsWithoutSystemctlStop() throws {
        XCTAssertEqual(try lifecycle(try server()).stop(), .alreadyStopped)
        XCTAssertEqual(calls, ["show \(service)", "show \(service)"])
        XCTAssertEqual(runner.calls.last?.arguments.prefix(4), ["systemctl", "show", service, socket])
    }

    /// Graceful stop: the console stop command goes into the FIFO; when systemd has already
    /// restarted the game (its restart count grew), the unit is stopped for good.
    func testGracefulStopNoticesARestartedGame() throws {
        let server = try server { $0.settings.append(("console_stop_command", "quit")) }
        let directory = root + "/work/.systemd-services"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let fifo = directory + "/emdoenmp238umrvnqub0.stdin"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let reader = open(fifo, O_RDONLY | O_NONBLOCK)
        defer { close(reader) }
        active[service] = "active"
        var polls = 0
        let dropIn = root + "/run/\(service).d/50-pm-graceful-stop.conf"
        runner.answer = { [unowned self] words in
            let words = Array(words.drop { $0 == "systemctl" })
            if words.first == "show" && words[1] == service {
                polls += 1
                XCTAssertEqual(
                    try? String(contentsOfFile: dropIn, encoding: .utf8),
                    polls > 1 ? "[Service]\nRestart=no\nRestartForceExitStatus=\n" : nil)
                mainPID[service] = polls > 2 ? 5151 : 4242
                restarts[service] = polls > 2 ? 1 : 0
            }
            return answer(words)
        }
        let outcome = try lifecycle(server).stop()
        XCTAssertTrue(outcome.description.hasPrefix("stopped gracefully after"), "\(outcome)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dropIn), "the drop-in is removed at the end")
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = read(reader, &buffer, 64)
        XCTAssertEqual(String(decoding: buffer.prefix(max(0, count)), as: UTF8.self), "quit\n")
        XCTAssertEqual(
            calls.filter { !$0.hasPrefix("show") },
            ["daemon-reload", "stop \(socket)", "stop \(service)", "daemon-reload"])
    }

    /// Input to a server whose FIFO nobody reads fails at once (docs/differences.md#sd-10).
    func testInputNeverBlocks() throws {
        active[service] = "active"
        let directory = root + "/work/.systemd-services"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        XCTAssertEqual(mkfifo(directory + "/emdoenmp238umrvnqub0.stdin", 0o600), 0)
        let began = Clock.monotonic
        XCTAssertThrowsError(try lifecycle(try server()).send("say hi")) { error in
            XCTAssertEqual(ExitStatus(for: error), .failure)
            XCTAssertTrue("\(error)".contains("nothing reads"), "\(error)")
        }
        XCTAssertLessThan(Clock.monotonic - began, 1)
        active[service] = "inactive"
        XCTAssertThrowsError(try lifecycle(try server()).send("say hi")) {
            XCTAssertTrue("\($0)".contains("not running"), "\($0)")
        }
    }

    func testUninstallRemovesUnitsLogAndFIFOThenReloads() throws {
        let server = try server()
        XCTAssertEqual(try lifecycle(server).start(), .started)
        runner.reset()
        let outcome = try Installation(lifecycle(server)).uninstall()
        XCTAssertTrue(outcome.hasPrefix("uninstalled: removed "), outcome)
        // The graceful stop, then the socket and service once more in one call (a socket left
        // listening by a failed start must not outlive its files), then the reload.
        XCTAssertEqual(
            calls,
            [
                "show \(service)", "show \(service)", "stop \(socket)", "stop \(service)", "show \(service)",
                "show \(service)", "stop \(socket)", "daemon-reload"
            ])
        XCTAssertEqual(runner.calls[6].arguments.suffix(3), ["stop", socket, service])
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/units/" + service))
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/units/" + socket))
        XCTAssertFalse(
            FileManager.default.fileExists(atPath: root + "/work/.systemd-services/emdoenmp238umrvnqub0.log"))
    }

    func testUserScopePrefixesEveryCallAndPassesTheRuntimeDirectory() throws {
        let user = SystemdScope(
            kind: .user, unitsDirectory: root + "/units", user: Account.current,
            environment: [EnvironmentEntry("XDG_RUNTIME_DIR", "/run/user/0")])
        let context = VerbContext.testing(runner, dryRun: true)
        let manager = SystemdManager(scope: user)
        _ = try manager.status(try server(), context)
        XCTAssertEqual(runner.calls.first?.arguments.prefix(3), ["systemctl", "--user", "show"])
        XCTAssertEqual(runner.calls.first?.environment, [EnvironmentEntry("XDG_RUNTIME_DIR", "/run/user/0")])
    }

    /// The linger warning appears once per run, however many servers it starts or stops.
    func testLingerWarningOncePerRun() throws {
        // A user that cannot linger: logind has no file for a name that does not exist.
        let user = Account(name: "pm-never-lingers", uid: 4242, gid: 4242, groups: [4242], home: root)
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/var/lib/systemd/linger/\(user.name)"))
        let manager = SystemdManager(
            scope: SystemdScope(
                kind: .user, unitsDirectory: root + "/units", runtimeUnitsDirectory: root + "/run", user: user))
        let context = VerbContext.testing(runner, dryRun: true)
        for _ in 0..<3 { try manager.start(try server(), context) }
        try manager.stop(try server(), context)
        let warnings =
            String(decoding: context.err.takeBuffered(), as: UTF8.self).components(separatedBy: "linger is disabled")
            .count - 1
        XCTAssertEqual(warnings, 1)
    }

    /// The reference's user check: with scope=user a server of another user is refused.
    func testUserScopeRefusesAnotherUsersServer() throws {
        let user = SystemdScope(kind: .user, unitsDirectory: root + "/units", user: Account.current)
        let other = try server { $0.user = "daemon" }
        XCTAssertThrowsError(try SystemdManager(scope: user).start(other, .testing(runner))) { error in
            XCTAssertEqual(ExitStatus(for: error), .failure)
            XCTAssertTrue("\(error)".contains("server requests user \"daemon\""), "\(error)")
        }
        XCTAssertTrue(runner.calls.isEmpty)
    }

    func testScopeOptionIsNormalisedAndChecked() throws {
        XCTAssertEqual(try SystemdScope.resolve(options: ["scope": "  USER "]).kind, .user)
        XCTAssertEqual(try SystemdScope.resolve(options: ["scope": "System"]).kind, .system)
        XCTAssertEqual(try SystemdScope.resolve(options: [:]).unitsDirectory, "/etc/systemd/system")
        XCTAssertTrue(
            try SystemdScope.resolve(options: ["scope": "user"]).unitsDirectory.hasSuffix("/.config/systemd/user"))
        XCTAssertThrowsError(try SystemdScope.resolve(options: ["scope": "global"])) {
            XCTAssertEqual(ExitStatus(for: $0), .invalid)
        }
        // A user scope without a resolvable user is an error, not the system's paths (docs/differences.md#sd-13).
        XCTAssertThrowsError(try SystemdScope.resolve(options: ["scope": "user"], current: nil)) { error in
            XCTAssertEqual(ExitStatus(for: error), .unknown)
            XCTAssertTrue("\(error)".contains("has no passwd entry"), "\(error)")
        }
    }

    /// A dry run prints the unit files and every command, and writes nothing.
    func testDryRunPlansWithoutWriting() throws {
        let server = try server()
        let context = VerbContext.testing(runner, dryRun: true)
        try SystemdManager(scope: scope).start(server, context)
        let plan = String(decoding: context.out.takeBuffered(), as: UTF8.self)
        XCTAssertTrue(plan.contains("write \(root)/units/\(service) (mode 600):"), plan)
        XCTAssertTrue(plan.contains("    ExecStart=\(root)/work/servers/cs/hlds_run"), plan)
        XCTAssertFalse(plan.contains("paS$$w0rD"), "the rcon password is masked: \(plan)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/units/" + service))
    }

    // MARK: - Start command resolution (docs/differences.md#sd-4)

    func testStartCommandResolution() throws {
        let directory = root + "/work/servers/cs"
        func resolve(_ command: String) throws -> [String] {
            try SystemdManager(scope: scope).startCommand(try server { $0.startCommand = command })
        }
        XCTAssertEqual(try resolve("./hlds_run start command"), [directory + "/hlds_run", "start", "command"])
        XCTAssertEqual(
            try resolve("./hlds_run 'some quotes' \"some quotes\" args"),
            [directory + "/hlds_run", "some quotes", "some quotes", "args"])
        XCTAssertEqual(try resolve("env --help").first, ExecutableLookup.resolve("env", workingDirectory: nil))
        XCTAssertEqual(try resolve("/usr/bin/env --help"), ["/usr/bin/env", "--help"])
        // A bare name never runs a file of the server directory (the reference ran T/env).
        XCTAssertTrue(
            FileManager.default.createFile(
                atPath: directory + "/env", contents: Data("#!/bin/sh\n".utf8), attributes: [.posixPermissions: 0o755]))
        XCTAssertNotEqual(try resolve("env --help").first, directory + "/env")
        XCTAssertEqual(try resolve("./env --help").first, directory + "/env")
        XCTAssertThrowsError(try resolve("invalid")) {
            XCTAssertTrue("\($0)".contains("failed to find command 'invalid'"), "\($0)")
        }
        XCTAssertThrowsError(try resolve("/usr/bin/invalid")) {
            XCTAssertTrue("\($0)".contains("failed to find command '/usr/bin/invalid'"))
        }
        XCTAssertThrowsError(try resolve("")) { XCTAssertEqual(ExitStatus(for: $0), .invalid) }
    }

    // MARK: - Links a game user plants (the work path may be theirs to write)

    private var services: String { root + "/work/.systemd-services" }

    /// A `.systemd-services` that is a link, or that another user owns or may write, is
    /// refused by every verb that touches it: nothing is created, chowned, read, written or
    /// removed through it.
    func testTheServicesDirectoryIsNeverALinkNorAnotherUsers() throws {
        try Backend.require(.root)
        let elsewhere = root + "/elsewhere"
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        try "root's secret\n".write(toFile: elsewhere + "/emdoenmp238umrvnqub0.log", atomically: true, encoding: .utf8)
        XCTAssertEqual(symlink(elsewhere, services), 0)
        let server = try server()
        XCTAssertThrowsError(try lifecycle(server).start()) { error in
            XCTAssertEqual(ExitStatus(for: error), .failure)
            XCTAssertTrue("\(error)".contains("a link is never followed here"), "\(error)")
        }
        XCTAssertThrowsError(try lifecycle(server).output(lines: 0)) {
            XCTAssertFalse("\($0)".contains("secret"), "\($0)")
        }
        active[service] = "active"
        XCTAssertThrowsError(try lifecycle(server).send("say hi"))
        active[service] = "inactive"
        _ = try Installation(lifecycle(server)).uninstall()
        XCTAssertEqual(
            try String(contentsOfFile: elsewhere + "/emdoenmp238umrvnqub0.log", encoding: .utf8), "root's secret\n",
            "not removed, not truncated, not written")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: elsewhere), ["emdoenmp238umrvnqub0.log"])

        XCTAssertEqual(unlink(services), 0)
        try FileManager.default.createDirectory(atPath: services, withIntermediateDirectories: false)
        XCTAssertEqual(chown(services, 65534, 65534), 0)
        XCTAssertThrowsError(try lifecycle(server).start()) {
            XCTAssertTrue("\($0)".contains("another user owns or may write"), "\($0)")
        }
        XCTAssertEqual(chown(services, 0, 0), 0)
        XCTAssertEqual(chmod(services, 0o777), 0)
        XCTAssertThrowsError(try lifecycle(server).start()) {
            XCTAssertTrue("\($0)".contains("another user owns or may write"), "\($0)")
        }
        XCTAssertEqual(chmod(services, 0o755), 0)
        XCTAssertEqual(try lifecycle(server).start(), .started)
    }

    /// In a proper services directory, a log or FIFO that is a link is never followed: the
    /// start does not truncate or chown its target, pm-output does not print it, console input
    /// does not write into it.
    func testLogAndFIFOLinksAreNeverFollowed() throws {
        try Backend.require(.root)
        let secret = root + "/secret"
        try "root's secret\n".write(toFile: secret, atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: services, withIntermediateDirectories: true)
        XCTAssertEqual(symlink(secret, services + "/emdoenmp238umrvnqub0.log"), 0)
        XCTAssertEqual(symlink(secret, services + "/emdoenmp238umrvnqub0.stdin"), 0)
        let server = try server()
        XCTAssertThrowsError(try lifecycle(server).output(lines: 0)) {
            XCTAssertFalse("\($0)".contains("secret\n"), "\($0)")
        }
        active[service] = "active"
        XCTAssertThrowsError(try lifecycle(server).send("say hi"))
        active[service] = "inactive"
        XCTAssertThrowsError(try lifecycle(server).start()) {
            XCTAssertTrue("\($0)".contains("cannot prepare the log"), "\($0)")
        }
        XCTAssertEqual(try String(contentsOfFile: secret, encoding: .utf8), "root's secret\n")
        let owner = try FileManager.default.attributesOfItem(atPath: secret)[.ownerAccountID] as? NSNumber
        XCTAssertEqual(owner?.intValue, 0)
    }
}
