/// The process managers, by the names users give with `-m` and `process_manager.name`.
package enum ManagerKind: String, CaseIterable, Sendable {
    case tmux, systemd, simple, docker, podman, winsw, shawl

    /// The kind `name` stands for; an unknown name is invalid input that lists the known ones.
    package init(named name: String) throws(SelectionError) {
        guard let kind = ManagerKind(rawValue: name) else { throw .unknownManager(name) }
        self = kind
    }

    /// `tmux, systemd, simple, docker, podman, winsw or shawl`, for help texts and messages.
    package static var list: String {
        let names = allCases.map(\.rawValue)
        return names.dropLast().joined(separator: ", ") + " or " + (names.last ?? "")
    }

    /// Whether the manager runs on Windows only (its plans still print elsewhere).
    package var isWindowsOnly: Bool { self == .winsw || self == .shawl }
}
