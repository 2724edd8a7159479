/// The environment every game the tools start carries (and so every process it starts, unless
/// that process clears its environment), so that the server's processes can be found in `/proc`
/// again, those that left the game's process tree included (`setsid` daemons, `nohup`
/// children): `GAMEAP_PM_SERVER` holds the session, unit or container name, `GAMEAP_PM_OWNER`
/// the server's owner token (`ServerOwner`), since two servers can share a name.
public struct ServerMarker: Equatable {
    public static let nameVariable = "GAMEAP_PM_SERVER"
    public static let ownerVariable = "GAMEAP_PM_OWNER"

    public let name: String
    public let owner: String

    public init(name: String, owner: String) {
        self.name = name
        self.owner = owner
    }

    public var environment: [EnvironmentEntry] {
        [EnvironmentEntry(Self.nameVariable, name), EnvironmentEntry(Self.ownerVariable, owner)]
    }

    /// What an environment (`/proc/<pid>/environ`) says of its process.
    enum Match: Equatable {
        /// A process of this server; one without an owner was started before owners were
        /// written, and counts as this server's.
        case mine
        /// A process under this server's name that belongs to another server.
        case other
        case unmarked
    }

    func match(environment bytes: [UInt8]) -> Match {
        let namePrefix = Array((Self.nameVariable + "=").utf8), ownerPrefix = Array((Self.ownerVariable + "=").utf8)
        var name: ArraySlice<UInt8>?
        var owner: ArraySlice<UInt8>?
        for entry in bytes.split(separator: 0, omittingEmptySubsequences: true) {
            if entry.starts(with: namePrefix) { name = entry.dropFirst(namePrefix.count) }
            if entry.starts(with: ownerPrefix) { owner = entry.dropFirst(ownerPrefix.count) }
        }
        guard let name, name.elementsEqual(self.name.utf8) else { return .unmarked }
        guard let owner, !owner.elementsEqual(self.owner.utf8) else { return .mine }
        return .other
    }
}
