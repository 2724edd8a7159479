import PMCore
import PMHTTP
import PMSystem

/// A container setting that cannot be used: a `docker_*` setting, the record's `server_ip`, or
/// the engine's address or timeout in `process_manager.config`. Nothing was done (exit status 2).
/// Values are quoted shortened.
enum ContainerSettingError: ToolError {
    /// `docker_image` is not an image reference.
    case image(String, ImageProblem)
    case volume(entry: String, VolumeProblem)
    /// A `docker_volumes` target that is mounted twice or is `/`; the server directory is at `workdir`.
    case volumeTarget(String, workdir: String)
    case containerName(String)
    case capability(String)
    case dns(String)
    case workdir(String)
    case memoryLimit(String)
    case cpuLimit(String)
    case serverIP(String)
    case engineTimeout(String)
    /// The engine's address or API version (`host`, `api_version`, `DOCKER_HOST`, `socket_path`).
    case engine(HTTPError)

    /// What is wrong with an image reference.
    enum ImageProblem: String {
        case emptyOrTooLong = "it is empty or too long"
        case digest = "bad digest"
        case tag = "bad tag"
        case registry = "bad registry"
        case repository = "repository names are lower-case letters and digits, joined by . _ -"
    }

    /// What is wrong with a `docker_volumes` entry; `source` is the host path it mounts.
    enum VolumeProblem: CustomStringConvertible {
        case notSourceAndTarget
        case mode
        case controlCharacter
        /// An absolute source outside the server directory and `ContainerMount.allowListKey`.
        case outsideAllowed(source: String)
        /// A relative source that leads out of the server directory.
        case leavesServerDirectory
        case missing(source: String)
        /// The source resolves (`real`) outside the allowed directories.
        case linkOutside(real: String)
        /// Another user than root could put a link in the source's place.
        case replaceable(source: String)

        var description: String {
            let allowList = "process_manager.config.\(ContainerMount.allowListKey)"
            switch self {
            case .notSourceAndTarget: return "is not SOURCE:/TARGET[:ro]"
            case .mode: return "has a mode other than ro or rw"
            case .controlCharacter: return "contains a control character"
            case .outsideAllowed(let source):
                return "mounts \(source), which is outside the server directory and the directories allowed by "
                    + allowList
            case .leavesServerDirectory: return "leaves the server directory"
            case .missing(let source): return "mounts \(source), which does not exist"
            case .linkOutside(let real): return "is a symbolic link to \(real), outside the allowed directories"
            case .replaceable(let source):
                return "mounts \(source), which another user could replace with a link before the engine mounts it; "
                    + "mount a directory of root's listed in \(allowList)"
            }
        }
    }

    var exitStatus: ExitStatus { .invalid }

    var description: String {
        switch self {
        case .image(let reference, let problem):
            return "the image \"\(reference.prefix(80))\" is not a valid reference: \(problem.rawValue)"
        case .volume(let entry, let problem): return "docker_volumes: \"\(entry.prefix(80))\" \(problem)"
        case .volumeTarget(let target, let workdir):
            return "docker_volumes: \(target) is mounted twice (the server directory is at \(workdir)), or is /"
        case .containerName(let value):
            return "docker_container_name must be letters, digits, '_', '.' and '-', not \"\(value.prefix(40))\""
        case .capability(let name): return "docker_capabilities: \"\(name.prefix(40))\" is not a capability name"
        case .dns(let address): return "docker_dns: \"\(address.prefix(40))\" is not an IP address"
        case .workdir(let value):
            return "docker_workdir must be an absolute path inside the container other than /, not "
                + "\"\(value.prefix(40))\""
        case .memoryLimit(let text):
            return "docker_memory_limit must be a size of at least 6m, such as 512m or 2g, not \"\(text.prefix(40))\""
        case .cpuLimit(let text):
            return "docker_cpu_limit must be a number of cores such as 1.5, not \"\(text.prefix(40))\""
        case .serverIP(let ip):
            return "server_ip \"\(ip.prefix(60))\" is not an IP address, so its ports cannot be published on it"
        case .engineTimeout(let text):
            return "process_manager.config \(ContainerManager.timeoutKey) must be a number of seconds, not "
                + "\"\(text.prefix(40))\""
        case .engine(let error): return "\(error)"
        }
    }
}
