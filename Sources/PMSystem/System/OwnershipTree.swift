#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `chown -R --no-dereference` confined to one directory: every entry below it is changed
/// through descriptors opened without following links, so a link planted in the tree (by an
/// installation script, or raced in) never leads the walk, or the change, outside it. A file
/// with more than one name is left alone: it may be a hard link to a file outside the tree.
package enum OwnershipTree {
    package static func change(_ root: String, uid: uid_t, gid: gid_t) throws {
        let fd = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw SystemError("cannot open", path: root) }
        guard fchown(fd, uid, gid) == 0 else {
            close(fd)
            throw SystemError("cannot chown", path: root)
        }
        try walk(fd, path: root, uid: uid, gid: gid, depth: 0)
    }

    /// Changes the entries of the open directory `fd` (and closes it).
    private static func walk(_ fd: Int32, path: String, uid: uid_t, gid: gid_t, depth: Int) throws {
        guard depth < 256 else {
            close(fd)
            throw SystemError("too deep to chown", path: path, code: ELOOP)
        }
        guard let directory = fdopendir(fd) else {
            close(fd)
            throw SystemError("cannot read", path: path)
        }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            if name == "." || name == ".." { continue }
            var info = stat()
            guard fstatat(fd, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
            if info.st_mode & S_IFMT != S_IFDIR && info.st_nlink > 1 { continue }
            guard fchownat(fd, name, uid, gid, AT_SYMLINK_NOFOLLOW) == 0 else {
                throw SystemError("cannot chown", path: path + "/" + name)
            }
            let child = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            if child >= 0 { try walk(child, path: path + "/" + name, uid: uid, gid: gid, depth: depth + 1) }
        }
    }
}
