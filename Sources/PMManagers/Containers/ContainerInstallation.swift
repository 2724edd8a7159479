import PMCore
import PMHTTP
import PMSystem

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the container managers share of the installation flow: the
/// script (mounted read-only from a directory of root's: in the server directory the game user
/// could change it before a root container runs it), the program that runs it, and the
/// ownership afterwards.
/// Fixed (docs/differences.md#dock-8): a shebang's interpreter runs with its own arguments (`#!/bin/bash -ex`,
/// `#!/usr/bin/env -S bash -e`), and `-e` is added only for the shells pm chooses.
enum ContainerInstallation {
    /// Where the server directory is mounted in the installation container.
    static let mountPoint = "/mnt/server"
    /// Where the script is, in the installation container.
    static let scriptPath = "/gameap-install/install.sh"

    /// The installation container's command.
    static func command(script: String, entrypoint: String?) -> [String] {
        let path = scriptPath
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
        let words = line.split(whereSeparator: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }).map {
            String(decoding: $0, as: UTF8.self)
        }
        guard let first = words.first, first.hasPrefix("/") else { return nil }
        return words
    }

    /// The script in a fresh directory of the tool's user's (root's) in /tmp, for the length
    /// of an installation; removed with the value.
    final class ScriptFile {
        private let directory: String?
        private let file: String

        init(_ script: String, _ server: Server, _ context: VerbContext) throws {
            let text = ContainerInstallation.normalizedScript(script)
            if let plan = context.executor.plan {
                directory = nil
                file = "/tmp/pm-install-XXXXXX/install.sh"
                plan.write("write \(file) (mode 755), mounted read-only at \(ContainerInstallation.scriptPath):\n")
                plan.write(GeneratedFiles.indented(server.masker.apply(text)))
                return
            }
            let directory: String
            do {
                directory = try FileSystem.makePrivateDirectory(prefix: "pm-install")
            } catch {
                throw ContainerError.cannotCreateTemporaryDirectory(error)
            }
            self.directory = directory
            file = directory + "/install.sh"
            do {
                let fd = try DirectoryHandle.configured(directory).openFile(
                    "install.sh", O_WRONLY | O_CREAT | O_EXCL, mode: 0o755)
                defer { close(fd) }
                try FileSystem.writeAll(fd, Array(text.utf8))
                guard fchmod(fd, 0o755) == 0 else { throw SystemError("cannot chmod", path: file) }
            } catch let error as SystemError {
                throw ContainerError.cannotWriteInstallationScript(error)
            }
        }

        deinit {
            guard let directory else { return }
            unlink(file)
            rmdir(directory)
        }

        var mount: ContainerMount {
            ContainerMount(source: file, target: ContainerInstallation.scriptPath, readOnly: true)
        }
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
            throw ContainerError.cannotChangeOwnership(error)
        }
        return "\(account.uid):\(account.gid)"
    }
}
