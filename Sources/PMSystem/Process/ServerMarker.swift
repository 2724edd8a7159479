/// The environment every game the tools start carries (and so every process it starts, unless
/// that process clears its environment), so that the server's processes can be found in `/proc`
/// again, those that left the game's process tree included (`setsid` daemons, `nohup`
/// children): `GAMEAP_PM_SERVER` holds the session, unit or container name, `GAMEAP_PM_OWNER`
/// the server's owner token (`ServerOwner`), since two servers can share a name.
package struct ServerMarker: Equatable {
    package static let nameVariable = "GAMEAP_PM_SERVER"
    package static let ownerVariable = "GAMEAP_PM_OWNER"
    /// Set (to what it does, `console-log`) on a helper of the tools that serves the server,
    /// not part of the game: a stop ends it after the game, so that it sees the game's last
    /// output.
    package static let helperVariable = "GAMEAP_PM_HELPER"

    package let name: String
    package let owner: String

    package init(name: String, owner: String) {
        self.name = name
        self.owner = owner
    }

    package var environment: [EnvironmentEntry] {
        [EnvironmentEntry(Self.nameVariable, name), EnvironmentEntry(Self.ownerVariable, owner)]
    }

    /// What a process's marker says of it.
    package enum Match: Equatable {
        /// A process of this server; one without an owner was started before owners were
        /// written, and counts as this server's.
        case mine
        /// A process under this server's name that belongs to another server.
        case other
        case unmarked
    }

    package func match(name: String?, owner: String?) -> Match {
        guard let name, name == self.name else { return .unmarked }
        guard let owner, owner != self.owner else { return .mine }
        return .other
    }

    package func match(environment bytes: [UInt8]) -> Match {
        let found = Self.found(in: bytes)
        return match(name: found?.name, owner: found?.owner)
    }

    /// The marker in an environment (`/proc/<pid>/environ`: NUL-separated), nil without one.
    package static func found(in environment: [UInt8]) -> (name: String, owner: String?, helper: String?)? {
        let namePrefix = Array((nameVariable + "=").utf8)
        let ownerPrefix = Array((ownerVariable + "=").utf8)
        let helperPrefix = Array((helperVariable + "=").utf8)
        var name: String?
        var owner: String?
        var helper: String?
        for entry in environment.split(separator: 0, omittingEmptySubsequences: true) {
            if entry.starts(with: namePrefix) {
                name = String(decoding: entry.dropFirst(namePrefix.count), as: UTF8.self)
            }
            if entry.starts(with: ownerPrefix) {
                owner = String(decoding: entry.dropFirst(ownerPrefix.count), as: UTF8.self)
            }
            if entry.starts(with: helperPrefix) {
                helper = String(decoding: entry.dropFirst(helperPrefix.count), as: UTF8.self)
            }
        }
        return name.map { ($0, owner, helper) }
    }
}
