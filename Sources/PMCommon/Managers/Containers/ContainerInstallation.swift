#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the container managers share of the installation flow (`containers.md` §1.13): the
/// script in the server directory, the program that runs it, and the ownership afterwards.
/// Fixed (§9 item 16): a shebang's interpreter runs with its own arguments (`#!/bin/bash -ex`,
/// `#!/usr/bin/env -S bash -e`), and `-e` is added only for the shells pm chooses.
enum ContainerInstallation {
    /// Where the server directory is mounted in the installation container.
    static let mountPoint = "/mnt/server"
    static let scriptName = ".gameap_install.sh"

    /// The installation container's command.
    static func command(script: String, entrypoint: String?) -> [String] {
        let path = mountPoint + "/" + scriptName
        if let entrypoint, !entrypoint.isEmpty {
            return [entrypoint.hasPrefix("/") ? entrypoint : "/bin/" + entrypoint, "-e", path]
        }
        if let interpreter = shebang(script) { return interpreter + [path] }
        return ["/bin/sh", "-e", path]
    }

    /// The words of a `#!` first line; nil without one.
    static func shebang(_ script: String) -> [String]? {
        guard script.hasPrefix("#!") else { return nil }
        let line = script.utf8.dropFirst(2).prefix { $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\r") }
        let words = line.split(whereSeparator: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }).map { String(decoding: $0, as: UTF8.self) }
        guard let first = words.first, first.hasPrefix("/") else { return nil }
        return words
    }

    /// Writes the script into the server directory (created if missing) and returns its path.
    static func writeScript(_ script: String, _ server: Server, _ context: VerbContext) throws -> String {
        let path = Path.join(server.workDirectory, scriptName)
        try GeneratedFiles(context: context, masker: server.masker).write(path, normalizedScript(script), mode: 0o755, what: "installation script")
        return path
    }

    /// The script with CR LF and lone CR turned into LF.
    static func normalizedScript(_ script: String) -> String {
        var out: [UInt8] = []
        let bytes = Array(script.utf8)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\r") {
                out.append(UInt8(ascii: "\n"))
                if index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "\n") { index += 1 }
            } else {
                out.append(bytes[index])
            }
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// After a successful installation everything in the server directory belongs to the
    /// server's user (links are changed, never followed).
    static func chown(_ server: Server, _ context: VerbContext) throws -> String {
        guard let account = server.account ?? Account.current else { return "" }
        if let plan = context.executor.plan {
            plan.write("chown -R \(account.uid):\(account.gid) \(ShellWords.quote(server.workDirectory))\n")
            return ""
        }
        guard Account.canSwitchUser || account.uid == geteuid() else { return "" }
        do {
            try OwnershipTree.change(server.workDirectory, uid: account.uid, gid: account.gid)
        } catch let error as SystemError {
            throw ManagerError.failure("failed to change ownership of installed files: \(error)")
        }
        return "\(account.uid):\(account.gid)"
    }
}
