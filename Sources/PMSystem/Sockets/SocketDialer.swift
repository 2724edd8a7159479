#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Opens sockets: a unix socket path, or a TCP host and port (IPv4, IPv6 and
/// names, each address tried in turn). Connects are
/// non-blocking and end at a deadline; a refused connect is reported with its errno, so the
/// retry policy can tell it apart.
package enum SocketDialer {
    /// The longest unix socket path (`sun_path`; 108 bytes on Linux, 104 on Darwin).
    package static let unixPathCapacity = MemoryLayout.size(ofValue: sockaddr_un().sun_path)

    package static func unix(path: String, endpoint: String, timeout: Double) throws -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count <= unixPathCapacity, !bytes.contains(0) else {
            throw SocketError.pathTooLong(endpoint: endpoint, path: path)
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let length = (MemoryLayout<sockaddr_un>.offset(of: \.sun_path) ?? 2) + min(bytes.count + 1, unixPathCapacity)
        let fd = try socket(domain: AF_UNIX, endpoint: endpoint)
        do {
            try withUnsafePointer(to: &address) {
                try $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    try connect(
                        fd, $0, socklen_t(length), deadline: Clock.monotonic + timeout, timeout: timeout,
                        endpoint: endpoint)
                }
            }
            return fd
        } catch {
            Sockets.close(fd)
            throw error
        }
    }

    package static func tcp(host: String, port: Int, endpoint: String, timeout: Double) throws -> Int32 {
        let deadline = Clock.monotonic + timeout
        var failure: Error = SocketError.connectFailed(endpoint: endpoint, code: ECONNREFUSED, attempts: 1)
        for address in try addresses(host, endpoint: endpoint) {
            do {
                return try tcp(numeric: address, port: port, endpoint: endpoint, deadline: deadline, timeout: timeout)
            } catch {
                failure = error
            }
        }
        throw failure
    }

    /// The numeric addresses of `host`. Names are resolved by `getent ahosts`, not by
    /// getaddrinfo(3) in this process: the release tools are static executables, and a static C
    /// library that loads a name-service module (`resolve`, `mdns`, `myhostname`) crashes in it.
    package static func addresses(
        _ host: String, endpoint: String,
        nameService: (String, String) -> String? = UserDatabase.getent
    ) throws -> [String] {
        if IPAddress.isValid(host) { return [host] }
        let text = nameService("ahosts", host) ?? ""
        var addresses: [String] = []
        for line in text.lines {
            guard let first = line.split(separator: " ").first.map(String.init), IPAddress.isValid(first),
                !addresses.contains(first)
            else { continue }
            addresses.append(first)
        }
        guard !addresses.isEmpty else {
            throw SocketError.hostNotFound(
                endpoint: endpoint, host: host, reason: "no address found (getent ahosts \(host))")
        }
        return addresses
    }

    private static func tcp(
        numeric host: String, port: Int, endpoint: String, deadline: Double, timeout: Double
    ) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Sockets.streamType
        hints.ai_flags = AI_NUMERICSERV | AI_NUMERICHOST
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let first = list else {
            let reason = rc == EAI_SYSTEM ? String(cString: strerror(errno)) : String(cString: gai_strerror(rc))
            throw SocketError.hostNotFound(endpoint: endpoint, host: host, reason: reason)
        }
        defer { freeaddrinfo(first) }
        var failure: Error = SocketError.connectFailed(endpoint: endpoint, code: ECONNREFUSED, attempts: 1)
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry?.pointee {
            entry = info.ai_next
            guard let address = info.ai_addr else { continue }
            do {
                let fd = try socket(domain: info.ai_family, endpoint: endpoint)
                do {
                    try connect(fd, address, info.ai_addrlen, deadline: deadline, timeout: timeout, endpoint: endpoint)
                    var on: Int32 = 1
                    _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
                    _ = setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, socklen_t(MemoryLayout<Int32>.size))
                    return fd
                } catch {
                    Sockets.close(fd)
                    throw error
                }
            } catch {
                failure = error
            }
        }
        throw failure
    }

    private static func socket(domain: Int32, endpoint: String) throws -> Int32 {
        let fd = Sockets.stream(domain: domain)
        guard fd >= 0 else { throw SocketError.io(endpoint: endpoint, operation: "create a socket for", code: errno) }
        return fd
    }

    /// connect(2) on a non-blocking socket, waiting for it to complete until `deadline`.
    private static func connect(
        _ fd: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t,
        deadline: Double, timeout: Double, endpoint: String
    ) throws {
        var rc: Int32
        repeat { rc = Sockets.connect(fd, address, length) } while rc != 0 && errno == EINTR
        if rc == 0 { return }
        guard errno == EINPROGRESS else {
            throw SocketError.connectFailed(endpoint: endpoint, code: errno, attempts: 1)
        }
        while true {
            var entry = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            let milliseconds = Int32(min(max(0, (deadline - Clock.monotonic) * 1000).rounded(.up), Double(Int32.max)))
            let ready = poll(&entry, 1, milliseconds)
            if ready > 0 { break }
            if ready == 0 { throw SocketError.timedOut(endpoint: endpoint, seconds: timeout, phase: "connect") }
            if errno != EINTR { throw SocketError.io(endpoint: endpoint, operation: "connect to", code: errno) }
        }
        var code: Int32 = 0
        var size = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &size) == 0 else {
            throw SocketError.io(endpoint: endpoint, operation: "connect to", code: errno)
        }
        if code != 0 { throw SocketError.connectFailed(endpoint: endpoint, code: code, attempts: 1) }
    }
}
