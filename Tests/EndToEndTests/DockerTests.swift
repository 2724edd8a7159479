import Foundation
import PMCommon
import XCTest

@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

/// `-m docker` against a real engine (see `DockerNode`), and against stub engines for faults.
/// The cases run against dockerd (`DockerTests`) and Podman's Docker-compatible API
/// (`DockerOnPodmanTests`).
class DockerEngineCases: XCTestCase {
    var node: DockerNode!
    /// The engine's socket and the manager that talks to it.
    class var socket: String { DockerNode.dockerSocket }
    class var manager: String { "docker" }

    override func setUpWithError() throws { node = try DockerNode(socket: Self.socket, manager: Self.manager) }
    override func tearDown() { node?.tearDown() }

    /// The game: echoes console lines, saves and exits on `quit`, exits on SIGTERM.
    static let game = """
        #!/bin/sh
        trap 'echo terminated; exit 0' TERM
        echo "game up in $(pwd) as $(id -u) on port $SERVER_PORT map $DEFAULT_MAP"
        while read -r line; do
          case "$line" in
            quit) echo "saving world... bye"; exit 0 ;;
            *) echo "got:$line" ;;
          esac
        done
        """

    func lifecycleFromInstallToUninstall() throws {
        let script = """
            #!/bin/sh -e
            echo "installing into $(pwd)"
            mkdir -p /mnt/server/data
            echo v1 > /mnt/server/data/version
            cat > /mnt/server/game.sh <<'GAME'
            \(Self.game)
            GAME
            chmod 755 /mnt/server/game.sh
            echo installed
            """
        let record = try node.record(
            id: 1, command: "{dir}/game.sh",
            vars: [
                "docker_installation_image": DockerNode.image, "docker_installation_script": script,
                "default_map": "de_dust2"
            ],
            extra: #", "settings": [{"name": "console_stop_command", "value": "quit"}]"#)
        let check = try node.run("pm-install", ["--check", record])
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)

        let install = try node.run("pm-install", [record])
        XCTAssertEqual(install.status, 0, install.stderr)
        XCTAssertTrue(install.stderr.contains("installing into /mnt/server"), install.stderr)
        XCTAssertTrue(install.stderr.contains("installed"), install.stderr)
        let pmtest = try XCTUnwrap(Account.lookup(name: "pmtest"))
        let directory = node.workPath + "/servers/d1"
        for path in [directory, directory + "/data", directory + "/data/version", directory + "/game.sh"] {
            let owner = try FileManager.default.attributesOfItem(atPath: path)[.ownerAccountID] as? NSNumber
            XCTAssertEqual(owner?.uint32Value, pmtest.uid, path)
        }
        XCTAssertFalse(
            FileManager.default.fileExists(atPath: directory + "/.gameap_install.sh"), "the script is removed")
        XCTAssertEqual(try node.containers().count, 0, "the installation container is removed")

        let start = try node.run("pm-start", [record])
        XCTAssertEqual(start.status, 0, start.stderr)
        XCTAssertEqual(try node.run("pm-start", [record]).stdout, "server 1: already running\n")
        let status = try node.run("pm-status", ["--json", record])
        XCTAssertEqual(status.status, 0, status.stderr)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["name"] as? String, node.name(1))
        XCTAssertEqual(object["state"] as? String, "running")
        XCTAssertNotNil(object["pid"] as? Int)
        XCTAssertNotNil(object["started_at"] as? String)

        let banner = try node.waitForOutput(record, containing: "game up")
        XCTAssertTrue(banner.contains("game up in /server as \(pmtest.uid) on port 28010 map de_dust2"), banner)
        for line in ["hello world", "-n C-c ;x", "third"] {
            XCTAssertEqual(try node.run("pm-input", ["-c", line, record]).status, 0)
        }
        let echoed = try node.waitForOutput(record, containing: "got:third")
        XCTAssertTrue(echoed.contains("got:hello world\ngot:-n C-c ;x\ngot:third"), echoed)
        XCTAssertEqual(
            try node.run("pm-status", [record]).status, 0,
            "input never ends the game (Podman closes stdin after an attach)")

