import PMSystem

/// Which server a session, unit, container or process belongs to. Names are not enough: the
/// 20-character XID keeps 96 of a uuid's 128 bits, so two records can share a name, and a tool
/// must never act on another server's game. The owner is written where the backend can hold it
/// (a tmux session option, the unit's and the game's environment, container labels) and
/// checked before a verb touches anything.
package struct ServerOwner: Equatable {
    /// The panel's server id (0 when the record has none).
    package let id: Int
    package let uuid: String

    package init(id: Int, uuid: String) {
        self.id = id
        self.uuid = uuid
    }

    /// `<id>/<uuid>`: one word of letters, digits and `-._{}:/`, safe in an environment line,
    /// a unit file and a tmux option. A uuid with other characters is replaced by
    /// `sha256-` and the first 32 hex digits of its digest.
    package var token: String {
        let safe = uuid.utf8.allSatisfy { byte in
            ASCII.isLetter(byte) || ASCII.isDigit(byte) || "-._{}:".utf8.contains(byte)
        }
        let text = safe ? uuid : "sha256-" + String(SHA256.hexDigest(Array(uuid.utf8)).prefix(32))
        return "\(id)/\(text)"
    }

    /// `server 8` for a token, as messages name the other server; `server <uuid>` without an id.
    package static func label(ofToken token: String) -> String {
        let parts = token.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        if let id = parts.first, id != "0", !id.isEmpty { return "server \(id)" }
        return parts.count > 1 ? "server \(parts[1])" : "another server"
    }

    /// The error for a name that `token` owns: exit status 1, nothing touched.
    package static func conflict(_ what: String, ownedBy token: String, not server: Server) -> OwnershipConflict {
        OwnershipConflict(what: what, owner: label(ofToken: token), server: server.label)
    }
}
