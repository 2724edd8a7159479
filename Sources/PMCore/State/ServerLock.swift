import PMSystem

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive per-server lock (`flock(2)` on `<state>/locks/<name>.lock`) held while a verb
/// changes the server, so two `pm-start` of one server cannot both launch it. The descriptor is
/// close-on-exec: a server started under the lock never inherits it.
package final class ServerLock {
    private let descriptor: Int32

    private init(descriptor: Int32) { self.descriptor = descriptor }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    /// Waits up to `timeout` seconds for the lock.
    package static func acquire(_ name: String, in state: StateDirectory, timeout: Double = 300) throws -> ServerLock {
        let path = Path.join(try state.directory("locks"), name + ".lock")
        let fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw StateError.cannotOpenLock(path: path, reason: SystemError("open").reason)
        }
        let deadline = Clock.monotonic + timeout
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR, Clock.monotonic < deadline else {
                close(fd)
                throw StateError.lockHeld(path: path, seconds: Int(timeout))
            }
            Clock.sleep(seconds: 0.02)
        }
        return ServerLock(descriptor: fd)
    }
}
