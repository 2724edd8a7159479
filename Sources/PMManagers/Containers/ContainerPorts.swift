import PMCore
import PMHTTP
import PMSystem

/// The port bindings of a server's container: the connect port over
/// TCP and UDP, the query port over UDP and the rcon port over TCP when they differ from it,
/// each published on the server's IP under the same number. Fixed (docs/differences.md#dock-10): an IP that is
/// not an address is refused (the reference silently published on every interface), and a
/// port of 0 is not published.
package struct ContainerPorts: Equatable {
    package struct Binding: Equatable {
        package let port: Int
        package let proto: String
        package var key: String { "\(port)/\(proto)" }
    }

    /// The host address, or empty for every interface (a record without an IP).
    package let hostIP: String
    package let bindings: [Binding]

    package init(_ record: ServerRecord) throws {
        let ip = record.ip.trimmingWhitespace
        guard ip.isEmpty || IPAddress.isValid(ip) else {
            throw ContainerSettingError.serverIP(ip)
        }
        hostIP = ip
        var bindings: [Binding] = []
        let connect = record.port
        let query = record.effectiveQueryPort
        let rcon = record.effectiveRconPort
        if connect > 0 { bindings += [Binding(port: connect, proto: "tcp"), Binding(port: connect, proto: "udp")] }
        if query > 0 && query != connect { bindings.append(Binding(port: query, proto: "udp")) }
        if rcon > 0 && rcon != connect { bindings.append(Binding(port: rcon, proto: "tcp")) }
        self.bindings = bindings
    }
}
