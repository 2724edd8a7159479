/// Windows command-line quoting with the `CommandLineToArgvW` rules (the reference's
/// `WindowsArgToString` / `WindowsJoin`). Used for Windows service command lines.
package enum WindowsQuoting {
    package static func quote(_ argument: String) -> String {
        if argument.isEmpty { return "\"\"" }
        let needsQuotes = argument.unicodeScalars.contains { " \t\n\u{0B}\"".unicodeScalars.contains($0) }
        guard needsQuotes else { return argument }
        var out = "\""
        var backslashes = 0
        for scalar in argument.unicodeScalars {
            if scalar == "\\" {
                backslashes += 1
                continue
            }
            if scalar == "\"" {
                out += String(repeating: "\\", count: backslashes * 2 + 1) + "\""
            } else {
                out += String(repeating: "\\", count: backslashes)
                out.unicodeScalars.append(scalar)
            }
            backslashes = 0
        }
        out += String(repeating: "\\", count: backslashes * 2) + "\""
        return out
    }

    package static func join(_ arguments: [String]) -> String {
        arguments.map(quote).joined(separator: " ")
    }
}
