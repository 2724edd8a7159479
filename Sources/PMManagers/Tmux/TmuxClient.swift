import PMCore
import PMHTTP
import PMSystem

#if os(Linux)
import Glibc

/// Runs a `tmux` command the way the tmux program's client does, from this process: connects
/// to the user's tmux server (`TmuxServerSocket`), identifies itself, sends the command, and
/// collects what the server prints and the exit status it gives. Starting the tmux program is
/// most of a status query's time; this saves it.
///
/// For queries only: it never starts a tmux server, and gives the server no terminal and no
/// environment. It always asks for UTF-8 output, as `tmux -u` does, and takes no other option
/// before the command. A server of another protocol version, or a command with other options,
/// gets the tmux program (`fallback`). Like that program, it needs tmux in PATH and, for
/// another user's server, root.
struct TmuxClient: CommandRunner {
    let fallback: CommandRunner
    /// Where tmux must be found.
    let searchPath: String
    /// The limit of a query whose spec gives none: a query never waits without end.
    let defaultTimeout: Double

    init(
        fallback: CommandRunner, searchPath: String = ExecutableLookup.searchPath,
        defaultTimeout: Double = TmuxManager.callTimeout
    ) {
        self.fallback = fallback
        self.searchPath = searchPath
        self.defaultTimeout = defaultTimeout
    }

    func run(_ spec: CommandSpec, output: CommandOutput) throws -> CommandResult {
        guard spec.arguments.first == "tmux", let first = spec.arguments.dropFirst().first(where: { $0 != "-u" }),
            !first.hasPrefix("-")
        else { return try fallback.run(spec, output: output) }
        guard ExecutableLookup.resolve("tmux", workingDirectory: nil, searchPath: searchPath) != nil else {
            throw CommandError.notFound(program: "tmux", directory: spec.workingDirectory)
        }
        if let account = spec.account, account.uid != geteuid(), !Account.canSwitchUser {
            throw CommandError.cannotSwitchUser(account.name)
        }
        var exchange = TmuxExchange(spec: spec, timeout: spec.timeout ?? defaultTimeout, output: output)
        switch exchange.run() {
        case .finished(let termination):
            return exchange.printed.result(termination)
        case .otherProtocolVersion:
            return try fallback.run(spec, output: output)
        }
    }
}

/// One command's conversation with a tmux server.
private struct TmuxExchange {
    /// How the conversation ended: with the command's termination, or with the server saying
    /// it speaks another protocol version (and closing the connection).
    enum Ending {
        case finished(Termination)
        case otherProtocolVersion
    }

    let spec: CommandSpec
    let timeout: Double
    let deadline: Double
    var printed: PrintedOutput
    /// The output streams the server opened, as bits (1: standard output, 2: standard error);
    /// never a file by name.
    private var openStreams: Int32 = 0
    /// Whether the server has sent anything yet.
    private var heard = false

    init(spec: CommandSpec, timeout: Double, output: CommandOutput) {
        self.spec = spec
        self.timeout = timeout
        deadline = Clock.monotonic + timeout
        printed = PrintedOutput(output)
    }

    private var remaining: Double { max(0, deadline - Clock.monotonic) }

    mutating func run() -> Ending {
        let connection: SocketConnection
        do throws(TmuxServerSocket.Refusal) {
            connection = try TmuxServerSocket.connect(
                uid: spec.account?.uid ?? geteuid(), temporaryDirectory: temporaryDirectory,
                timeout: remaining)
        } catch {
            printed.line(error.message)
            return .finished(.exited(1))
        }
        defer { connection.close() }
        guard let opening = openingFrames() else {
            printed.line("command too long")
            return .finished(.exited(1))
        }
        do {
            try connection.write(opening, timeout: remaining)
            return try converse(connection)
        } catch SocketError.timedOut {
            return .finished(.timedOut(seconds: timeout))
        } catch let malformed as TmuxMessageReader.MalformedMessage {
            printed.line(
                "the tmux server at \(connection.endpoint) sent a malformed message (length \(malformed.length))")
        } catch let error where !heard {
            // A server that is exiting (`kill-server`, its last session gone) accepts the
            // connection and drops it unanswered: as tmux's client, no server.
            printed.line("no server running on \(connection.endpoint) (it closed the connection: \(error))")
        } catch {
            printed.line("lost the tmux server at \(connection.endpoint): \(error)")
        }
        return .finished(.exited(1))
    }

    private mutating func converse(_ connection: SocketConnection) throws -> Ending {
        var reader = TmuxMessageReader()
        while true {
            while let message = try reader.next() {
                if let ending = try answer(message, connection) { return ending }
            }
            let bytes = try connection.read(maximum: 65536, timeout: remaining)
            guard !bytes.isEmpty else {
                printed.line(heard ? "server exited unexpectedly" : "no server running on \(connection.endpoint)")
                return .finished(.exited(1))
            }
            heard = true
            reader.append(bytes)
        }
    }

