import Foundation
import XCTest

@testable import PMCommon
@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

/// What root does in directories other users can write: it never follows their links or hard
/// links, and never hands a path they can change to another process.
final class RootPathTests: XCTestCase {
    private var root = ""

    override func setUpWithError() throws {
        try Backend.require(.root)
        root =
            FileManager.default.temporaryDirectory.appendingPathComponent("pm-rootpath-\(UUID().uuidString.prefix(8))")
            .path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    override func tearDown() { if !root.isEmpty { try? FileManager.default.removeItem(atPath: root) } }

    private func make(_ relative: String, mode: mode_t = 0o755, owner: uid_t = 0) throws -> String {
        let path = root + "/" + relative
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        XCTAssertEqual(chmod(path, mode), 0)
        XCTAssertEqual(chown(path, owner, owner), 0)
        return path
    }

    /// Another user may redirect a path through any directory on the way that they own or may
    /// write; a sticky one (/tmp) protects only the entries of others.
    func testOnlyTrustedCanRedirect() throws {
        XCTAssertEqual(PathGuard.onlyTrustedCanRedirect(try make("a/b")), true)
        XCTAssertEqual(PathGuard.onlyTrustedCanRedirect(try make("open/x") + "/../x"), true, "the real path counts")
        _ = try make("open", mode: 0o777)
        XCTAssertEqual(PathGuard.onlyTrustedCanRedirect(root + "/open/x"), false, "its entry can be renamed away")
        _ = try make("sticky", mode: 0o1777)
        XCTAssertEqual(
            PathGuard.onlyTrustedCanRedirect(try make("sticky/mine")), true, "root's entry in a sticky directory")
        XCTAssertEqual(PathGuard.onlyTrustedCanRedirect(try make("sticky/theirs", owner: 65534)), false)
        XCTAssertEqual(PathGuard.onlyTrustedCanRedirect(try make("user", owner: 65534) + "/x"), nil, "missing")
        XCTAssertEqual(
            PathGuard.onlyTrustedCanRedirect(try make("user/data", owner: 65534)), false, "in the user's directory")
    }

    /// The state directory's subdirectories are root's: a link, or one another user owns or
    /// may write, is refused before root creates a lock file in it.
    func testTheStateDirectoryIsNeverAnotherUsers() throws {
        let target = try make("target")
        let state = try make("state", mode: 0o700)
        XCTAssertEqual(symlink(target, state + "/locks"), 0)
        XCTAssertThrowsError(try ServerLock.acquire("s1", in: StateDirectory(path: state))) {
            XCTAssertTrue("\($0)".contains("cannot use the state directory"), "\($0)")
        }
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: target), [], "nothing created through the link")
        XCTAssertEqual(unlink(state + "/locks"), 0)
        _ = try make("state/locks", mode: 0o700, owner: 65534)
        XCTAssertThrowsError(try ServerLock.acquire("s1", in: StateDirectory(path: state)))
        XCTAssertEqual(chown(state + "/locks", 0, 0), 0)
        XCTAssertEqual(symlink(target + "/planted", state + "/locks/s1.lock"), 0)
        XCTAssertThrowsError(
            try ServerLock.acquire("s1", in: StateDirectory(path: state)), "a lock file that is a link")
        XCTAssertFalse(FileManager.default.fileExists(atPath: target + "/planted"))
        XCTAssertEqual(unlink(state + "/locks/s1.lock"), 0)
        XCTAssertNoThrow(try ServerLock.acquire("s1", in: StateDirectory(path: state)))
    }

    /// A hard link planted in a server's tree to a file of root's is not given to the user by
    /// the installation's chown, and neither is a file rewritten in place through one.
    func testHardLinksAreNeverChangedOrRewritten() throws {
        let tree = try make("tree")
        let outside = root + "/outside"
        try "root's\n".write(toFile: outside, atomically: false, encoding: .utf8)
        XCTAssertEqual(link(outside, tree + "/planted"), 0)
        try "game\n".write(toFile: tree + "/own", atomically: false, encoding: .utf8)
        try OwnershipTree.change(tree, uid: 65534, gid: 65534)
        XCTAssertEqual(
            (try FileManager.default.attributesOfItem(atPath: outside)[.ownerAccountID] as? NSNumber)?.intValue, 0)
        XCTAssertEqual(
            (try FileManager.default.attributesOfItem(atPath: tree + "/own")[.ownerAccountID] as? NSNumber)?.intValue,
            65534)
        XCTAssertThrowsError(try FileSystem.rewriteLocked(tree + "/planted", Array("x".utf8)))
        XCTAssertEqual(try String(contentsOfFile: outside, encoding: .utf8), "root's\n")
    }
}
