/// Checks a console line before any manager types it: one line of text, no control characters
/// (a newline would submit a second command, an escape sequence would drive the terminal).
public enum ConsoleInput {
    public static let maximumBytes = 16384

    public static func check(_ line: String) throws {
        if line.utf8.count > maximumBytes {
            throw ManagerError.invalid("the console line is longer than \(maximumBytes) bytes")
        }
        if let bad = line.unicodeScalars.first(where: { $0 != "\t" && LenientValue.isControl($0) }) {
            throw ManagerError.invalid("the console line contains the control character U+\(hex(bad.value)); send one line of text")
        }
    }
}
