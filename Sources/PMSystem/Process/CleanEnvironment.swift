/// What a program run for a game server (the game, a simple-manager script, tmux as the
/// game's user) starts from, instead of the tool's environment, which is root's on a node and
/// may hold its secrets and its own PATH: a fixed PATH, `SHELL=/bin/sh`, and of the tool's
/// variables only the locale, the time zone and `TMUX_TMPDIR` (where tmux keeps its sockets),
/// and, for a program that runs as the tool's own user, who that user is. The server's own
/// variables are added to it.
package enum CleanEnvironment {
    /// Debian's PATH, root's and a user's together (games live in `/usr/games`).
    package static let path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/local/games:/usr/games"

    static let base = [EnvironmentEntry("PATH", path), EnvironmentEntry("SHELL", "/bin/sh")]
    private static let kept: [[UInt8]] = ["LANG", "LANGUAGE", "TZ", "TMUX_TMPDIR", "HOME", "USER", "LOGNAME"].map {
        Array($0.utf8)
    }

    /// Whether the tool's variable `name` passes into a clean environment.
    static func keeps(_ name: UnsafeRawBufferPointer) -> Bool {
        if name.starts(with: "LC_".utf8) { return true }
        return kept.contains { $0.elementsEqual(name) }
    }
}
