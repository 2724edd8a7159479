import Foundation
import XCTest

@testable import PMCommon
@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

/// Finding a server's processes by its marker, and the hard stop that ends them.
final class ServerProcessesTests: XCTestCase {
    private let marker = ServerMarker(name: "srv\(getpid())", owner: "7/u-\(getpid())")
    private var started: [Process] = []

    override func tearDown() {
        for process in started { kill(process.processIdentifier, SIGKILL) }
        for process in started { process.waitUntilExit() }
    }

    /// Runs `script` with `environment`; its pid.
    private func spawn(_ script: String, environment: [EnvironmentEntry]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        process.environment = Dictionary(
            uniqueKeysWithValues: environment.map { ($0.name, $0.value) } + [("PATH", "/usr/bin:/bin")])
        try process.run()
        started.append(process)
        return process.processIdentifier
    }

    func testTheMarkerNamesTheServerAndItsOwner() {
        func environ(_ entries: [String]) -> [UInt8] { Array(entries.joined(separator: "\0").utf8) + [0] }
        XCTAssertEqual(
            marker.match(
                environment: environ(["A=1", "GAMEAP_PM_SERVER=\(marker.name)", "GAMEAP_PM_OWNER=\(marker.owner)"])),
            .mine)
        XCTAssertEqual(
            marker.match(environment: environ(["GAMEAP_PM_SERVER=\(marker.name)"])), .mine,
            "started before owners were written")
        XCTAssertEqual(
            marker.match(environment: environ(["GAMEAP_PM_SERVER=\(marker.name)", "GAMEAP_PM_OWNER=8/v"])), .other)
        XCTAssertEqual(
            marker.match(environment: environ(["GAMEAP_PM_SERVER=\(marker.name)x", "GAMEAP_PM_OWNER=\(marker.owner)"])),
            .unmarked)
        XCTAssertEqual(marker.match(environment: environ(["XGAMEAP_PM_SERVER=\(marker.name)"])), .unmarked)
        XCTAssertEqual(marker.match(environment: []), .unmarked)
    }

    /// Owner tokens are one safe word; a uuid with other characters is replaced by its digest.
    func testOwnerTokens() {
        XCTAssertEqual(
            ServerOwner(id: 7, uuid: "759b875e-d910-11eb-aff7-d796d7fcf7ef").token,
            "7/759b875e-d910-11eb-aff7-d796d7fcf7ef")
        let odd = ServerOwner(id: 0, uuid: "my server; rm -rf /").token
        XCTAssertTrue(odd.hasPrefix("0/sha256-") && odd.utf8.count == 41, odd)
        XCTAssertEqual(ServerOwner.label(ofToken: "8/abc"), "server 8")
        XCTAssertEqual(ServerOwner.label(ofToken: "0/abc"), "server abc")
    }

    /// A process that ignores SIGTERM and has left the tree (no roots given) is found by its
    /// marker and killed after the grace; another server's process under the same name, and
    /// an unmarked one, are left alone.
    func testTheHardStopEndsEveryMarkedProcessAndNoOther() throws {
        let deaf = try spawn("trap '' TERM; while :; do sleep 0.05; done", environment: marker.environment)
        let other = try spawn("exec sleep 30", environment: ServerMarker(name: marker.name, owner: "8/v").environment)
        let unmarked = try spawn("exec sleep 30", environment: [])
        let processes = ServerProcesses(marker: marker, uid: geteuid(), label: "server 7")
        let found = Toolbox.poll(seconds: 2) { !processes.find().isEmpty }
        XCTAssertTrue(found)
        XCTAssertTrue(processes.find().contains { $0.pid == deaf })
        let began = Clock.monotonic
        try processes.terminate(grace: 0.3, .testing(RecordingRunner()))
        XCTAssertGreaterThanOrEqual(Clock.monotonic - began, 0.3, "SIGTERM was ignored: SIGKILL after the grace")
        XCTAssertEqual(processes.find().map(\.pid), [])
        XCTAssertEqual(ProcFileSystem.stat(deaf).map { $0.isZombie } ?? true, true)
        for alive in [other, unmarked] { XCTAssertEqual(kill(alive, 0), 0, "not this server's") }
    }

    /// A process that SIGKILL does not end is reported, never hidden: here one in a frozen
    /// cgroup v1 freezer group, which sleeps uninterruptibly until thawed (`Freezer`).
    func testASurvivorIsReported() throws {
        try Backend.require(.root)
        let pid = try spawn("exec sleep 30", environment: marker.environment)
        let processes = ServerProcesses(marker: marker, uid: geteuid(), label: "server 7")
        XCTAssertTrue(Toolbox.poll(seconds: 2) { !processes.find().isEmpty })
        let freezer = try Freezer(pid)
        defer { freezer.thaw() }
        XCTAssertThrowsError(try processes.terminate(grace: 0.1, killWait: 0.5, .testing(RecordingRunner()))) { error in
            XCTAssertEqual(ExitStatus(for: error), .failure)
            XCTAssertEqual(
                "\(error)",
                "process \(pid) (sleep, state D: uninterruptible sleep) still running after SIGKILL: server 7 is not "
                    + "stopped"
            )
        }
        freezer.thaw()
        XCTAssertTrue(Toolbox.poll(seconds: 2) { processes.find().isEmpty }, "thawed, the SIGKILL takes")
    }

    /// A dry run says what it would signal, and signals nothing.
    func testADryRunDescribesTheHardStop() throws {
        let pid = try spawn("exec sleep 30", environment: marker.environment)
        let processes = ServerProcesses(marker: marker, uid: geteuid(), label: "server 7")
        XCTAssertTrue(Toolbox.poll(seconds: 2) { !processes.find().isEmpty })
        let context = VerbContext.testing(RecordingRunner(), dryRun: true)
        try processes.terminate(grace: 10, context)
        let plan = String(decoding: context.out.takeBuffered(), as: UTF8.self)
        XCTAssertTrue(
            plan.contains(
                "send SIGTERM to the 1 processes of the server (GAMEAP_PM_SERVER=\(marker.name)), then SIGKILL after "
                    + "10 seconds"
            ), plan)
        XCTAssertEqual(kill(pid, 0), 0)
    }
}

/// A cgroup v1 freezer group holding one process, frozen: the process then sleeps
/// uninterruptibly (state D) and even SIGKILL waits until `thaw`.
struct Freezer {
    let path = "/sys/fs/cgroup/freezer/pm-test-\(getpid())"

    init(_ pid: Int32) throws {
        guard FileManager.default.fileExists(atPath: "/sys/fs/cgroup/freezer") else {
            throw NSError(
                domain: "Freezer", code: 1,
                userInfo: [
                    NSLocalizedDescriptionKey:
                        "this test needs the cgroup v1 freezer at /sys/fs/cgroup/freezer (as root)"
                ])
        }
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try "\(pid)\n".write(toFile: path + "/cgroup.procs", atomically: false, encoding: .utf8)
        try "FROZEN\n".write(toFile: path + "/freezer.state", atomically: false, encoding: .utf8)
        let frozen = Toolbox.poll(seconds: 2) {
            (try? String(contentsOfFile: path + "/freezer.state", encoding: .utf8)) == "FROZEN\n"
        }
        guard frozen else {
            throw NSError(domain: "Freezer", code: 2, userInfo: [NSLocalizedDescriptionKey: "\(pid) did not freeze"])
        }
    }

    func thaw() {
        try? "THAWED\n".write(toFile: path + "/freezer.state", atomically: false, encoding: .utf8)
        _ = Toolbox.poll(seconds: 2) { rmdir(path) == 0 || errno == ENOENT }
    }
}
