import PMCore
import PMHTTP
import PMSystem

/// The libpod SpecGenerator body of `POST /libpod/containers/create`,
/// with the same labels as Docker's.
enum PodmanSpec {
    static func runtime(
        _ server: Server, _ settings: ContainerSettings, name: String, command: [String], user: String
    ) throws -> JSONValue {
        let ports = try ContainerPorts(server.record)
        var members: [(key: String, value: JSONValue)] = [
            ("name", .string(name)), ("image", .string(settings.image.name)), ("hostname", .string(name)),
            ("work_dir", .string(settings.workdir)), ("env", environment(server)),
            ("command", .array(command.map(JSONValue.string))),
            ("user", .string(user)), ("stdin", .bool(true)), ("terminal", .bool(false)),
            ("labels", DockerContainerSpec.labels(server)),
            (
                "mounts",
                .array(
                    ([ContainerMount(source: server.workDirectory, target: settings.workdir)] + settings.volumes).map(
                        mount))
            ),
            (
                "portmappings",
                .array(
                    ports.bindings.map { binding in
                        var mapping: [(key: String, value: JSONValue)] = []
                        if !ports.hostIP.isEmpty { mapping.append(("host_ip", .string(ports.hostIP))) }
                        mapping += [
                            ("host_port", .number(String(binding.port))),
                            ("container_port", .number(String(binding.port))),
                            ("protocol", .string(binding.proto))
                        ]
                        return .object(JSONObject(mapping))
                    })
            )
        ]
        let policy = try RestartPolicy.of(server)
        if policy.mode != .no {
            members.append(("restart_policy", .string(policy.mode.rawValue)))
            if policy.mode == .onFailure { members.append(("restart_tries", .number(String(policy.limit)))) }
        }
        var limits: [(key: String, value: JSONValue)] = []
        if let memory = settings.memoryLimit {
            limits.append(("memory", .object(JSONObject([("limit", .number(String(memory)))]))))
        }
        if let cpu = settings.cpuLimit {
            limits.append(
                ("cpu", .object(JSONObject([("period", .number("100000")), ("quota", .number(String(cpu * 100)))]))))
        }
        if !limits.isEmpty { members.append(("resource_limits", .object(JSONObject(limits)))) }
        if !settings.capabilities.isEmpty {
            members.append(("cap_add", .array(settings.capabilities.map(JSONValue.string))))
        }
        if settings.privileged { members.append(("privileged", .bool(true))) }
        if !settings.dns.isEmpty { members.append(("dns_server", .array(settings.dns.map(JSONValue.string)))) }
        if settings.hostNetwork { members.append(("netns", .object(JSONObject([("nsmode", .string("host"))])))) }
        return .object(JSONObject(members))
    }

    static func installation(
        _ server: Server, name: String, image: String, command: [String], script: ContainerMount, user: String
    ) -> JSONValue {
        .object(
            JSONObject([
                ("name", .string(name)), ("image", .string(image)),
                ("work_dir", .string(ContainerInstallation.mountPoint)),
                ("command", .array(command.map(JSONValue.string))), ("env", environment(server)),
                ("user", .string(user)),
                ("labels", DockerContainerSpec.labels(server)),
                (
                    "mounts",
                    .array([
                        mount(ContainerMount(source: server.workDirectory, target: ContainerInstallation.mountPoint)),
                        mount(script)
                    ])
                )
            ]))
    }

    static func environment(_ server: Server) -> JSONValue {
        .object(JSONObject(server.environment.map { ($0.name, JSONValue.string($0.value)) }))
    }

    static func mount(_ mount: ContainerMount) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("source", .string(mount.source)), ("destination", .string(mount.target)),
            ("type", .string("bind"))
        ]
        if mount.readOnly { members.append(("options", .array([.string("ro")]))) }
        return .object(JSONObject(members))
    }
}
