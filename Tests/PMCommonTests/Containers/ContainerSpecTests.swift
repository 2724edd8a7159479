import Foundation
import XCTest

@testable import PMCommon
@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

/// The docker manager's pure parts: image references, settings, ports, the create body, stats.
final class ContainerSpecTests: XCTestCase {
    /// The reference's worked example.
    private func server(
        workPath: String = "/srv/gameap", edit: (inout ServerRecord) -> Void = { _ in }
    ) throws -> Server {
        var record = ServerRecord()
        record.id = 1
        record.uuid = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
        record.ip = "10.0.0.5"
        record.port = 27015
        record.queryPort = 27016
        record.rconPort = 27017
        record.dir = "servers/cs"
        record.startCommand = "./srcds_run -port {port} +maxplayers {maxplayers} -dir {dir}"
        record.vars = [("maxplayers", "16"), ("docker_image", "gameap/srcds")]
        record.ramLimit = 2 << 30
        record.cpuLimit = 1500
        edit(&record)
        var config = Fixtures.config(workPath: workPath)
        config.managerOptions = ["allowed_volumes": "/srv/shared"]
        return try Server(record: record, config: config, resolveUser: false)
    }

    func testImageReferences() throws {
        let table: [(String, String, String, String)] = [
            ("nginx", "nginx:latest", "docker.io/library/nginx", "latest"),
            ("nginx:1.21", "nginx:1.21", "docker.io/library/nginx", "1.21"),
            ("nginx@sha256:abc123", "nginx@sha256:abc123", "docker.io/library/nginx", "sha256:abc123"),
            ("my-registry.com/image", "my-registry.com/image:latest", "my-registry.com/image", "latest"),
            ("my-registry.com/image:v1", "my-registry.com/image:v1", "my-registry.com/image", "v1"),
            // A registry port is not a tag (docs/differences.md#dock-9).
            ("registry:5000/game", "registry:5000/game:latest", "registry:5000/game", "latest"),
            ("localhost/pmtest", "localhost/pmtest:latest", "localhost/pmtest", "latest"),
            ("gameap/srcds", "gameap/srcds:latest", "docker.io/gameap/srcds", "latest"),
            ("index.docker.io/gameap/x:2", "index.docker.io/gameap/x:2", "docker.io/gameap/x", "2")
        ]
        for (text, name, fromImage, tag) in table {
            let reference = try ImageReference(text)
            XCTAssertEqual(reference.name, name, text)
            XCTAssertEqual(reference.pullQuery, ["fromImage": fromImage, "tag": tag], text)
        }
        for bad in [
            "", "Upper/Case", "a b", "x:", "x@nodigest", "a//b", "x:bad tag", "../../etc", "a/../b", "-x", "x.",
            "gameap/.hidden"
        ] {
            XCTAssertThrowsError(try ImageReference(bad), bad) { XCTAssertEqual(ExitStatus(for: $0), .invalid) }
        }
    }

