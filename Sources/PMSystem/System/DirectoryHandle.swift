#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A directory held by a descriptor. The tools run as root next to directories that game users
/// can write (server directories, and what a user may rename inside them), where a path can be
/// turned into a link between two calls. Everything done through a `DirectoryHandle` is
/// relative to its descriptor (`mkdirat`, `openat`, `unlinkat`, `fchown`), and a name below it
/// is never followed through a link, so no such swap redirects root.
package final class DirectoryHandle {
    package let descriptor: Int32
    /// For messages.
    package let path: String

    private init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    deinit { close(descriptor) }

    /// A directory of the configuration (the work path), reached as the configuration names
    /// it: links in it are the administrator's and are followed.
    package static func configured(_ path: String) throws -> DirectoryHandle {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw SystemError("cannot open", path: path) }
        return DirectoryHandle(descriptor: fd, path: path)
    }

    /// The directory `name` in this one, never through a link; created with `mode` (and owned
    /// by the tool's user) when it is missing and a mode is given.
    package func subdirectory(_ name: String, creating mode: mode_t? = nil) throws -> DirectoryHandle {
        let childPath = Path.join(path, name)
        guard Self.isPlainName(name) else { throw SystemError("not a plain name", path: childPath, code: EINVAL) }
        if let mode, mkdirat(descriptor, name, mode) != 0 && errno != EEXIST {
            throw SystemError("cannot create directory", path: childPath)
        }
        let fd = openat(descriptor, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            // ELOOP (or ENOTDIR): a link, or something else, where a directory belongs.
            throw SystemError("cannot open the directory (a link is never followed here)", path: childPath)
        }
        return DirectoryHandle(descriptor: fd, path: childPath)
    }

    /// The directory at `relative` below this one, one component at a time as `subdirectory`.
    package func descendant(_ relative: String, creating mode: mode_t? = nil) throws -> DirectoryHandle {
        var current = self
        for component in relative.split(separator: "/") where component != "." {
            current = try current.subdirectory(String(component), creating: mode)
        }
        return current
    }

    /// Opens the file `name` in this directory, never through a link (`O_NOFOLLOW` is added);
    /// the caller closes the descriptor.
    package func openFile(_ name: String, _ flags: Int32, mode: mode_t = 0o600) throws -> Int32 {
        guard Self.isPlainName(name) else {
            throw SystemError("not a plain name", path: Path.join(path, name), code: EINVAL)
        }
        let fd = openat(descriptor, name, flags | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else { throw SystemError("cannot open", path: Path.join(path, name)) }
        return fd
    }

    /// Whether the directory has an entry `name` (a link counts as itself).
    package func contains(_ name: String) -> Bool {
        var info = stat()
        return Self.isPlainName(name) && fstatat(descriptor, name, &info, AT_SYMLINK_NOFOLLOW) == 0
    }

    /// Removes the entry `name` (a file, a FIFO or a link itself, never what a link names);
    /// whether there was one.
    @discardableResult
    package func remove(_ name: String) -> Bool {
        Self.isPlainName(name) && unlinkat(descriptor, name, 0) == 0
    }

    /// Removes the empty directory `name`; whether it did.
    @discardableResult
    package func removeDirectory(_ name: String) -> Bool {
        Self.isPlainName(name) && unlinkat(descriptor, name, AT_REMOVEDIR) == 0
    }

    package func changeOwner(uid: uid_t, gid: gid_t) throws {
        guard fchown(descriptor, uid, gid) == 0 else { throw SystemError("cannot chown", path: path) }
    }

    /// Owner and permission bits of the directory itself.
    package func status() throws -> (uid: uid_t, mode: mode_t) {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw SystemError("cannot stat", path: path) }
        return (info.st_uid, info.st_mode & 0o7777)
    }

    /// Refuses a directory that someone other than the tool's user (or root) owns or may write:
    /// files root creates in it must stay where root put them.
    package func requirePrivate() throws {
        let (uid, mode) = try status()
        guard uid == 0 || uid == geteuid(), mode & 0o022 == 0 else {
            throw SystemError("refusing a directory another user owns or may write", path: path, code: EPERM)
        }
    }

    /// One path component: not empty, `.`, `..`, and without a slash or NUL.
    static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.utf8.contains(UInt8(ascii: "/")) && !name.utf8.contains(0)
    }
}
