import XCTest

@testable import PMCommon
@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

/// Engines that are missing, silent or answer garbage: every case ends in a clear error within
/// its time limit, never a hang, a crash or unbounded memory.
final class HTTPFailureTests: XCTestCase {
    private func client(
        _ endpoint: EngineEndpoint, readTimeout: Double = 5, retry: RetryPolicy = .standard
    ) -> HTTPClient {
        var options = HTTPOptions()
        options.readTimeout = readTimeout
        options.retry = retry
        return HTTPClient(endpoint: endpoint, options: options)
    }

    private func serve(_ response: [UInt8], _ body: (HTTPClient) throws -> Void) throws {
        let server = try HTTPTestServer(unix: HTTPClientTests.socketPath()) { peer in
            _ = peer.readRequest()
            peer.write(response)
        }
        defer { server.stop() }
        try body(client(server.endpoint))
    }

    func testAServerThatNeverAnswersTimesOut() throws {
        let server = try HTTPTestServer(unix: HTTPClientTests.socketPath()) { peer in
            _ = peer.readToEnd()
        }
        defer { server.stop() }
        let began = Date()
        XCTAssertThrowsError(try client(server.endpoint, readTimeout: 0.3).send(HTTPRequest("GET", "/_ping"))) {
            error in
            XCTAssertEqual(
                error as? HTTPError, .timedOut(endpoint: server.endpoint.description, seconds: 0.3, phase: "read"))
            XCTAssertEqual("\(error)", "the engine at \(server.endpoint) did not respond within 0.3 s (read timeout)")
        }
        let elapsed = Date().timeIntervalSince(began)
        XCTAssertGreaterThanOrEqual(elapsed, 0.3)
        XCTAssertLessThan(elapsed, 1)
    }

    /// Connection refused is retried three times, 0.1 + 0.2 + 0.4 s apart, then reported.
    func testRefusedConnectIsRetriedWithBackoff() throws {
        let port = try HTTPTestServer.closedPort()
        let endpoint = EngineEndpoint(.tcp(host: "127.0.0.1", port: port))
        let began = Date()
        XCTAssertThrowsError(try client(endpoint).send(HTTPRequest("GET", "/_ping"))) { error in
            XCTAssertEqual(
                error as? HTTPError,
                .connectFailed(endpoint: "tcp://127.0.0.1:\(port)", code: ECONNREFUSED, attempts: 4))
            XCTAssertEqual(
                "\(error)",
                "cannot connect to the engine at tcp://127.0.0.1:\(port) (4 attempts): Connection refused; "
                    + "is the engine running and listening there?")
        }
        let elapsed = Date().timeIntervalSince(began)
        XCTAssertGreaterThanOrEqual(elapsed, 0.7)
        XCTAssertLessThan(elapsed, 1.5)
        XCTAssertEqual((1...5).map { RetryPolicy.standard.delay(beforeRetry: $0) }, [0.1, 0.2, 0.4, 0.8, 1.6])
        XCTAssertEqual(RetryPolicy.standard.delay(beforeRetry: 9), 5)
    }

    func testMissingSocketIsNamedAndNotRetriedWithoutPolicy() throws {
        let path = HTTPClientTests.socketPath()
        XCTAssertThrowsError(
            try client(EngineEndpoint(.unix(path: path)), retry: .none).send(HTTPRequest("GET", "/_ping"))
        ) { error in
            XCTAssertEqual(
                "\(error)",
                "cannot connect to the engine at unix://\(path): No such file or directory; "
                    + "is the engine running, and is the socket path right?")
        }
    }