        // pm-input --attach: lines in, console out, and it ends at the end of its input.
        let attach = try node.run(
            "pm-input", ["--attach", "--lines", "1", record], stdin: "attached-1\nattached-2\n", timeout: 30)
        XCTAssertEqual(attach.status, 0, attach.stderr)
        XCTAssertTrue(attach.stdout.contains("got:attached-2"), attach.stdout)
        // The engine's own times: --timestamps and --since.
        let timed = try node.run("pm-output", ["--timestamps", "--lines", "1", record])
        XCTAssertEqual(timed.status, 0, timed.stderr)
        let time = try XCTUnwrap(
            timed.stdout.split(separator: " ").first.flatMap { Timestamp.parseRFC3339(String($0)) })
        XCTAssertLessThan(abs(time - Date().timeIntervalSince1970), 60, timed.stdout)
        XCTAssertTrue(try node.run("pm-output", ["--since", "10m", record]).stdout.contains("got:attached-2"))
        XCTAssertEqual(try node.run("pm-output", ["--since", "2099-01-01T00:00:00Z", record]).stdout, "")

        let labels = try XCTUnwrap(try node.containers().first?["Labels"] as? [String: String])
        XCTAssertEqual(labels["gameap.server.id"], "1")
        XCTAssertEqual(labels["gameap.server.uuid"], node.uuid(1))

        let stop = try node.run("pm-stop", [record])
        XCTAssertEqual(stop.status, 0, stop.stderr)
        XCTAssertTrue(stop.stdout.hasPrefix("server 1: stopped gracefully after"), stop.stdout)
        XCTAssertEqual(try node.run("pm-status", [record]).status, 1)
        XCTAssertEqual(try node.containers().count, 0)

        // A console stop command the game ignores: forced after the timeout. Meanwhile
        // pm-output --follow streams, and ends when the container is gone.
        XCTAssertEqual(try node.run("pm-start", [record]).status, 0)
        let follow = try Toolbox.shell(
            "(sleep 1; "
                + ShellWords.join([Toolbox.path("pm-input")] + node.engineFlags + ["-c", "while-following", record])
                + ") >/dev/null & "
                + "(sleep 3; "
                + ShellWords.join([Toolbox.path("pm-stop")] + node.engineFlags + ["--force", record])
                + ") >/dev/null & "
                + ShellWords.join([Toolbox.path("pm-output")] + node.engineFlags + ["--follow", record]),
            timeout: 30)
        XCTAssertEqual(follow.status, 0, follow.stderr)
        XCTAssertTrue(follow.stdout.contains("got:while-following"), follow.stdout)
        XCTAssertTrue(follow.stderr.contains("the server has stopped"), follow.stderr)
        XCTAssertEqual(try node.run("pm-start", [record]).status, 0)
        let forced = try node.run("pm-stop", ["--timeout", "1", "--console-stop", "ignored", record])
        XCTAssertEqual(
            forced.stdout, "server 1: stopped: forced after 1 seconds (the server ignored ignored)\n", forced.stderr)
        XCTAssertEqual(try node.run("pm-status", [record]).status, 1)

