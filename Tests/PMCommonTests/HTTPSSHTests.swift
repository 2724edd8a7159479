import XCTest

@testable import PMCommon
@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

/// `ssh://` endpoints with a stand-in `ssh` found through PATH: a small Perl relay that logs
/// its arguments and joins its standard input and output to the test server's unix socket,
/// as `ssh host docker system dial-stdio` joins them to the remote engine.
final class HTTPSSHTests: XCTestCase {
    private var directory = ""
    private var savedPath: String?

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "pm-fake-ssh-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        savedPath = ProcessEnvironment.value("PATH")
        setenv("PATH", directory + ":" + (savedPath ?? ExecutableLookup.defaultSearchPath), 1)
    }

    override func tearDownWithError() throws {
        if let savedPath { setenv("PATH", savedPath, 1) }
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func installFakeSSH(_ script: String) throws {
        let path = directory + "/ssh"
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
    }

    private func relay(to socket: String) -> String {
        """
        #!/usr/bin/perl
        use strict; use IO::Socket::UNIX; use IO::Select;
        open(my $log, '>', '\(directory)/argv') or die; print $log join("\\n", @ARGV), "\\n"; close $log;
        my $engine = IO::Socket::UNIX->new(Peer => '\(socket)') or die "fake ssh: $!\\n";
        my $select = IO::Select->new(\\*STDIN, $engine);
        while (1) {
            for my $handle ($select->can_read) {
                my $count = sysread($handle, my $buffer, 65536);
                if ($handle == $engine) { exit 0 unless $count; syswrite(STDOUT, $buffer); next; }
                if ($count) { syswrite($engine, $buffer); } else { shutdown($engine, 1); $select->remove(\\*STDIN); }
            }
        }
        """
    }

    func testRoundTripThroughTheTunnel() throws {
        let server = try HTTPTestServer(unix: HTTPClientTests.socketPath()) { peer in
            guard let request = peer.readRequest() else { return }
            let body = "\(request.method) \(request.target) via \(request.headers["host"] ?? "")"
            peer.write("HTTP/1.1 200 OK\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
        }
        defer { server.stop() }
        guard case .unix(let socket) = server.endpoint.transport else { return XCTFail() }
        try installFakeSSH(relay(to: socket))
        let client = HTTPClient(endpoint: try EngineEndpoint.parse("ssh://gameap@node1.example:2222", source: "host"))
        XCTAssertEqual(
            try client.send(HTTPRequest("GET", "/v1.47/containers/json")).text,
            "GET /v1.47/containers/json via api.moby.localhost")
        let argv = try String(contentsOfFile: directory + "/argv", encoding: .utf8)
        XCTAssertEqual(
            argv,
            "-o\nConnectTimeout=10\n-o\nBatchMode=yes\n-T\n-p\n2222\n--\n"
                + "gameap@node1.example\ndocker\nsystem\ndial-stdio\n"
        )
    }

    func testUpgradeAndHalfCloseThroughTheTunnel() throws {
        let server = try HTTPTestServer(unix: HTTPClientTests.socketPath()) { peer in
            _ = peer.readRequest()
            peer.write(
                Array("HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n".utf8)
                    + HTTPMultiplexTests.frame(1, "ready\n"))
            let input = peer.readToEnd()
            peer.write(HTTPMultiplexTests.frame(1, String(decoding: input, as: UTF8.self)))
        }
        defer { server.stop() }
        guard case .unix(let socket) = server.endpoint.transport else { return XCTFail() }
        try installFakeSSH(relay(to: socket))
        let session = try HTTPClient(endpoint: EngineEndpoint(.ssh(user: nil, host: "node1", port: nil))).upgrade(
            HTTPRequest("POST", "/attach"))
        var output: [UInt8] = []
        var decoder = MultiplexedStreamDecoder()
        try session.write(Array("say hi\n".utf8))
        session.shutdownWrite()
        while let piece = try session.read() { try decoder.decode(piece) { output += $1 } }
        XCTAssertEqual(String(decoding: output, as: UTF8.self), "ready\nsay hi\n")
        session.close()
    }

    func testWhatSSHSaysExplainsAFailure() throws {
        try installFakeSSH("#!/bin/sh\necho 'gameap@node1: Permission denied (publickey).' >&2\nexit 255\n")
        let client = HTTPClient(endpoint: EngineEndpoint(.ssh(user: "gameap", host: "node1", port: nil)))
        XCTAssertThrowsError(try client.send(HTTPRequest("GET", "/_ping"))) { error in
            XCTAssertEqual(
                "\(error)",
                "cannot reach the engine at ssh://gameap@node1 through ssh: gameap@node1: Permission denied "
                    + "(publickey)."
            )
        }
    }

    func testMissingSSHIsNamed() throws {
        setenv("PATH", directory, 1)
        let client = HTTPClient(endpoint: EngineEndpoint(.ssh(user: nil, host: "node1", port: nil)))
        XCTAssertThrowsError(try client.send(HTTPRequest("GET", "/_ping"))) { error in
            XCTAssertEqual(
                "\(error)",
                "cannot reach the engine at ssh://node1 through ssh: ssh was not found in PATH; install the OpenSSH "
                    + "client"
            )
        }
    }
}

/// Host names are resolved outside the (static) process, with `getent ahosts`.
final class HostResolutionTests: XCTestCase {
    func testNumericHostsNeedNoLookupAndNamesComeFromGetent() throws {
        let none: (String, String) -> String? = { _, _ in
            XCTFail("no lookup for a numeric host")
            return nil
        }
        XCTAssertEqual(
            try SocketDialer.addresses("127.0.0.1", endpoint: "tcp://127.0.0.1:1", nameService: none), ["127.0.0.1"])
        XCTAssertEqual(try SocketDialer.addresses("::1", endpoint: "tcp://[::1]:1", nameService: none), ["::1"])
        let answer =
            "::1             STREAM localhost\n::1             DGRAM  \n127.0.0.1       STREAM \n127.0.0.1       "
            + "DGRAM  \n"
        XCTAssertEqual(
            try SocketDialer.addresses("localhost", endpoint: "tcp://localhost:1") { database, key in
                XCTAssertEqual(database, "ahosts")
                XCTAssertEqual(key, "localhost")
                return answer
            }, ["::1", "127.0.0.1"])
        XCTAssertThrowsError(
            try SocketDialer.addresses("nowhere.invalid", endpoint: "tcp://nowhere.invalid:1") { _, _ in nil }
        ) {
            XCTAssertTrue("\($0)".contains("nowhere.invalid"), "\($0)")
        }
        XCTAssertEqual(
            try SocketDialer.addresses("localhost", endpoint: "tcp://localhost:1").sorted().first.map(
                IPAddress.isValid), true)
    }
}
