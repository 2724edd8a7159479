import PMSystem

/// Checks a console line before any manager types it: one line of text, no control characters
/// (a newline would submit a second command, an escape sequence would drive the terminal).
package enum ConsoleInput {
    package static let maximumBytes = 16384

    package static func check(_ line: String) throws {
        if line.utf8.count > maximumBytes {
            throw ConsoleInputError.tooLong(limit: maximumBytes)
        }
        if let bad = line.unicodeScalars.first(where: { $0 != "\t" && $0.isControlCharacter }) {
            throw ConsoleInputError.controlCharacter(bad)
        }
    }
}
