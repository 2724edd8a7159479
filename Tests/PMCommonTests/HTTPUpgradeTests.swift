import XCTest

@testable import PMCommon
@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

/// Docker's hijacked attach: the 101 upgrade, bytes sent with the response head, half-close
/// and closing from another thread.
final class HTTPUpgradeTests: XCTestCase {
    private func client(_ server: HTTPTestServer) -> HTTPClient {
        var options = HTTPOptions()
        options.readTimeout = 5
        return HTTPClient(endpoint: server.endpoint, options: options)
    }

    /// The engine's first output travels in the same write as the 101 head; it must reach
    /// the hijacked stream. Input ends with a half-close, after which output still flows.
    func testUpgradeKeepsBytesSentWithTheHeadAndHalfCloses() throws {
        let request = Locked<HTTPTestPeer.Request?>(nil)
        let server = try HTTPTestServer(unix: HTTPClientTests.socketPath()) { peer in
            request.withLock { $0 = peer.readRequest() }
            let head = Array(
                ("HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: "
                    + "Upgrade\r\nUpgrade: tcp\r\n\r\n")
                    .utf8)
            peer.write(head + HTTPMultiplexTests.frame(1, "hello\n") + HTTPMultiplexTests.frame(2, "warn\n"))
            let input = peer.readToEnd()
            peer.write(HTTPMultiplexTests.frame(1, "got " + String(decoding: input, as: UTF8.self)))
        }
        defer { server.stop() }
        let query = ["stdin": "1", "stdout": "1", "stderr": "1", "stream": "1"]
        let session = try client(server).upgrade(HTTPRequest("POST", "/containers/x/attach", query: query))
        XCTAssertEqual(session.head.status, 101)
        let got = try XCTUnwrap(request.withLock { $0 })
        XCTAssertEqual(got.target, "/containers/x/attach?stderr=1&stdin=1&stdout=1&stream=1")
        XCTAssertEqual(got.headers["connection"], "Upgrade")
        XCTAssertEqual(got.headers["upgrade"], "tcp")
        XCTAssertEqual(got.headers["content-length"], "0")

        var decoder = MultiplexedStreamDecoder()
        var output: [(MultiplexedStreamDecoder.Stream, String)] = []
        func collect(until count: Int) throws {
            while output.count < count, let piece = try session.read() {
                try decoder.decode(piece) { output.append(($0, String(decoding: $1, as: UTF8.self))) }
            }
        }
        try collect(until: 2)
        XCTAssertEqual(output.map(\.1), ["hello\n", "warn\n"])
        XCTAssertEqual(output.map(\.0), [.stdout, .stderr])
        try session.write(Array("status\n".utf8))
        session.shutdownWrite()
        try collect(until: 3)
        XCTAssertEqual(output.last?.1, "got status\n")
        XCTAssertNil(try session.read(), "the engine closed after answering")
        XCTAssertTrue(decoder.isAtFrameBoundary)
        session.close()
    }

    func testRefusedUpgradeCarriesTheEngineMessage() throws {
        let server = try HTTPTestServer(unix: HTTPClientTests.socketPath()) { peer in
            _ = peer.readRequest()
            peer.write(
                "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: "
                    + "38\r\n\r\n{\"message\":\"No such container: game\"}\n"
            )
        }
        defer { server.stop() }
        XCTAssertThrowsError(try client(server).upgrade(HTTPRequest("POST", "/containers/game/attach"))) { error in
            XCTAssertEqual(error as? HTTPError, .upgradeRefused(status: 404, message: "No such container: game"))
            XCTAssertEqual("\(error)", "unable to upgrade to tcp, received 404: No such container: game")
        }
    }

    /// `close()` from another thread ends a read that waits for ever, on a streamed body and
    /// on a hijacked session; later reads fail at once.
    func testCloseFromAnotherThreadUnblocksAReader() throws {
        for upgrading in [false, true] {
            let server = try HTTPTestServer(unix: HTTPClientTests.socketPath()) { peer in
                _ = peer.readRequest()
                peer.write(
                    upgrading
                        ? "HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n"
                        : "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
                _ = peer.readToEnd()
            }
            defer { server.stop() }
            let request = HTTPRequest("POST", "/containers/x/attach", readTimeout: .infinity)
            let read: () throws -> [UInt8]?
            let close: () -> Void
            if upgrading {
                let session = try client(server).upgrade(request)
                (read, close) = (session.read, session.close)
            } else {
                let stream = try client(server).stream(request)
                (read, close) = (stream.next, stream.close)
            }
            // close() is made to be called from another thread while a read waits.
            nonisolated(unsafe) let closeElsewhere = close
            DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { closeElsewhere() }
            let began = Date()
            let cancelled = HTTPError.cancelled(endpoint: server.endpoint.description)
            XCTAssertThrowsError(try read()) { XCTAssertEqual($0 as? HTTPError, cancelled, "upgrading: \(upgrading)") }
            XCTAssertLessThan(Date().timeIntervalSince(began), 1)
            XCTAssertThrowsError(try read()) { XCTAssertEqual($0 as? HTTPError, cancelled) }
        }
    }
}
