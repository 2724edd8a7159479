import XCTest

@testable import PMCommon
@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

/// The client against a real server on a unix socket and on loopback TCP: how requests are
/// written and how every kind of body is read.
final class HTTPClientTests: XCTestCase {
    /// What the server saw of the last request.
    private let seen = Locked<HTTPTestPeer.Request?>(nil)

    static func socketPath() -> String { "/tmp/pm-http-\(UUID().uuidString.prefix(8)).sock" }

    private func withServer(
        tcp: Bool = false, _ handler: @escaping (HTTPTestPeer) -> Void,
        _ body: (HTTPClient, HTTPTestServer) throws -> Void
    ) throws {
        let server =
            tcp
            ? try HTTPTestServer(loopbackIPv6: false, handler: handler)
            : try HTTPTestServer(unix: Self.socketPath(), handler: handler)
        defer { server.stop() }
        var options = HTTPOptions()
        options.readTimeout = 5
        try body(HTTPClient(endpoint: server.endpoint, options: options), server)
    }

    /// Reads the request, remembers it, then writes `response`.
    private func answer(_ response: String) -> (HTTPTestPeer) -> Void {
        { [seen] peer in
            seen.withLock { $0 = peer.readRequest() }
            peer.write(response)
        }
    }

    func testContentLengthOverUnixAndTCP() throws {
        for tcp in [false, true] {
            let reply =
                "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\nContent-Length: 13\r\n\r\n{\"Id\":\"abc\"}\n"
            try withServer(tcp: tcp, answer(reply)) { client, server in
                let request = HTTPRequest.json(
                    "POST", "/containers/create", query: ["name": "a b/c"],
                    .object(JSONObject([("Image", .string("x"))])))
                let response = try client.send(request)
                XCTAssertEqual(response.status, 201)
                XCTAssertEqual(response.headers["Content-Type"], "application/json", "lookup ignores case")
                XCTAssertEqual(try response.json(), .object(JSONObject([("Id", .string("abc"))])))
                let got = try XCTUnwrap(seen.withLock { $0 })
                XCTAssertEqual(got.method, "POST")
                XCTAssertEqual(got.target, "/containers/create?name=a+b%2Fc")
                XCTAssertEqual(got.headers["host"], tcp ? server.endpoint.hostHeader : "api.moby.localhost")
                XCTAssertEqual(got.headers["user-agent"], "pm/\(ToolboxVersion.number)")
                XCTAssertEqual(got.headers["content-type"], "application/json")
                XCTAssertEqual(got.headers["content-length"], "13")
                XCTAssertEqual(String(decoding: got.body, as: UTF8.self), "{\"Image\":\"x\"}")
            }
        }
    }

