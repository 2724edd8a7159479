#if canImport(Glibc)
import Glibc

/// The Linux spellings of the socket calls the HTTP client makes. Every socket is created
/// close-on-exec and non-blocking; sends never raise SIGPIPE.
package enum Sockets {
    package static let streamType = Int32(SOCK_STREAM.rawValue)
    package static let sendFlags = Int32(MSG_NOSIGNAL)
    package static let shutdownWrite = Int32(SHUT_WR)
    package static let shutdownBoth = Int32(SHUT_RDWR)

    /// A non-blocking, close-on-exec stream socket, or -1 with errno set.
    package static func stream(domain: Int32) -> Int32 {
        socket(domain, streamType | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
    }

    /// connect(2), for callers that have a `connect` of their own.
    package static func connect(_ fd: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
        Glibc.connect(fd, address, length)
    }

    /// close(2), for types that have a `close()` of their own.
    package static func close(_ fd: Int32) { _ = Glibc.close(fd) }

    /// A connected pair of unix stream sockets, both close-on-exec; the first one non-blocking.
    package static func pair() -> (Int32, Int32)? {
        var ends: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, streamType | Int32(SOCK_CLOEXEC.rawValue), 0, &ends) == 0 else { return nil }
        _ = fcntl(ends[0], F_SETFL, fcntl(ends[0], F_GETFL) | O_NONBLOCK)
        return (ends[0], ends[1])
    }
}
#endif
