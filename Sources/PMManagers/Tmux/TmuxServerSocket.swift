import PMCore
import PMHTTP
import PMSystem

#if os(Linux)
import Glibc

/// The socket of a user's default tmux server, found as the `tmux` program finds it: the
/// first of `$TMUX_TMPDIR` and /tmp that resolves, then `tmux-UID/default`, in a directory
/// that must belong to the user and be closed to others.
///
/// The directory is opened without following a link and checked through its descriptor; the
/// socket, opened in it the same way (`FileSystem.openNode`), must be a socket the user owns, and is
/// connected to through `/proc/self/fd`. So root, which may connect anywhere, reaches that
/// user's own server and nothing else, whatever the user renames or links meanwhile. A check
/// that fails is refused in words tmux's client does not use, so that it is not read as "no
/// server". Linux only: it needs `O_PATH` and /proc.
enum TmuxServerSocket {
    /// Why no connection was made, in the words of tmux's client where it has them (it then
    /// exits with 1).
    struct Refusal: Error {
        let message: String
    }

    /// A connection to `uid`'s default tmux server.
    static func connect(uid: uid_t, temporaryDirectory: String?, timeout: Double) throws(Refusal) -> SocketConnection {
        let base = try directory(uid: uid, temporaryDirectory: temporaryDirectory)
        let path = base + "/default"
        let directory = open(base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard directory >= 0 else {
            if errno == ENOENT { throw refusal(path, code: ENOENT) }
            if errno == ENOTDIR || errno == ELOOP { throw Refusal(message: "\(base) is not a directory") }
            throw Refusal(message: "couldn't read directory \(base) (\(SystemError("open").reason))")
        }
        defer { close(directory) }
        var info = stat()
        guard fstat(directory, &info) == 0, info.st_uid == uid, info.st_mode & S_IRWXO == 0 else {
            throw Refusal(message: "directory \(base) has unsafe permissions")
        }
        let socket = FileSystem.openNode(in: directory, "default")
        guard socket >= 0 else { throw refusal(path, code: errno) }
        defer { close(socket) }
        guard fstat(socket, &info) == 0, info.st_mode & S_IFMT == S_IFSOCK, info.st_uid == uid else {
            throw Refusal(message: "refusing \(path): it is not a socket owned by uid \(uid)")
        }
        return try connect(through: socket, path: path, deadline: Clock.monotonic + timeout)
    }

    /// `$TMUX_TMPDIR/tmux-UID`, else `/tmp/tmux-UID`, the first directory resolving.
    private static func directory(uid: uid_t, temporaryDirectory: String?) throws(Refusal) -> String {
        let candidates = [temporaryDirectory, "/tmp"].compactMap { $0 }.filter { !$0.isEmpty }
        guard let resolved = candidates.lazy.compactMap(FileSystem.realPath).first else {
            throw Refusal(message: "no suitable socket path")
        }
        return Path.join(resolved, "tmux-\(uid)")
    }

    /// Connects through `/proc/self/fd`. A full listen queue (EAGAIN: a non-blocking connect
    /// does not wait, tmux's blocking one does) is tried again until `deadline`.
    private static func connect(
        through socket: Int32, path: String, deadline: Double
    ) throws(Refusal) -> SocketConnection {
        while true {
            do {
                let fd = try SocketDialer.unix(
                    path: "/proc/self/fd/\(socket)", endpoint: path, timeout: max(0, deadline - Clock.monotonic))
                return SocketConnection(descriptor: fd, endpoint: path)
            } catch SocketError.connectFailed(_, let code, _) where code == EAGAIN && Clock.monotonic < deadline {
                Clock.sleep(seconds: 0.001)
            } catch SocketError.connectFailed(_, let code, _) where code == ENOENT {
                throw Refusal(message: "cannot reach \(path) through /proc/self/fd (is /proc mounted?)")
            } catch SocketError.connectFailed(_, let code, _) {
                throw refusal(path, code: code)
            } catch {
                throw Refusal(message: "error connecting to \(path) (\(error))")
            }
        }
    }

    /// tmux's words for a failed connection; `TmuxManager` reads both as "no server".
    private static func refusal(_ path: String, code: Int32) -> Refusal {
        if code == ECONNREFUSED { return Refusal(message: "no server running on \(path)") }
        return Refusal(message: "error connecting to \(path) (\(SystemError("connect", code: code).reason))")
    }
}
#endif
