import PMCore
import PMHTTP
import PMSystem

/// The program a Windows service runs and its arguments, from the start command's words.
/// The words are split with the Windows dialect
/// (`ShellWords.Dialect.windows`, docs/differences.md#win-5), and the program is left unresolved, as in the
/// reference: Windows finds it when the service starts.
///
/// A batch file (`.bat` or `.cmd`, in any case: the reference knows only `.bat`) runs through
/// `cmd.exe /c`, which does not read the `CommandLineToArgvW` quoting the arguments get: so
/// every word of a batch command is refused when it holds `"`, `%`, `&`, `|`, `<`, `>`, `^` or
/// a control character (docs/differences.md#win-3). A batch path that needs quotes gets `call` before it, so that
/// `cmd /c` does not strip its quotes. Other programs take any word but NUL.
struct ServiceProgram: Equatable {
    let executable: String
    let arguments: [String]

    /// Characters `cmd.exe` interprets even in what the program gets as arguments.
    static let cmdSpecial: Set<Unicode.Scalar> = ["\"", "%", "&", "|", "<", ">", "^"]

    /// The program and arguments of `server`'s start command wrapped in `scripts.start`.
    static func of(_ server: Server) throws -> ServiceProgram {
        let template = CommandTemplate(placeholders: server.template.placeholders, dialect: .windows)
        let words = try template.arguments(
            wrapper: server.config.scripts.start, command: server.record.windowsStartCommand)
        return try ServiceProgram(words: words)
    }

    init(words: [String]) throws {
        guard let first = words.first, !first.isEmpty else {
            throw WindowsServiceError.nothingToStart
        }
        for (index, word) in words.enumerated() where word.unicodeScalars.contains("\0") {
            throw WindowsServiceError.nulInStartCommand(word: index + 1)
        }
        guard Self.isBatchFile(first) else {
            executable = first
            arguments = Array(words.dropFirst())
            return
        }
        try Self.checkForCmd(words)
        executable = "cmd.exe"
        let call = WindowsQuoting.quote(first) != first ? ["call"] : []
        arguments = ["/c"] + call + words
    }

    /// The arguments as one command line (WinSW's `<arguments>`): `WindowsJoin`.
    var commandLine: String { WindowsQuoting.join(arguments) }

    /// Whether the program's file name ends in `.bat` or `.cmd`, in any case.
    static func isBatchFile(_ program: String) -> Bool {
        let name = program.split(whereSeparator: { $0 == "\\" || $0 == "/" }).last.map(String.init) ?? program
        guard let dot = name.lastIndex(of: ".") else { return false }
        let ext = name[name.index(after: dot)...].lowercased()
        return ext == "bat" || ext == "cmd"
    }

    /// Refuses the words `cmd.exe` would read as more than text. The message names the word
    /// and the character, never the word's text (it may hold a secret).
    static func checkForCmd(_ words: [String]) throws {
        for (index, word) in words.enumerated() {
            guard let bad = word.unicodeScalars.first(where: { cmdSpecial.contains($0) || $0.isControlCharacter })
            else { continue }
            throw WindowsServiceError.unsafeForCmd(word: index + 1, character: bad)
        }
    }
}

extension ServerRecord {
    /// `StartCommand()` as it is on Windows: the server's own command, else the game mod's
    /// Windows default (also in a dry run on Linux, whose plan is for Windows).
    var windowsStartCommand: String {
        startCommand.isEmpty ? gameMod.defaultStartCommandWindows : startCommand
    }
}
