import PMSystem

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The console log the tools keep for a server whose backend keeps none (tmux), so that the
/// last words of a stopped or crashed game can still be read. A logger running as the game's
/// user (`ConsoleLogWriter`, started as `pm-output --write-log`) writes it into the server's
/// `ServerFiles` directory, `<state dir>/servers/<id>-<uuid>/`:
/// - `console.log`: the console as lines of text (`TerminalText`), each after the time it
///   arrived (`2026-12-03T16:20:00.123Z `); rotated at start and past `console_log_max` into
///   `console.log.1` ... (`.gz` with `console_log_compress`), `console_log_keep` files in all;
/// - `console.raw`: the last `rawMaximum` bytes or so as the terminal received them (and
///   `console.raw.1` before them), for `--raw`.
package struct ConsoleLog {
    /// How big the log grows and how many files are kept.
    package struct Limits: Equatable, Sendable {
        package var maximum = 10 << 20
        package var keep = 5
        package var compress = false

        package init() {}
    }

    package static let fileName = "console.log"
    /// The logger's `ServerMarker.helperVariable`.
    package static let helperRole = "console-log"
    package static let rawFileName = "console.raw"
    /// The size at which `console.raw` starts again (its previous part is `console.raw.1`).
    package static let rawMaximum = 1 << 20
    /// `2026-12-03T16:20:00.123Z`, the time in front of every line.
    package static let timeWidth = 24
    package static let maximumRange = 64 << 10...(1 << 40)
    package static let keepRange = 1...100

    /// The server's directory of logs.
    package var path: String { files.path }
    private let files: ServerFiles

    package init(_ server: Server, state: StateDirectory) {
        files = ServerFiles(server, state: state)
    }

    /// The server's settings; nil when `console_log` turns the log off.
    package static func limits(_ server: Server) throws -> Limits? {
        guard try server.settings.flag(.consoleLog) ?? true else { return nil }
        var limits = Limits()
        limits.maximum = try server.settings.bytes(.consoleLogMax, in: maximumRange) ?? limits.maximum
        limits.keep = try server.settings.integer(.consoleLogKeep, in: keepRange) ?? limits.keep
        limits.compress = try server.settings.flag(.consoleLogCompress) ?? limits.compress
        return limits
    }

    /// The logger's command line (`pm-output --write-log`, from the running tool's directory,
    /// else PATH); nil when there is no pm-output.
    package func loggerArguments(_ limits: Limits) -> [String]? {
        guard let program = ExecutableLookup.toolboxTool("pm-output", runnableBy: files.account) else { return nil }
        var words = [program, "--write-log", path, "--log-max", String(limits.maximum)]
        words += ["--log-keep", String(limits.keep)] + (limits.compress ? ["--log-compress"] : [])
        return words
    }

    /// Makes the directory the logger writes, for the game's user.
    package func prepare() throws {
        do {
            try files.prepare()
        } catch let error as SystemError {
            throw ConsoleLogError.cannotPrepare(path: path, reason: error.reason)
        }
    }

    /// Opens `file` of the log for reading; nil when there is no such file (`ServerFiles`).
    package func open(_ file: String) throws -> Int32? {
        do {
            return try files.open(file)
        } catch {
            throw ConsoleLogError.unreadable(path: error.path, reason: error.reason)
        }
    }

    /// The last `count` lines (0: all), those since `since` (seconds since the epoch) when
    /// given, with their times when `timestamps`; `raw`: the terminal's bytes instead. Nil
    /// when there is no log.
    package func lastLines(
        count: Int, since: Double? = nil, timestamps: Bool = false, raw: Bool = false
    ) throws
        -> [UInt8]?
    {
        guard let fd = try open(raw ? Self.rawFileName : Self.fileName) else { return nil }
        defer { close(fd) }
        let file = Path.join(path, raw ? Self.rawFileName : Self.fileName)
        if raw { return try LogFile.lastLines(of: fd, name: file, count: count) }
        guard let since else {
            return Self.text(try LogFile.lastLines(of: fd, name: file, count: count), timestamps: timestamps)
        }
        let lines = try LogFile.lastLines(of: fd, name: file, count: 0).split(
            separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
        let recent = lines.drop { line in Self.time(of: line).map { $0 < since } ?? true }
        let kept = count > 0 ? Array(recent.suffix(count)) : Array(recent)
        return Self.text(kept.flatMap { $0 + [UInt8(ascii: "\n")] }, timestamps: timestamps)
    }

    /// The time in front of a line of the log.
    static func time(of line: ArraySlice<UInt8>) -> Double? {
        guard line.count > timeWidth, line[line.startIndex + timeWidth] == UInt8(ascii: " ") else { return nil }
        return Timestamp.parseRFC3339(String(decoding: line.prefix(timeWidth), as: UTF8.self))
    }

    /// Log lines as the console showed them: the times taken off, unless `timestamps`.
    package static func text(_ log: [UInt8], timestamps: Bool) -> [UInt8] {
        guard !timestamps else { return log }
        var out: [UInt8] = []
        out.reserveCapacity(log.count)
        var lineStart = true
        var index = log.startIndex
        while index < log.endIndex {
            if lineStart, log.endIndex - index > timeWidth, log[index + timeWidth] == UInt8(ascii: " "),
                log[index + timeWidth - 1] == UInt8(ascii: "Z")
            {
                index += timeWidth + 1
            }
            guard index < log.endIndex else { break }
            let byte = log[index]
            out.append(byte)
            lineStart = byte == UInt8(ascii: "\n")
            index += 1
        }
        return out
    }
}

/// The console log cannot be made or read.
package enum ConsoleLogError: ToolError, Equatable {
    case cannotPrepare(path: String, reason: String)
    case unreadable(path: String, reason: String)
    /// The logger program is missing: the server runs without a log.
    case noLogger

    package var exitStatus: ExitStatus { .unknown }

    package var description: String {
        switch self {
        case .cannotPrepare(let path, let reason):
            return "cannot prepare the console log directory \(path): \(reason) (console_log=no turns the log off)"
        case .unreadable(let path, let reason): return "cannot read the console log \(path): \(reason)"
        case .noLogger:
            return "no console log: no pm-output that the server's user may run, next to this tool or in PATH"
        }
    }
}
