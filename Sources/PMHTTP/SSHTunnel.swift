import PMSystem

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reaches a remote engine the way the Docker CLI does for `ssh://` hosts: runs
/// `ssh … [user@]host docker system dial-stdio` (found through PATH) and speaks HTTP over the
/// program's standard input and output. Those are one end of a socket pair, so half-close and
/// cancellation work as on any socket. ssh runs in batch mode: a key or agent must log in,
/// since a password prompt would hang an unattended tool.
struct SSHTunnel: Equatable {
    let user: String?
    let host: String
    let port: Int?

    /// The argv: `ssh -o ConnectTimeout=10 -o BatchMode=yes -T [-p port] -- [user@]host docker system dial-stdio`.
    func arguments(connectTimeout: Double) -> [String] {
        let seconds = max(1, Int(min(connectTimeout, 3600).rounded(.up)))
        var arguments = ["ssh", "-o", "ConnectTimeout=\(seconds)", "-o", "BatchMode=yes", "-T"]
        if let port { arguments += ["-p", String(port)] }
        arguments += ["--", user.map { "\($0)@\(host)" } ?? host]
        return arguments + ["docker", "system", "dial-stdio"]
    }

    func open(endpoint: String, connectTimeout: Double) throws -> SocketConnection {
        guard let (ours, theirs) = Sockets.pair() else {
            throw HTTPError.io(endpoint: endpoint, operation: "create a socket pair for", code: errno)
        }
        defer { Sockets.close(theirs) }
        let errors = FileSystem.temporaryFile()
        guard errors >= 0 else {
            Sockets.close(ours)
            throw HTTPError.io(endpoint: endpoint, operation: "create a temporary file for", code: errno)
        }
        do {
            let pid = try ProcessLauncher().launchConnected(
                arguments(connectTimeout: connectTimeout), stream: theirs, errors: errors)
            return SocketConnection(
                descriptor: ours, endpoint: endpoint, tunnel: TunnelProcess(pid: pid, errors: errors))
        } catch {
            Sockets.close(ours)
            Sockets.close(errors)
            if case CommandError.notFound = error {
                throw HTTPError.sshFailed(
                    endpoint: endpoint, reason: "ssh was not found in PATH; install the OpenSSH client")
            }
            throw HTTPError.sshFailed(endpoint: endpoint, reason: "\(error)")
        }
    }
}
