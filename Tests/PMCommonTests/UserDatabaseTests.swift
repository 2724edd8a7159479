import Foundation
import XCTest

@testable import PMCommon
@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

/// Users and groups without the C library's name-service modules (which crash a static
/// executable): the files first, then `getent`.
final class UserDatabaseTests: XCTestCase {
    private var directory = ""
    private var asked: [String] = []

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("pm-users-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try """
        root:x:0:0:root:/root:/bin/bash
        broken line
        gamer:x:1001:1001:Game Server,,,:/home/gamer:/usr/sbin/nologin
        bad:x:notanumber:1:x:/x:/bin/sh
        """.write(toFile: directory + "/passwd", atomically: true, encoding: .utf8)
        try """
        root:x:0:
        gamer:x:1001:
        audio:x:29:pulse,gamer
        games:x:60:gamers
        steam:x:1500:alice,gamer,bob
        """.write(toFile: directory + "/group", atomically: true, encoding: .utf8)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: directory) }

    private var database: UserDatabase {
        var database = UserDatabase()
        database.passwdPath = directory + "/passwd"
        database.groupPath = directory + "/group"
        database.nameService = { [unowned self] database, key in
            asked.append("\(database) \(key)")
            switch (database, key) {
            case ("passwd", "ldapuser"), ("passwd", "5000"): return "ldapuser:*:5000:5000:LDAP:/home/ldapuser:/bin/sh\n"
            case ("initgroups", "ldapuser"): return "ldapuser              5000 7000 1500\n"
            default: return nil
            }
        }
        return database
    }

    func testUsersFromTheFilesWithTheirGroups() throws {
        let gamer = try XCTUnwrap(database.account(named: "gamer"))
        XCTAssertEqual(
            gamer, Account(name: "gamer", uid: 1001, gid: 1001, groups: [1001, 29, 1500], home: "/home/gamer"))
        XCTAssertEqual(database.account(uid: 0)?.name, "root")
        XCTAssertTrue(asked.isEmpty, "the files answered")
    }

    func testUnknownUsersAreAskedOfTheNameServices() throws {
        let ldap = try XCTUnwrap(database.account(named: "ldapuser"))
        XCTAssertEqual(
            ldap, Account(name: "ldapuser", uid: 5000, gid: 5000, groups: [5000, 7000, 1500], home: "/home/ldapuser"))
        XCTAssertEqual(database.account(uid: 5000)?.name, "ldapuser")
        XCTAssertNil(database.account(named: "nosuchuser"))
        XCTAssertNil(database.account(named: "gamers"), "a group member name is not a user")
    }

    func testNamesThatCannotBeKeysAreNotLookedUp() {
        for name in ["", "a:b", "a\nb", String(repeating: "x", count: 300)] {
            XCTAssertNil(database.account(named: name))
        }
        XCTAssertTrue(asked.isEmpty, "\(asked)")
    }

    /// The real databases of this machine, through `getent` for what the files lack.
    func testTheRealDatabaseAgreesWithGetent() throws {
        let root = try XCTUnwrap(Account.lookup(name: "root"))
        XCTAssertEqual(root.uid, 0)
        XCTAssertEqual(root.groups.first, 0)
        XCTAssertNil(Account.lookup(name: "no-such-user-\(UInt32.random(in: 0...UInt32.max))"))
        XCTAssertEqual(Account.current?.uid, geteuid())
    }
}
