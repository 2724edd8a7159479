import XCTest

@testable import PMCommon
@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

/// Endpoint parsing, the request bytes, headers and the ssh command line: plain values, no I/O.
final class HTTPEndpointTests: XCTestCase {
    func testEndpointParsing() throws {
        let table: [(String, EngineEndpoint, String)] = [
            ("unix:///var/run/docker.sock", .dockerDefault, "unix:///var/run/docker.sock"),
            (
                " unix:///run/user/1000/docker.sock\n", EngineEndpoint(.unix(path: "/run/user/1000/docker.sock")),
                "unix:///run/user/1000/docker.sock"
            ),
            ("tcp://10.0.0.5:2375", EngineEndpoint(.tcp(host: "10.0.0.5", port: 2375)), "tcp://10.0.0.5:2375"),
            ("TCP://docker.lan", EngineEndpoint(.tcp(host: "docker.lan", port: 2375)), "tcp://docker.lan:2375"),
            (
                "http://docker.lan:8080/prefix/",
                EngineEndpoint(.tcp(host: "docker.lan", port: 8080), basePath: "/prefix"),
                "tcp://docker.lan:8080/prefix"
            ),
            ("tcp://[::1]:2375", EngineEndpoint(.tcp(host: "::1", port: 2375)), "tcp://[::1]:2375"),
            (
                "ssh://gameap@node1.example.com",
                EngineEndpoint(.ssh(user: "gameap", host: "node1.example.com", port: nil)),
                "ssh://gameap@node1.example.com"
            ),
            (
                "ssh://root@10.0.0.5:2222/", EngineEndpoint(.ssh(user: "root", host: "10.0.0.5", port: 2222)),
                "ssh://root@10.0.0.5:2222"
            ),
            ("ssh://node1", EngineEndpoint(.ssh(user: nil, host: "node1", port: nil)), "ssh://node1")
        ]
        for (text, expected, description) in table {
            let endpoint = try EngineEndpoint.parse(text, source: "DOCKER_HOST")
            XCTAssertEqual(endpoint, expected, text)
            XCTAssertEqual(endpoint.description, description, text)
        }
        XCTAssertEqual(try EngineEndpoint.parse("tcp://[::1]:2375", source: "x").hostHeader, "[::1]:2375")
        XCTAssertEqual(EngineEndpoint.dockerDefault.hostHeader, "api.moby.localhost")
    }

    func testEndpointErrors() {
        let longPath = "/tmp/" + String(repeating: "d", count: 110) + ".sock"
        let table: [(String, String)] = [
            (
                "/var/run/docker.sock",
                "invalid engine address \"/var/run/docker.sock\" in DOCKER_HOST: expected scheme://address"
            ),
            ("unix://", "nothing follows unix://"),
            ("unix://\(longPath)", "unix socket path \"\(longPath)\" is too long (at most 108 bytes)"),
            ("tcp://host:0", "the port \"0\" is not a number from 1 to 65535"),
            ("tcp://host:99999", "the port \"99999\" is not a number"),
            ("tcp://host:12a", "the port \"12a\" is not a number"),
            ("tcp://::1:2375", "write an IPv6 address in brackets"),
            ("tcp://[::1:2375", "lacks its closing ]"),
            ("tcp://:2375", "the host name is empty"),
            ("ssh://-oProxyCommand=x", "the host name is empty or not plain"),
            ("ssh://@host", "the user name is empty"),
            ("ssh://user@host/path", "an ssh address takes no path"),
            ("ftp://host", "unsupported scheme ftp://; use unix://, tcp:// or ssh://"),
            (
                "https://host:2376",
                "DOCKER_HOST (https://host:2376) asks for TLS, which pm does not speak; reach a remote engine with "
                    + "ssh://user@host"
            ),
            ("npipe:////./pipe/docker_engine", "named pipes are for Windows engines")
        ]
        for (text, message) in table {
            XCTAssertThrowsError(try EngineEndpoint.parse(text, source: "DOCKER_HOST"), text) { error in
                XCTAssertTrue("\(error)".contains(message), "\(text): \(error)")
                XCTAssertEqual((error as? HTTPError)?.exitStatus, .invalid, text)
            }
        }
    }

