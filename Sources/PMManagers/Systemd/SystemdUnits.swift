import PMCore
import PMHTTP
import PMSystem

/// The names and files of one server's units: the service and its
/// console socket, `gameap-server-<name>.service` / `.socket` in the scope's units directory,
/// with the log and the console FIFO in `<work path>/.systemd-services`. The reference's
/// legacy names (the raw uuid instead of the XID) are still found.
package struct SystemdUnits {
    package static let servicesDirectoryName = ".systemd-services"

    package let service: String
    package let socket: String
    package let serviceFile: String
    package let socketFile: String
    package let log: String
    package let fifo: String
    /// The names of the log and the FIFO in the services directory.
    package let logName: String
    package let fifoName: String
    private let workPath: String

    /// The files under the server's current name.
    package init(name: String, scope: SystemdScope, workPath: String) {
        service = "gameap-server-\(name).service"
        socket = "gameap-server-\(name).socket"
        serviceFile = Path.join(scope.unitsDirectory, service)
        socketFile = Path.join(scope.unitsDirectory, socket)
        let directory = Self.servicesDirectory(workPath: workPath)
        logName = "\(name).log"
        fifoName = "\(name).stdin"
        log = Path.join(directory, logName)
        fifo = Path.join(directory, fifoName)
        self.workPath = workPath
    }

    /// `<work path>/.systemd-services`, opened without following a link, and refused unless root
    /// or the tool's user owns it and nobody else may write it: the logs and FIFOs that root
    /// creates, reads, writes and removes there must be the ones it made, whoever may write the
    /// work path. Created (mode 0755) when missing and `creating` says so.
    package func servicesDirectory(creating: Bool) throws -> DirectoryHandle {
        let directory = try DirectoryHandle.configured(workPath.isEmpty ? "/" : workPath)
            .subdirectory(Self.servicesDirectoryName, creating: creating ? 0o755 : nil)
        try directory.requirePrivate()
        return directory
    }

    /// `<work path>/.systemd-services`, cleaned (the reference concatenated strings: docs/differences.md#sd-19).
    package static func servicesDirectory(workPath: String) -> String {
        Path.join(workPath.isEmpty ? "/" : workPath, servicesDirectoryName)
    }

    /// The server's units: the current names, or the legacy ones when only their service file
    /// exists (the reference's "resolved" names).
    package static func resolved(_ server: Server, scope: SystemdScope) -> SystemdUnits {
        let current = SystemdUnits(name: server.name, scope: scope, workPath: server.config.workPath)
        guard let legacy = legacy(server, scope: scope), !FileSystem.exists(current.serviceFile),
            FileSystem.exists(legacy.serviceFile)
        else { return current }
        return legacy
    }

    /// The units under the raw uuid, when that differs from the name and is a valid unit name.
    package static func legacy(_ server: Server, scope: SystemdScope) -> SystemdUnits? {
        let uuid = server.legacyName
        let bytes = Array(uuid.utf8)
        guard !bytes.isEmpty, uuid != server.name, bytes.count <= 200, bytes.first != UInt8(ascii: "."),
            bytes.allSatisfy({
                ASCII.isLetter($0) || ASCII.isDigit($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_")
                    || $0 == UInt8(ascii: ".")
            })
        else { return nil }
        return SystemdUnits(name: uuid, scope: scope, workPath: server.config.workPath)
    }
}
