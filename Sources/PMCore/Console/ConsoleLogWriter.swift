import PMSystem

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The logger of a `ConsoleLog`: reads a console from its input (tmux's `pipe-pane` of the
/// game's pane) until the input ends, and keeps it in the log directory as the game's user.
/// It never holds the game up: it only reads, a write that fails (a full disk) drops lines and
/// says so in the log once writing works again, and a rotation is a rename. SIGINT, SIGTERM
/// and SIGHUP end it after what is already in its input is written.
package final class ConsoleLogWriter {
    private let directory: DirectoryHandle
    private let limits: ConsoleLog.Limits
    private var log: Int32 = -1
    private var logSize = 0
    private var raw: Int32 = -1
    private var rawSize = 0
    private var text = TerminalText()
    /// Lines that could not be written since the last that could, and why.
    private var dropped = 0
    private var dropReason = ""

    package init(directory path: String, limits: ConsoleLog.Limits) throws {
        directory = try DirectoryHandle.configured(path)
        self.limits = limits
    }

    deinit {
        if log >= 0 { close(log) }
        if raw >= 0 { close(raw) }
    }

    /// Logs `input` until its end or an interrupt; the exit status.
    package func run(input: Int32 = 0) -> ExitStatus {
        Interrupts.intercept()
        // The game and tmux come first: at nice 10 the logger takes what CPU they leave, and
        // catches up when the game pauses (measured in docs/benchmarks.md).
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, Self.niceness)
        // A run starts its own files: the last run's become the first rotated ones.
        if let size = try? fileSize(ConsoleLog.fileName), size > 0 { rotate() }
        if let size = try? fileSize(ConsoleLog.rawFileName), size > 0 { rotateRaw() }
        openLog()
        openRaw()
        _ = fcntl(input, F_SETFL, fcntl(input, F_GETFL) | O_NONBLOCK)
        var buffer = [UInt8](repeating: 0, count: Self.readLimit)
        var ended = false
        while !ended {
            if !Interrupts.pending {
                var ready = pollfd(fd: input, events: Int16(POLLIN), revents: 0)
                if poll(&ready, 1, -1) < 0 && errno == EINTR { continue }
            }
            // Everything there is, up to `readLimit`, in one go: under a fast game tmux writes
            // the pipe in small pieces, and each piece written on its own costs the game time.
            let (count, atEnd) = Self.readAvailable(input, into: &buffer)
            ended = atEnd || Interrupts.pending
            if count > 0 { take(buffer[0..<count]) }
        }
        append(text.flush())
        return .success
    }

    static let niceness: Int32 = 10

    /// The most one pass reads before it writes.
    static let readLimit = 1 << 20

    /// Reads what `input` has now into `buffer`: the byte count, and whether the input ended
    /// (or failed).
    private static func readAvailable(_ input: Int32, into buffer: inout [UInt8]) -> (Int, Bool) {
        var filled = 0
        while filled < buffer.count {
            let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress! + filled, $0.count - filled) }
            if count > 0 {
                filled += count
            } else if count < 0 && errno == EINTR {
                continue
            } else {
                return (filled, count == 0 || errno != EAGAIN)
            }
        }
        return (filled, false)
    }

    private func take(_ chunk: ArraySlice<UInt8>) {
        append(text.lines(from: chunk))
        writeRaw(chunk)
    }

    /// The time in front of the lines that arrive now, made again only when the millisecond
    /// has changed.
    private var stamp: (millisecond: Int64, text: [UInt8]) = (-1, [])

    private func currentStamp() -> [UInt8] {
        let now = Clock.wall
        let millisecond = Int64(now * 1000)
        if millisecond != stamp.millisecond {
            stamp = (millisecond, Array((Timestamp.rfc3339Milliseconds(now) + " ").utf8))
        }
        return stamp.text
    }

    /// Writes complete lines, each after the time they arrived, rotating the log before a
    /// line that would take it past its limit.
    private func append(_ lines: [UInt8]) {
        guard !lines.isEmpty else { return }
        let stamp = currentStamp()
        var batch: [UInt8] = []
        batch.reserveCapacity(lines.count + 64 * stamp.count)
        var start = lines.startIndex
        while let newline = lines[start...].firstIndex(of: UInt8(ascii: "\n")) {
            let length = stamp.count + newline + 1 - start
            if logSize + batch.count + length > limits.maximum, logSize + batch.count > 0 {
                store(batch)
                batch.removeAll(keepingCapacity: true)
                rotate()
                openLog()
            }
            batch += stamp
            batch += lines[start...newline]
            start = newline + 1
        }
        store(batch)
    }

    private func store(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        if dropped > 0 {
            let note =
                "\(Timestamp.rfc3339Milliseconds(Clock.wall)) [pm: \(dropped) lines were dropped: \(dropReason)]\n"
            dropped = 0
            store(Array(note.utf8))
        }
        var failure = Self.writeAll(log, bytes)
        if failure != nil, log >= 0, freeRawSpace() {
            _ = ftruncate(log, off_t(logSize))
            failure = Self.writeAll(log, bytes)
        }
        if let failure {
            dropped += bytes.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
            dropReason = failure
            // No half line: what part of the batch went in is taken out again.
            if log >= 0 { _ = ftruncate(log, off_t(logSize)) }
            return
        }
        logSize += bytes.count
    }

    private func writeRaw(_ chunk: ArraySlice<UInt8>) {
        if rawSize > 0, rawSize + chunk.count > ConsoleLog.rawMaximum {
            rotateRaw()
            openRaw()
        }
        if Self.writeAll(raw, chunk) == nil { rawSize += chunk.count }
    }

    /// The text log comes first: when it cannot be written, the raw copy gives its space up.
    /// Whether there was any to give.
    private func freeRawSpace() -> Bool {
        let had = rawSize > 0 || directory.contains(ConsoleLog.rawFileName + ".1")
        directory.remove(ConsoleLog.rawFileName + ".1")
        if raw >= 0 { _ = ftruncate(raw, 0) }
        rawSize = 0
        return had
    }

    private func rotateRaw() {
        if raw >= 0 {
            close(raw)
            raw = -1
        }
        _ = renameat(directory.descriptor, ConsoleLog.rawFileName, directory.descriptor, ConsoleLog.rawFileName + ".1")
    }

    /// Writes all of `bytes`; nil, or why it could not.
    private static func writeAll(_ fd: Int32, _ bytes: some Collection<UInt8>) -> String? {
        guard fd >= 0 else { return "the log could not be opened" }
        return Array(bytes).withUnsafeBytes { buffer -> String? in
            var done = 0
            while done < buffer.count {
                let count = write(fd, buffer.baseAddress! + done, buffer.count - done)
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { return SystemError("write", code: count < 0 ? errno : ENOSPC).reason }
                done += count
            }
            return nil
        }
    }

    private func openLog() {
        if log >= 0 { close(log) }
        log = (try? directory.openFile(ConsoleLog.fileName, O_WRONLY | O_CREAT | O_APPEND, mode: 0o640)) ?? -1
        logSize = log >= 0 ? Int(lseek(log, 0, SEEK_END)) : 0
    }

    private func openRaw() {
        raw = (try? directory.openFile(ConsoleLog.rawFileName, O_WRONLY | O_CREAT | O_APPEND, mode: 0o640)) ?? -1
        rawSize = raw >= 0 ? Int(lseek(raw, 0, SEEK_END)) : 0
    }

    private func fileSize(_ name: String) throws -> Int {
        var info = stat()
        guard fstatat(directory.descriptor, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
            throw SystemError("stat", path: name)
        }
        return Int(info.st_size)
    }

    /// `console.log` becomes `console.log.1`, and each older file moves one up; what would
    /// pass `keep` files in all is removed. A compressed file keeps its `.gz`.
    private func rotate() {
        if log >= 0 {
            close(log)
            log = -1
        }
        let base = ConsoleLog.fileName
        guard limits.keep > 1 else {
            directory.remove(base)
            return
        }
        directory.remove("\(base).\(limits.keep - 1)")
        directory.remove("\(base).\(limits.keep - 1).gz")
        for index in stride(from: limits.keep - 2, through: 1, by: -1) {
            for suffix in ["", ".gz"] {
                _ = renameat(
                    directory.descriptor, "\(base).\(index)\(suffix)", directory.descriptor,
                    "\(base).\(index + 1)\(suffix)")
            }
        }
        _ = renameat(directory.descriptor, base, directory.descriptor, "\(base).1")
        if limits.compress { compress("\(base).1") }
    }

    /// gzip, from PATH, in the log directory, waited for (at most a minute).
    private func compress(_ name: String) {
        let spec = CommandSpec(["gzip", "-f", "-q", "--", name], workingDirectory: directory.path, timeout: 60)
        _ = try? ProcessLauncher().run(spec, output: .discard)
    }
}
