import Foundation
import XCTest

/// A fake engine on a unix socket for fault tests: each connection's request is read and
/// answered as `respond` says for its request line (`GET /v1.41/containers/x/json HTTP/1.1`):
/// fixed bytes, silence, or bytes that trickle. It runs until `stop`. Its threads share only
/// what `lock` guards.
final class StubEngine: @unchecked Sendable {
    enum Reply: Sendable {
        /// The bytes, then the connection closes.
        case answer([UInt8])
        /// The request is read and nothing is said.
        case silence
        /// The bytes, then nothing more (the connection stays open).
        case answerThenSilence([UInt8])
        /// `first` at once, then one byte of the bytes every `interval` seconds, for ever
        /// (repeating them).
        case trickle([UInt8], interval: Double, first: [UInt8] = [])
    }

    let path: String
    private let fd: Int32
    private var connections: [Int32] = []
    private let lock = NSLock()

    /// Every request gets `answer`; nil: read the request and say nothing.
    convenience init(answer: [UInt8]?) throws {
        try self.init { _ in answer.map(Reply.answer) ?? .silence }
    }

    init(respond: @escaping @Sendable (String) -> Reply) throws {
        path = "/tmp/pm-stub-\(UUID().uuidString.prefix(8)).sock"
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0, listen(fd, 16) == 0 else { throw NSError(domain: "StubEngine", code: Int(errno)) }
        let listener = fd
        Thread.detachNewThread { [weak self] in
            while true {
                let client = accept(listener, nil, nil)
                guard client >= 0 else { return }
                self?.lock.lock()
                self?.connections.append(client)
                self?.lock.unlock()
                var buffer = [UInt8](repeating: 0, count: 65536)
                let count = read(client, &buffer, buffer.count)
                let requestLine = String(
                    decoding: buffer.prefix(max(0, count)).prefix { $0 != 0x0D && $0 != 0x0A }, as: UTF8.self)
                Thread.detachNewThread { StubEngine.serve(client, respond(requestLine)) }
            }
        }
    }

    /// Writes with MSG_NOSIGNAL: a client that went away must not end the test process.
    private static func serve(_ client: Int32, _ reply: Reply) {
        switch reply {
        case .answer(let bytes):
            _ = bytes.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            close(client)
        case .silence:
            break
        case .answerThenSilence(let bytes):
            _ = bytes.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        case .trickle(let bytes, let interval, let first):
            _ = first.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            var index = 0
            while !bytes.isEmpty,
                [bytes[index % bytes.count]].withUnsafeBytes({ send(client, $0.baseAddress, 1, Int32(MSG_NOSIGNAL)) })
                    == 1
            {
                index += 1
                Thread.sleep(forTimeInterval: interval)
            }
        }
    }

    static func http(_ status: String, json: String) -> [UInt8] {
        Array(
            ("HTTP/1.1 \(status)\r\nContent-Type: application/json\r\nApi-Version: 1.41\r\nContent-Length: "
                + "\(json.utf8.count)\r\n\r\n\(json)").utf8)
    }

    func stop() {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
        lock.lock()
        connections.forEach { shutdown($0, Int32(SHUT_RDWR)) }
        lock.unlock()
        unlink(path)
    }
}
