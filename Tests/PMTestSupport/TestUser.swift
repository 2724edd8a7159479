import Foundation
import PMCommon
import PMCore
import PMHTTP
import PMManagers
import PMSystem

/// An unprivileged user for tests that run servers as `su_user`, created on first use
/// (the tests run as root in CI, as the README's test command does).
enum TestUser {
    static let name = "pmtest"

    static func ensure() throws -> Account {
        try Backend.require(.root)
        if let account = Account.lookup(name: name) { return account }
        _ = try ProcessLauncher().run(
            CommandSpec(["useradd", "--create-home", "--shell", "/usr/sbin/nologin", "--user-group", name]),
            output: .discard)
        guard let account = Account.lookup(name: name) else {
            throw NSError(domain: "TestUser", code: 1, userInfo: [NSLocalizedDescriptionKey: "useradd \(name) failed"])
        }
        return account
    }
}
