import PMCore
import PMHTTP
import PMSystem

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The files of the services directory on this system (a temporary directory in tests).
/// Names are relative to it, with `/` between components.
package struct ServiceFiles {
    package let root: String

    package init(root: String) {
        self.root = root
    }

    package func localPath(_ name: String) -> String {
        root + "/" + name
    }

    /// The file's text; nil when it does not exist.
    func read(_ name: String) throws -> String? {
        guard FileSystem.kind(of: localPath(name)) != .missing else { return nil }
        return String(decoding: try FileSystem.contents(of: localPath(name), limit: 1 << 20), as: UTF8.self)
    }

    /// Replaces the file atomically (temporary file, fsync, rename), creating the directory.
    func write(_ name: String, _ text: String) throws {
        try FileSystem.createDirectory(Path.directoryName(localPath(name)))
        try FileSystem.writeAtomically(localPath(name), Array(text.utf8), mode: 0o600)
    }

    /// Removes the file; false when there was none.
    func remove(_ name: String) -> Bool {
        guard FileSystem.kind(of: localPath(name), followLinks: false) != .missing else { return false }
        FileSystem.remove(localPath(name))
        return true
    }

    /// Whether the directory exists.
    var directoryExists: Bool { FileSystem.kind(of: root) == .directory }

    func createDirectory() throws {
        try FileSystem.createDirectory(root)
    }

    /// The last `lines` lines of a log (0: all that is kept); nil when it does not exist.
    func tail(_ name: String, lines: Int) throws -> [UInt8]? {
        do {
            return try LogFile.lastLines(localPath(name), count: lines, limit: 16 << 20)
        } catch let error as SystemError where error.code == ENOENT {
            return nil
        }
    }
}