    /// IPv6 literals in brackets, and host names through getaddrinfo.
    func testIPv6AndHostNames() throws {
        for ipv6 in [true, false] {
            let server = try HTTPTestServer(
                loopbackIPv6: ipv6, handler: answer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK"))
            defer { server.stop() }
            guard case .tcp(_, let port) = server.endpoint.transport else { return XCTFail() }
            let endpoint = try EngineEndpoint.parse(
                ipv6 ? "tcp://[::1]:\(port)" : "http://localhost:\(port)", source: "test")
            XCTAssertEqual(try HTTPClient(endpoint: endpoint).send(HTTPRequest("GET", "/_ping")).text, "OK")
            XCTAssertEqual(seen.withLock { $0 }?.headers["host"], ipv6 ? "[::1]:\(port)" : "localhost:\(port)")
        }
    }

    func testEmptyPostSendsContentLengthZeroAndBasePathIsPrefixed() throws {
        try withServer(answer("HTTP/1.1 204 No Content\r\n\r\n")) { client, server in
            let prefixed = HTTPClient(
                endpoint: EngineEndpoint(server.endpoint.transport, basePath: "/base"), options: client.options)
            XCTAssertEqual(try prefixed.send(HTTPRequest("POST", "/containers/x/start")).status, 204)
            let head = try XCTUnwrap(seen.withLock { $0 }).head
            XCTAssertTrue(head.hasPrefix("POST /base/containers/x/start HTTP/1.1\r\n"), head)
            XCTAssertTrue(head.contains("\r\nContent-Length: 0"), head)
            XCTAssertFalse(head.contains("Content-Type"), head)
        }
    }

    func testChunkedBodySplitAcrossWritesWithExtensionsAndTrailers() throws {
        let pieces = [
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "5\r\nhel", "lo\r", "\n6;name=value\r",
            "\n world\r\n",
            "1", "0\r\n", String(repeating: "x", count: 16), "\r\n0\r\nX-Trailer: ", "yes\r\n", "\r\n"
        ]
        try withServer({ peer in
            _ = peer.readRequest()
            peer.trickle(pieces)
            _ = peer.readToEnd()
        }) { client, _ in
            let response = try client.send(HTTPRequest("GET", "/logs"))
            XCTAssertEqual(response.text, "hello world" + String(repeating: "x", count: 16))
            XCTAssertEqual(response.trailers["x-trailer"], "yes")
        }
    }

    func testBodyUntilTheConnectionCloses() throws {
        try withServer({ peer in
            _ = peer.readRequest()
            peer.trickle(["HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nfirst ", "second"])
        }) { client, _ in
            XCTAssertEqual(try client.send(HTTPRequest("GET", "/x")).text, "first second")
        }
    }

    /// HEAD, 204 and 304 have no body even when the head announces one: the client must not
    /// wait for it (the server keeps the connection open).
    func testHeadAnd204And304HaveNoBody() throws {
        let cases = [("HEAD", "200 OK"), ("GET", "204 No Content"), ("POST", "304 Not Modified")]
        for (method, status) in cases {
            try withServer({ peer in
                _ = peer.readRequest()
                peer.write("HTTP/1.1 \(status)\r\nContent-Length: 5\r\nApi-Version: 1.47\r\n\r\n")
                _ = peer.readToEnd()
            }) { client, _ in
                let began = Date()
                let response = try client.send(HTTPRequest(method, "/_ping"))
                XCTAssertEqual(response.body, [], method)
                XCTAssertEqual(response.headers["api-version"], "1.47")
                XCTAssertLessThan(Date().timeIntervalSince(began), 1, "\(method) \(status) waited for a body")
            }
        }
    }

    /// The stream hands over each piece before the next is sent: the server waits for the
    /// client to have read the first piece before it writes the second.
    func testStreamDeliversPiecesAsTheyArrive() throws {
        let firstRead = DispatchSemaphore(value: 0)
        try withServer({ peer in
            _ = peer.readRequest()
            peer.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nline1\n\r\n")
            guard firstRead.wait(timeout: .now() + 5) == .success else { return }
            peer.write("6\r\nline2\n\r\n0\r\n\r\n")
        }) { client, _ in
            let stream = try client.stream(
                HTTPRequest("GET", "/containers/x/logs", query: ["follow": "1"], readTimeout: .infinity))
            XCTAssertEqual(stream.status, 200)
            XCTAssertEqual(try stream.next().map { String(decoding: $0, as: UTF8.self) }, "line1\n")
            firstRead.signal()
            XCTAssertEqual(try stream.next().map { String(decoding: $0, as: UTF8.self) }, "line2\n")
            XCTAssertNil(try stream.next())
            XCTAssertNil(try stream.next(), "the end stays the end")
        }
    }

    func testLinesOfNewlineDelimitedJSONAcrossPieces() throws {
        try withServer({ peer in
            _ = peer.readRequest()
            peer.trickle([
                "HTTP/1.1 200 OK\r\n\r\n{\"status\":\"Pull", "ing\"}\r\n{\"status\":\"Done\"}\r\n", "{\"error\":\"x\"}"
            ])
        }) { client, _ in
            var lines: [String] = []
            try client.stream(HTTPRequest("POST", "/images/create")).forEachLine {
                lines.append(String(decoding: $0, as: UTF8.self))
            }
            XCTAssertEqual(lines, ["{\"status\":\"Pulling\"}", "{\"status\":\"Done\"}", "{\"error\":\"x\"}"])
        }
    }

    func testInterimContinueIsSkipped() throws {
        try withServer(answer("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")) {
            client, _ in
            let response = try client.send(HTTPRequest("GET", "/x"))
            XCTAssertEqual(response.status, 200)
            XCTAssertEqual(response.text, "ok")
        }
    }

    func testBodyLimits() throws {
        try withServer(answer("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + String(repeating: "a", count: 100))) {
            client, _ in
            XCTAssertThrowsError(try client.send(HTTPRequest("GET", "/x"), bodyLimit: 10)) { error in
                XCTAssertEqual(error as? HTTPError, .bodyTooLarge(endpoint: client.endpoint.description, limit: 10))
                XCTAssertTrue("\(error)".contains("larger than 10 bytes"), "\(error)")
            }
        }
        try withServer(
            answer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n")
        ) { client, _ in
            XCTAssertThrowsError(try client.send(HTTPRequest("GET", "/x"), bodyLimit: 12)) { error in
                XCTAssertEqual(error as? HTTPError, .bodyTooLarge(endpoint: client.endpoint.description, limit: 12))
            }
        }
    }

    func testEngineClosingInTheMiddleOfABody() throws {
        try withServer(answer("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")) { client, _ in
            XCTAssertThrowsError(try client.send(HTTPRequest("GET", "/x"))) { error in
                XCTAssertEqual(
                    "\(error)", "the engine at \(client.endpoint) closed the connection with 7 of 10 body bytes missing"
                )
            }
        }
        try withServer(answer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabc")) { client, _ in
            XCTAssertThrowsError(try client.send(HTTPRequest("GET", "/x"))) { error in
                XCTAssertEqual(
                    error as? HTTPError,
                    .connectionClosed(endpoint: client.endpoint.description, during: "in the middle of a chunk"))
            }
        }
    }

    /// Request latency on a unix socket, printed for the record; a loose bound catches a
    /// client that waits where it should not.
    func testLatencyOnAUnixSocket() throws {
        try withServer(answer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nApi-Version: 1.47\r\n\r\nOK")) { client, _ in
            let count = 200
            let began = Date()
            for _ in 0..<count { XCTAssertEqual(try client.send(HTTPRequest("GET", "/_ping")).text, "OK") }
            let milliseconds = Date().timeIntervalSince(began) * 1000 / Double(count)
            print(
                "HTTP request latency on a unix socket: \(String(format: "%.3f", milliseconds)) ms (mean of \(count))")
            XCTAssertLessThan(milliseconds, 20)
        }
    }
}
