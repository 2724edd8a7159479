#if os(Linux)
import Foundation
import XCTest
@testable import PMSystem
@testable import PMHTTP
@testable import PMCore
@testable import PMManagers
@testable import PMCommon
@testable import PMTestSupport

/// `TmuxClient` against a real tmux server (its answers must be the tmux program's, byte for
/// byte) and against scripted servers for what a real one does not do: another protocol
/// version, malformed frames, silence, endless output, requests to open files.
final class TmuxClientTests: XCTestCase {
    private var directory = ""
    private let launcher = ProcessLauncher()

    override func setUpWithError() throws {
        directory = "/tmp/pm-tmux-client-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        chmod(directory, 0o755)
    }

    override func tearDownWithError() throws {
        _ = try? launcher.run(tmuxSpec(["kill-server"]), output: .discard)
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A tmux command in this test's `TMUX_TMPDIR`, by default in a UTF-8 locale (the client
    /// always asks for UTF-8; so does the tmux program in such a locale, or with `-u`).
    /// `SHELL=/bin/sh`, as the manager sets it: without it a server started for the test user
    /// takes the user's `nologin` as its shell, and every pane dies at once.
    private func tmuxSpec(
        _ words: [String], account: Account? = nil, timeout: Double = 5, locale: String = "C.UTF-8"
    ) -> CommandSpec {
        CommandSpec(
            ["tmux"] + words,
            environment: [
                EnvironmentEntry("TMUX_TMPDIR", directory), EnvironmentEntry("LC_ALL", locale),
                EnvironmentEntry("SHELL", "/bin/sh")
            ],
            account: account, timeout: timeout, readOnly: true)
    }

    private func client(fallback: CommandRunner = ProcessLauncher()) -> TmuxClient { TmuxClient(fallback: fallback) }

    private var socketDirectory: String { "\(directory)/tmux-\(geteuid())" }

    // MARK: - A real tmux server

    func testQueriesAnswerAsTheTmuxProgramDoes() throws {
        try Backend.require(.program("tmux"))
        let started = try launcher.run(
            tmuxSpec([
                "-f", "/dev/null", "new-session", "-d", "-s", "game", "-x", "200",
                "printf 'line one\\nline two\\n'; sleep 30"
            ]), output: .capture(limit: 4096))
        XCTAssertEqual(started.termination, .exited(0), started.text)
        let deadline = Date().addingTimeInterval(5)
        while try !launcher.run(tmuxSpec(["capture-pane", "-p", "-t", "=game:"]), output: .capture(limit: 4096)).text
            .contains("line two"),
            Date() < deadline
        {
            Thread.sleep(forTimeInterval: 0.05)
        }
        let queries: [[String]] = [
            ["list-panes", "-a", "-F", TmuxManager.paneFormat],
            ["list-panes", "-t", "=game:", "-F", "#{session_name} #{pane_pid} #{history_limit}"],
            ["capture-pane", "-p", "-J", "-S", "-", "-t", "=game:"],
            ["list-panes", "-t", "=nothing:"],
            ["has-session", "-t", "=game"],
            ["no-such-command"]
        ]
        // In the C locale tmux prints `_` for each tab of a line, unless `-u` is given.
        let runs = queries.map { ($0, "C.UTF-8") } + queries.map { (["-u"] + $0, "C") }
        for (query, locale) in runs {
            let program = try launcher.run(tmuxSpec(query, locale: locale), output: .capture(limit: 1 << 20))
            let answer = try client(fallback: RecordingRunner()).run(
                tmuxSpec(query, locale: locale), output: .capture(limit: 1 << 20))
            XCTAssertEqual(answer.termination, program.termination, "\(query)")
            XCTAssertEqual(answer.text, program.text, "\(query)")
        }
        let sanitized = try launcher.run(
            tmuxSpec(["list-panes", "-a", "-F", "#{session_name}\t#{pane_pid}"], locale: "C"),
            output: .capture(limit: 4096))
        XCTAssertTrue(sanitized.text.hasPrefix("game_"), "why listPanes passes -u: \(sanitized.text)")
        let missing = try client().run(tmuxSpec(["list-panes", "-t", "=nothing:"]), output: .capture(limit: 4096))
        XCTAssertEqual(missing.termination, .exited(1))
        XCTAssertEqual(missing.text, "can't find session: nothing\n")
    }

    func testNamesAreGivenByteForByte() throws {
        try Backend.require(.program("tmux"))
        XCTAssertEqual(
            try launcher.run(
                tmuxSpec(["-f", "/dev/null", "new-session", "-d", "-s", "sérvér", "sleep 30"]), output: .discard
            ).termination, .exited(0))
        let answer = try client().run(
            tmuxSpec(["list-sessions", "-F", "#{session_name}"]), output: .capture(limit: 4096))
        XCTAssertEqual(answer.text, "sérvér\n")
    }

    func testNoServerAndUnsafeDirectoryAnswerAsTheTmuxProgramDoes() throws {
        try Backend.require(.program("tmux"))
        let none = try client().run(tmuxSpec(["list-panes", "-a"]), output: .capture(limit: 4096))
        XCTAssertEqual(none.termination, .exited(1))
        XCTAssertEqual(none.text, "error connecting to \(socketDirectory)/default (No such file or directory)\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: socketDirectory), "the client creates nothing")

        let program = try launcher.run(tmuxSpec(["list-panes", "-a"]), output: .capture(limit: 4096))
        XCTAssertEqual(program.text, none.text, "the tmux program says the same")
        chmod(socketDirectory, 0o707)
        let unsafe = try client().run(tmuxSpec(["list-panes", "-a"]), output: .capture(limit: 4096))
        XCTAssertEqual(unsafe.termination, .exited(1))
        XCTAssertEqual(unsafe.text, "directory \(socketDirectory) has unsafe permissions\n")
        XCTAssertEqual(
            try launcher.run(tmuxSpec(["list-panes", "-a"]), output: .capture(limit: 4096)).text, unsafe.text)
    }

    func testTmuxMissingFromPathIsNotFound() throws {
        try Backend.require(.program("tmux"))
        XCTAssertThrowsError(
            try TmuxClient(fallback: RecordingRunner(), searchPath: "/nonexistent").run(
                tmuxSpec(["list-panes", "-a"]), output: .discard)
        ) { error in
            guard case CommandError.notFound("tmux", _) = error else { return XCTFail("\(error)") }
        }
    }

    // MARK: - Another user's server

    /// Root reaches a user's server only through a socket that user owns: a link the user puts
    /// in its place, to a socket of root's, is refused before anything connects.
    func testASocketThatIsNotTheUsersIsRefused() throws {
        try Backend.require(.program("tmux"))
        let user = try TestUser.ensure()
        let rootServer = try ScriptedTmuxServer(path: "\(directory)/root.sock") { _ in }
        let userDirectory = "\(directory)/tmux-\(user.uid)"
        mkdir(userDirectory, 0o700)
        chown(userDirectory, user.uid, user.gid)
        symlink("\(directory)/root.sock", "\(userDirectory)/default")
        let linked = try client().run(tmuxSpec(["list-panes", "-a"], account: user), output: .capture(limit: 4096))
        XCTAssertEqual(linked.termination, .exited(1))
        XCTAssertEqual(linked.text, "refusing \(userDirectory)/default: it is not a socket owned by uid \(user.uid)\n")

        unlink("\(userDirectory)/default")
        link("\(directory)/root.sock", "\(userDirectory)/default")
        let hardLinked = try client().run(tmuxSpec(["list-panes", "-a"], account: user), output: .capture(limit: 4096))
        XCTAssertEqual(hardLinked.text, linked.text, "the same socket under the user's name is still root's")

        // The user's directory itself replaced by a link to a directory of the user's that
        // holds a socket of the user's: refused as tmux refuses it, as not a directory.
        let elsewhere = "\(directory)/elsewhere"
        mkdir(elsewhere, 0o700)
        chown(elsewhere, user.uid, user.gid)
        let userServer = try ScriptedTmuxServer(path: "\(elsewhere)/default") { _ in }
        chown("\(elsewhere)/default", user.uid, user.gid)
        try FileManager.default.removeItem(atPath: userDirectory)
        symlink(elsewhere, userDirectory)
        let linkedDirectory = try client().run(
            tmuxSpec(["list-panes", "-a"], account: user), output: .capture(limit: 4096))
        XCTAssertEqual(linkedDirectory.text, "\(userDirectory) is not a directory\n")
        rootServer.stop()
        userServer.stop()
        XCTAssertEqual(rootServer.accepted + userServer.accepted, 0)
    }

    func testAnotherUsersServerIsAnswered() throws {
        try Backend.require(.program("tmux"))
        let user = try TestUser.ensure()
        chmod(directory, 0o1777)
        let spec = tmuxSpec(["-f", "/dev/null", "new-session", "-d", "-s", "theirs", "sleep 30"], account: user)
        XCTAssertEqual(try launcher.run(spec, output: .discard).termination, .exited(0))
        defer { _ = try? launcher.run(tmuxSpec(["kill-server"], account: user), output: .discard) }
        let answer = try client().run(
            tmuxSpec(["list-sessions", "-F", "#{session_name}"], account: user), output: .capture(limit: 4096))
        XCTAssertEqual(answer.termination, .exited(0), answer.text)
        XCTAssertEqual(answer.text, "theirs\n")
    }

    // MARK: - Scripted servers

    func testWhatTheClientSendsAndHowItAnswersTheServersRequests() throws {
        try Backend.require(.program("tmux"))
        let marker = "\(directory)/must-not-exist"
        var received: [TmuxMessage] = []
        let server = try scripted { peer in
            received = peer.readUntilCommand()
            peer.send(.writeOpen, integers: [1, 1, 0])
            let stdoutReady = peer.readMessage()
            peer.send(.write, TmuxMessage.bytes(of: Int32(1)) + Array("out\n".utf8))
            peer.send(.writeOpen, TmuxMessage(.writeOpen, integers: [3, -1, 0]).payload + Array(marker.utf8) + [0])
            let fileRefused = peer.readMessage()
            peer.send(.readOpen, integers: [4, 0])
            let readRefused = peer.readMessage()
            peer.send(.writeOpen, integers: [2, 2, 0])
            let stderrReady = peer.readMessage()
            peer.send(.write, TmuxMessage.bytes(of: Int32(2)) + Array("err\n".utf8))
            peer.send(.write, TmuxMessage.bytes(of: Int32(3)) + Array("to the file\n".utf8))
            peer.send(.exit, TmuxMessage.bytes(of: Int32(3)))
            received += [stdoutReady, fileRefused, readRefused, stderrReady].compactMap { $0 }
        }
        let result = try client(fallback: RecordingRunner()).run(
            tmuxSpec(["list-panes", "-a"]), output: .capture(limit: 4096))
        server.stop()
        XCTAssertEqual(result.termination, .exited(3))
        XCTAssertEqual(result.text, "out\nerr\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker), "a file the server names is never opened")

        XCTAssertEqual(received.map(\.type.rawValue), [100, 111, 101, 109, 102, 108, 107, 106, 200, 305, 305, 302, 305])
        XCTAssertTrue(received.allSatisfy { $0.peerID == 8 })
        XCTAssertEqual(received[0].integer(at: 0), 0x8010000)
        XCTAssertEqual(received[6].integer(at: 0), getpid())
        XCTAssertEqual(received[8].payload, TmuxMessage.bytes(of: Int32(2)) + Array("list-panes\0-a\0".utf8))
        XCTAssertEqual(received[9].payload, TmuxMessage(.writeReady, integers: [1, 0]).payload)
        XCTAssertEqual(received[10].payload, TmuxMessage(.writeReady, integers: [3, EBADF]).payload)
        XCTAssertEqual(received[11].payload, TmuxMessage(.readDone, integers: [4, EBADF]).payload)
        XCTAssertEqual(received[12].payload, TmuxMessage(.writeReady, integers: [2, 0]).payload)
    }

    func testOtherOptionsGoToTheTmuxProgram() throws {
        try Backend.require(.program("tmux"))
        let program = RecordingRunner()
        let spec = tmuxSpec(["-L", "other", "list-panes", "-a"])
        _ = try client(fallback: program).run(spec, output: .discard)
        XCTAssertEqual(program.calls, [spec])
    }

    func testAnotherProtocolVersionGoesToTheTmuxProgram() throws {
        try Backend.require(.program("tmux"))
        let server = try scripted { peer in
            _ = peer.readUntilCommand()
            var version = TmuxMessage(.version)
            version.peerID = 9
            peer.write(version.encoded(pid: 1) ?? [])
        }
        defer { server.stop() }
        let program = RecordingRunner()
        program.answer = { _ in CommandResult(.exited(0), output: Array("from the program\n".utf8)) }
        let spec = tmuxSpec(["list-panes", "-a"])
        let result = try client(fallback: program).run(spec, output: .capture(limit: 4096))
        XCTAssertEqual(result.text, "from the program\n")
        XCTAssertEqual(program.calls, [spec])
    }

    func testAServerThatMisbehavesIsAnErrorNeverAHang() throws {
        try Backend.require(.program("tmux"))
        let cases: [(String, (TmuxTestPeer) -> Void, Termination, String)] = [
            (
                "a frame shorter than its header",
                { peer in
                    _ = peer.readUntilCommand()
                    peer.write(
                        TmuxMessage.bytes(of: UInt32(203)) + TmuxMessage.bytes(of: UInt16(5))
                            + [UInt8](repeating: 0, count: 10))
                }, .exited(1), "sent a malformed message (length 5)"
            ),
            (
                "a frame longer than the protocol allows",
                { peer in
                    _ = peer.readUntilCommand()
                    peer.write(
                        TmuxMessage.bytes(of: UInt32(203)) + TmuxMessage.bytes(of: UInt16(20000))
                            + [UInt8](repeating: 0, count: 10))
                }, .exited(1), "sent a malformed message (length 20000)"
            ),
            (
                // A tmux server that is exiting drops connections unanswered: no server.
                "closed without a word",
                { peer in
                    _ = peer.readUntilCommand()
                }, .exited(1), "no server running on"
            ),
            (
                "an exit status without its four bytes",
                { peer in
                    _ = peer.readUntilCommand()
                    peer.send(.exit, [1])
                }, .exited(1), "sent a malformed message (length 17)"
            ),
            (
                "silent",
                { peer in
                    _ = peer.readUntilCommand()
                    Thread.sleep(forTimeInterval: 1.5)
                }, .timedOut(seconds: 0.5), ""
            )
        ]
        for (name, script, termination, message) in cases {
            let server = try scripted(script)
            let started = Date()
            let result = try client(fallback: RecordingRunner()).run(
                tmuxSpec(["list-panes", "-a"], timeout: 0.5), output: .capture(limit: 4096))
            let took = Date().timeIntervalSince(started)
            server.stop()
            XCTAssertEqual(result.termination, termination, name)
            XCTAssertTrue(message.isEmpty || result.text.contains(message), "\(name): \(result.text)")
            XCTAssertLessThan(took, 1.5, name)
        }
    }

    /// A spec without a timeout still gets one: the client's default (`TmuxManager.callTimeout`).
    func testASilentServerTimesOutWithoutATimeoutInTheSpec() throws {
        try Backend.require(.program("tmux"))
        let server = try scripted { peer in
            _ = peer.readUntilCommand()
            Thread.sleep(forTimeInterval: 1.5)
        }
        var spec = tmuxSpec(["list-panes", "-a"])
        spec.timeout = nil
        let result = try TmuxClient(fallback: RecordingRunner(), defaultTimeout: 0.3).run(
            spec, output: .capture(limit: 4096))
        server.stop()
        XCTAssertEqual(result.termination, .timedOut(seconds: 0.3))
        XCTAssertEqual(TmuxClient(fallback: RecordingRunner()).defaultTimeout, TmuxManager.callTimeout)
    }

    func testEndlessOutputKeepsOnlyTheLimit() throws {
        try Backend.require(.program("tmux"))
        let line = Array("0123456789abcdef".utf8)
        let server = try scripted { peer in
            _ = peer.readUntilCommand()
            peer.send(.writeOpen, integers: [1, 1, 0])
            _ = peer.readMessage()
            for _ in 0..<4096 { peer.send(.write, TmuxMessage.bytes(of: Int32(1)) + line) }
            peer.send(.exit, TmuxMessage.bytes(of: Int32(0)))
        }
        defer { server.stop() }
        let result = try client().run(tmuxSpec(["list-panes", "-a"]), output: .capture(limit: 1000))
        XCTAssertEqual(result.termination, .exited(0))
        XCTAssertEqual(result.output.count, 1000)
        XCTAssertEqual(Array(result.output.suffix(16)), line)
    }

    /// Mutated and random answers end in a result (or a timeout), never a crash or a hang.
    func testRandomAndMutatedAnswers() throws {
        try Backend.require(.program("tmux"))
        var valid: [UInt8] = []
        valid += TmuxMessage(.writeOpen, integers: [1, 1, 0]).encoded(pid: 1) ?? []
        valid += TmuxMessage(.write, TmuxMessage.bytes(of: Int32(1)) + Array("a\tb\n".utf8)).encoded(pid: 1) ?? []
        valid += TmuxMessage(.exit, TmuxMessage.bytes(of: Int32(0)) + Array("bye\0".utf8)).encoded(pid: 1) ?? []
        var random = SeededRandom(seed: 0x7A3C)
        for round in 0..<40 {
            let answer = round % 4 == 0 ? random.bytes(count: Int(random.next() % 200)) : random.mutate(valid)
            let server = try scripted { peer in
                _ = peer.readUntilCommand()
                peer.write(answer)
            }
            let result = try client(fallback: RecordingRunner()).run(
                tmuxSpec(["list-panes", "-a"], timeout: 0.5), output: .capture(limit: 4096))
            server.stop()
            if case .exited = result.termination { continue }
            XCTAssertEqual(result.termination, .timedOut(seconds: 0.5), "round \(round)")
        }
    }

    /// Messages cut anywhere across reads, down to single bytes.
    func testMessagesSplitAcrossReads() throws {
        try Backend.require(.program("tmux"))
        let server = try scripted { peer in
            _ = peer.readUntilCommand()
            peer.send(.writeOpen, integers: [1, 1, 0])
            _ = peer.readMessage()
            var bytes: [UInt8] = []
            for line in ["first\n", "second\n"] {
                bytes += TmuxMessage(.write, TmuxMessage.bytes(of: Int32(1)) + Array(line.utf8)).encoded(pid: 1) ?? []
            }
            bytes += TmuxMessage(.exit, TmuxMessage.bytes(of: Int32(0))).encoded(pid: 1) ?? []
            for byte in bytes {
                peer.write([byte])
                usleep(500)
            }
        }
        defer { server.stop() }
        let result = try client().run(tmuxSpec(["list-panes", "-a"]), output: .capture(limit: 4096))
        XCTAssertEqual(result.termination, .exited(0))
        XCTAssertEqual(result.text, "first\nsecond\n")
    }

    /// A server that cuts every read just after a message starts cannot make the reader hold
    /// more than one message and one read.
    func testTheReaderHoldsAtMostOneMessageAndOneRead() throws {
        let message = TmuxMessage(.write, [UInt8](repeating: 65, count: 60000 / 4)).encoded(pid: 1) ?? []
        var reader = TmuxMessageReader()
        var pending = message
        var count = 0
        for _ in 0..<200 {
            let chunk = Array(pending) + Array(message.prefix(1))
            pending = Array(message.dropFirst(1))
            reader.append(chunk)
            while try reader.next() != nil { count += 1 }
            XCTAssertLessThanOrEqual(reader.buffered, TmuxMessage.maximumSize + chunk.count)
        }
        XCTAssertEqual(count, 200)
    }

    /// A listen queue that is full makes a non-blocking connect fail with EAGAIN, where tmux's
    /// blocking connect waits: the client tries again until the server takes it.
    func testAFullListenQueueIsWaitedFor() throws {
        try Backend.require(.program("tmux"))
        mkdir(socketDirectory, 0o700)
        let path = "\(socketDirectory)/default"
        let listener = try Self.listen(path, backlog: 0)
        defer { close(listener) }
        let filler = try Self.connect(path)
        defer { close(filler) }
        let answered = DispatchGroup()
        answered.enter()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) {
            defer { answered.leave() }
            close(accept(listener, nil, nil))
            var waiting = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&waiting, 1, 2000) == 1 else { return }
            let peer = TmuxTestPeer(HTTPTestPeer(fd: accept(listener, nil, nil)))
            _ = peer.readUntilCommand()
            peer.send(.exit, TmuxMessage.bytes(of: Int32(0)))
        }
        let result = try client().run(tmuxSpec(["list-panes", "-a"]), output: .capture(limit: 4096))
        XCTAssertEqual(answered.wait(timeout: .now() + 5), .success)
        XCTAssertEqual(result.termination, .exited(0), result.text)
    }

    private static func listen(_ path: String, backlog: Int32) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = Self.address(path)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0, Glibc.listen(fd, backlog) == 0 else { throw SystemError("cannot listen on", path: path) }
        return fd
    }

