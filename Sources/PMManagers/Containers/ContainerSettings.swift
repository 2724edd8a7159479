import PMCore
import PMHTTP
import PMSystem

/// The `docker_*` settings of one server, read with the reference's
/// priority (vars, game mod metadata, game metadata, `process_manager.config` without the
/// `docker_` prefix) and checked before anything is sent to an engine. Shared by the docker and
/// podman managers. Fixes, on purpose (ids of rows in docs/differences.md): capabilities and
/// DNS entries are trimmed (DOCK-7), a `..` or an absolute volume source outside the work path
/// and the configured allow-list is refused (DOCK-14), the keys that give a container power
/// over the host (`docker_privileged`, `docker_capabilities`, `docker_network_mode`) are read
/// from the game's and the mod's metadata and `process_manager.config` only, never from the
/// server's own vars and settings (DOCK-26), `container_name` counts only per server, never
/// from `process_manager.config` (DOCK-15), and `docker_memory_limit` / `docker_cpu_limit`
/// work (DOCK-16).
package struct ContainerSettings {
    package static let defaultImage = "docker.io/gameap/debian"
    package static let defaultWorkdir = "/server"
    /// Seconds a whole pull may take (setting `pull_timeout`); without progress for the
    /// engine's timeout it fails sooner.
    package static let defaultPullTimeout = 1800.0

    package let image: ImageReference
    package let installationImage: String?
    package let installationScript: String?
    package let installationEntrypoint: String?
    package let installationUser: String
    package let hostNetwork: Bool
    /// The container's name, when the server sets `docker_container_name`.
    package let containerName: String?
    package let capabilities: [String]
    package let privileged: Bool
    package let volumes: [ContainerMount]
    package let dns: [String]
    package let workdir: String
    /// Bytes, from the panel's `ram_limit`, else `docker_memory_limit`.
    package let memoryLimit: Int?
    /// Millicores, from the panel's `cpu_limit`, else `docker_cpu_limit` (cores).
    package let cpuLimit: Int?
    package let pullTimeout: Double

    package init(_ server: Server) throws {
        let settings = server.settings
        image = try ImageReference(settings.value(.dockerImage) ?? Self.defaultImage)
        pullTimeout = try settings.seconds(.pullTimeout) ?? Self.defaultPullTimeout
        installationImage = settings.value(.dockerInstallationImage)
        installationScript = settings.value(.dockerInstallationScript)
        installationEntrypoint = settings.value(.dockerInstallationEntrypoint)
        installationUser = settings.value(.dockerInstallationUser) ?? ""
        hostNetwork = settings.trustedValue(.dockerNetworkMode) == "host"
        containerName = try Self.containerName(settings.value(.dockerContainerName, includingOptions: false))
        capabilities = try Self.capabilities(settings.trustedValue(.dockerCapabilities))
        privileged = settings.trustedValue(.dockerPrivileged) == "true"
        dns = try Self.dns(settings.value(.dockerDNS))
        workdir = try Self.workdir(settings.value(.dockerWorkdir) ?? Self.defaultWorkdir)
        volumes = try ContainerMount.extraVolumes(settings.value(.dockerVolumes), server: server)
        var targets: Set<String> = [workdir]
        for volume in volumes where !targets.insert(volume.target).inserted || volume.target == "/" {
            throw ContainerSettingError.volumeTarget(volume.target, workdir: workdir)
        }
        memoryLimit =
            try server.record.ramLimit.flatMap { $0 > 0 ? $0 : nil }
            ?? settings.value(.dockerMemoryLimit).map(Self.bytes)
        cpuLimit =
            try server.record.cpuLimit.flatMap { $0 > 0 ? $0 : nil }
            ?? settings.value(.dockerCPULimit).map(Self.millicores)
    }

    /// Both installation keys set: the engine installs the server (`HasOwnInstallation`).
    package var hasOwnInstallation: Bool { installationImage != nil && installationScript != nil }

    static func containerName(_ value: String?) throws -> String? {
        guard let value else { return nil }
        let bytes = Array(value.utf8)
        guard (1...128).contains(bytes.count), ASCII.isLetter(bytes[0]) || ASCII.isDigit(bytes[0]),
            bytes.allSatisfy({
                ASCII.isLetter($0) || ASCII.isDigit($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".")
                    || $0 == UInt8(ascii: "-")
            })
        else {
            throw ContainerSettingError.containerName(value)
        }
        return value
    }

    /// `NET_ADMIN, sys_nice` → `CAP_NET_ADMIN`, `CAP_SYS_NICE` (what the Docker client sends).
    static func capabilities(_ value: String?) throws -> [String] {
        var result: [String] = []
        for entry in (value ?? "").split(separator: ",") {
            let name = String(entry).trimmingWhitespace.uppercased()
            guard !name.isEmpty else { continue }
            guard name.utf8.allSatisfy({ ASCII.isLetter($0) || ASCII.isDigit($0) || $0 == UInt8(ascii: "_") }) else {
                throw ContainerSettingError.capability(name)
            }
            let capability = name == "ALL" || name.hasPrefix("CAP_") ? name : "CAP_" + name
            if !result.contains(capability) { result.append(capability) }
        }
        return result.sorted()
    }

    static func dns(_ value: String?) throws -> [String] {
        try (value ?? "").split(separator: ",").compactMap { entry in
            let address = String(entry).trimmingWhitespace
            guard !address.isEmpty else { return nil }
            guard IPAddress.isValid(address) else {
                throw ContainerSettingError.dns(address)
            }
            return address
        }
    }

    static func workdir(_ value: String) throws -> String {
        let path = Path.clean(value)
        guard path.hasPrefix("/"), path != "/",
            !path.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ",") })
        else {
            throw ContainerSettingError.workdir(value)
        }
        return path
    }

    /// `2g`, `512m`, `1024k`, `1073741824` (bytes; `b` allowed), as `docker run --memory` reads them.
    static func bytes(_ text: String) throws -> Int {
        guard let size = ByteSize.parse(text), size >= 6 << 20 else {
            throw ContainerSettingError.memoryLimit(text)
        }
        return size
    }

    /// `2.0` cores → 2000 millicores, as `docker run --cpus` reads it.
    static func millicores(_ text: String) throws -> Int {
        guard let cores = DecimalNumber.parse(text.trimmingWhitespace), cores.isFinite, cores >= 0.001, cores <= 100_000
        else {
            throw ContainerSettingError.cpuLimit(text)
        }
        return Int((cores * 1000).rounded())
    }
}
