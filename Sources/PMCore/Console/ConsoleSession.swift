import PMSystem

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A live feed of a server's console output, for managers that can stream it (tmux's
/// `pipe-pane`). Managers without one are polled.
package protocol ConsoleFeed: AnyObject {
    /// The last `lines` lines before the feed's first output, when the feed keeps them (a
    /// log); nil to ask the manager's `output`.
    func history(lines: Int) throws -> [UInt8]?
    /// Whether the feed gives lines of text already (else the session makes them).
    var deliversText: Bool { get }
    /// What arrived since the last call; empty when nothing did.
    func newOutput() throws -> [UInt8]
    /// Stops the feed and removes what it created.
    func finish()
}

extension ConsoleFeed {
    package func history(lines: Int) throws -> [UInt8]? { nil }
    package var deliversText: Bool { false }
}

/// `pm-output --follow` and `pm-input --attach`: the last lines first, then new output as it
/// comes (from the manager's feed, or by fetching the output again and again and printing only
/// what is new, as the reference's Attach loop does); input lines are sent as they
/// arrive. Both end when the server stops, on SIGINT or SIGTERM, when the output's reader
/// goes away, and (attach) when the input reaches its end. The output is text
/// (`TerminalText`), each line written as it is complete, unless `--raw` asks for the bytes.
package struct ConsoleSession {
    package static let pollInterval = 0.5
    package static let feedInterval = 0.1
    package static let statusInterval = 2.0

    let lifecycle: Lifecycle
    private var shown = ""
    private var feed: ConsoleFeed?
    /// Turns the terminal's bytes into lines, unless the output is raw or already text.
    private var terminal: TerminalText?

    package init(_ lifecycle: Lifecycle) {
        self.lifecycle = lifecycle
    }

    private var manager: ProcessManager { lifecycle.manager }
    private var server: Server { lifecycle.server }
    private var context: VerbContext { lifecycle.context }

    /// Prints the last lines, then new output until the server stops or the tool is interrupted.
    package mutating func follow(lines: Int) throws {
        try run(lines: lines, input: nil)
    }

    /// Like `follow`, and sends each line read from `input` as console input.
    package mutating func attach(lines: Int, input: Int32) throws {
        try run(lines: lines, input: input)
    }

    private mutating func run(lines: Int, input: Int32?) throws {
        try lifecycle.checkConsoleOptions()
        guard try manager.status(server, context).isRunning else {
            throw LifecycleError.notRunning
        }
        Interrupts.intercept()
        let raw = context.options.raw
        // The feed first: what arrives meanwhile is in its output, never lost between the two.
        feed = try manager.openFeed(server, context)
        if let history = try feed?.history(lines: lines) {
            context.out.write(history)
        } else {
            shown = try manager.output(server, lines: lines, context)
            let last = Lifecycle.lastLines(shown, lines).utf8
            context.out.write(raw ? Array(last) : TerminalText.convert(last))
        }
        terminal = raw || feed?.deliversText == true ? nil : TerminalText()
        defer {
            if let rest = terminal?.flush() { context.out.write(rest) }
            feed?.finish()
        }
        if feed == nil { shown = try manager.output(server, lines: 0, context) }
        let interval = feed == nil ? Self.pollInterval : Self.feedInterval
        var pending: [UInt8] = []
        var inputOpen = input != nil
        var nextOutput = Clock.monotonic + interval
        var nextStatus = Clock.monotonic + Self.statusInterval
        while !Interrupts.pending && !context.out.isBroken {
            if inputOpen, let input {
                inputOpen = try pump(input, pending: &pending, wait: max(0, nextOutput - Clock.monotonic))
                if !inputOpen {
                    Clock.sleep(seconds: Self.pollInterval)
                    try printNew()
                    return
                }
            } else {
                Clock.sleep(seconds: max(0, nextOutput - Clock.monotonic))
            }
            if Clock.monotonic >= nextOutput {
                do {
                    try printNew()
                } catch {
                    // The output may have gone with the server (a container removed as it stopped).
                    guard try manager.status(server, context).isRunning else {
                        context.err.line("\(server.label): the server has stopped")
                        return
                    }
                    throw error
                }
                nextOutput = Clock.monotonic + interval
            }
            if Clock.monotonic >= nextStatus {
                guard try manager.status(server, context).isRunning else {
                    try? printNew()
                    context.err.line("\(server.label): the server has stopped")
                    return
                }
                nextStatus = Clock.monotonic + Self.statusInterval
            }
        }
    }

    /// Waits up to `wait` seconds for input and sends every complete line; false at end of input.
    private func pump(_ input: Int32, pending: inout [UInt8], wait: Double) throws -> Bool {
        var descriptor = pollfd(fd: input, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, Int32(wait * 1000)) > 0 else { return true }
        var chunk = [UInt8](repeating: 0, count: 4096)
        let count = chunk.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
        if count < 0 { return errno == EINTR || errno == EAGAIN }
        if count == 0 {
            if !pending.isEmpty { try send(pending) }
            return false
        }
        pending += chunk[0..<count]
        while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
            try send(Array(pending[..<newline]))
            pending.removeFirst(newline + 1)
        }
        return true
    }

    private func send(_ line: [UInt8]) throws {
        var text = String(decoding: line, as: UTF8.self)
        if text.hasSuffix("\r") { text.removeLast() }
        do {
            try lifecycle.send(text)
        } catch let error as ToolError where error.exitStatus == .invalid {
            context.err.line("\(server.label): line not sent: \(error)")
        }
    }

    /// Prints what the feed brought, or what the output gained since last time; when the
    /// polled output shrank or changed (a restart, a rotated log), starts over from the new text
    /// without printing it again.
    private mutating func printNew() throws {
        if let feed {
            write(try feed.newOutput())
            return
        }
        let current = try manager.output(server, lines: 0, context)
        write(Self.newPart(of: current, after: shown))
        shown = current
    }

    private mutating func write(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        context.out.write(terminal?.lines(from: bytes) ?? bytes)
    }

    /// What `current` adds to `shown`: the rest when `shown` is its beginning; when the start
    /// scrolled away (a history limit, a rotated log), the part after the last few lines of
    /// `shown`; nothing when those are not found either (the output was replaced).
    static func newPart(of current: String, after shown: String) -> [UInt8] {
        let new = Array(current.utf8)
        let old = Array(shown.utf8)
        if new.starts(with: old) { return Array(new.dropFirst(old.count)) }
        var anchorStart = old.count
        var newlines = 0
        while anchorStart > 0 && newlines < 4 {
            anchorStart -= 1
            if old[anchorStart] == UInt8(ascii: "\n") { newlines += 1 }
        }
        let anchor = Array(old[(newlines == 4 ? anchorStart + 1 : 0)...])
        guard anchor.count >= 8, new.count >= anchor.count else { return [] }
        var position = new.count - anchor.count
        while position >= 0 {
            if new[position..<(position + anchor.count)].elementsEqual(anchor) {
                return Array(new[(position + anchor.count)...])
            }
            position -= 1
        }
        return []
    }
}
