/// The process managers by the names users give with `-m` (`systemd-windows.md` §5).
public enum ManagerRegistry {
    /// Every manager name of the reference.
    public static let knownNames = ["tmux", "systemd", "simple", "docker", "podman", "winsw", "shawl"]

    /// The manager `name`, set up with the configuration's `process_manager.config` options.
    public static func manager(named name: String, options: [String: String] = [:]) throws -> ProcessManager {
        switch name {
        case "simple": return SimpleManager()
        case "tmux": return TmuxManager()
        case "systemd": return try SystemdManager(options: options)
        case "docker": return try ContainerManager.docker(options: options)
        case "podman": return try ContainerManager.podman(options: options)
        case "winsw": return WinSWManager()
        case "shawl": return ShawlManager()
        case _ where knownNames.contains(name):
            throw ManagerError.invalid("the \(name) manager is not available in this version of pm yet (available: simple, tmux, systemd, docker, podman, winsw, shawl)")
        default:
            throw ManagerError.invalid("unknown process manager \"\(name)\" (known: \(knownNames.joined(separator: ", ")))")
        }
    }
}
