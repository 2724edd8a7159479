/// Finds the program a command's first word names. Bare names are looked up in PATH only,
/// and only in absolute PATH entries: never in the working directory, so a file named `su` or
/// `tmux` in a server or temp directory is never run (`core.md` W-23). Names with a slash are
/// taken relative to the working directory.
public enum ExecutableLookup {
    public static let defaultSearchPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    public static var searchPath: String {
        ProcessEnvironment.value("PATH") ?? defaultSearchPath
    }

    public static func resolve(_ program: String, workingDirectory: String?, searchPath: String = searchPath) -> String? {
        if program.isEmpty { return nil }
        if program.contains("/") {
            let path = program.hasPrefix("/") ? program : Path.join(workingDirectory ?? ".", program)
            return FileSystem.isExecutableFile(path) ? path : nil
        }
        // `fields` splits by bytes: the generic `split` and `Substring` concatenation cost more
        // on their first call than everything else in a status call.
        for directory in searchPath.fields(separatedBy: UInt8(ascii: ":")) where directory.hasPrefix("/") {
            let candidate = directory + "/" + program
            if FileSystem.isExecutableFile(candidate) { return candidate }
        }
        return nil
    }
}
