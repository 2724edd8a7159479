#if canImport(Darwin)
import Darwin

/// The Darwin spellings of the socket calls the HTTP client makes. Every socket is created
/// close-on-exec and non-blocking; sends never raise SIGPIPE (`SO_NOSIGPIPE`).
package enum Sockets {
    package static let streamType = SOCK_STREAM
    package static let sendFlags: Int32 = 0
    package static let shutdownWrite = SHUT_WR
    package static let shutdownBoth = SHUT_RDWR

    /// A non-blocking, close-on-exec stream socket, or -1 with errno set.
    package static func stream(domain: Int32) -> Int32 {
        let fd = socket(domain, streamType, 0)
        if fd >= 0 { prepare(fd, nonBlocking: true) }
        return fd
    }

    /// connect(2), for callers that have a `connect` of their own.
    package static func connect(_ fd: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
        Darwin.connect(fd, address, length)
    }

    /// close(2), for types that have a `close()` of their own.
    package static func close(_ fd: Int32) { _ = Darwin.close(fd) }

    /// A connected pair of unix stream sockets, both close-on-exec; the first one non-blocking.
    package static func pair() -> (Int32, Int32)? {
        var ends: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, streamType, 0, &ends) == 0 else { return nil }
        prepare(ends[0], nonBlocking: true)
        prepare(ends[1], nonBlocking: false)
        return (ends[0], ends[1])
    }

    private static func prepare(_ fd: Int32, nonBlocking: Bool) {
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        if nonBlocking { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        var on: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &on, socklen_t(MemoryLayout<Int32>.size))
    }
}
#endif