    private static func connect(_ path: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = Self.address(path)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else { throw SystemError("cannot connect to", path: path) }
        return fd
    }

    private static func address(_ path: String) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        return address
    }

    /// A scripted server at this test's socket path, in a directory that passes the checks.
    private func scripted(_ script: @escaping (TmuxTestPeer) -> Void) throws -> ScriptedTmuxServer {
        mkdir(socketDirectory, 0o700)
        return try ScriptedTmuxServer(path: "\(socketDirectory)/default", script: script)
    }
}

/// A unix socket server that runs a script per connection (`HTTPTestServer` underneath).
final class ScriptedTmuxServer {
    private let server: HTTPTestServer

    init(path: String, script: @escaping (TmuxTestPeer) -> Void) throws {
        server = try HTTPTestServer(unix: path) { script(TmuxTestPeer($0)) }
    }

    var accepted: Int { server.accepted }

    func stop() { server.stop() }
}

/// The server's side of one connection, in tmux messages.
final class TmuxTestPeer {
    private let peer: HTTPTestPeer
    private var reader = TmuxMessageReader()

    init(_ peer: HTTPTestPeer) { self.peer = peer }

    func write(_ bytes: [UInt8]) { peer.write(bytes) }

    /// Every message the client sends up to and including its command.
    func readUntilCommand() -> [TmuxMessage] {
        var messages: [TmuxMessage] = []
        while messages.last?.type != .command, let message = readMessage() { messages.append(message) }
        return messages
    }

    /// The next message from the client; nil when it closes first.
    func readMessage() -> TmuxMessage? {
        while true {
            if let message = try? reader.next() { return message }
            let bytes = peer.readSome()
            if bytes.isEmpty { return nil }
            reader.append(bytes)
        }
    }

    func send(_ type: TmuxMessageType, _ payload: [UInt8]) {
        write(TmuxMessage(type, payload).encoded(pid: 1) ?? [])
    }

    func send(_ type: TmuxMessageType, integers: [Int32]) {
        write(TmuxMessage(type, integers: integers).encoded(pid: 1) ?? [])
    }
}
#endif
