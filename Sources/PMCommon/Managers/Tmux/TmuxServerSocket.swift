#if os(Linux)
import Glibc
import CPMSystem

/// The socket of a user's default tmux server, found as the `tmux` program finds it: the
/// first of `$TMUX_TMPDIR` and /tmp that resolves, then `tmux-UID/default`, in a directory
/// that must belong to the user and be closed to others.
///
/// The socket must be a socket the user owns. It is opened without following a link
/// (`pm_open_node`), checked, and connected to through `/proc/self/fd`: root, which may
/// connect anywhere, reaches that user's own server and nothing else, whatever the user does
/// to the directory meanwhile. Linux only: it needs `O_PATH` and /proc.
enum TmuxServerSocket {
    /// Why no connection was made, in the words of tmux's client (which then exits with 1).
    struct Refusal: Error, Equatable {
        let message: String
    }

    static func path(uid: uid_t, temporaryDirectory: String?) throws(Refusal) -> String {
        let candidates = [temporaryDirectory, "/tmp"].compactMap { $0 }.filter { !$0.isEmpty }
        guard let resolved = candidates.lazy.compactMap(FileSystem.realPath).first else {
            throw Refusal(message: "no suitable socket path")
        }
        let base = Path.join(resolved, "tmux-\(uid)")
        let path = base + "/default"
        var info = stat()
        guard lstat(base, &info) == 0 else {
            if errno == ENOENT { throw refusal(path, code: ENOENT) }
            throw Refusal(message: "couldn't read directory \(base) (\(SystemError("lstat").reason))")
        }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw Refusal(message: "\(base) is not a directory") }
        guard info.st_uid == uid, info.st_mode & S_IRWXO == 0 else {
            throw Refusal(message: "directory \(base) has unsafe permissions")
        }
        return path
    }

    /// A connection to the server at `path`, which `uid` must own.
    static func connect(_ path: String, uid: uid_t, timeout: Double) throws(Refusal) -> EngineConnection {
        let handle = pm_open_node(path)
        guard handle >= 0 else { throw refusal(path, code: errno) }
        defer { close(handle) }
        var info = stat()
        guard fstat(handle, &info) == 0 else { throw refusal(path, code: errno) }
        guard info.st_mode & S_IFMT == S_IFSOCK, info.st_uid == uid else {
            throw Refusal(message: "error connecting to \(path) (not a socket of uid \(uid))")
        }
        do {
            let fd = try SocketDialer.unix(path: "/proc/self/fd/\(handle)", endpoint: path, timeout: timeout)
            return EngineConnection(descriptor: fd, endpoint: path)
        } catch HTTPError.connectFailed(_, let code, _) {
            throw refusal(path, code: code)
        } catch {
            throw Refusal(message: "error connecting to \(path) (\(error))")
        }
    }

    private static func refusal(_ path: String, code: Int32) -> Refusal {
        if code == ECONNREFUSED { return Refusal(message: "no server running on \(path)") }
        return Refusal(message: "error connecting to \(path) (\(SystemError("connect", code: code).reason))")
    }
}
#endif
