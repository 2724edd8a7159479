#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An OS user account, as `getpwnam(3)` and `getgrouplist(3)` give it (read by `UserDatabase`).
public struct Account: Equatable {
    public let name: String
    public let uid: uid_t
    public let gid: gid_t
    public let groups: [gid_t]
    public let home: String

    /// The user the tool runs as.
    public static var current: Account? {
        UserDatabase().account(uid: geteuid())
    }

    /// Whether the process can switch to other users (it runs as root).
    public static var canSwitchUser: Bool { geteuid() == 0 }

    /// Looks a user up by name; nil when there is no such user.
    public static func lookup(name: String) -> Account? {
        UserDatabase().account(named: name)
    }

    public static func lookup(uid: uid_t) -> Account? {
        UserDatabase().account(uid: uid)
    }
}
