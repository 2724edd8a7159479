import PMCore
import PMHTTP
import PMSystem

/// A server installed by the engine: the installation
/// image runs the installation script, mounted read-only from a directory of root's, in the
/// server directory, mounted at /mnt/server; its
/// output goes to stderr as it comes; afterwards the files belong to the server's user. The
/// installation image is pulled only when the engine does not have it (the reference pulled
/// it every time, which fails on a node without a registry).
struct EngineInstallation {
    let manager: ContainerManager
    let server: Server
    let settings: ContainerSettings
    let engine: EngineRequests
    let context: VerbContext

    var containerName: String { "gameap-install-\(server.name)" }

    func run(image: String, script: String) throws -> String {
        let reference = try ImageReference(image)
        try manager.ensureImage(reference, engine, pullTimeout: settings.pullTimeout)
        try createDirectory()
        try ContainerManager.checkMountable(server, context)
        let scriptFile = try ContainerInstallation.ScriptFile(script, server, context)
        _ = try? manager.removeIfPresent(containerName, engine, force: true)
        let command = ContainerInstallation.command(script: script, entrypoint: settings.installationEntrypoint)
        let body = manager.dialect.installationBody(
            server, name: containerName, image: reference, command: command,
            script: scriptFile.mount, user: settings.installationUser)
        context.err.line("Creating installation container...")
        let created = try engine.require(
            manager.dialect.create(name: containerName, body),
            "failed to create installation container")
        let id = (try? created.json())?["Id"]?.string.flatMap(ContainerManager.validID) ?? containerName
        defer { _ = try? manager.removeIfPresent(id, engine, force: true) }
        context.err.line("Starting installation container...")
        try engine.require(HTTPRequest("POST", "/containers/\(id)/start"), "failed to start installation container")
        try followLogs(id)
        let status = try wait(id)
        // Even after a failure: a root installation may have left files root's, setuid ones
        // too, which a chown makes the server user's and strips of the bit.
        let owner = Result { try ContainerInstallation.chown(server, context) }
        guard status == 0 else {
            throw ContainerError.installationFailed(status: status)
        }
        if case let owner = try owner.get(), !owner.isEmpty { context.err.line("Changed ownership to \(owner)") }
        return context.executor.isDryRun ? "would install" : "installed with \(reference.name)"
    }

    /// Through descriptors, never a link (`WorkDirectory.parentHandle`).
    private func createDirectory() throws {
        guard FileSystem.kind(of: server.workDirectory) == .missing else { return }
        if let plan = context.executor.plan {
            plan.write("create directory \(ShellWords.quote(server.workDirectory))\n")
            return
        }
        do {
            let (parent, name) = try WorkDirectory.parentHandle(
                of: server.workDirectory, workPath: server.config.workPath)
            _ = try parent.subdirectory(name, creating: 0o755)
        } catch let error as SystemError {
            throw ContainerError.cannotCreateWorkDirectory(error)
        }
    }

    /// The container's output on stderr until it exits.
    private func followLogs(_ id: String) throws {
        guard
            let stream = try engine.open(
                manager.dialect.logs(id, tail: nil, follow: true, since: nil, timestamps: false),
                "failed to follow the installation's output")
        else { return }
        defer { stream.close() }
        var decoder = MultiplexedStreamDecoder()
        do {
            try stream.forEach { piece in try decoder.decode(piece) { _, payload in context.err.write(Array(payload)) }
            }
        } catch let error as HTTPError {
            context.err.line("(the installation's output ended early: \(error))")
        }
    }

    private func wait(_ id: String) throws -> Int {
        let response = try engine.require(manager.dialect.wait(id), "error waiting for installation container")
        if context.executor.isDryRun { return 0 }
        guard let status = manager.dialect.exitStatus(ofWait: response) else {
            throw ContainerError.waitWithoutStatus(answer: response.text)
        }
        return status
    }
}
