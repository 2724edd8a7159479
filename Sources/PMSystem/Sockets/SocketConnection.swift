#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One open, non-blocking socket: a unix socket, a TCP connection, or our end of the socket
/// pair a tunnel process (`ssh`) talks through. Reads and writes wait with poll(2) up to a
/// timeout. `close()` may come from any thread: it shuts the socket down, which wakes a
/// blocked reader or writer (they then throw `cancelled`), and the descriptor is released
/// once no call is using it any more, so its number cannot be reused under a reader's feet.
package final class SocketConnection {
    /// The endpoint's text, for error messages.
    package let endpoint: String
    private let descriptor: Int32
    private let tunnel: SocketCompanion?
    private let lock = Lock()
    private var users = 0
    private var closed = false

    package init(descriptor: Int32, endpoint: String, tunnel: SocketCompanion? = nil) {
        self.descriptor = descriptor
        self.endpoint = endpoint
        self.tunnel = tunnel
    }

    deinit { close() }

    /// Up to `maximum` bytes as soon as some arrive; empty at the end of the stream.
    /// `timeout` nil or infinite waits for ever.
    package func read(maximum: Int, timeout: Double?) throws -> [UInt8] {
        try enter()
        defer { leave() }
        while true {
            try wait(for: Int16(POLLIN), timeout: timeout, phase: "read")
            var count = 0
            let bytes = [UInt8](unsafeUninitializedCapacity: maximum) { buffer, initialized in
                count = recv(descriptor, buffer.baseAddress, maximum, 0)
                initialized = max(0, count)
            }
            if count >= 0 { return bytes }
            if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { continue }
            if errno == ECONNRESET {
                throw SocketError.connectionClosed(endpoint: endpoint, during: "abruptly (connection reset)")
            }
            throw SocketError.io(endpoint: endpoint, operation: "read from", code: errno)
        }
    }

    /// Writes all of `bytes`; `timeout` bounds each wait for the engine to take more.
    package func write(_ bytes: [UInt8], timeout: Double?) throws {
        try enter()
        defer { leave() }
        var offset = 0
        while offset < bytes.count {
            try wait(for: Int16(POLLOUT), timeout: timeout, phase: "write")
            let sent = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return send(descriptor, base + offset, raw.count - offset, Sockets.sendFlags)
            }
            if sent >= 0 {
                offset += sent
            } else if errno == EPIPE || errno == ECONNRESET {
                throw SocketError.connectionClosed(endpoint: endpoint, during: "while the request was being sent")
            } else if errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR {
                throw SocketError.io(endpoint: endpoint, operation: "write to", code: errno)
            }
        }
    }

    /// Ends the sending direction (shutdown(2) `SHUT_WR`): the engine reads end of input,
    /// and the answer can still be read.
    package func shutdownWrite() {
        lock.withLock {
            if !closed { _ = shutdown(descriptor, Sockets.shutdownWrite) }
        }
    }

    /// Closes the connection; safe from any thread and more than once.
    package func close() {
        let release: Bool = lock.withLock {
            guard !closed else { return false }
            closed = true
            _ = shutdown(descriptor, Sockets.shutdownBoth)
            return users == 0
        }
        if release { self.release() }
    }

    package var isClosed: Bool { lock.withLock { closed } }

    /// For a tunnel, what its process said on its way out (waiting briefly for it to end), else nil.
    package func tunnelFailure() -> String? {
        tunnel?.failure()
    }

    // MARK: - Use counting

    private func enter() throws {
        try lock.withLock {
            guard !closed else { throw SocketError.cancelled(endpoint: endpoint) }
            users += 1
        }
    }

    private func leave() {
        let release: Bool = lock.withLock {
            users -= 1
            return closed && users == 0
        }
        if release { self.release() }
    }

    private func release() {
        Sockets.close(descriptor)
        tunnel?.finish()
    }

    /// Waits until the socket is ready for `events`.
    private func wait(for events: Int16, timeout: Double?, phase: String) throws {
        let deadline = timeout.flatMap { $0.isFinite ? Clock.monotonic + $0 : nil }
        while true {
            var entry = pollfd(fd: descriptor, events: events, revents: 0)
            let milliseconds = deadline.map {
                Int32(min(max(0, ($0 - Clock.monotonic) * 1000).rounded(.up), Double(Int32.max)))
            }
            let ready = poll(&entry, 1, milliseconds ?? -1)
            if isClosed { throw SocketError.cancelled(endpoint: endpoint) }
            if ready > 0 { return }
            if ready < 0 && errno != EINTR {
                throw SocketError.io(endpoint: endpoint, operation: "wait for", code: errno)
            }
            if ready == 0, let deadline, Clock.monotonic >= deadline {
                throw SocketError.timedOut(endpoint: endpoint, seconds: timeout ?? 0, phase: phase)
            }
        }
    }
}

/// The process at the other end of a tunnel's socket pair, ended with the connection.
package protocol SocketCompanion: AnyObject {
    /// What the process said on its way out (waiting briefly for it to end), else nil.
    func failure() -> String?
    /// Ends and reaps the process.
    func finish()
}
