import PMSystem

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `pm-install`: the daemon's installation flow around the manager's own Install and Uninstall.
/// `scripts.install` runs as the server's user in its directory, which is
/// created first (mode 0750, owned by that user); an uninstall stops the server first (docs/differences.md#life-3),
/// then runs the manager's Uninstall and `scripts.delete`. The built-in installers (game
/// repositories, SteamCMD) are not part of the toolbox.
package struct Installation {
    let lifecycle: Lifecycle

    package init(_ lifecycle: Lifecycle) { self.lifecycle = lifecycle }

    private var server: Server { lifecycle.server }
    private var context: VerbContext { lifecycle.context }

    package func install() throws -> String {
        let script = server.config.scripts.install
        var done: [String] = []
        if !script.isEmpty {
            try createWorkDirectory()
            try runScript(script, name: "install")
            done.append("ran scripts.install")
        }
        let managerResult = try lifecycle.manager.install(server, context)
        if done.isEmpty { return managerResult }
        return context.executor.isDryRun ? "would install" : "installed (\(done.joined(separator: ", ")))"
    }

    package func uninstall() throws -> String {
        let stopped = try lifecycle.stop()
        if stopped.wasRunning { context.err.line("\(server.label): \(stopped)") }
        let managerResult = try lifecycle.manager.uninstall(server, context)
        let script = server.config.scripts.delete
        guard !script.isEmpty else { return managerResult }
        try runScript(script, name: "delete")
        return context.executor.isDryRun ? "would uninstall" : "uninstalled (ran scripts.delete)"
    }

    private func runScript(_ template: String, name: String) throws {
        let arguments = try server.template.arguments(wrapper: template, command: "")
        guard !arguments.isEmpty else { return }
        let result: CommandResult
        do {
            result = try context.executor.run(server.spec(arguments, timeout: nil), output: .forward(context.err))
        } catch let error as CommandError {
            throw InstallationError.scriptNotStarted(name: name, reason: error)
        }
        guard result.termination.succeeded else {
            throw InstallationError.scriptFailed(name: name, result.termination)
        }
    }

    private func createWorkDirectory() throws {
        let path = server.workDirectory
        guard FileSystem.kind(of: path) == .missing else { return try checkExistingOwner() }
        if let plan = context.executor.plan {
            plan.write(
                "create directory \(ShellWords.quote(path)) (mode "
                    + "0750\(server.account.map { ", owned by \($0.name)" } ?? ""))\n"
            )
            return
        }
        // Through descriptors: the parent may belong to the game's user, who could otherwise swap
        // the new directory for a link between mkdir and chown and have root chown its target.
        do {
            let (parent, name) = try WorkDirectory.parentHandle(of: path, workPath: server.config.workPath)
            let directory = try parent.subdirectory(name, creating: 0o750)
            if let account = server.account, Account.canSwitchUser {
                try directory.changeOwner(uid: account.uid, gid: account.gid)
            }
        } catch let error as SystemError {
            throw InstallationError.cannotCreateDirectory(error)
        }
    }

    /// A server directory that exists already must be the server user's (or root's): one that
    /// another game user made in advance, in a parent they may write, would stay theirs.
    private func checkExistingOwner() throws {
        guard let account = server.account, !context.executor.isDryRun else { return }
        let owner: uid_t
        do {
            let (parent, name) = try WorkDirectory.parentHandle(
                of: server.workDirectory, workPath: server.config.workPath)
            owner = try parent.subdirectory(name).status().uid
        } catch let error as SystemError {
            throw InstallationError.cannotUseDirectory(error)
        }
        guard owner == account.uid || owner == 0 || owner == geteuid() else {
            throw InstallationError.directoryOfAnotherUser(path: server.workDirectory, owner: owner, user: account.name)
        }
    }
}