    func testRequestBytes() throws {
        let request = HTTPRequest.json(
            "POST", "/containers/create", query: ["name": "7uk5up2n2sqm5svs5ib0"],
            .object(JSONObject([("Image", .string("gameap/debian:latest"))])))
        let bytes = try request.serialized(basePath: "", host: "api.moby.localhost", userAgent: "pm/1.0")
        XCTAssertEqual(
            String(decoding: bytes, as: UTF8.self),
            "POST /containers/create?name=7uk5up2n2sqm5svs5ib0 HTTP/1.1\r\nHost: api.moby.localhost\r\nUser-Agent: "
                + "pm/1.0\r\n"
                + "Content-Type: application/json\r\nContent-Length: 32\r\nConnection: "
                + "close\r\n\r\n{\"Image\":\"gameap/debian:latest\"}"
        )
        let get = try HTTPRequest(
            "GET", "/_ping", headers: HTTPHeaders([("User-Agent", "custom"), ("Host", "ignored")])
        )
        .serialized(basePath: "/base", host: "10.0.0.5:2375", userAgent: "pm/1.0")
        XCTAssertEqual(
            String(decoding: get, as: UTF8.self),
            "GET /base/_ping HTTP/1.1\r\nHost: 10.0.0.5:2375\r\nUser-Agent: custom\r\nConnection: close\r\n\r\n")
        XCTAssertThrowsError(try HTTPRequest("GET", "containers").serialized(basePath: "", host: "h", userAgent: "u"))
        XCTAssertThrowsError(try HTTPRequest("GE T", "/x").serialized(basePath: "", host: "h", userAgent: "u"))
        XCTAssertThrowsError(
            try HTTPRequest("GET", "/x", headers: HTTPHeaders([("Bad Name", "v")])).serialized(
                basePath: "", host: "h", userAgent: "u"))
    }

    func testFormEncodingMatchesGo() {
        XCTAssertEqual(FormEncoding.query(["tail": "500", "stdout": "1", "stderr": "1"]), "stderr=1&stdout=1&tail=500")
        XCTAssertEqual(
            FormEncoding.query(["fromImage": "docker.io/gameap/debian", "tag": "latest"]),
            "fromImage=docker.io%2Fgameap%2Fdebian&tag=latest")
        XCTAssertEqual(FormEncoding.escape("a b:c~d_e.f-g&h=é"), "a+b%3Ac~d_e.f-g%26h%3D%C3%A9")
    }

    func testHeadersIgnoreCase() {
        let headers = HTTPHeaders([("Content-Type", "a"), ("X-A", "1"), ("x-a", "2")])
        XCTAssertEqual(headers["content-TYPE"], "a")
        XCTAssertEqual(headers.values("X-a"), ["1", "2"])
        XCTAssertNil(headers["X-^"])
        XCTAssertFalse(HTTPHeaders.same("^", "~"), "only letters fold")
    }

    func testSSHCommandLine() {
        XCTAssertEqual(
            SSHTunnel(user: "gameap", host: "node1", port: 2222).arguments(connectTimeout: 10),
            [
                "ssh", "-o", "ConnectTimeout=10", "-o", "BatchMode=yes", "-T", "-p", "2222", "--", "gameap@node1",
                "docker", "system", "dial-stdio"
            ])
        XCTAssertEqual(
            SSHTunnel(user: nil, host: "node1", port: nil).arguments(connectTimeout: 0.2),
            [
                "ssh", "-o", "ConnectTimeout=1", "-o", "BatchMode=yes", "-T", "--", "node1", "docker", "system",
                "dial-stdio"
            ])
    }

    func testExitStatusOfErrors() {
        XCTAssertEqual(HTTPError.engine(status: 409, message: "conflict").exitStatus, .failure)
        XCTAssertTrue(HTTPError.engine(status: 404, message: "No such container: x").isNotFound)
        XCTAssertFalse(
            HTTPError.upgradeRefused(status: 404, message: "").isNotFound, "a refused attach is not NotFound")
        XCTAssertEqual(HTTPError.timedOut(endpoint: "unix:///x", seconds: 10, phase: "connect").exitStatus, .unknown)
        XCTAssertEqual(
            "\(HTTPError.timedOut(endpoint: "tcp://h:2375", seconds: 10, phase: "connect"))",
            "the engine at tcp://h:2375 did not respond within 10 s (connect timeout)")
        XCTAssertEqual(HTTPError.excerpt([0x41, 0x00, 0x22, 0xFF]), "\"A\\x00\\x22\\xff\"")
    }
}
