import XCTest

@testable import PMCommon
@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

/// Engine and API version selection as plain values, then version negotiation, engine
/// errors and the attach request against a test server that
/// plays the engine.
final class HTTPDockerAPITests: XCTestCase {
    /// Options (any of host, cert_path, api_version set) win over the environment entirely.
    func testEngineSelection() throws {
        let table:
            [(options: [String: String], environment: [String: String], endpoint: String, version: APIVersion?)] = [
                ([:], [:], "unix:///var/run/docker.sock", nil),
                (
                    [:], ["DOCKER_HOST": "tcp://10.0.0.5:2375", "DOCKER_API_VERSION": " v1.43 "], "tcp://10.0.0.5:2375",
                    APIVersion(1, 43)
                ),
                ([:], ["DOCKER_HOST": "", "DOCKER_API_VERSION": ""], "unix:///var/run/docker.sock", nil),
                (
                    ["host": "unix:///custom.sock"], ["DOCKER_HOST": "tcp://ignored:1", "DOCKER_API_VERSION": "1.41"],
                    "unix:///custom.sock", nil
                ),
                (
                    ["api_version": "1.44"], ["DOCKER_HOST": "tcp://ignored:1"], "unix:///var/run/docker.sock",
                    APIVersion(1, 44)
                ),
                (["host": "", "image": "x"], ["DOCKER_HOST": "ssh://me@node"], "ssh://me@node", nil),
                (["host": "ssh://me@node:2222"], ["DOCKER_TLS_VERIFY": "1"], "ssh://me@node:2222", nil)
            ]
        for row in table {
            let selection = try EngineSelection.docker(options: row.options) { row.environment[$0] }
            XCTAssertEqual(selection.endpoint.description, row.endpoint, "\(row)")
            XCTAssertEqual(selection.apiVersion, row.version, "\(row)")
        }
    }

    func testEngineSelectionErrors() {
        let table: [([String: String], [String: String], String)] = [
            (
                ["cert_path": "/etc/docker/certs"], [:],
                "process_manager.config cert_path asks for TLS, which pm does not speak; reach a remote engine with "
                    + "ssh://user@host"
            ),
            ([:], ["DOCKER_CERT_PATH": "/root/.docker"], "DOCKER_CERT_PATH asks for TLS"),
            ([:], ["DOCKER_TLS_VERIFY": "1", "DOCKER_HOST": "tcp://h:2376"], "DOCKER_TLS_VERIFY asks for TLS"),
            ([:], ["DOCKER_HOST": "https://h:2376"], "DOCKER_HOST (https://h:2376) asks for TLS"),
            (["host": "tcp//broken"], [:], "invalid engine address \"tcp//broken\" in process_manager.config host"),
            (
                ["api_version": "1.x"], [:],
                "invalid API version \"1.x\" in process_manager.config api_version: expected <major>.<minor>"
            ),
            ([:], ["DOCKER_API_VERSION": "latest"], "invalid API version \"latest\" in DOCKER_API_VERSION")
        ]
        for (options, environment, message) in table {
            XCTAssertThrowsError(try EngineSelection.docker(options: options) { environment[$0] }, message) { error in
                XCTAssertTrue("\(error)".hasPrefix(message), "\(error)")
            }
        }
    }

    func testAPIVersions() {
        XCTAssertEqual(APIVersion(parsing: "1.47"), APIVersion(1, 47))
        XCTAssertEqual(APIVersion(parsing: "v1.40"), APIVersion(1, 40))
        for bad in ["", "1", "1.", ".4", "1.4.1", "a.b", "-1.4", "1.40000000", "V1.4"] {
            XCTAssertNil(APIVersion(parsing: bad), bad)
        }
        XCTAssertEqual(APIVersion.negotiated(engine: nil), APIVersion(1, 55), "no header: the client maximum")
        XCTAssertEqual(APIVersion.negotiated(engine: "1.47"), APIVersion(1, 47))
        XCTAssertEqual(APIVersion.negotiated(engine: "1.60"), APIVersion(1, 55), "never newer than the client")
        XCTAssertEqual(APIVersion.negotiated(engine: "1.40"), APIVersion(1, 40))
        XCTAssertNil(APIVersion.negotiated(engine: "1.39"), "older than the minimum: negotiation fails")
        XCTAssertNil(APIVersion.negotiated(engine: "garbage"))
        XCTAssertTrue(APIVersion(1, 9) < APIVersion(1, 10))
        XCTAssertEqual(APIVersion(1, 47).pathPrefix, "/v1.47")
    }