    /// The worked example: the create body's fields, with the labels, `{dir}` inside the container.
    func testCreateBodyOfTheWorkedExample() throws {
        let server = try server()
        let settings = try ContainerSettings(server)
        let command = try server.template(directory: settings.workdir).arguments(
            wrapper: "{command}", command: server.record.startCommand)
        XCTAssertEqual(command, ["./srcds_run", "-port", "27015", "+maxplayers", "16", "-dir", "/server"])
        let body = try DockerContainerSpec.runtime(
            server, settings, name: "7uk5up2n2sqm5svs5ib0", command: command, user: "1000:1000")
        XCTAssertEqual(body["Image"]?.string, "gameap/srcds:latest")
        XCTAssertEqual(body["User"]?.string, "1000:1000")
        XCTAssertEqual(body["Hostname"]?.string, "7uk5up2n2sqm5svs5ib0")
        XCTAssertEqual(body["WorkingDir"]?.string, "/server")
        XCTAssertEqual(body["OpenStdin"], .bool(true))
        XCTAssertEqual(body["Tty"], .bool(false))
        let env = try XCTUnwrap(body["Env"]?.array?.compactMap(\.string))
        for entry in ["MAXPLAYERS=16", "SERVER_PORT=27015", "PORT=27015", "QUERY_PORT=27016", "RCON_PORT=27017"] {
            XCTAssertTrue(env.contains(entry), entry)
        }
        XCTAssertEqual(
            body["ExposedPorts"]?.object?.members.map(\.key), ["27015/tcp", "27015/udp", "27016/udp", "27017/tcp"])
        XCTAssertEqual(
            JSONWriter.string(try XCTUnwrap(body["HostConfig", "PortBindings", "27016/udp"])),
            #"[{"HostIp":"10.0.0.5","HostPort":"27016"}]"#)
        XCTAssertEqual(
            JSONWriter.string(try XCTUnwrap(body["HostConfig", "Mounts"])),
            #"[{"Type":"bind","Source":"/srv/gameap/servers/cs","Target":"/server"}]"#)
        XCTAssertEqual(body["HostConfig", "Memory"]?.unsigned, 2_147_483_648)
        XCTAssertEqual(body["HostConfig", "NanoCpus"]?.unsigned, 1_500_000_000)
        XCTAssertEqual(
            JSONWriter.string(try XCTUnwrap(body["HostConfig", "RestartPolicy"])),
            #"{"Name":"no","MaximumRetryCount":0}"#)
        XCTAssertEqual(body["Labels", "gameap.server.id"]?.string, "1")
        XCTAssertEqual(body["Labels", "gameap.server.uuid"]?.string, "3fa85f64-5717-4562-b3fc-2c963f66afa6")
        XCTAssertNil(body["HostConfig", "Privileged"])
    }

    func testPorts() throws {
        XCTAssertEqual(
            try ContainerPorts(try server().record).bindings.map(\.key),
            ["27015/tcp", "27015/udp", "27016/udp", "27017/tcp"])
        XCTAssertEqual(
            try ContainerPorts(
                try server {
                    $0.queryPort = 27015
                    $0.rconPort = 0
                }.record
            ).bindings.map(\.key), ["27015/tcp", "27015/udp"])
        XCTAssertEqual(
            try ContainerPorts(
                try server {
                    $0.port = 0
                    $0.queryPort = 0
                    $0.rconPort = 0
                }.record
            ).bindings, [])
        XCTAssertEqual(try ContainerPorts(try server { $0.ip = "::1" }.record).hostIP, "::1")
        XCTAssertThrowsError(try ContainerPorts(try server { $0.ip = "game.example.com" }.record)) {
            XCTAssertEqual(ExitStatus(for: $0), .invalid)
        }
    }

    func testSettingsParsing() throws {
        let settings = try ContainerSettings(
            try server { record in
                record.gameMod.metadata = [
                    "docker_capabilities": " net_admin, SYS_NICE ,,CAP_NET_RAW", "docker_privileged": "true",
                    "docker_network_mode": "host"
                ]
                record.vars += [("docker_dns", " 8.8.8.8 , 1.1.1.1"), ("docker_workdir", "/game/")]
                record.ramLimit = 0
                record.cpuLimit = 0
                record.vars += [("docker_memory_limit", "512m"), ("docker_cpu_limit", "2.5")]
            })
        XCTAssertEqual(settings.capabilities, ["CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_SYS_NICE"])
        XCTAssertEqual(settings.dns, ["8.8.8.8", "1.1.1.1"])
        XCTAssertTrue(settings.privileged)
        XCTAssertTrue(settings.hostNetwork)
        XCTAssertEqual(settings.workdir, "/game")
        XCTAssertEqual(settings.memoryLimit, 512 << 20)
        XCTAssertEqual(settings.cpuLimit, 2500)
        XCTAssertEqual(try ContainerSettings.bytes("2g"), 2 << 30)
        XCTAssertEqual(try ContainerSettings.bytes("10240k"), 10 << 20)
        XCTAssertEqual(try ContainerSettings.bytes("1073741824"), 1 << 30)
        for bad in ["", "lots", "-1m", "1x", "1k"] { XCTAssertThrowsError(try ContainerSettings.bytes(bad), bad) }
        // A server's own vars cannot give its container power over the host (docs/differences.md#dock-26).
        let fromVars = try ContainerSettings(
            try server { record in
                record.vars += [
                    ("docker_privileged", "true"), ("docker_capabilities", "ALL"), ("docker_network_mode", "host")
                ]
            })
        XCTAssertFalse(fromVars.privileged)
        XCTAssertEqual(fromVars.capabilities, [])
        XCTAssertFalse(fromVars.hostNetwork)
        XCTAssertThrowsError(try ContainerSettings(try server { $0.vars.append(("docker_dns", "dns.example")) }))
        XCTAssertThrowsError(
            try ContainerSettings(
                try server {
                    $0.ramLimit = 0
                    $0.vars.append(("docker_memory_limit", "0.5b"))
                }))
        XCTAssertThrowsError(
            try ContainerSettings(try server { $0.gameMod.metadata = ["docker_capabilities": "NET ADMIN"] }))
        // Not the whole container's root, no two mounts at one place, numbers in decimal only.
        for (key, value) in [
            ("docker_workdir", "/"), ("docker_workdir", "/./"), ("docker_volumes", "a:/data, b:/data"),
            ("docker_volumes", "data:/server"), ("docker_volumes", "data:/"), ("docker_cpu_limit", "0x2"),
            ("docker_memory_limit", "1e9")
        ] {
            XCTAssertThrowsError(
                try ContainerSettings(
                    try server {
                        $0.ramLimit = 0
                        $0.cpuLimit = 0
                        $0.vars.append((key, value))
                    }), "\(key)=\(value)"
            ) {
                XCTAssertEqual(ExitStatus(for: $0), .invalid)
            }
        }
        // A container name in process_manager.config is not shared by every server (docs/differences.md#dock-15).
        var config = Fixtures.config(workPath: "/srv/gameap")
        config.managerOptions = ["container_name": "shared"]
        var record = try server().record
        XCTAssertNil(
            try ContainerSettings(try Server(record: record, config: config, resolveUser: false)).containerName)
        record.vars.append(("docker_container_name", "my-cs"))
        XCTAssertEqual(
            try ContainerSettings(try Server(record: record, config: config, resolveUser: false)).containerName, "my-cs"
        )
    }

    /// Volumes stay inside the allow-list, in directories only root can change (docs/differences.md#dock-14).
    /// A directory inside the server directory is the game user's to swap for a link while
    /// the engine, as root, mounts it: refused, like a missing source.
    func testExtraVolumes() throws {
        try Backend.require(.root)
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "pm-volumes-\(UUID().uuidString.prefix(8))"
        ).path
        defer { try? FileManager.default.removeItem(atPath: root) }
        for directory in ["work/servers/cs/data", "shared/maps", "shared/open/x"] {
            try FileManager.default.createDirectory(atPath: root + "/" + directory, withIntermediateDirectories: true)
        }
        XCTAssertEqual(chmod(root + "/shared/open", 0o777), 0)
        XCTAssertEqual(chown(root + "/work/servers/cs", 65534, 65534), 0)
        var config = Fixtures.config(workPath: root + "/work")
        config.managerOptions = ["allowed_volumes": root + "/shared"]
        let server = try Server(record: try server(workPath: root + "/work").record, config: config, resolveUser: false)
        let maps = try ContainerMount.extraVolumes("\(root)/shared/maps:/maps:ro, \(root)/shared:/all", server: server)
        XCTAssertEqual(
            maps,
            [
                ContainerMount(source: root + "/shared/maps", target: "/maps", readOnly: true),
                ContainerMount(source: root + "/shared", target: "/all")
            ])
        XCTAssertEqual(try ContainerMount.extraVolumes(#"["\#(root)/shared/maps:/maps"]"#, server: server).count, 1)
        XCTAssertEqual(try ContainerMount.extraVolumes("", server: server), [])
        for bad in [
            "data:/data", "\(root)/work/servers/cs/data:/data", "\(root)/shared/open/x:/x", "\(root)/shared/missing:/m",
            "../../etc:/etc", "/etc:/host-etc", "\(root)/sharedx:/x", "\(root)/work:/all", "invalid", "a:relative",
            "a:/b:z", "a:/b:ro:x"
        ] {
            XCTAssertThrowsError(try ContainerMount.extraVolumes(bad, server: server), bad) {
                XCTAssertEqual(ExitStatus(for: $0), .invalid)
            }
        }
        for twice in ["\(root)/shared/maps:/d, \(root)/shared:/d", "\(root)/shared/maps:/server"] {
            var record = server.record
            record.vars.append(("docker_volumes", twice))
            XCTAssertThrowsError(
                try ContainerSettings(try Server(record: record, config: config, resolveUser: false)), twice
            ) {
                XCTAssertTrue("\($0)".contains("mounted twice"), "\($0)")
            }
        }
    }

    /// The installation script is mounted read-only from outside the server directory, where
    /// the game user could change it before a root container runs it.
    func testTheInstallationScriptIsMountedReadOnly() throws {
        let script = ContainerMount(
            source: "/tmp/pm-install-x/install.sh", target: ContainerInstallation.scriptPath, readOnly: true)
        let body = DockerContainerSpec.installation(
            try server(), image: "i", command: ["/bin/sh", "-e", ContainerInstallation.scriptPath],
            script: script, user: "")
        let mounts = try XCTUnwrap(body["HostConfig", "Mounts"]?.array)
        XCTAssertEqual(mounts.count, 2)
        XCTAssertEqual(mounts[1]["Source"]?.string, "/tmp/pm-install-x/install.sh")
        XCTAssertEqual(mounts[1]["ReadOnly"]?.bool, true)
        XCTAssertFalse(ContainerInstallation.scriptPath.hasPrefix(ContainerInstallation.mountPoint))
    }

    func testInstallationCommandFromTheShebang() {
        let path = "/gameap-install/install.sh"
        XCTAssertEqual(ContainerInstallation.command(script: "echo hi", entrypoint: nil), ["/bin/sh", "-e", path])
        XCTAssertEqual(
            ContainerInstallation.command(script: "#!/bin/bash -ex\necho", entrypoint: nil), ["/bin/bash", "-ex", path])
        XCTAssertEqual(
            ContainerInstallation.command(script: "#!/usr/bin/env -S bash -e\n", entrypoint: nil),
            ["/usr/bin/env", "-S", "bash", "-e", path])
        XCTAssertEqual(
            ContainerInstallation.command(script: "#!/usr/bin/env python3\r\n", entrypoint: nil),
            ["/usr/bin/env", "python3", path])
        XCTAssertEqual(
            ContainerInstallation.command(script: "#!/bin/bash", entrypoint: "ash"), ["/bin/ash", "-e", path])
        XCTAssertEqual(ContainerInstallation.normalizedScript("a\r\nb\rc\n"), "a\nb\nc\n")
    }

    func testStatsLikeDockerStats() throws {
        let stats = try JSONParser.parse(
            Array(
                """
                {"cpu_stats":{"cpu_usage":{"total_usage":2500000000}},
                 "memory_stats":{"usage":10000,"limit":40000,"stats":{"inactive_file":2000}},
                 "networks":{"eth0":{"rx_bytes":5,"tx_bytes":7},"eth1":{"rx_bytes":1,"tx_bytes":1}},
                 "blkio_stats":{"io_service_bytes_recursive":[{"op":"Read","value":3},{"op":"write","value":4},\
                {"op":"Total","value":7},{"op":"read","value":1}]},
                 "pids_stats":{"current":3}}
                """.utf8))
        let container = ContainerManager.Container(
            name: "c1",
            inspection: try JSONParser.parse(
                Array(
                    #"{"Id":"0123456789abcdef","State":{"Running":true,"Pid":9,"StartedAt":"2026-11-27T03:56:12.5Z"}}"#
                        .utf8)))
        let report = DockerStats.report(stats: stats, container: container, labels: [("container", "c1")]) { nil }
        func value(_ family: MetricFamily) -> MetricSample.Value? {
            report.samples.first { $0.family == family }?.value
        }
        XCTAssertEqual(value(.memoryUsageBytes), .unsigned(8000), "inactive file pages are not counted")
        XCTAssertEqual(value(.memoryLimitBytes), .unsigned(40000))
        XCTAssertEqual(value(.memoryUsagePercent), .real(20))
        XCTAssertEqual(value(.networkReceiveBytesTotal), .unsigned(6))
        XCTAssertEqual(value(.networkTransmitBytesTotal), .unsigned(8))
        XCTAssertEqual(value(.blockIOReadBytesTotal), .unsigned(4))
        XCTAssertEqual(value(.blockIOWriteBytesTotal), .unsigned(4))
        XCTAssertEqual(value(.processPIDs), .unsigned(3))
        XCTAssertEqual(value(.cpuSecondsTotal), .real(2.5))
        XCTAssertEqual(report.cpu?.identity, "0123456789abcdef@2026-11-27T03:56:12.5Z")
        let odd = ContainerManager.Container(
            name: "c1", inspection: try JSONParser.parse(Array(#"{"Id":"abc def","State":{}}"#.utf8)))
        XCTAssertEqual(odd.id, "c1", "an id that is not hexadecimal is not used")
        XCTAssertEqual(container.status.startedAt ?? 0, 1_795_751_772.5, accuracy: 0.001)
        // No stats still gives up (docs/differences.md#dock-4).
        let none = DockerStats.report(stats: nil, container: container, labels: [("container", "c1")]) { nil }
        XCTAssertEqual(none.samples.map(\.family), [.up])
    }

    func testRFC3339() {
        XCTAssertEqual(Timestamp.parseRFC3339("1970-01-01T00:00:00Z"), 0)
        XCTAssertEqual(
            Timestamp.parseRFC3339("2026-11-27T03:56:12.123456789Z") ?? 0, 1_795_751_772.123456789, accuracy: 1e-6)
        XCTAssertEqual(Timestamp.parseRFC3339("2026-11-27T05:56:12+02:00"), 1_795_751_772)
        XCTAssertNil(Timestamp.parseRFC3339("0001-01-01T00:00:00Z"), "Go's zero time")
        XCTAssertNil(Timestamp.parseRFC3339("yesterday"))
        XCTAssertEqual(Timestamp.rfc3339(1_795_751_772), "2026-11-27T03:56:12Z")
        XCTAssertEqual(Timestamp.rfc3339Milliseconds(1_795_751_772.0456), "2026-11-27T03:56:12.045Z")
        XCTAssertEqual(Timestamp.rfc3339Milliseconds(1_795_751_772), "2026-11-27T03:56:12.000Z")
    }

    /// `--since` as docker and journalctl users write it.
    func testSince() {
        let now = 1_795_751_772.0
        XCTAssertEqual(Timestamp.parseSince("10m", now: now), now - 600)
        XCTAssertEqual(Timestamp.parseSince("1h30m", now: now), now - 5400)
        XCTAssertEqual(Timestamp.parseSince("2d", now: now), now - 172_800)
        XCTAssertEqual(Timestamp.parseSince("250ms", now: now) ?? 0, now - 0.25, accuracy: 1e-6)
        XCTAssertEqual(Timestamp.parseSince("2026-11-27T03:56:12Z", now: now), 1_795_751_772)
        XCTAssertEqual(Timestamp.parseSince("1795751000", now: now), 1_795_751_000)
        for bad in ["", "m", "10x", "1h-5m", "-10m", "yesterday", "1e30s"] {
            XCTAssertNil(Timestamp.parseSince(bad, now: now), bad)
        }
    }

    /// The engines' log queries carry the time limits of `--since` and `--timestamps`.
    func testLogQueries() {
        let docker = DockerDialect().logs("c1", tail: "5", follow: false, since: 1_795_751_772.9, timestamps: true)
        XCTAssertEqual(
            docker.target, "/containers/c1/logs?since=1795751772&stderr=1&stdout=1&tail=5&timestamps=1")
        let podman = PodmanDialect().logs("c1", tail: nil, follow: true, since: nil, timestamps: false)
        XCTAssertEqual(podman.target, "/containers/c1/logs?follow=true&stderr=true&stdout=true")
    }

    /// libpod's stats: Podman 4's `NetInput`, Podman 5's `Network` map; an error is no stats.
    func testPodmanStatsAndWait() throws {
        let container = ContainerManager.Container(
            name: "c1",
            inspection: try JSONParser.parse(
                Array(#"{"Id":"abc","State":{"Running":true,"StartedAt":"2026-11-27T03:56:12Z"}}"#.utf8)))
        func value(_ json: String, _ family: MetricFamily) throws -> MetricSample.Value? {
            PodmanStats.report(stats: try JSONParser.parse(Array(json.utf8)), container: container, labels: []) { nil }
                .samples.first { $0.family == family }?.value
        }
        let four =
            #"{"Error":null,"Stats":[{"CPUNano":1500000000,"MemUsage":100,"MemLimit":400,"PIDs":2,"NetInput":5,"#
            + #""NetOutput":6,"BlockInput":7,"BlockOutput":8}]}"#
        XCTAssertEqual(try value(four, .cpuSecondsTotal), .real(1.5))
        XCTAssertEqual(try value(four, .memoryUsagePercent), .real(25))
        XCTAssertEqual(try value(four, .networkReceiveBytesTotal), .unsigned(5))
        XCTAssertEqual(try value(four, .blockIOWriteBytesTotal), .unsigned(8))
        XCTAssertEqual(try value(four, .processPIDs), .unsigned(2))
        let five =
            #"{"Error":null,"Stats":[{"CPUNano":1,"MemUsage":1,"#
            + #""Network":{"eth0":{"RxBytes":10,"TxBytes":20},"eth1":{"RxBytes":1,"TxBytes":2}}}]}"#
        XCTAssertEqual(try value(five, .networkReceiveBytesTotal), .unsigned(11))
        XCTAssertEqual(try value(five, .networkTransmitBytesTotal), .unsigned(22))
        XCTAssertNil(try value(#"{"Error":{"cause":"no such container"},"Stats":null}"#, .memoryUsageBytes))
        XCTAssertEqual(try value(#"{"Error":{"cause":"x"}}"#, .up), .unsigned(1), "no stats still gives up")
        let head = HTTPResponseHead(status: 200, reason: "OK", headers: HTTPHeaders())
        XCTAssertEqual(PodmanDialect().exitStatus(ofWait: HTTPResponse(head: head, body: Array("3\n".utf8))), 3)
        XCTAssertEqual(
            PodmanDialect().exitStatus(ofWait: HTTPResponse(head: head, body: Array(#"{"StatusCode":4}"#.utf8))), 4)
        XCTAssertNil(PodmanDialect().exitStatus(ofWait: HTTPResponse(head: head, body: Array("nonsense".utf8))))
        XCTAssertEqual(
            PodmanDialect.socket(options: ["socket_path": "/custom/podman.sock"]), "unix:///custom/podman.sock")
        XCTAssertEqual(
            PodmanDialect.socket(options: ["socket_path": "unix:///custom/podman.sock"]), "unix:///custom/podman.sock")
        XCTAssertEqual(PodmanDialect.socket(options: [:], uid: 0), "unix:///run/podman/podman.sock")
    }
}
