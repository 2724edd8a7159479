import PMSystem

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `ssh` child behind a tunnel connection: its pid and the unlinked file its standard
/// error goes to, which explains a failed login or an unknown host.
final class TunnelProcess: SocketCompanion {
    /// How long ssh may take to end on its own once its input has ended.
    static let grace = 1.0

    private let pid: pid_t
    private let errors: Int32
    private let lock = Lock()
    private var reaped = false
    private var finished = false

    init(pid: pid_t, errors: Int32) {
        self.pid = pid
        self.errors = errors
    }

    /// What ssh wrote to standard error (the last 4 KiB, trimmed), after giving it the grace
    /// period to end; nil if it said nothing.
    func failure() -> String? {
        lock.withLock {
            guard !finished else { return nil }
            waitForExit(seconds: Self.grace)
            let text = String(decoding: ProcessLauncher.tail(of: errors, limit: 4096), as: UTF8.self).trimmingWhitespace
            return text.isEmpty ? nil : text
        }
    }

    /// Lets ssh end on its own (the connection is closed, so it reads end of input), then
    /// ends its process group if it has not, and reaps it.
    func finish() {
        lock.withLock {
            guard !finished else { return }
            finished = true
            if !waitForExit(seconds: Self.grace) {
                ProcessLauncher.killGroup(pid)
                while waitpid(pid, nil, 0) < 0 && errno == EINTR {}
                reaped = true
            }
            Sockets.close(errors)
        }
    }

    /// Reaps the child if it ends within `seconds`; true once it is reaped.
    @discardableResult
    private func waitForExit(seconds: Double) -> Bool {
        let deadline = Clock.monotonic + seconds
        while !reaped {
            let rc = waitpid(pid, nil, WNOHANG)
            if rc == pid || (rc < 0 && errno == ECHILD) {
                reaped = true
            } else if Clock.monotonic >= deadline {
                return false
            } else {
                Clock.sleep(seconds: 0.01)
            }
        }
        return true
    }
}
