import PMCore
import PMHTTP
import PMSystem

/// A WinSW 3 service definition, the reference's XML byte for byte: Go's
/// `MarshalIndent` with two-space indents, no declaration, no final newline, empty elements
/// written as `<x></x>`, elements in the reference's order. Two differences, each with a switch:
/// `<startmode>Manual</startmode>` unless the start mode is `auto` (docs/differences.md#win-17), and NETWORK
/// SERVICE as the account when `use_network_service_user` is set (the reference ignores it
/// for WinSW: docs/differences.md#win-6).
struct WinSWDefinition: Equatable {
    /// The four restarts on failure, 1, 2, 5 and 5 seconds after.
    static let failureDelays = ["1 sec", "2 sec", "5 sec", "5 sec"]

    var id: String
    var program: ServiceProgram
    var workingDirectory: String
    /// Sorted by name (bytes) when rendered.
    var environment: [EnvironmentEntry]
    var account: ServiceAccount
    var startMode: ServiceStartMode

    /// The definition of `server`'s service; every check happens here, before anything runs.
    static func of(_ server: Server, manager: String) throws -> WinSWDefinition {
        WinSWDefinition(
            id: try ServiceName.of(server, manager: manager), program: try ServiceProgram.of(server),
            workingDirectory: server.workDirectory, environment: server.environment,
            account: try ServiceAccount.of(server, manager: manager), startMode: try ServiceStartMode.of(server))
    }

    /// The file's text; `maskingPassword` puts the mask in place of the password (for plans).
    func render(maskingPassword: Bool = false) -> String {
        var lines = ["<service>", element("id", id), element("name", id)]
        if startMode == .demand { lines.append(element("startmode", "Manual")) }
        lines.append(element("executable", program.executable))
        if !program.arguments.isEmpty { lines.append(element("arguments", program.commandLine)) }
        if !workingDirectory.isEmpty { lines.append(element("workingdirectory", workingDirectory)) }
        let sorted = environment.sorted { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }
        lines += sorted.map {
            "  <env name=\"\(XMLEscaping.escape($0.name))\" value=\"\(XMLEscaping.escape($0.value))\"></env>"
        }
        lines += Self.failureDelays.map { "  <onfailure action=\"restart\" delay=\"\($0)\"></onfailure>" }
        lines += [element("resetfailure", "1 hour"), element("autoRefresh", "false"), "  <log mode=\"reset\"></log>"]
        lines += accountLines(maskingPassword: maskingPassword)
        lines.append("</service>")
        return lines.joined(separator: "\n")
    }

    private func accountLines(maskingPassword: Bool) -> [String] {
        var inner = [element("username", account.name, depth: 2)]
        if let password = account.password {
            inner.append(element("password", maskingPassword ? SecretMasker.mask : password, depth: 2))
        }
        return ["  <serviceaccount>"] + inner + ["  </serviceaccount>"]
    }

    private func element(_ name: String, _ text: String, depth: Int = 1) -> String {
        String(repeating: "  ", count: depth) + "<\(name)>\(XMLEscaping.escape(text))</\(name)>"
    }
}
