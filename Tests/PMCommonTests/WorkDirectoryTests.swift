import XCTest

@testable import PMCommon
@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

final class WorkDirectoryTests: XCTestCase {
    private func resolve(_ dir: String, workPath: String = "/srv/gameap", full: String? = nil) throws -> String {
        var record = ServerRecord()
        record.dir = dir
        record.fullDirectory = full
        return try WorkDirectory.resolve(record: record, workPath: workPath)
    }

    func testRelativeDirIsJoinedAndCleaned() throws {
        XCTAssertEqual(try resolve("servers/test"), "/srv/gameap/servers/test")
        XCTAssertEqual(try resolve("servers//test/./"), "/srv/gameap/servers/test")
        XCTAssertEqual(try resolve("servers/test", workPath: "/srv/gameap/"), "/srv/gameap/servers/test")
    }

    func testEscapesAreRefused() {
        for dir in ["../etc", "servers/../../etc", "..", "", "/etc", "/srv/gameap", "/srv/gameapx/s"] {
            XCTAssertThrowsError(try resolve(dir), dir)
        }
        XCTAssertThrowsError(try resolve("x", workPath: ""), "no work path")
        XCTAssertThrowsError(try resolve("x", workPath: "relative"))
    }

    /// An absolute dir is honoured only when it already lies inside the work path (docs/differences.md#rec-9).
    func testAbsoluteDirInsideTheWorkPath() throws {
        XCTAssertEqual(try resolve("/srv/gameap/servers/cs"), "/srv/gameap/servers/cs")
    }

    func testFullDirectoryFromDashD() throws {
        XCTAssertEqual(try resolve("", workPath: "", full: "/home/game/cs"), "/home/game/cs")
        XCTAssertEqual(try resolve("", full: "/srv/gameap/servers/a"), "/srv/gameap/servers/a")
        XCTAssertThrowsError(try resolve("", full: "/home/game/cs"))
        XCTAssertThrowsError(try resolve("", workPath: "", full: "relative/dir"))
        XCTAssertThrowsError(try resolve("", workPath: "", full: "/home/../etc"))
        XCTAssertThrowsError(try resolve("", workPath: "", full: "/"))
    }

    func testSymlinkOutOfTheWorkPathIsRefused() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pm-workdir-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/work/servers", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: root + "/work/servers/evil", withDestinationPath: "/etc")
        try FileManager.default.createSymbolicLink(
            atPath: root + "/work/servers/fine", withDestinationPath: root + "/work/servers")
        XCTAssertThrowsError(try resolve("servers/evil", workPath: root + "/work"))
        XCTAssertThrowsError(try resolve("servers/evil/sub/dir", workPath: root + "/work"))
        XCTAssertEqual(try resolve("servers/fine/new", workPath: root + "/work"), root + "/work/servers/fine/new")
        XCTAssertEqual(try resolve("servers/not-yet", workPath: root + "/work"), root + "/work/servers/not-yet")
    }
}
