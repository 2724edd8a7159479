/// The user and group databases, read the way `getpwnam(3)` and `getgrouplist(3)` read them,
/// without the C library's name-service modules: the release tools are static executables, and
/// a static glibc that loads an NSS module (Debian's `passwd: files systemd`) crashes in it.
/// `/etc/passwd` and `/etc/group` answer first; a user they do not know is asked of `getent`,
/// which runs with the system's own name-service configuration (LDAP, sssd, systemd users).
package struct UserDatabase {
    package var passwdPath = "/etc/passwd"
    package var groupPath = "/etc/group"
    /// Asks the system's name services (`getent DATABASE KEY`); nil when it knows nothing.
    package var nameService: (_ database: String, _ key: String) -> String? = UserDatabase.getent

    package init() {}

    /// One line of `passwd`: name, uid, primary gid and home.
    struct PasswdEntry {
        let name: String
        let uid: UInt32
        let gid: UInt32
        let home: String

        init?(_ line: Substring) {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count >= 7, !fields[0].isEmpty, let uid = UInt32(fields[2]), let gid = UInt32(fields[3]) else {
                return nil
            }
            name = String(fields[0])
            self.uid = uid
            self.gid = gid
            home = String(fields[5])
        }
    }

    package func account(named name: String) -> Account? {
        guard Self.isKey(name) else { return nil }
        return account { $0.name == name }
            ?? nameService("passwd", name).flatMap { account(fromService: $0, name: name) }
    }

    package func account(uid: UInt32) -> Account? {
        account { $0.uid == uid } ?? nameService("passwd", String(uid)).flatMap { account(fromService: $0, name: nil) }
    }

    private func account(where matches: (PasswdEntry) -> Bool) -> Account? {
        guard let entry = Self.lines(passwdPath).lazy.compactMap(PasswdEntry.init).first(where: matches) else {
            return nil
        }
        return Account(
            name: entry.name, uid: entry.uid, gid: entry.gid, groups: groups(of: entry.name, primary: entry.gid),
            home: entry.home)
    }

    private func account(fromService text: String, name: String?) -> Account? {
        guard let line = text.lines.first, let entry = PasswdEntry(line), name == nil || entry.name == name else {
            return nil
        }
        let serviceGroups = nameService("initgroups", entry.name).map(Self.initgroups) ?? []
        let groups =
            [entry.gid] + (groups(of: entry.name, primary: entry.gid) + serviceGroups).filter { $0 != entry.gid }
        return Account(name: entry.name, uid: entry.uid, gid: entry.gid, groups: Self.unique(groups), home: entry.home)
    }

    /// The primary group, then every group of `/etc/group` that lists the user as a member.
    func groups(of name: String, primary: UInt32) -> [UInt32] {
        var groups = [primary]
        for line in Self.lines(groupPath) {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count >= 4, let gid = UInt32(fields[2]),
                fields[3].split(separator: ",").contains(where: { $0 == name })
            else { continue }
            groups.append(gid)
        }
        return Self.unique(groups)
    }

    /// `getent initgroups NAME` prints `NAME  gid gid ...`.
    static func initgroups(_ text: String) -> [UInt32] {
        (text.lines.first ?? "").split(separator: " ").dropFirst().compactMap { UInt32($0) }
    }

    static func unique(_ groups: [UInt32]) -> [UInt32] {
        var seen: [UInt32] = []
        for group in groups where !seen.contains(group) { seen.append(group) }
        return seen
    }

    /// A name that can be a database key: not empty, no separator or control character.
    static func isKey(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 256
            && !name.utf8.contains { $0 == UInt8(ascii: ":") || $0 < 0x20 || $0 == 0x7f }
    }

    static func lines(_ path: String) -> [Substring] {
        guard let bytes = try? FileSystem.contents(of: path, limit: 64 << 20) else { return [] }
        return String(decoding: bytes, as: UTF8.self).lines
    }

    /// `getent` through PATH, for at most five seconds.
    static func getent(_ database: String, _ key: String) -> String? {
        guard isKey(key) else { return nil }
        let spec = CommandSpec(["getent", database, key], workingDirectory: "/", timeout: 5, readOnly: true)
        guard let result = try? ProcessLauncher().run(spec, output: .capture(limit: 1 << 16)),
            result.termination.succeeded
        else { return nil }
        return result.text
    }
}
