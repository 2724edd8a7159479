import PMSystem
import PMHTTP
import PMCore

/// The name of a server's Windows service: `gameapServer<id>`, or the `-n` name as given
/// (docs/differences.md#win-20).
enum ServiceName {
    static func of(_ server: Server, manager: String) throws -> String {
        if let name = server.record.nameOverride { return name }
        guard server.record.id != 0 else {
            throw ManagerError.invalid("the \(manager) manager names services by the server id (gameapServer<id>): the record needs an id, or give the name with -n")
        }
        return "gameapServer\(server.record.id)"
    }
}