    /// A socket that appears while the client retries is reached on a later attempt.
    func testSocketThatAppearsLaterIsReachedOnARetry() throws {
        let path = HTTPClientTests.socketPath()
        let server = Locked<HTTPTestServer?>(nil)
        let ready = expectation(description: "server started")
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.25) {
            let started = try? HTTPTestServer(unix: path) { peer in
                _ = peer.readRequest()
                peer.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK")
            }
            server.withLock { $0 = started }
            ready.fulfill()
        }
        defer { server.withLock { $0 }?.stop() }
        let began = Date()
        XCTAssertEqual(try client(EngineEndpoint(.unix(path: path))).send(HTTPRequest("GET", "/_ping")).text, "OK")
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(began), 0.3, "tried at 0, 0.1 and 0.3 s")
        wait(for: [ready], timeout: 2)
        XCTAssertEqual(server.withLock { $0 }?.accepted, 1)
    }

    /// Once the request is sent, an engine that hangs up is an error, not a second request.
    func testNoRetryOnceTheRequestWasSent() throws {
        let server = try HTTPTestServer(unix: HTTPClientTests.socketPath()) { peer in
            _ = peer.readRequest()
        }
        defer { server.stop() }
        XCTAssertThrowsError(try client(server.endpoint).send(HTTPRequest("POST", "/containers/create"))) { error in
            XCTAssertEqual(
                error as? HTTPError,
                .connectionClosed(endpoint: server.endpoint.description, during: "before answering"))
        }
        XCTAssertEqual(server.accepted, 1)
    }

    func testGarbageStatusLine() throws {
        try serve(Array("SSH-2.0-OpenSSH_9.2p1\r\n\r\n".utf8)) { client in
            XCTAssertThrowsError(try client.send(HTTPRequest("GET", "/_ping"))) { error in
                XCTAssertEqual(
                    "\(error)",
                    "the engine at \(client.endpoint) sent a malformed HTTP response: "
                        + "not an HTTP/1 status line: \"SSH-2.0-OpenSSH_9.2p1\"")
            }
        }
        try serve(Array("HTTP/1.1 2OO OK\r\n\r\n".utf8)) { client in
            XCTAssertThrowsError(try client.send(HTTPRequest("GET", "/_ping"))) { error in
                XCTAssertTrue("\(error)".hasSuffix("not an HTTP/1 status line: \"HTTP/1.1 2OO OK\""), "\(error)")
            }
        }
    }

    /// Binary noise without a line end, and a head over the limit, stop at the limit.
    func testOversizeHeadsAreRefused() throws {
        let noise = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 7 | 1) }.map { $0 == 0x0A ? 0x0B : $0 }
        try serve(noise) { client in
            XCTAssertThrowsError(try client.send(HTTPRequest("GET", "/_ping"))) { error in
                XCTAssertEqual(
                    error as? HTTPError, .headersTooLarge(endpoint: client.endpoint.description, limit: 64 << 10))
            }
        }
        let many =
            "HTTP/1.1 200 OK\r\n"
            + String(repeating: "X-Filler: \(String(repeating: "y", count: 100))\r\n", count: 1000) + "\r\n"
        try serve(Array(many.utf8)) { client in
            XCTAssertThrowsError(try client.send(HTTPRequest("GET", "/_ping"))) { error in
                XCTAssertEqual("\(error)", "the engine at \(client.endpoint) sent response headers larger than 64 KiB")
            }
        }
    }

    func testMalformedFramingIsAnError() throws {
        let cases = [
            ("HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n", "invalid Content-Length \"-5\""),
            ("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", "invalid Content-Length \"5, 6\""),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "invalid chunk size line \"zz\""),
            (
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n+5\r\nhello\r\n0\r\n\r\n",
                "invalid chunk size line \"+5\""
            ),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n", "invalid chunk size line"),
            (
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n",
                "a chunk does not end with CR LF"
            ),
            ("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "not a header line: \"no colon here\"")
        ]
        for (response, reason) in cases {
            try serve(Array(response.utf8)) { client in
                XCTAssertThrowsError(try client.send(HTTPRequest("GET", "/x")), response) { error in
                    XCTAssertTrue("\(error)".contains(reason), "\(error)")
                }
            }
        }
    }

    func testUnresolvableHost() throws {
        let endpoint = EngineEndpoint(.tcp(host: "no-such-host.invalid", port: 2375))
        XCTAssertThrowsError(try client(endpoint).send(HTTPRequest("GET", "/_ping"))) { error in
            XCTAssertTrue(
                "\(error)".hasPrefix(
                    "cannot find the host no-such-host.invalid of the engine at tcp://no-such-host.invalid:2375: "),
                "\(error)")
        }
    }

    func testInvalidRequestsAreRefusedBeforeConnecting() throws {
        let unreachable = client(EngineEndpoint(.unix(path: "/nonexistent/docker.sock")), retry: .none)
        XCTAssertThrowsError(try unreachable.send(HTTPRequest("GET", "/containers/a b/json"))) { error in
            XCTAssertEqual((error as? HTTPError)?.exitStatus, .invalid, "\(error)")
        }
        var injected = HTTPRequest("GET", "/x")
        injected.headers.add("X-Registry-Auth", "a\r\nEvil: 1")
        XCTAssertThrowsError(try unreachable.send(injected)) { error in
            XCTAssertEqual(
                "\(error)", "cannot send the request: the value of header X-Registry-Auth holds a line break")
        }
    }
}
