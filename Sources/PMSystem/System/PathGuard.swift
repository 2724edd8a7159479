#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether another user can make a path name something else: replace its entry, or an entry
/// on the way to it, with a link. Paths root hands to another process as paths (a container
/// engine mounting a directory follows links, as root) must pass: a check of the target
/// itself would hold only until the user swaps it.
package enum PathGuard {
    /// True when every directory on the way to `path` (its real path: the administrator's
    /// links are followed) belongs to root or the tool's user and no other user may write it,
    /// or is sticky (/tmp) with the next entry root's or the tool's user's. Nil when the path
    /// does not exist.
    package static func onlyTrustedCanRedirect(_ path: String) -> Bool? {
        guard let real = FileSystem.realPath(path) else { return nil }
        var directory = "/"
        for component in real.split(separator: "/") {
            let entry = Path.join(directory, String(component))
            guard let parent = status(directory), isTrusted(parent.st_uid) else { return false }
            let othersMayWrite = parent.st_mode & 0o022 != 0
            let sticky = parent.st_mode & S_ISVTX != 0
            if othersMayWrite && !(sticky && status(entry).map { isTrusted($0.st_uid) } == true) { return false }
            directory = entry
        }
        return true
    }

    private static func isTrusted(_ uid: uid_t) -> Bool { uid == 0 || uid == geteuid() }

    private static func status(_ path: String) -> stat? {
        var info = stat()
        return lstat(path, &info) == 0 ? info : nil
    }
}
