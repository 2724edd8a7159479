import Foundation
import PMCommon
import XCTest

@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

/// A game user with a shell attacks root through the directories the user may write: links
/// planted or raced into place where root creates, opens, changes or removes something.
final class LinkAttackTests: XCTestCase {
    private var node: SimpleNode!
    private var target = ""

    override func setUpWithError() throws {
        node = try SimpleNode(scripts: ["install": "/bin/true"])
        target = "/tmp/pm-link-target-\(UUID().uuidString.prefix(8))"
        try "root's file\n".write(toFile: target, atomically: true, encoding: .utf8)
        _ = try TestUser.ensure()
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: target)
        node?.tearDown()
    }

    private func targetOwner() throws -> Int {
        try (FileManager.default.attributesOfItem(atPath: target)[.ownerAccountID] as? NSNumber)?.intValue ?? -1
    }

    /// `pm-install` creates the server directory and gives it to the game's user. The user owns
    /// the directory above it and swaps each new directory for a link to a root file the moment
    /// it appears (inotify, a real second process); root must never chown the link's target.
    func testTheInstallRacerNeverGetsRootToChownItsTarget() throws {
        let servers = node.workPath + "/servers"
        _ = try Toolbox.shell("chown pmtest: \(servers)")
        let record = try node.file(node.record(id: 1, user: "pmtest"))
        let racer = Process()
        racer.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        racer.arguments = [
            "--reuid=pmtest", "--regid=pmtest", "--init-groups", try CProgram.executable("link-racer", in: "Attackers"),
            servers, "s1", target
        ]
        let output = Pipe()
        racer.standardOutput = output
        try racer.run()
        defer { if racer.isRunning { racer.terminate() } }
        XCTAssertEqual(String(decoding: output.fileHandleForReading.availableData, as: UTF8.self), "racing\n")
        var wins = 0
        var refused = 0
        for _ in 1...300 {
            _ = try Toolbox.shell("rm -rf \(servers)/s1 \(servers)/s1.moved.*")
            // Once the racer moved the directory the script cannot enter it: a failed install
            // is the attack's expected effect; a chowned target is the failure.
            if try node.run("pm-install", [record]).status != 0 { refused += 1 }
            if try targetOwner() != 0 { wins += 1 }
        }
        racer.terminate()
        racer.waitUntilExit()
        let swaps = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(wins, 0, "root chowned the racer's target")
        let count =
            Int(
                swaps.split(separator: " ").last.map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) }
                    ?? "") ?? 0
        XCTAssertGreaterThan(count, 250, "the racer swapped nearly every directory (\(refused) installs failed)")
    }

    /// A program runs as the game's user from the moment it enters the server directory: a
    /// directory the user could not reach (a parent only root may pass, or a link the user
    /// planted to such a place) is not entered for them by root.
    func testProgramsEnterTheServerDirectoryAsTheGameUser() throws {
        let marker = "/tmp/pm-chdir-\(UUID().uuidString.prefix(8))"
        let node = try SimpleNode(scripts: ["start": "/usr/bin/touch \(marker)", "status": "/bin/false"])
        defer {
            node.tearDown()
            try? FileManager.default.removeItem(atPath: marker)
        }
        let hidden = node.workPath + "/servers/hidden"
        try FileManager.default.createDirectory(atPath: hidden + "/s9", withIntermediateDirectories: true)
        _ = try Toolbox.shell("chmod 700 \(hidden) && chown pmtest: \(hidden)/s9")
        let record = try node.file(#"{"id": 9, "dir": "servers/hidden/s9", "su_user": "pmtest", "start_command": "x"}"#)
        let start = try node.run("pm-start", [record])
        XCTAssertNotEqual(start.status, 0, start.stdout)
        XCTAssertTrue(start.stderr.contains("Permission denied"), start.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker), "the script never ran")
    }

    /// A server directory another user made in advance (they may write its parent) is not
    /// adopted by the installation: it would stay theirs.
    func testAServerDirectoryAnotherUserMadeIsNotAdopted() throws {
        let record = try node.file(node.record(id: 2, user: "pmtest"))
        let directory = node.workPath + "/servers/s2"
        XCTAssertEqual(chown(directory, 65534, 65534), 0)
        let install = try node.run("pm-install", [record])
        XCTAssertEqual(install.status, 1, install.stderr)
        XCTAssertTrue(install.stderr.contains("belongs to uid 65534, not to pmtest"), install.stderr)
        XCTAssertEqual(chown(directory, 0, 0), 0)
        XCTAssertEqual(try node.run("pm-install", [record]).status, 0, "root's own directory is fine")
    }
}
