import PMCore
import PMHTTP
import PMSystem

/// The name of a server's Windows service: `gameapServer<id>`, or the `-n` name as given
/// (docs/differences.md#win-20).
enum ServiceName {
    static func of(_ server: Server, manager: String) throws -> String {
        if let name = server.record.nameOverride { return name }
        guard server.record.id != 0 else {
            throw WindowsServiceError.noServerID(manager: manager)
        }
        return "gameapServer\(server.record.id)"
    }
}
