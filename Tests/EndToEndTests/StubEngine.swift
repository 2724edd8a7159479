import Foundation
import XCTest

/// A fake engine on a unix socket for fault tests: it accepts connections and answers each
/// with fixed bytes, or never answers. It runs until `stop`.
final class StubEngine {
    let path: String
    private let fd: Int32
    private var connections: [Int32] = []
    private let lock = NSLock()

    /// `answer` nil: read the request and say nothing.
    init(answer: [UInt8]?) throws {
        path = "/tmp/pm-stub-\(UUID().uuidString.prefix(8)).sock"
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
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
                _ = read(client, &buffer, buffer.count)
                if let answer {
                    _ = answer.withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
                    close(client)
                }
            }
        }
    }

    static func http(_ status: String, json: String) -> [UInt8] {
        Array("HTTP/1.1 \(status)\r\nContent-Type: application/json\r\nApi-Version: 1.41\r\nContent-Length: \(json.utf8.count)\r\n\r\n\(json)".utf8)
    }

    func stop() {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
        lock.lock()
        connections.forEach { close($0) }
        lock.unlock()
        unlink(path)
    }
}
