import Foundation
@testable import PMCommon

/// An unprivileged user for tests that run servers as `su_user`, created on first use
/// (the tests run as root in CI, as the README's test command does).
enum TestUser {
    static let name = "pmtest"

    static func ensure() throws -> Account {
        if let account = Account.lookup(name: name) { return account }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/useradd")
        process.arguments = ["--create-home", "--shell", "/usr/sbin/nologin", "--user-group", name]
        try process.run()
        process.waitUntilExit()
        guard let account = Account.lookup(name: name) else {
            throw NSError(domain: "TestUser", code: 1, userInfo: [NSLocalizedDescriptionKey: "useradd \(name) failed"])
        }
        return account
    }
}
