import CPMSystem

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin wrappers over the POSIX file calls the toolbox needs. Every descriptor it opens is
/// close-on-exec, so no child process inherits one by accident.
package enum FileSystem {
    /// A new directory `/tmp/<prefix>-XXXXXX` that only the caller may enter (mkdtemp(3), mode 0700).
    package static func makePrivateDirectory(prefix: String) throws(SystemError) -> String {
        var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.flatMap { mkdtemp($0) } }
        guard made != nil else { throw SystemError("cannot create a private directory in", path: "/tmp") }
        return String(nulTerminated: template)
    }

    /// An unlinked, close-on-exec temporary file in /tmp, or -1 with errno set.
    package static func temporaryFile() -> Int32 { pm_temporary_file() }

    /// A descriptor (`O_PATH | O_NOFOLLOW`) for `name` in the open `directory`, for fstat(2) and
    /// /proc/self/fd; -1 with errno set.
    package static func openNode(in directory: Int32, _ name: String) -> Int32 { pm_open_node(directory, name) }

    package enum Kind { case missing, directory, regular, other }

    package static func kind(of path: String, followLinks: Bool = true) -> Kind {
        path.withCString { kind(cPath: $0, followLinks: followLinks) }
    }

    static func kind(cPath path: UnsafePointer<CChar>, followLinks: Bool = true) -> Kind {
        var info = stat()
        let rc = followLinks ? stat(path, &info) : lstat(path, &info)
        guard rc == 0 else { return .missing }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return .directory
        case S_IFREG: return .regular
        default: return .other
        }
    }

    package static func exists(_ path: String) -> Bool { kind(of: path) != .missing }

    /// The owner of what `path` names (links followed); nil when it does not exist.
    package static func owner(of path: String) -> uid_t? {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_uid : nil
    }

    package static func isExecutableFile(_ path: String) -> Bool {
        path.withCString { isExecutableFile(cPath: $0) }
    }

    static func isExecutableFile(cPath path: UnsafePointer<CChar>) -> Bool {
        kind(cPath: path) == .regular && access(path, X_OK) == 0
    }

    /// The canonical absolute path (`realpath(3)`), or nil if it does not exist.
    /// The working directory of the process.
    package static var currentDirectory: String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return nil }
        return String(nulTerminated: buffer)
    }

    package static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Reads a whole file, refusing files larger than `limit` bytes.
    package static func contents(of path: String, limit: Int = 16 << 20) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SystemError("cannot open", path: path) }
        defer { close(fd) }
        return try readAll(fd, limit: limit, name: path)
    }

    /// Reads a descriptor to its end, refusing more than `limit` bytes. Buffers are never
    /// zero-filled, so reading a small file touches only the pages it fills.
    package static func readAll(_ fd: Int32, limit: Int, name: String) throws -> [UInt8] {
        var data: [UInt8] = []
        while true {
            var result = 0
            let chunk = [UInt8](unsafeUninitializedCapacity: 65536) { buffer, initialized in
                result = read(fd, buffer.baseAddress, buffer.count)
                initialized = max(0, result)
            }
            if result < 0 {
                if errno == EINTR { continue }
                throw SystemError("cannot read", path: name)
            }
            if result == 0 { return data }
            if data.count + result > limit { throw InputTooLarge(source: name, limit: limit) }
            data += chunk
        }
    }

    /// Writes all bytes, retrying short writes and EINTR.
    package static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw SystemError("cannot write")
            }
            offset += n
        }
    }

    /// Replaces `path` with `bytes` atomically: a temporary file in the same directory,
    /// fsync, then rename. Readers see the old content or the new, never a part.
    package static func writeAtomically(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o600) throws {
        let directory = Path.directoryName(path)
        var template = Array("\(directory)/.\(Path.baseName(path)).XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw SystemError("cannot create a temporary file in", path: directory) }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        let temporary = String(nulTerminated: template)
        do {
            defer { close(fd) }
            try writeAll(fd, bytes)
            guard fchmod(fd, mode) == 0 else { throw SystemError("cannot chmod", path: temporary) }
            guard fsync(fd) == 0 else { throw SystemError("cannot fsync", path: temporary) }
            guard rename(temporary, path) == 0 else { throw SystemError("cannot rename onto", path: path) }
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// Replaces the contents of `path` in place, under an exclusive flock(2); creates it with
    /// `mode` when missing, never through a link. No new inode, no rename, no fsync: for small
    /// state that is rewritten often and may be lost, read with `lockedContents(of:limit:)`,
    /// which then sees the old contents or the new.
    package static func rewriteLocked(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o600) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else { throw SystemError("cannot open", path: path) }
        defer { close(fd) }
        // A second name would be a hard link planted to have another file rewritten.
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_nlink == 1 else {
            throw SystemError("refusing a file with more than one name", path: path, code: EMLINK)
        }
        guard flock(fd, LOCK_EX) == 0 else { throw SystemError("cannot lock", path: path) }
        let written = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        guard written == bytes.count, ftruncate(fd, off_t(bytes.count)) == 0 else {
            throw SystemError("cannot write", path: path)
        }
    }

    /// The contents of a file that `rewriteLocked` writes, read under a shared flock(2).
    package static func lockedContents(of path: String, limit: Int) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw SystemError("cannot open", path: path) }
        defer { close(fd) }
        guard flock(fd, LOCK_SH) == 0 else { throw SystemError("cannot lock", path: path) }
        return try readAll(fd, limit: limit, name: path)
    }

    /// Creates a directory and its missing parents (like `mkdir -p`).
    package static func createDirectory(_ path: String, mode: mode_t = 0o755) throws {
        if kind(of: path) == .directory { return }
        let parent = Path.directoryName(path)
        if parent != path { try createDirectory(parent, mode: mode) }
        if mkdir(path, mode) != 0 && errno != EEXIST {
            throw SystemError("cannot create directory", path: path)
        }
    }

    package static func remove(_ path: String) {
        unlink(path)
    }
}

/// More input than the toolbox accepts from one source.
package struct InputTooLarge: Error, CustomStringConvertible {
    package let source: String
    package let limit: Int
    package var description: String { "\(source) is larger than \(limit >> 20) MiB" }
}
