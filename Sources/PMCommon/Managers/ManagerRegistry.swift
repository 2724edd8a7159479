/// The process managers by the names users give with `-m` (`systemd-windows.md` §5).
public enum ManagerRegistry {
    /// Every manager name of the reference.
    public static let knownNames = ["tmux", "systemd", "simple", "docker", "podman", "winsw", "shawl"]

    public static func manager(named name: String) throws -> ProcessManager {
        switch name {
        case "simple": return SimpleManager()
        case "tmux": return TmuxManager()
        case "winsw": return WinSWManager()
        case "shawl": return ShawlManager()
        case _ where knownNames.contains(name):
            throw ManagerError.invalid("the \(name) manager is not available in this version of pm yet (available: simple, tmux, winsw, shawl)")
        default:
            throw ManagerError.invalid("unknown process manager \"\(name)\" (known: \(knownNames.joined(separator: ", ")))")
        }
    }
}
