import PMCore
import PMHTTP
import PMSystem

/// A bind mount of a host directory into a server's container.
package struct ContainerMount: Equatable {
    package let source: String
    package let target: String
    package let readOnly: Bool

    package init(source: String, target: String, readOnly: Bool = false) {
        self.source = source
        self.target = target
        self.readOnly = readOnly
    }

    /// The key of `process_manager.config` that lists the host directories (comma-separated)
    /// that `docker_volumes` may mount besides the work path. Only the node's configuration can
    /// set it, never a record.
    package static let allowListKey = "allowed_volumes"

    /// `docker_volumes`: a JSON array of strings, or a comma-separated list, of
    /// `SOURCE:TARGET[:ro|rw]`. A relative source is inside the server directory; the source
    /// must stay inside the server directory or an allowed directory (the reference mounted any host
    /// path a panel user wrote: docs/differences.md#dock-14), and every entry must be well formed (the
    /// reference skipped bad ones silently).
    package static func extraVolumes(_ value: String?, server: Server) throws -> [ContainerMount] {
        guard let value, !value.trimmingWhitespace.isEmpty else { return [] }
        let allowed =
            [server.workDirectory]
            + (server.config.managerOptions[allowListKey] ?? "").split(separator: ",").map {
                Path.clean(String($0).trimmingWhitespace)
            }
            .filter { $0.hasPrefix("/") }
        return try entries(value).map { try mount($0, server: server, allowed: allowed) }
    }

    static func entries(_ value: String) -> [String] {
        if case .array(let items)? = try? JSONParser.parse(Array(value.utf8)) {
            let strings = items.compactMap { item -> String? in
                if case .string(let text) = item { return text } else { return nil }
            }
            if strings.count == items.count { return strings.map(\.trimmingWhitespace).filter { !$0.isEmpty } }
        }
        return value.split(separator: ",").map { String($0).trimmingWhitespace }.filter { !$0.isEmpty }
    }

    static func mount(_ entry: String, server: Server, allowed: [String]) throws -> ContainerMount {
        let parts = entry.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        func invalid(_ problem: ContainerSettingError.VolumeProblem) -> ContainerSettingError {
            .volume(entry: entry, problem)
        }
        guard parts.count == 2 || parts.count == 3, !parts[0].isEmpty, parts[1].hasPrefix("/") else {
            throw invalid(.notSourceAndTarget)
        }
        guard parts.count == 2 || parts[2] == "ro" || parts[2] == "rw" else {
            throw invalid(.mode)
        }
        guard !entry.utf8.contains(where: { $0 < 0x20 || $0 == 0x7f }) else {
            throw invalid(.controlCharacter)
        }
        let source: String
        if parts[0].hasPrefix("/") {
            source = Path.clean(parts[0])
            guard allowed.contains(where: { Path.isInside(source, root: $0) }) else {
                throw invalid(.outsideAllowed(source: source))
            }
        } else {
            source = Path.clean(Path.join(server.workDirectory, parts[0]))
            guard Path.isInside(source, root: server.workDirectory) else {
                throw invalid(.leavesServerDirectory)
            }
        }
        guard let real = FileSystem.realPath(source) else { throw invalid(.missing(source: source)) }
        if !allowed.contains(where: { Path.isInside(real, root: FileSystem.realPath($0) ?? $0) }) {
            throw invalid(.linkOutside(real: real))
        }
        // The engine mounts the path as root, following links: no other user may be able to
        // put one there after this check (a directory inside the server directory is the game
        // user's to swap).
        guard PathGuard.onlyTrustedCanRedirect(source) == true else {
            throw invalid(.replaceable(source: source))
        }
        return ContainerMount(
            source: source, target: Path.clean(parts[1]), readOnly: parts.count == 3 && parts[2] == "ro")
    }
}
