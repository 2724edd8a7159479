import PMCore
import PMHTTP
import PMSystem

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `docker` and `podman` managers: each server is a container named
/// by its XID (or `docker_container_name`; the raw uuid, the reference's legacy name, is still
/// found), created from `docker_image` with the server directory bound at `docker_workdir`, its
/// ports published on the server's IP, the panel's limits, and labels naming the server. It
/// talks to the engine's API with the toolbox's own HTTP client; what differs between Docker
/// and Podman is a `ContainerDialect`. Differences from the reference, on purpose (ids of rows
/// in docs/differences.md): pull errors in the progress stream fail the pull (DOCK-1), memory
/// is counted as `docker stats` counts it (DOCK-2), follow and attach end when the game exits
/// (DOCK-3), metrics without stats still give `up` (DOCK-4), stats are one-shot and the CPU
/// percent comes from the state directory's baseline (DOCK-5), `{dir}` is the directory inside
/// the container (DOCK-6), an image that cannot be inspected for another reason than 404 is an
/// error, not a pull (DOCK-11), a container that does not start is removed (DOCK-12); see
/// `ContainerSettings`, `ContainerPorts`, `ImageReference` for the rest.
package final class ContainerManager: ProcessManager {
    package static let startCheck = 0.5
    /// The `process_manager.config` key for the seconds to wait on the engine.
    package static let timeoutKey = "engine_timeout"

    package var kind: ManagerKind { dialect.kind }
    let api: DockerAPI
    let dialect: ContainerDialect

    init(api: DockerAPI, dialect: ContainerDialect) {
        self.api = api
        self.dialect = dialect
    }

    /// The docker manager: the engine of `host`/`api_version`, else `DOCKER_HOST`.
    package static func docker(
        options: [String: String], environment: (String) -> String? = ProcessEnvironment.value
    ) throws -> ContainerManager {
        let selection: EngineSelection
        do {
            selection = try EngineSelection.docker(options: options, environment: environment)
        } catch let error as HTTPError {
            throw ContainerSettingError.engine(error)
        }
        return ContainerManager(
            api: DockerAPI(selection: selection, options: try httpOptions(options)), dialect: DockerDialect())
    }

    /// The podman manager: libpod on `socket_path`, else the rootless or root default.
    package static func podman(options: [String: String]) throws -> ContainerManager {
        let endpoint: EngineEndpoint
        do {
            endpoint = try EngineEndpoint.parse(
                PodmanDialect.socket(options: options), source: "process_manager.config socket_path")
        } catch let error as HTTPError {
            throw ContainerSettingError.engine(error)
        }
        let client = HTTPClient(endpoint: endpoint, options: try httpOptions(options))
        return ContainerManager(
            api: DockerAPI(client: client, pathPrefix: PodmanDialect.pathPrefix), dialect: PodmanDialect())
    }

    /// `engine_timeout`: how long to wait on the engine (and at most that to connect).
    static func httpOptions(_ options: [String: String]) throws -> HTTPOptions {
        var http = HTTPOptions()
        if let text = options[Self.timeoutKey] {
            guard let seconds = DecimalNumber.parse(text.trimmingWhitespace), seconds > 0, seconds <= 86400 else {
                throw ContainerSettingError.engineTimeout(text)
            }
            http.readTimeout = seconds
            http.connectTimeout = min(seconds, http.connectTimeout)
        }
        return http
    }

    // MARK: - Verbs

    package func status(_ server: Server, _ context: VerbContext) throws -> ServerStatus {
        guard let container = try inspect(server, context) else { return ServerStatus(.stopped) }
        return container.status
    }

    package func start(_ server: Server, _ context: VerbContext) throws {
        let engine = requests(server, context)
        let settings = try ContainerSettings(server)
        let names = try ContainerNames(server)
        guard FileSystem.kind(of: server.workDirectory) == .directory || context.executor.isDryRun else {
            throw StartError.missingDirectory(path: server.workDirectory)
        }
        let command = try server.template(directory: settings.workdir)
            .arguments(wrapper: server.config.scripts.start, command: server.record.effectiveStartCommand)
        guard !command.isEmpty else {
            throw StartError.nothingToStart
        }
        try Self.checkMountable(server, context)
        let body = try dialect.createBody(
            server, settings, name: names.primary, command: command, user: try Self.user(server))
        for name in names.all {
            guard let existing = try inspect(name, engine) else { continue }
            try checkOwnership(existing, server, custom: names.isCustom)
            try removeIfPresent(name, engine, force: true)
        }
        try ensureImage(settings.image, engine, pullTimeout: settings.pullTimeout)
        let created = try engine.require(dialect.create(name: names.primary, body), "failed to create container")
        let id = (try? created.json())?["Id"]?.string.flatMap(Self.validID) ?? names.primary
        do {
            try engine.require(HTTPRequest("POST", "/containers/\(id)/start"), "failed to start container")
        } catch {
            _ = try? removeIfPresent(id, engine, force: true)
            throw error
        }
        guard !context.executor.isDryRun else { return }
        try checkStarted(server, name: names.primary, context)
    }

    /// The engine's stop: the stop signal to the container's first process, SIGKILL to the
    /// whole container after `kill_timeout` seconds (the reference waited 30). Then a check
    /// that it is down, and the container is removed, as the reference's stop does.
    package func stop(_ server: Server, _ context: VerbContext) throws {
        let engine = requests(server, context)
        let name = try resolvedName(server, context)
        let grace = Int(try Lifecycle.killTimeout(server).rounded(.up))
        do {
            try engine.perform(dialect.stop(name, grace: grace), "failed to stop container")
        } catch let error as HTTPError where error.isNotFound {
            return
        } catch let error as HTTPError {
            throw engine.failure(error, "failed to stop container")
        }
        if !context.executor.isDryRun, let container = try inspect(name, engine), container.status.isRunning {
            throw ContainerError.stillRunsAfterStop(name: name)
        }
        try removeIfPresent(name, engine, force: false)
    }

    /// The engine's kill with the signal: the container's first process, the game.
    package func signalGame(
        _ signal: StopSignal, _ server: Server, _ status: ServerStatus, _ context: VerbContext
    ) throws {
        let engine = requests(server, context)
        let name = try resolvedName(server, context)
        let request = HTTPRequest("POST", "/containers/\(name)/kill", query: ["signal": signal.name])
        do {
            try engine.perform(request, "failed to send \(signal) to the container")
        } catch let error as HTTPError {
            throw engine.failure(error, "failed to send \(signal) to the container")
        }
    }

    /// A game that exited leaves its container; a stop removes it, as the reference's does.
    /// One that the engine's restart policy started again (an engine that cannot turn the
    /// policy off for a graceful stop, `beginGracefulStop`) is stopped first.
    package func removeExited(_ server: Server, _ context: VerbContext) throws {
        guard let container = try inspect(server, context) else { return }
        if container.status.isRunning || container.restarting { return try stop(server, context) }
        try removeIfPresent(container.name, requests(server, context), force: false)
    }

    /// A restart policy other than `no` is turned off while the game quits on its console
    /// command, where the engine can (Docker); the container is removed at the end of the stop.
    package func beginGracefulStop(_ server: Server, _ status: ServerStatus, _ context: VerbContext) throws {
        try setRestartPolicy(server, "no", context)
    }

    /// A stop that ends with the container still there (interrupted) gives the policy back.
    package func endGracefulStop(_ server: Server, _ status: ServerStatus, _ context: VerbContext) {
        guard let policy = try? RestartPolicy.of(server), policy.mode != .no,
            (try? inspect(server, context)).flatMap({ $0 }) != nil
        else { return }
        try? setRestartPolicy(server, policy.mode.rawValue, context)
    }

    private func setRestartPolicy(_ server: Server, _ policy: String, _ context: VerbContext) throws {
        guard try RestartPolicy.of(server).mode != .no,
            let request = dialect.updateRestartPolicy(try resolvedName(server, context), policy)
        else { return }
        try requests(server, context).require(request, "failed to change the container's restart policy")
    }

    /// The container's first process, when it runs on this machine: its pid as the engine
    /// reports it, held only if that process's cgroup names the container (a remote engine's
    /// pid means nothing here).
    package func processesToWatch(_ server: Server, _ status: ServerStatus, _ context: VerbContext) -> [ProcessHandle] {
        guard let pid = status.pid.map({ Int32(clamping: $0) }), let process = ProcessHandle(pid: pid),
            let id = (try? inspect(server, context))??.id, id.utf8.count == 64,
            let cgroup = try? FileSystem.contents(of: "/proc/\(pid)/cgroup", limit: 1 << 16),
            String(decoding: cgroup, as: UTF8.self).contains(id)
        else { return [] }
        return [process]
    }

    /// The engine keeps each line's time.
    package func keepsConsoleTimes(_ server: Server) -> Bool { true }

    /// The last `lines` lines of the container's log (all of it up to 64 MiB for 0), read as a
    /// stream so a large log is not held whole.
    package func output(_ server: Server, lines: Int, _ context: VerbContext) throws -> String {
        guard let container = try inspect(server, context) else {
            throw ContainerError.noContainer(name: try ContainerNames(server).primary)
        }
        let request = dialect.logs(
            container.name, tail: lines == 0 ? nil : String(lines), follow: false, since: context.options.since,
            timestamps: context.options.timestamps)
        guard let stream = try requests(server, context).open(request, "failed to get container logs") else {
            return ""
        }
        defer { stream.close() }
        var decoder = MultiplexedStreamDecoder()
        var text: [UInt8] = []
        do {
            while let piece = try stream.next() {
                try decoder.decode(piece) { _, payload in text += payload }
                if text.count > LogFile.maximumBytes { text.removeFirst(text.count - LogFile.maximumBytes) }
            }
        } catch let error as HTTPError {
            throw ContainerError.cannotCopyLogs(error)
        }
        return String(decoding: LogFile.fromLineStart(text, whole: true, keeping: lines), as: UTF8.self)
    }

    package func sendInput(_ line: String, _ server: Server, _ context: VerbContext) throws {
        guard let container = try inspect(server, context), container.status.isRunning else {
            throw ContainerError.notRunning
        }
        let engine = requests(server, context)
        if dialect.closesInputAfterAttach || api.isPodman {
            // The same run: a line that ended the game, which a restart policy started again,
            // was written.
            return try ConsoleExec.send(line, container: container.name, engine: engine, prefix: "") {
                let now = (try? inspect(server, context))??.status
                return now?.isRunning == true && now?.run == container.status.run
            }
        }
        guard
            let connection = try engine.hijack(
                HTTPRequest("POST", "/containers/\(container.name)/attach", query: ["stdin": "1", "stream": "1"]),
                "failed to attach to container")
        else { return }
        defer { connection.close() }
        do {
            try connection.write(Array((line + "\n").utf8))
        } catch let error as HTTPError {
            throw engine.failure(error, "failed to write to container stdin")
        }
    }

    /// The engine's log stream from now on, for follow and attach.
    package func openFeed(_ server: Server, _ context: VerbContext) throws -> ConsoleFeed? {
        guard let container = try inspect(server, context), container.status.isRunning else { return nil }
        let engine = requests(server, context)
        let request = dialect.logs(
            container.name, tail: "0", follow: true, since: nil, timestamps: context.options.timestamps)
        return EngineLogFeed { try engine.open(request, "failed to follow the container's logs") }
    }

    package func metrics(_ server: Server, _ context: VerbContext) throws -> MetricsReport {
        guard let container = try inspect(server, context) else {
            return MetricsReport(
                samples: [
                    try Self.upSample(
                        ServerStatus(.stopped), labels: [("container", try ContainerNames(server).primary)])
                ], cpu: nil, status: ServerStatus(.stopped))
        }
        let labels = [(name: "container", value: container.name)]
        guard container.status.isRunning else {
            return MetricsReport(
                samples: [try Self.upSample(container.status, labels: labels)], cpu: nil, status: container.status)
        }
        let engine = requests(server, context)
        let dialect = self.dialect
        let stats = { @Sendable () throws -> JSONValue? in
            let response = try? engine.perform(dialect.stats(container.name), "failed to get container stats")
            return try? response?.json()
        }
        var report = dialect.metrics(stats: try stats(), container: container, labels: labels, resample: stats)
        report.status = container.status
        return report
    }

    package func hasOwnInstallation(_ server: Server) -> Bool {
        (try? ContainerSettings(server))?.hasOwnInstallation ?? false
    }

    package func install(_ server: Server, _ context: VerbContext) throws -> String {
        let settings = try ContainerSettings(server)
        let engine = requests(server, context)
        guard settings.hasOwnInstallation, let image = settings.installationImage,
            let script = settings.installationScript
        else {
            try pull(settings.image, engine, timeout: settings.pullTimeout)
            return "pulled \(settings.image.name)"
        }
        return try EngineInstallation(
            manager: self, server: server, settings: settings, engine: engine, context: context
        )
        .run(image: image, script: script)
    }

    /// Removes the containers under the current and the legacy name (the server is stopped).
    package func uninstall(_ server: Server, _ context: VerbContext) throws -> String {
        let engine = requests(server, context)
        var removed: [String] = []
        let names = try ContainerNames(server)
        for name in names.all {
            guard let existing = try inspect(name, engine) else { continue }
            try checkOwnership(existing, server, custom: names.isCustom)
            if try removeIfPresent(name, engine, force: true) { removed.append(name) }
        }
        return removed.isEmpty
            ? "nothing to uninstall: the server has no container"
            : "uninstalled: removed container \(removed.joined(separator: ", "))"
    }

    // MARK: - Containers

    /// What `GET /containers/{name}/json` says of a server's container.
    struct Container {
        let name: String
        let id: String
        let status: ServerStatus
        let startedAt: String
        /// The `gameap.server.id` label; nil on a container pm did not create.
        let serverID: String?
        let serverUUID: String?
        /// The engine waits to start the game again.
        let restarting: Bool

        init(name: String, inspection: JSONValue) {
            self.name = name
            id = inspection["Id"]?.string.flatMap(ContainerManager.validID) ?? name
            serverID = inspection["Config", "Labels", DockerContainerSpec.idLabel]?.string
            serverUUID = inspection["Config", "Labels", DockerContainerSpec.uuidLabel]?.string
            startedAt = inspection["State", "StartedAt"]?.string ?? ""
            restarting = inspection["State", "Restarting"]?.bool ?? false
            status = Self.status(inspection, startedAt: startedAt)
        }

        /// Running while the game runs; while the engine waits to restart it, down. The engine's
        /// restart count, and how the last run ended (`ExitCode` is 128 + N for signal N).
        static func status(_ inspection: JSONValue, startedAt: String) -> ServerStatus {
            let restarting = inspection["State", "Restarting"]?.bool ?? false
            let running = (inspection["State", "Running"]?.bool ?? false) && !restarting
            let started = Timestamp.parseRFC3339(startedAt)
            let restarts = inspection["RestartCount"]?.integer ?? 0
            var status: ServerStatus
            if running {
                status = ServerStatus(
                    .running, pid: inspection["State", "Pid"]?.integer.flatMap { $0 > 0 ? $0 : nil },
                    startedAt: started,
                    run: "\(restarts)/\(startedAt)")
            } else {
                let code = started == nil ? nil : inspection["State", "ExitCode"]?.integer
                status = ServerStatus(.stopped, startedAt: started, exitCode: code)
                let finished = (inspection["State", "FinishedAt"]?.string).flatMap(Timestamp.parseRFC3339)
                status.lastExit = code.map { GameExit(code: $0, at: finished) }
                status.oomKilled = inspection["State", "OOMKilled"]?.bool
                let policy = inspection["HostConfig", "RestartPolicy", "Name"]?.string ?? ""
                let retries = inspection["HostConfig", "RestartPolicy", "MaximumRetryCount"]?.integer ?? 0
                status.gaveUp = !restarting && policy == "on-failure" && retries > 0 && restarts >= retries
            }
            status.restarts = restarts
            return status
        }
    }

    /// The server's container under its name, else under the legacy name; nil when neither
    /// exists. A container under one of those names that belongs to another server (its
    /// `gameap.server.id` label), or that pm did not create under a custom name, is refused:
    /// names come from records, and one record must not reach another server's container.
    func inspect(_ server: Server, _ context: VerbContext) throws -> Container? {
        let names = try ContainerNames(server)
        for name in names.all {
            guard let container = try inspect(name, requests(server, context)) else { continue }
            try checkOwnership(container, server, custom: names.isCustom)
            return container
        }
        return nil
    }

    /// `GET /containers/{name}/json`; nil when there is none.
    func inspect(_ name: String, _ engine: EngineRequests) throws -> Container? {
        do {
            let response = try engine.perform(
                HTTPRequest("GET", "/containers/\(name)/json"), "failed to inspect container")
            guard let json = try? response.json(), json["State"] != nil else {
                throw ContainerError.notAContainer(name: name)
            }
            return Container(name: name, inspection: json)
        } catch let error as HTTPError where error.isNotFound {
            return nil
        } catch let error as HTTPError {
            throw engine.failure(error, "failed to inspect container")
        }
    }

    func checkOwnership(_ container: Container, _ server: Server, custom: Bool) throws {
        if let owner = container.serverID,
            owner != String(server.record.id)
                || (container.serverUUID.map { !$0.isEmpty && !server.record.uuid.isEmpty && $0 != server.record.uuid }
                    ?? false)
        {
            let token = ServerOwner(id: Int(owner) ?? 0, uuid: container.serverUUID ?? "").token
            throw ServerOwner.conflict("the container \(container.name)", ownedBy: token, not: server)
        }
        if container.serverID == nil && custom {
            throw ContainerError.notCreatedByPM(name: container.name, server: server.label)
        }
    }

    /// An engine's container id: 12 to 64 hexadecimal digits; anything else is not used.
    static func validID(_ id: String) -> String? {
        (12...64).contains(id.utf8.count) && id.utf8.allSatisfy({ ASCII.isDigit($0) || (0x61...0x66).contains($0) })
            ? id : nil
    }

    func resolvedName(_ server: Server, _ context: VerbContext) throws -> String {
        if let container = try inspect(server, context) { return container.name }
        return try ContainerNames(server).primary
    }

    /// `DELETE /containers/{name}`; false when there was none.
    @discardableResult
    func removeIfPresent(_ name: String, _ engine: EngineRequests, force: Bool) throws -> Bool {
        do {
            try engine.perform(dialect.remove(name, force: force), "failed to remove container")
            return true
        } catch let error as HTTPError where error.isNotFound {
            return false
        } catch let error as HTTPError {
            throw engine.failure(error, "failed to remove container \(name)")
        }
    }

    /// A game that exits within `startCheck` seconds fails the start, with its last output.
    private func checkStarted(_ server: Server, name: String, _ context: VerbContext) throws {
        Clock.sleep(seconds: Self.startCheck)
        guard let container = try inspect(server, context), !container.status.isRunning else { return }
        let lastLines = Lifecycle.lastLines((try? output(server, lines: 20, context)) ?? "", 20)
        for line in lastLines.lines { context.err.line("    \(line)") }
        throw StartError.exitedAtOnce(ending: "status \(container.status.exitCode.map(String.init) ?? "unknown")")
    }

    // MARK: - Images

    /// An image, pulled when the engine does not have it.
    func ensureImage(_ image: ImageReference, _ engine: EngineRequests, pullTimeout: Double) throws {
        do {
            try engine.perform(dialect.imageProbe(image), "failed to inspect image")
        } catch let error as HTTPError where error.isNotFound {
            engine.context.err.line("Image \(image.name) not found locally, pulling...")
            try pull(image, engine, timeout: pullTimeout)
        } catch let error as HTTPError {
            throw engine.failure(error, "failed to inspect image \(image.name)")
        }
    }

    /// `POST /images/create`, its progress on stderr; an error in the progress stream fails it.
    /// Waits for progress at most the engine's timeout at a time, and `timeout` in all.
    func pull(_ image: ImageReference, _ engine: EngineRequests, timeout: Double) throws {
        var request = dialect.pull(image)
        request.totalTimeout = timeout
        guard let stream = try engine.open(request, "failed to pull image \(image.name)") else { return }
        defer { stream.close() }
        try PullProgress.follow(stream, image: image.name, to: engine.context.err)
    }

    // MARK: - Helpers

    func requests(_ server: Server, _ context: VerbContext) -> EngineRequests {
        EngineRequests(
            send: api.send, stream: api.stream, attach: api.attach, context: context, masker: server.masker,
            engineName: name)
    }

    /// The engine mounts the server directory by path, as root, following links: nobody but
    /// root may be able to put a link in its place (a game user who may write the directory
    /// that holds it could have any host directory mounted).
    static func checkMountable(_ server: Server, _ context: VerbContext) throws {
        guard !context.executor.isDryRun, PathGuard.onlyTrustedCanRedirect(server.workDirectory) == false else {
            return
        }
        throw ContainerError.replaceableDirectory(path: server.workDirectory)
    }

    /// `uid:gid` of the server's user (the tool's own without one).
    static func user(_ server: Server) throws -> String {
        guard let account = server.account ?? Account.current else {
            throw ContainerError.noPasswdEntry
        }
        return "\(account.uid):\(account.gid)"
    }

    /// The engine's multiplexed logs as one text (stdout and stderr in arrival order).
    static func demultiplex(_ bytes: [UInt8]) throws -> [UInt8] {
        var decoder = MultiplexedStreamDecoder()
        var out: [UInt8] = []
        do {
            try decoder.decode(bytes) { _, payload in out += payload }
        } catch let error as HTTPError {
            throw ContainerError.cannotCopyLogs(error)
        }
        return out
    }
}

/// A server's container names: `docker_container_name`, else the XID
/// (or `-n` name) with the raw uuid as the legacy name.
struct ContainerNames {
    let primary: String
    let legacy: String?
    /// `docker_container_name` named the container (it must then carry the server's labels).
    let isCustom: Bool

    init(_ server: Server) throws {
        if let custom = try ContainerSettings.containerName(
            server.settings.value(.dockerContainerName, includingOptions: false))
        {
            primary = custom
            legacy = nil
            isCustom = true
        } else {
            primary = server.name
            let uuid = server.legacyName
            let valid =
                !uuid.isEmpty && uuid != server.name && uuid.utf8.count <= 128
                && uuid.utf8.allSatisfy {
                    ASCII.isLetter($0) || ASCII.isDigit($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_")
                        || $0 == UInt8(ascii: ".")
                }
            legacy = valid ? uuid : nil
            isCustom = false
        }
    }

    var all: [String] { [primary] + (legacy.map { [$0] } ?? []) }
}