    /// Handles one message from the server; the ending, once the server has given it.
    private mutating func answer(_ message: TmuxMessage, _ connection: SocketConnection) throws -> Ending? {
        switch message.type {
        case .version:
            return .otherProtocolVersion
        case .writeOpen:
            let stream = message.integer(at: 0) ?? -1
            let standard =
                message.payload.count == 12 && (stream == 1 || stream == 2) && message.integer(at: 1) == stream
            if standard { openStreams |= stream }
            try reply(TmuxMessage(.writeReady, integers: [stream, standard ? 0 : EBADF]), connection)
        case .write:
            if let stream = message.integer(at: 0), stream == 1 || stream == 2, openStreams & stream != 0 {
                printed.append(message.payload.dropFirst(4))
            }
        case .readOpen:
            try reply(TmuxMessage(.readDone, integers: [message.integer(at: 0) ?? -1, EBADF]), connection)
        case .exit, .shutdown:
            guard message.payload.isEmpty || message.payload.count >= 4 else {
                throw TmuxMessageReader.MalformedMessage(length: TmuxMessage.headerSize + message.payload.count)
            }
            if let text = Self.text(message.payload.dropFirst(4)), !text.isEmpty { printed.line(text) }
            return .finished(.exited((message.integer(at: 0) ?? 0) & 0xff))
        default:
            break
        }
        return nil
    }

    private func reply(_ message: TmuxMessage, _ connection: SocketConnection) throws {
        guard let frame = message.encoded(pid: getpid()) else { return }
        try connection.write(frame, timeout: remaining)
    }

    /// Identification, as tmux's client sends it minus the terminal, the descriptors and the
    /// environment, then the command; nil when the command does not fit in one message.
    private func openingFrames() -> [UInt8]? {
        let words = spec.arguments.dropFirst().drop { $0 == "-u" }
        guard !words.contains(where: { $0.utf8.contains(0) }) else { return nil }
        let flags = TmuxMessage.clientFlags
        let messages = [
            TmuxMessage(.identifyFlags, integers: [Int32(truncatingIfNeeded: flags)]),
            TmuxMessage(.identifyLongFlags, TmuxMessage.bytes(of: flags)),
            TmuxMessage(.identifyTerm, string: ""),
            TmuxMessage(.identifyFeatures, integers: [0]),
            TmuxMessage(.identifyTTYName, string: ""),
            TmuxMessage(.identifyCWD, string: spec.workingDirectory ?? spec.fallbackDirectory ?? "/"),
            TmuxMessage(.identifyClientPID, integers: [getpid()]),
            TmuxMessage(.identifyDone),
            TmuxMessage(.command, TmuxMessage.bytes(of: Int32(words.count)) + words.flatMap { Array($0.utf8) + [0] })
        ]
        var frames: [UInt8] = []
        for message in messages {
            guard let frame = message.encoded(pid: getpid()) else { return nil }
            frames += frame
        }
        return frames
    }

    /// `TMUX_TMPDIR` as the tmux program would see it.
    private var temporaryDirectory: String? {
        if let entry = spec.environment.last(where: { $0.name == "TMUX_TMPDIR" }) { return entry.value }
        return spec.unsetEnvironment.contains("TMUX_TMPDIR") ? nil : ProcessEnvironment.value("TMUX_TMPDIR")
    }

    /// A C string from a payload: the bytes before the first NUL.
    static func text(_ bytes: ArraySlice<UInt8>) -> String? {
        guard !bytes.isEmpty else { return nil }
        return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }
}

/// What a command printed, kept as `CommandOutput` asks, like `ProcessLauncher` keeps it: the
/// last `limit` bytes for `.capture`, the last 16 MiB written to the channel at the end for
/// `.forward`, nothing for `.discard`.
private struct PrintedOutput {
    private let output: CommandOutput
    private let limit: Int
    private var bytes: [UInt8] = []

    init(_ output: CommandOutput) {
        self.output = output
        switch output {
        case .capture(let most): limit = max(0, most)
        case .forward: limit = 16 << 20
        case .discard: limit = 0
        }
    }

    mutating func append(_ more: ArraySlice<UInt8>) {
        guard limit > 0 else { return }
        bytes += more
        if bytes.count > 2 * limit { bytes.removeFirst(bytes.count - limit) }
    }

    mutating func line(_ text: String) { append(ArraySlice(Array(text.utf8) + [UInt8(ascii: "\n")])) }

    func result(_ termination: Termination) -> CommandResult {
        let kept = Array(bytes.suffix(limit))
        if case .forward(let channel) = output {
            channel.write(kept)
            return CommandResult(termination)
        }
        return CommandResult(termination, output: kept)
    }
}
#endif
