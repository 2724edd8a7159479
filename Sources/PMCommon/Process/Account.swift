#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An OS user account, as `getpwnam(3)` and `getgrouplist(3)` give it.
public struct Account: Equatable {
    public let name: String
    public let uid: uid_t
    public let gid: gid_t
    public let groups: [gid_t]
    public let home: String

    /// The user the tool runs as.
    public static var current: Account? {
        lookup(uid: geteuid())
    }

    /// Whether the process can switch to other users (it runs as root).
    public static var canSwitchUser: Bool { geteuid() == 0 }

    /// Looks a user up by name; nil when there is no such user.
    public static func lookup(name: String) -> Account? {
        withPasswdEntry { entry, buffer, size, result in getpwnam_r(name, &entry, buffer, size, &result) }
    }

    public static func lookup(uid: uid_t) -> Account? {
        withPasswdEntry { entry, buffer, size, result in getpwuid_r(uid, &entry, buffer, size, &result) }
    }

    private static func withPasswdEntry(
        _ call: (inout passwd, UnsafeMutablePointer<CChar>, Int, inout UnsafeMutablePointer<passwd>?) -> Int32
    ) -> Account? {
        var size = 4096
        while size <= 1 << 20 {
            var entry = passwd()
            var result: UnsafeMutablePointer<passwd>?
            let storage = UnsafeMutablePointer<CChar>.allocate(capacity: size)
            defer { storage.deallocate() }
            let rc = call(&entry, storage, size, &result)
            if rc == ERANGE { size *= 4; continue }
            guard rc == 0, result != nil else { return nil }
            let name = String(cString: entry.pw_name)
            return Account(name: name, uid: entry.pw_uid, gid: entry.pw_gid,
                           groups: groupList(name, entry.pw_gid), home: String(cString: entry.pw_dir))
        }
        return nil
    }

    private static func groupList(_ name: String, _ primary: gid_t) -> [gid_t] {
        var count: Int32 = 32
        while count <= 65536 {
            var groups = [gid_t](repeating: 0, count: Int(count))
            var found = count
            if getgrouplist(name, primary, &groups, &found) >= 0 {
                return Array(groups.prefix(Int(found)))
            }
            count = max(found, count * 2)
        }
        return [primary]
    }
}
