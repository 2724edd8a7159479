import PMSystem

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The directory of files that the tools' helpers write as a server's user, running with the
/// game: `<state dir>/servers/<id>-<uuid>/` (its console log, its run history). It belongs to
/// the game's user, inside `servers`, which belongs to root and which no one else may write.
/// Root never writes there; it reads the files through the directory's descriptor, never
/// through a link, and only files the game's user owns.
package struct ServerFiles {
    /// The directory, absolute: the helpers run elsewhere (in the tmux server's directory).
    package let path: String
    private let state: StateDirectory
    private let name: String
    /// Who writes the files: the game's user.
    package let owner: (uid: uid_t, gid: gid_t)
    /// The game's user, nil for the tool's own.
    package let account: Account?

    package init(_ server: Server, state: StateDirectory) {
        self.state = state
        name = String(server.owner.token.map { $0 == "/" ? "-" : $0 })
        let top = state.path.hasPrefix("/") ? state.path : Path.join(FileSystem.currentDirectory ?? "/", state.path)
        path = Path.join(top, "servers/\(name)")
        owner = server.account.map { ($0.uid, $0.gid) } ?? (geteuid(), getegid())
        account = server.account
    }

    /// Makes the directory for the game's user. The state directory and `servers` become
    /// passable (mode 0711) for that user to reach it.
    package func prepare() throws {
        try FileSystem.createDirectory(state.path, mode: 0o700)
        let top = try DirectoryHandle.configured(state.path)
        try top.requirePrivate()
        let servers = try top.subdirectory("servers", creating: 0o711)
        try servers.requirePrivate()
        if owner.uid != geteuid() {
            try Self.allowPassing(top)
            try Self.allowPassing(servers)
        }
        let mine = try servers.subdirectory(name, creating: 0o750)
        if owner.uid != geteuid() { try mine.changeOwner(uid: owner.uid, gid: owner.gid) }
    }

    private static func allowPassing(_ directory: DirectoryHandle) throws {
        let mode = try directory.status().mode
        guard mode & 0o011 != 0o011 else { return }
        guard fchmod(directory.descriptor, mode | 0o011) == 0 else {
            throw SystemError("cannot chmod", path: directory.path)
        }
    }

    /// Opens `file` for reading; nil when there is no such file (or directory). A link, or
    /// anything but a regular file of the game's user, is refused with the reason.
    package func open(_ file: String) throws(Unreadable) -> Int32? {
        let directory: DirectoryHandle
        do {
            directory = try DirectoryHandle.configured(state.path).subdirectory("servers").subdirectory(name)
        } catch let error as SystemError where error.code == ENOENT {
            return nil
        } catch {
            throw Unreadable(path: Path.join(path, file), reason: (error as? SystemError)?.reason ?? "\(error)")
        }
        let fd: Int32
        do {
            fd = try directory.openFile(file, O_RDONLY | O_NONBLOCK | O_NOCTTY)
        } catch let error as SystemError where error.code == ENOENT {
            return nil
        } catch {
            throw Unreadable(path: Path.join(path, file), reason: (error as? SystemError)?.reason ?? "\(error)")
        }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_uid == owner.uid else {
            close(fd)
            throw Unreadable(path: Path.join(path, file), reason: "not a regular file of uid \(owner.uid)")
        }
        return fd
    }

    /// A file of the directory that root may not read.
    package struct Unreadable: Error {
        package let path: String
        package let reason: String
    }
}
