#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds the program a command's first word names. Bare names are looked up in PATH only,
/// and only in absolute PATH entries: never in the working directory, so a file named `su` or
/// `tmux` in a server or temp directory is never run (docs/differences.md#cmd-3). Names with a slash are
/// taken relative to the working directory.
package enum ExecutableLookup {
    package static let defaultSearchPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    package static var searchPath: String {
        ProcessEnvironment.value("PATH") ?? defaultSearchPath
    }

    package static func resolve(
        _ program: String, workingDirectory: String?, searchPath: String = searchPath
    ) -> String? {
        if program.isEmpty { return nil }
        if program.contains("/") {
            let path = program.hasPrefix("/") ? program : Path.join(workingDirectory ?? ".", program)
            return FileSystem.isExecutableFile(path) ? path : nil
        }
        // `fields` splits by bytes (the generic `split` and `Substring` concatenation cost more
        // on their first call than everything else in a status call), and each candidate is
        // built in one reused NUL-terminated buffer: two Strings per PATH entry cost as much
        // as the rest of the lookup.
        var candidate: [UInt8] = []
        for directory in searchPath.fields(separatedBy: UInt8(ascii: ":")) where directory.hasPrefix("/") {
            candidate.removeAll(keepingCapacity: true)
            candidate.append(contentsOf: directory.utf8)
            candidate.append(UInt8(ascii: "/"))
            candidate.append(contentsOf: program.utf8)
            candidate.append(0)
            if isExecutableFile(candidate) { return String(decoding: candidate.dropLast(), as: UTF8.self) }
        }
        return nil
    }

    /// Another tool of this toolbox (`pm-output`) that `account` (nil: the tool's own user) can
    /// run: the one next to the running tool, so that both come from the same installation,
    /// else the one in PATH.
    package static func toolboxTool(_ name: String, runnableBy account: Account?) -> String? {
        guard let path = toolboxTool(name) else { return nil }
        guard let account, account.uid != 0 else { return path }
        return canRun(path, account) ? path : nil
    }

    /// Whether `account` may run the file at `path`: execute permission on it, and search
    /// permission on every directory above it, by the permission bits.
    static func canRun(_ path: String, _ account: Account) -> Bool {
        func allows(_ file: String, _ bit: mode_t) -> Bool {
            var info = stat()
            guard stat(file, &info) == 0 else { return false }
            if info.st_uid == account.uid { return info.st_mode & (bit << 6) != 0 }
            if info.st_gid == account.gid || account.groups.contains(info.st_gid) {
                return info.st_mode & (bit << 3) != 0
            }
            return info.st_mode & bit != 0
        }
        var directory = Path.directoryName(path)
        while directory != "/" && !directory.isEmpty {
            guard allows(directory, 0o1) else { return false }
            directory = Path.directoryName(directory)
        }
        return allows(path, 0o1)
    }

    /// The toolbox's `name` next to the running tool, else in PATH.
    package static func toolboxTool(_ name: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if length > 0 {
            let own = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let sibling = Path.join(Path.directoryName(own), name)
            if FileSystem.isExecutableFile(sibling) { return sibling }
        }
        return resolve(name, workingDirectory: nil)
    }

    private static func isExecutableFile(_ nulTerminated: [UInt8]) -> Bool {
        nulTerminated.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { path in
                path.baseAddress.map(FileSystem.isExecutableFile(cPath:)) ?? false
            }
        }
    }
}
