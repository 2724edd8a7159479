import Foundation
import PMCommon
import PMCore
import PMHTTP
import PMManagers
import PMSystem

/// The C programs of the test tree (`Tests/StandInGames`, `Tests/Attackers`), built once per
/// test run as static executables, so that they also run inside the busybox containers.
enum CProgram {
    /// What has been built so far; held while one program compiles.
    private static let built = Locked<[String: String]>([:])
    private static let output: String = {
        let directory = "/tmp/pm-test-programs-\(getpid())"
        atexit { try? FileManager.default.removeItem(atPath: "/tmp/pm-test-programs-\(getpid())") }
        return directory
    }()

    /// `Tests/<folder>/<name>.c`, compiled on first use; the executable's path (mode 0755, in a
    /// directory every user may enter).
    static func executable(_ name: String, in folder: String) throws -> String {
        try built.withLock { built in try build(name, in: folder, &built) }
    }

    private static func build(_ name: String, in folder: String, _ built: inout [String: String]) throws -> String {
        try Backend.require(.program("clang"))
        let key = folder + "/" + name
        if let path = built[key] { return path }
        let sources = Toolbox.repository.appendingPathComponent("Tests/" + folder).path
        try FileManager.default.createDirectory(
            atPath: output, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        let path = output + "/" + name
        let compile = try Toolbox.shell(
            ShellWords.join([
                "clang", "-static", "-O1", "-pthread", "-Wall", "-I", sources,
                "-o", path, sources + "/\(name).c"
            ]))
        guard compile.status == 0 else {
            throw NSError(
                domain: "CProgram", code: 1,
                userInfo: [NSLocalizedDescriptionKey: "cannot build \(key): \(compile.stderr)"])
        }
        built[key] = path
        return path
    }
}
