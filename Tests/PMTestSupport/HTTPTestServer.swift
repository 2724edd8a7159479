import Foundation
import PMCommon
import PMCore
import PMHTTP
import PMManagers
import PMSystem

/// A real server for the HTTP client's tests: it listens on a unix socket or a loopback TCP
/// port and runs a scripted handler for each connection on a thread of its own, so a handler
/// may stall, trickle bytes or close at will. Its threads share only what `lock` guards.
final class HTTPTestServer: @unchecked Sendable {
    let endpoint: EngineEndpoint
    private let listener: Int32
    private let handler: (HTTPTestPeer) -> Void
    private let lock = NSLock()
    private var stopped = false
    private var acceptedCount = 0
    private let done = DispatchGroup()

    /// A server on the unix socket `path` (created; removed by `stop`).
    init(unix path: String, handler: @escaping (HTTPTestPeer) -> Void) throws {
        unlink(path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard rc == 0, listen(fd, 16) == 0 else { throw SystemError("cannot listen on", path: path) }
        listener = fd
        endpoint = EngineEndpoint(.unix(path: path))
        self.handler = handler
        start()
    }

    /// A server on 127.0.0.1 (or ::1 with `ipv6`) at a free port.
    init(loopbackIPv6 ipv6: Bool = false, handler: @escaping (HTTPTestPeer) -> Void) throws {
        listener = socket(ipv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var on: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        let port = try Self.bindLoopback(listener, ipv6: ipv6)
        guard listen(listener, 16) == 0 else { throw SystemError("cannot listen") }
        endpoint = EngineEndpoint(.tcp(host: ipv6 ? "::1" : "127.0.0.1", port: port))
        self.handler = handler
        start()
    }

    /// How many connections were accepted.
    var accepted: Int { lock.withLock { acceptedCount } }

    /// Stops accepting, waits for every handler to return and removes the socket file.
    func stop() {
        lock.withLock { stopped = true }
        done.wait()
        close(listener)
        if case .unix(let path) = endpoint.transport { unlink(path) }
    }

    /// A port on which nothing listens: bound once, then closed.
    static func closedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        return try bindLoopback(fd, ipv6: false)
    }

    private static func bindLoopback(_ fd: Int32, ipv6: Bool) throws -> Int {
        if ipv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_addr = in6addr_loopback
            var size = socklen_t(MemoryLayout<sockaddr_in6>.size)
            let rc = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, size) == 0 && getsockname(fd, $0, &size) == 0
                }
            }
            guard rc else { throw SystemError("cannot bind ::1") }
            return Int(UInt16(bigEndian: address.sin6_port))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var size = socklen_t(MemoryLayout<sockaddr_in>.size)
        let rc = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, size) == 0 && getsockname(fd, $0, &size) == 0
            }
        }
        guard rc else { throw SystemError("cannot bind 127.0.0.1") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private func start() {
        done.enter()
        Thread { [self] in
            defer { done.leave() }
            while !lock.withLock({ stopped }) {
                var entry = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
                guard poll(&entry, 1, 20) > 0 else { continue }
                let fd = accept(listener, nil, nil)
                guard fd >= 0 else { continue }
                lock.withLock { acceptedCount += 1 }
                done.enter()
                Thread { [self] in
                    let peer = HTTPTestPeer(fd: fd)
                    handler(peer)
                    peer.close()
                    done.leave()
                }.start()
            }
        }.start()
    }
}

/// The server's side of one connection.
final class HTTPTestPeer {
    struct Request {
        let method: String
        let target: String
        let headers: [String: String]
        let body: [UInt8]
        /// The request head as sent.
        let head: String
    }

    let fd: Int32
    private var pending: [UInt8] = []

    init(fd: Int32) { self.fd = fd }

    /// Reads one request head and its `Content-Length` body; nil if the client closed first.
    func readRequest() -> Request? {
        let terminator = Array("\r\n\r\n".utf8)
        var end: Int?
        while end == nil {
            end = pending.indices.first { pending[$0...].starts(with: terminator) }
            if end == nil, !receive() { return nil }
        }
        guard let end else { return nil }
        let head = String(decoding: pending[..<end], as: UTF8.self)
        pending.removeFirst(end + 4)
        let lines = head.components(separatedBy: "\r\n")
        let requestLine = lines[0].split(separator: " ")
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        while pending.count < length, receive() {}
        let body = Array(pending.prefix(length))
        pending.removeFirst(body.count)
        return Request(
            method: String(requestLine[0]), target: String(requestLine[1]), headers: headers, body: body, head: head)
    }

    /// Everything the client sends until it half-closes or closes.
    func readToEnd() -> [UInt8] {
        while receive() {}
        defer { pending = [] }
        return pending
    }

    /// The next bytes the client sends; empty once it has closed.
    func readSome() -> [UInt8] {
        if pending.isEmpty { _ = receive() }
        defer { pending = [] }
        return pending
    }

    func write(_ text: String) { write(Array(text.utf8)) }

    func write(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { return }
            offset += sent
        }
    }

    /// Writes `pieces` one by one with a pause between them, so the client reads them apart.
    func trickle(_ pieces: [String], pause: Double = 0.01) {
        for piece in pieces {
            write(piece)
            Thread.sleep(forTimeInterval: pause)
        }
    }

    private var closed = false

    func close() {
        guard !closed else { return }
        closed = true
        shutdown(fd, Int32(SHUT_RDWR))
        Glibc.close(fd)
    }

    private func receive() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = recv(fd, &buffer, buffer.count, 0)
        guard count > 0 else { return false }
        pending += buffer[..<count]
        return true
    }
}
