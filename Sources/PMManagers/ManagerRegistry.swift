import PMCore
import PMHTTP
import PMSystem

/// The process managers, one per `ManagerKind`.
package enum ManagerRegistry {
    /// The manager of `kind`, set up with the configuration's `process_manager.config` options.
    package static func manager(_ kind: ManagerKind, options: [String: String] = [:]) throws -> ProcessManager {
        switch kind {
        case .simple: return SimpleManager()
        case .tmux: return TmuxManager()
        case .systemd: return try SystemdManager(options: options)
        case .docker: return try ContainerManager.docker(options: options)
        case .podman: return try ContainerManager.podman(options: options)
        case .winsw: return WinSWManager()
        case .shawl: return ShawlManager()
        }
    }

    /// Why a server may not be called `name` whatever its manager (`-n`), or nil: names that a
    /// manager keeps for itself.
    package static func reservation(of name: String) -> String? {
        name == TmuxManager.helperSession ? "it names the idle session that keeps a user's tmux server alive" : nil
    }
}
