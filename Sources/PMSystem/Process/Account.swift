#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An OS user account, as `getpwnam(3)` and `getgrouplist(3)` give it (read by `UserDatabase`).
package struct Account: Equatable {
    package let name: String
    package let uid: uid_t
    package let gid: gid_t
    package let groups: [gid_t]
    package let home: String

    /// The user the tool runs as.
    package static var current: Account? {
        UserDatabase().account(uid: geteuid())
    }

    /// Whether the process can switch to other users (it runs as root).
    package static var canSwitchUser: Bool { geteuid() == 0 }

    /// Looks a user up by name; nil when there is no such user.
    package static func lookup(name: String) -> Account? {
        UserDatabase().account(named: name)
    }

    package static func lookup(uid: uid_t) -> Account? {
        UserDatabase().account(uid: uid)
    }
}