        let uninstall = try node.run("pm-install", ["--uninstall", record])
        XCTAssertEqual(uninstall.status, 0, uninstall.stderr)
    }

    /// Ports on 127.0.0.1 over TCP and UDP, limits in the HostConfig and enforced, a volume.
    func portsLimitsAndVolumes() throws {
        let tools = node.root + "/tools"
        try FileManager.default.createDirectory(atPath: tools, withIntermediateDirectories: true)
        try Self.udpEcho.write(toFile: tools + "/udpecho.c", atomically: true, encoding: .utf8)
        let compiled = try Toolbox.shell("clang -static -O1 -o \(tools)/udpecho \(tools)/udpecho.c")
        XCTAssertEqual(compiled.status, 0, compiled.stderr)
        // The memory hog asks to be the OOM killer's choice: once in a fresh engine the killer
        // took the container's first process instead (status 137, seen in 1 of 2 runs).
        let script = """
            #!/bin/sh
            echo hello-over-tcp > /server/index.html
            httpd -p 28020 -h /server
            ./udpecho 28020 &
            cat /data/greeting.txt
            (echo 1000 > /proc/self/oom_score_adj; head -c 100000000 /dev/zero | sort > /dev/null) || \
            echo memory-limit-enforced
            trap 'exit 0' TERM
            echo ready
            while read -r line; do echo "got:$line"; done
            """
        // A volume from a directory of root's that the node allows (one in the server directory
        // would be the game user's to swap for a link before the engine mounts it).
        let shared = node.root + "/volumes/shared"
        let record = try node.record(
            id: 2, command: "./serve.sh", files: ["serve.sh": script],
            vars: ["docker_volumes": "\(shared):/data:ro"],
            extra: #", "ram_limit": 67108864, "cpu_limit": 500"#)
        try FileManager.default.createDirectory(atPath: shared, withIntermediateDirectories: true)
        try "from-the-volume\n".write(toFile: shared + "/greeting.txt", atomically: true, encoding: .utf8)
        _ = try Toolbox.shell(
            "cp \(tools)/udpecho \(node.workPath)/servers/d2/ && chown -R pmtest: \(node.workPath)/servers/d2")

        let start = try node.run("pm-start", ["-o", "allowed_volumes=\(node.root)/volumes", record])
        XCTAssertEqual(start.status, 0, start.stderr)
        let output = try node.waitForOutput(record, containing: "ready", seconds: 30)
        XCTAssertTrue(output.contains("from-the-volume"), output)
        XCTAssertTrue(output.contains("memory-limit-enforced"), output)
        XCTAssertEqual(try Toolbox.shell("curl -sS http://127.0.0.1:28020/index.html").stdout, "hello-over-tcp\n")
        let udp = try Toolbox.shell("python3 -c \(ShellWords.quote(Self.udpClient))")
        XCTAssertEqual(udp.stdout, "echo:ping\n", udp.stderr)

        let inspected = try XCTUnwrap(try node.engine("/containers/\(node.name(2))/json") as? [String: Any])
        let host = try XCTUnwrap(inspected["HostConfig"] as? [String: Any])
        XCTAssertEqual(host["Memory"] as? Int, 67_108_864)
        XCTAssertEqual(host["NanoCpus"] as? Int, 500_000_000)
        let mounts = try XCTUnwrap(inspected["Mounts"] as? [[String: Any]])
        XCTAssertTrue(
            mounts.contains { $0["Destination"] as? String == "/data" && $0["RW"] as? Bool == false }, "\(mounts)")

        let metrics = try node.run("pm-metrics", ["--interval", "0.2", record])
        XCTAssertEqual(metrics.status, 0, metrics.stderr)
        XCTAssertEqual(Prometheus.value(metrics.stdout, "gameap_server_up"), 1)
        XCTAssertGreaterThan(try XCTUnwrap(Prometheus.value(metrics.stdout, "gameap_server_memory_usage_bytes")), 0)
        XCTAssertEqual(Prometheus.value(metrics.stdout, "gameap_server_memory_limit_bytes"), 67_108_864)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(Prometheus.value(metrics.stdout, "gameap_server_process_pids")), 1)
        XCTAssertNotNil(Prometheus.value(metrics.stdout, "gameap_server_network_receive_bytes_total"))
        XCTAssertNotNil(Prometheus.value(metrics.stdout, "gameap_server_cpu_usage_percent"), metrics.stdout)
        XCTAssertTrue(metrics.stdout.contains("container=\"\(node.name(2))\""), metrics.stdout)
        try Backend.require(.program("promtool"))
        XCTAssertEqual(try Toolbox.shell("promtool check metrics", stdin: Data(metrics.stdout.utf8)).status, 0)
        XCTAssertEqual(try node.run("pm-stop", ["--force", record]).status, 0)
    }

    func missingImageFailsThePullAndLeavesNothing() throws {
        let record = try node.record(id: 3, command: "sleep 60", vars: ["docker_image": "localhost/no-such-image:1"])
        let start = try node.run("pm-start", [record])
        // Docker answers 500 (its registry could not be reached: exit 255), Podman reports the
        // error inside the pull's progress (the pull failed: exit 1).
        XCTAssertTrue([1, 255].contains(start.status), "\(start.status): \(start.stderr)")
        XCTAssertTrue(start.stderr.contains("pulling"), start.stderr)
        XCTAssertTrue(
            start.stderr.contains("pm-start: server 3: failed to pull image localhost/no-such-image:1"), start.stderr)
        XCTAssertEqual(try node.containers().count, 0)
    }

    /// An image the engine lacks is pulled from a registry, with its progress on stderr
    /// (`scripts/backends/registry-up` serves 127.0.0.1:5055/pmtest:v1; Podman's configuration
    /// from podman-up lets it use that registry over plain HTTP).
    func pullsAMissingImageWithItsProgress() throws {
        let image = "127.0.0.1:5055/pmtest:v1"
        _ = try Toolbox.shell(
            "curl -sS --unix-socket \(node.socket) -X DELETE 'http://d/v1.41/images/\(image)?force=1'")
        let record = try node.record(
            id: 6, command: "sh -c 'trap exit TERM; while :; do sleep 0.2; done'", vars: ["docker_image": image])
        let start = try node.run("pm-start", [record])
        XCTAssertEqual(start.status, 0, start.stderr)
        XCTAssertTrue(start.stderr.contains("Image \(image) not found locally, pulling..."), start.stderr)
        XCTAssertTrue(
            start.stderr.contains("Pull complete") || start.stderr.contains("Downloaded newer image")
                || start.stderr.contains("Writing manifest"), start.stderr)
        XCTAssertFalse(start.stderr.contains("{"), "progress as text, not JSON: \(start.stderr)")
        XCTAssertEqual(try node.run("pm-status", [record]).status, 0)
        XCTAssertEqual(try node.run("pm-stop", ["--force", record]).status, 0)
    }

    /// A record cannot reach another server's container through `docker_container_name`, nor
    /// a container pm did not create; a volume the game turns into a link does not lock the
    /// server out of its own container.
    func containersOfOthersAreOutOfReach() throws {
        let victim = try node.record(id: 7, command: Self.trappedSleep)
        XCTAssertEqual(try node.run("pm-start", [victim]).status, 0)
        let thief = try node.record(id: 8, command: Self.trappedSleep, vars: ["docker_container_name": node.name(7)])
        for tool in ["pm-stop", "pm-start", "pm-status", "pm-output"] {
            let result = try node.run(tool, [thief])
            XCTAssertEqual(result.status, 1, "\(tool): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains("belongs to server 7"), "\(tool): \(result.stderr)")
        }
        XCTAssertEqual(try node.run("pm-status", [victim]).status, 0, "the other server's container is untouched")

        let foreign = "pm-foreign-\(UUID().uuidString.prefix(6).lowercased())"
        _ = try Toolbox.shell(
            "curl -sS --unix-socket \(node.socket) -X POST -H 'Content-Type: application/json' "
                + "'http://d/v1.41/containers/create?name=\(foreign)' -d "
                + "'{\"Image\":\"\(DockerNode.image)\",\"Cmd\":[\"sleep\",\"60\"]}'"
        )
        defer {
            _ = try? Toolbox.shell(
                "curl -sS --unix-socket \(node.socket) -X DELETE 'http://d/v1.41/containers/\(foreign)?force=1'")
        }
        let squatter = try node.record(id: 9, command: Self.trappedSleep, vars: ["docker_container_name": foreign])
        let start = try node.run("pm-start", [squatter])
        XCTAssertEqual(start.status, 1, start.stderr)
        XCTAssertTrue(start.stderr.contains("was not created by pm"), start.stderr)
        XCTAssertNotNil(
            try node.engine("/containers/\(foreign)/json") as? [String: Any], "the foreign container is still there")

        // A volume in the server directory is the game user's to turn into a link to / between
        // the check and the engine's mount: refused before any request.
        let linked = try node.record(id: 10, command: Self.trappedSleep, vars: ["docker_volumes": "data:/data"])
        try FileManager.default.createDirectory(
            atPath: node.workPath + "/servers/d10/data", withIntermediateDirectories: true)
        _ = try Toolbox.shell("chown -R pmtest: \(node.workPath)/servers/d10")
        let refused = try node.run("pm-start", [linked])
        XCTAssertEqual(refused.status, 2, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("another user could replace with a link"), refused.stderr)
        XCTAssertEqual(
            try node.containers().filter { ($0["Names"] as? [String])?.contains("/" + node.name(10)) ?? false }.count, 0
        )
        XCTAssertEqual(try node.run("pm-stop", ["--force", victim]).status, 0)
    }

    static let trappedSleep = "sh -c 'trap exit TERM; while :; do sleep 0.2; done'"

    /// Bad records never reach the engine: exit 2 and one line.
    func badSettingsAreRefusedBeforeAnyRequest() throws {
        for (vars, message) in [
            (["docker_volumes": "/etc:/host-etc"], "outside the server directory"),
            (["docker_volumes": "../../..:/up"], "leaves the server directory"),
            (["docker_image": "Not A Reference"], "is not a valid reference")
        ] {
            let record = try node.record(id: 4, command: "sleep 60", vars: vars)
            let start = try node.run("pm-start", [record])
            XCTAssertEqual(start.status, 2, start.stderr)
            XCTAssertEqual(start.stderrLines.count, 1, start.stderr)
            XCTAssertTrue(start.stderr.contains(message), start.stderr)
        }
        XCTAssertEqual(try node.containers().count, 0)
    }

    func faultsOfTheEngine() throws {
        let record = try node.record(id: 5, command: "sleep 60")
        node.host = "unix:///tmp/pm-no-such-engine.sock"
        let missing = try node.run("pm-status", [record])
        XCTAssertEqual(missing.status, 255, missing.stderr)
        XCTAssertEqual(missing.stderrLines.count, 1, missing.stderr)
        XCTAssertTrue(missing.stderr.contains("/tmp/pm-no-such-engine.sock"), missing.stderr)

        let refusing = try StubEngine(
            answer: StubEngine.http("500 Internal Server Error", json: #"{"message":"disk on fire"}"#))
        defer { refusing.stop() }
        node.host = "unix://" + refusing.path
        let refused = try node.run("pm-status", ["-o", "api_version=1.41", record])
        XCTAssertEqual(refused.status, 255, "an engine that fails could not be asked: \(refused.stderr)")
        XCTAssertTrue(refused.stderr.contains("Error response from daemon: disk on fire"), refused.stderr)

        let silent = try StubEngine(answer: nil)
        defer { silent.stop() }
        node.host = "unix://" + silent.path
        let began = Date()
        let hung = try node.run("pm-status", ["-o", "api_version=1.41", "-o", "engine_timeout=1", record], timeout: 20)
        XCTAssertEqual(hung.status, 255, hung.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(began), 5)
        XCTAssertTrue(hung.stderr.contains("did not respond within 1"), hung.stderr)

        let truncated = try StubEngine(
            answer: Array(
                ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: "
                    + "chunked\r\n\r\n40\r\n{\"State\":")
                    .utf8))
        defer { truncated.stop() }
        node.host = "unix://" + truncated.path
        let cut = try node.run("pm-status", ["-o", "api_version=1.41", record])
        XCTAssertEqual(cut.status, 255, cut.stderr)
        XCTAssertEqual(cut.stderrLines.count, 1, cut.stderr)
    }

    /// An engine that fails, trickles, stays silent or speaks TLS is "could not be asked": exit
    /// 255, one short line, within about `engine_timeout` (3 s here) whatever it does.
    func enginesThatMisbehave() throws {
        let record = try node.record(id: 6, command: "sleep 60")
        let quick = ["-o", "engine_timeout=3"]
        func check(
            _ stub: StubEngine, _ arguments: [String] = [], tool: String = "pm-status", mentioning text: String,
            file: StaticString = #filePath, line: UInt = #line
        ) throws {
            defer { stub.stop() }
            node.host = "unix://" + stub.path
            let began = Date()
            let result = try node.run(tool, quick + arguments + [record], timeout: 30)
            XCTAssertLessThan(Date().timeIntervalSince(began), 5, "\(text): \(result.stderr)", file: file, line: line)
            XCTAssertEqual(result.status, 255, result.stderr, file: file, line: line)
            let errors = result.stderrLines.filter { $0.hasPrefix(tool + ": ") }
            XCTAssertEqual(errors.count, 1, result.stderr, file: file, line: line)
            XCTAssertLessThan(errors.first?.utf8.count ?? 0, 400, "one short line", file: file, line: line)
            XCTAssertTrue(result.stderr.contains(text), "\(text) in \(result.stderr)", file: file, line: line)
        }
        let ping = StubEngine.http("200 OK", json: "OK")
        // A head, then a body, that trickle a byte a second: each read is in time, the whole is not.
        try check(
            StubEngine {
                $0.contains("_ping")
                    ? .answer(ping)
                    : .trickle(Array("HTTP/1.1 200 OK\r\nX-Slow: abcdefghijklmnopqrstuvwxyz\r\n".utf8), interval: 1)
            },
            mentioning: "did not respond within 3 s (whole answer timeout)")
        try check(
            StubEngine {
                $0.contains("_ping")
                    ? .answer(ping)
                    : .trickle(
                        Array(
                            ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                                + "100000\r\n\r\n{\"State\": \"")
                                .utf8) + [UInt8](repeating: 0x61, count: 1000), interval: 0.2)
            },
            mentioning: "did not respond within 3 s (whole answer timeout)")
        // Silent from the first question on: one engine_timeout, not one per request.
        try check(StubEngine { _ in .silence }, mentioning: "did not respond within 3 s")
        // The engine's own failures, JSON and a 9 kB HTML page.
        try check(
            StubEngine(answer: StubEngine.http("500 Internal Server Error", json: #"{"message":"disk on fire"}"#)),
            ["-o", "api_version=1.41"],
            mentioning: "disk on fire")
        let html = "<html>" + String(repeating: "<p>Internal error</p>\n", count: 400) + "</html>"
        try check(
            StubEngine(
                answer: Array(
                    ("HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/html\r\nContent-Length: "
                        + "\(html.utf8.count)\r\n\r\n\(html)")
                        .utf8)),
            ["-o", "api_version=1.41"], mentioning: "<html><p>Internal error</p>\\x0a<p>")
        // Plain HTTP to a TLS port: dockerd's answer.
        try check(
            StubEngine(
                answer: Array(
                    ("HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS "
                        + "server.\n").utf8)),
            ["-o", "api_version=1.41"], mentioning: "Client sent an HTTP request to an HTTPS server")
        // A pull that stops making progress, and one that makes progress for longer than pull_timeout.
        let missing = StubEngine.http("404 Not Found", json: #"{"message":"No such image"}"#)
        let noContainer = StubEngine.http("404 Not Found", json: #"{"message":"No such container"}"#)
        let pullHead = Array(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
        func puller(_ body: @escaping @Sendable () -> StubEngine.Reply) throws -> StubEngine {
            try StubEngine { line in
                if line.contains("/images/") && line.hasPrefix("POST") { return body() }
                if line.contains("/images/") { return .answer(missing) }
                return line.contains("_ping") ? .answer(ping) : .answer(noContainer)
            }
        }
        try check(
            try puller { .answerThenSilence(pullHead) }, ["-o", "api_version=1.41"], tool: "pm-start",
            mentioning: "failed to pull image")
        let progress = Array("2d\r\n{\"status\":\"Downloading\",\"id\":\"layer\"}\n        \r\n".utf8)
        try check(
            try puller { .trickle(progress, interval: 0.05, first: pullHead) },
            ["-o", "api_version=1.41", "--var", "pull_timeout=2"], tool: "pm-start",
            mentioning: "did not respond within 2 s (whole answer timeout)")
    }

    static let udpClient = """
        import socket
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(5)
        s.sendto(b"ping", ("127.0.0.1", 28020)); print(s.recv(100).decode())
        """

    static let udpEcho = """
        #include <arpa/inet.h>
        #include <stdlib.h>
        #include <string.h>
        #include <sys/socket.h>
        int main(int argc, char **argv) {
            int fd = socket(AF_INET, SOCK_DGRAM, 0);
            struct sockaddr_in a = {0}; a.sin_family = AF_INET; a.sin_port = htons(atoi(argv[1]));
            if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0) return 1;
            for (;;) {
                char in[512], out[600]; struct sockaddr_in from; socklen_t len = sizeof from;
                ssize_t n = recvfrom(fd, in, sizeof in - 1, 0, (struct sockaddr *)&from, &len);
                if (n < 0) continue;
                in[n] = 0; strcpy(out, "echo:"); strcat(out, in);
                sendto(fd, out, strlen(out), 0, (struct sockaddr *)&from, len);
            }
        }
        """
}

final class DockerTests: DockerEngineCases {
    func testLifecycleFromInstallToUninstall() throws { try lifecycleFromInstallToUninstall() }
    func testPortsLimitsAndVolumes() throws { try portsLimitsAndVolumes() }
    func testMissingImageFailsThePullAndLeavesNothing() throws { try missingImageFailsThePullAndLeavesNothing() }
    func testBadSettingsAreRefusedBeforeAnyRequest() throws { try badSettingsAreRefusedBeforeAnyRequest() }
    func testFaultsOfTheEngine() throws { try faultsOfTheEngine() }
    func testPullsAMissingImageWithItsProgress() throws { try pullsAMissingImageWithItsProgress() }
    func testContainersOfOthersAreOutOfReach() throws { try containersOfOthersAreOutOfReach() }
    func testEnginesThatMisbehave() throws { try enginesThatMisbehave() }
}

/// The same cases against Podman's Docker-compatible API, since users point `DOCKER_HOST` at it.
/// Podman closes a container's input when an attach ends, so console input goes through an
/// exec there (`ConsoleExec`): the lifecycle's three lines and graceful stop check it.
final class DockerOnPodmanTests: DockerEngineCases {
    override class var socket: String { DockerNode.podmanSocket }

    func testLifecycleFromInstallToUninstall() throws { try lifecycleFromInstallToUninstall() }
    func testPortsLimitsAndVolumes() throws { try portsLimitsAndVolumes() }
    func testMissingImageFailsThePullAndLeavesNothing() throws { try missingImageFailsThePullAndLeavesNothing() }
}

/// `-m podman`: the libpod API of the same Podman service.
final class PodmanTests: DockerEngineCases {
    override class var socket: String { DockerNode.podmanSocket }
    override class var manager: String { "podman" }

    func testLifecycleFromInstallToUninstall() throws { try lifecycleFromInstallToUninstall() }
    func testPortsLimitsAndVolumes() throws { try portsLimitsAndVolumes() }
    func testMissingImageFailsThePullAndLeavesNothing() throws { try missingImageFailsThePullAndLeavesNothing() }
    func testBadSettingsAreRefusedBeforeAnyRequest() throws { try badSettingsAreRefusedBeforeAnyRequest() }
    func testContainersOfOthersAreOutOfReach() throws { try containersOfOthersAreOutOfReach() }
    func testFaultsOfTheEngine() throws { try faultsOfTheEngine() }
    func testPullsAMissingImageWithItsProgress() throws { try pullsAMissingImageWithItsProgress() }
    func testEnginesThatMisbehave() throws { try enginesThatMisbehave() }
}