    /// Serves `/_ping` with `pingVersion` (HEAD answered 405 when `headFails`) and answers
    /// everything else with `reply`; records every request line.
    private func engine(
        pingVersion: String?, headFails: Bool = false, reply: String = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}",
        _ body: (DockerAPI, Locked<[String]>) throws -> Void, fixed: APIVersion? = nil
    ) throws {
        let requests = Locked<[String]>([])
        let server = try HTTPTestServer(unix: HTTPClientTests.socketPath()) { peer in
            guard let request = peer.readRequest() else { return }
            requests.withLock { $0.append("\(request.method) \(request.target)") }
            if request.target == "/_ping" {
                let version = pingVersion.map { "Api-Version: \($0)\r\n" } ?? ""
                peer.write(
                    headFails && request.method == "HEAD"
                        ? "HTTP/1.1 405 Method Not Allowed\r\n\r\n"
                        : "HTTP/1.1 200 OK\r\n\(version)Content-Length: 2\r\n\r\nOK")
            } else {
                peer.write(reply)
            }
        }
        defer { server.stop() }
        var options = HTTPOptions()
        options.readTimeout = 5
        try body(
            DockerAPI(client: HTTPClient(endpoint: server.endpoint, options: options), apiVersion: fixed), requests)
    }

    func testVersionIsNegotiatedOnce() throws {
        try engine(pingVersion: "1.43") { api, requests in
            _ = try api.send(HTTPRequest("GET", "/containers/x/json"))
            _ = try api.send(HTTPRequest("GET", "/containers/y/json"))
            XCTAssertEqual(
                requests.withLock { $0 },
                ["HEAD /_ping", "GET /v1.43/containers/x/json", "GET /v1.43/containers/y/json"])
        }
    }

    func testGetPingWhenHeadFailsAndMaximumWithoutHeader() throws {
        try engine(pingVersion: nil, headFails: true) { api, requests in
            _ = try api.send(HTTPRequest("GET", "/info"))
            _ = try api.send(HTTPRequest("GET", "/info"))
            XCTAssertEqual(
                requests.withLock { $0 }, ["HEAD /_ping", "GET /_ping", "GET /v1.55/info", "GET /v1.55/info"])
        }
    }

    /// Negotiation happens once per run even when it fails (a too old engine): the reference
    /// asked again before each request, which made a silent engine cost a timeout each time.
    func testNegotiationIsNotRepeatedWithinARun() throws {
        try engine(pingVersion: "1.30") { api, requests in
            _ = try api.send(HTTPRequest("GET", "/info"))
            _ = try api.send(HTTPRequest("GET", "/info"))
            XCTAssertEqual(requests.withLock { $0 }, ["HEAD /_ping", "GET /v1.55/info", "GET /v1.55/info"])
        }
    }

    /// With no engine at all, the ping's connect retries are not waited out a second time
    /// by a GET ping: two rounds (ping, request) of 0.05 + 0.1 + 0.2 s, not three.
    func testNoEngineFailsWithTheConnectError() throws {
        var options = HTTPOptions()
        options.retry = RetryPolicy(retries: 3, initialDelay: 0.05)
        let path = HTTPClientTests.socketPath()
        let api = DockerAPI(
            client: HTTPClient(endpoint: EngineEndpoint(.unix(path: path)), options: options), apiVersion: nil)
        let began = Date()
        XCTAssertThrowsError(try api.send(HTTPRequest("GET", "/info"))) { error in
            XCTAssertEqual(error as? HTTPError, .connectFailed(endpoint: "unix://\(path)", code: ENOENT, attempts: 4))
        }
        let elapsed = Date().timeIntervalSince(began)
        XCTAssertGreaterThanOrEqual(elapsed, 0.7)
        XCTAssertLessThan(elapsed, 0.95)
    }

    func testFixedVersionNeverPings() throws {
        try engine(
            pingVersion: "1.47",
            { api, requests in
                _ = try api.send(HTTPRequest("GET", "/info"))
                XCTAssertEqual(requests.withLock { $0 }, ["GET /v1.41/info"])
            }, fixed: APIVersion(1, 41))
    }

    func testEngineErrors() throws {
        let notFound =
            "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 38\r\n\r\n{\"message\":\"No "
            + "such container: game\"}\n"
        try engine(
            pingVersion: "1.47", reply: notFound,
            { api, _ in
                XCTAssertThrowsError(try api.send(HTTPRequest("GET", "/containers/game/json"))) { error in
                    XCTAssertEqual("\(error)", "Error response from daemon: No such container: game")
                    XCTAssertTrue((error as? HTTPError)?.isNotFound ?? false)
                }
                XCTAssertThrowsError(try api.stream(HTTPRequest("GET", "/containers/game/logs"))) { error in
                    XCTAssertEqual(error as? HTTPError, .engine(status: 404, message: "No such container: game"))
                }
            }, fixed: APIVersion(1, 47))
        try engine(
            pingVersion: "1.47", reply: "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n",
            { api, _ in
                XCTAssertThrowsError(try api.send(HTTPRequest("POST", "/containers/x/start"))) { error in
                    XCTAssertEqual(
                        "\(error)",
                        "Error response from daemon: request returned 500 for API route and version "
                            + "\(api.client.endpoint)/v1.47/containers/x/start, check if the server supports the "
                            + "requested API version"
                    )
                }
            }, fixed: APIVersion(1, 47))
        try engine(
            pingVersion: "1.47", reply: "HTTP/1.1 304 Not Modified\r\n\r\n",
            { api, _ in
                XCTAssertEqual(
                    try api.send(HTTPRequest("POST", "/containers/x/stop", query: ["t": "30"])).status, 304,
                    "304 is success")
            }, fixed: APIVersion(1, 47))
    }

    func testAttachRequest() throws {
        let seen = Locked<HTTPTestPeer.Request?>(nil)
        let server = try HTTPTestServer(unix: HTTPClientTests.socketPath()) { peer in
            seen.withLock { $0 = peer.readRequest() }
            peer.write("HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n")
        }
        defer { server.stop() }
        let api = DockerAPI(client: HTTPClient(endpoint: server.endpoint), apiVersion: APIVersion(1, 47))
        let session = try api.attach(HTTPRequest("POST", "/containers/x/attach", query: ["stdin": "1", "stream": "1"]))
        XCTAssertNil(try session.read())
        let got = try XCTUnwrap(seen.withLock { $0 })
        XCTAssertEqual(got.target, "/v1.47/containers/x/attach?stdin=1&stream=1")
        XCTAssertEqual(got.headers["content-type"], "text/plain")
        XCTAssertEqual(got.headers["content-length"], "0")
        XCTAssertEqual(got.headers["connection"], "Upgrade")
        XCTAssertEqual(got.headers["upgrade"], "tcp")
    }
}
