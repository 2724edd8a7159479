import PMCore
import PMHTTP
import PMSystem

/// The body of Docker's `POST /containers/create` for a server, and
/// for its installation container. Besides the reference's fields it carries
/// labels naming the server, so `docker ps` tells which server a container is.
struct DockerContainerSpec {
    static let idLabel = "gameap.server.id"
    static let uuidLabel = "gameap.server.uuid"

    /// The runtime container.
    static func runtime(
        _ server: Server, _ settings: ContainerSettings, name: String, command: [String], user: String
    ) throws -> JSONValue {
        let ports = try ContainerPorts(server.record)
        var host: [(key: String, value: JSONValue)] = [
            (
                "Mounts",
                .array(
                    ([ContainerMount(source: server.workDirectory, target: settings.workdir)] + settings.volumes).map(
                        mount))
            ),
            ("RestartPolicy", try restartPolicy(server)),
            (
                "PortBindings",
                object(
                    ports.bindings.map { binding in
                        (
                            binding.key,
                            .array([
                                object([("HostIp", .string(ports.hostIP)), ("HostPort", .string(String(binding.port)))])
                            ])
                        )
                    })
            )
        ]
        if let memory = settings.memoryLimit { host.append(("Memory", .number(String(memory)))) }
        if let cpu = settings.cpuLimit { host.append(("NanoCpus", .number(String(cpu * 1_000_000)))) }
        if !settings.capabilities.isEmpty {
            host.append(("CapAdd", .array(settings.capabilities.map(JSONValue.string))))
        }
        if settings.privileged { host.append(("Privileged", .bool(true))) }
        if !settings.dns.isEmpty { host.append(("Dns", .array(settings.dns.map(JSONValue.string)))) }
        if settings.hostNetwork { host.append(("NetworkMode", .string("host"))) }
        return object([
            ("Hostname", .string(name)),
            ("User", .string(user)),
            ("Env", environment(server)),
            ("Cmd", .array(command.map(JSONValue.string))),
            ("Image", .string(settings.image.name)),
            ("WorkingDir", .string(settings.workdir)),
            ("OpenStdin", .bool(true)), ("StdinOnce", .bool(false)), ("Tty", .bool(false)),
            ("AttachStdin", .bool(false)), ("AttachStdout", .bool(false)), ("AttachStderr", .bool(false)),
            ("ExposedPorts", object(ports.bindings.map { ($0.key, object([])) })),
            ("Labels", labels(server)),
            ("HostConfig", object(host))
        ])
    }

    /// The reference's `no`, unless the server's `restart_policy` says otherwise; `on-failure`
    /// retries `restart_limit` times (the engine's own delay: docs/differences.md#life-19).
    static func restartPolicy(_ server: Server) throws -> JSONValue {
        let policy = try RestartPolicy.of(server)
        let retries = policy.mode == .onFailure ? policy.limit : 0
        return object([("Name", .string(policy.mode.rawValue)), ("MaximumRetryCount", .number(String(retries)))])
    }

    /// The installation container: the script in the server directory mounted at /mnt/server.
    static func installation(
        _ server: Server, image: String, command: [String], script: ContainerMount, user: String
    ) -> JSONValue {
        object([
            ("Image", .string(image)),
            ("WorkingDir", .string(ContainerInstallation.mountPoint)),
            ("Cmd", .array(command.map(JSONValue.string))),
            ("Env", environment(server)),
            ("User", .string(user)),
            ("Labels", labels(server)),
            (
                "HostConfig",
                object([
                    (
                        "Mounts",
                        .array([
                            mount(
                                ContainerMount(source: server.workDirectory, target: ContainerInstallation.mountPoint)),
                            mount(script)
                        ])
                    )
                ])
            )
        ])
    }

    /// `KEY=value` for every variable (names that normalise to nothing are already dropped).
    static func environment(_ server: Server) -> JSONValue {
        .array(server.environment.map { .string("\($0.name)=\($0.value)") })
    }

    static func labels(_ server: Server) -> JSONValue {
        object([(idLabel, .string(String(server.record.id))), (uuidLabel, .string(server.record.uuid))])
    }

    static func mount(_ mount: ContainerMount) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("Type", .string("bind")), ("Source", .string(mount.source)), ("Target", .string(mount.target))
        ]
        if mount.readOnly { members.append(("ReadOnly", .bool(true))) }
        return object(members)
    }

    static func object(_ members: [(key: String, value: JSONValue)]) -> JSONValue {
        .object(JSONObject(members))
    }
}
