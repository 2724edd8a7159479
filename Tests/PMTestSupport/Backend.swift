import Foundation
import PMSystem
import XCTest

/// What an end-to-end test needs from the machine. A test that lacks one is skipped with a
/// one-line reason, so that `swift test` passes on a contributor's laptop; with
/// `PM_REQUIRE_BACKENDS=1` (scripts/test, CI) a missing backend fails the test instead.
enum Backend: CustomStringConvertible {
    /// Root: the tests create users and run servers as them.
    case root
    /// A program in PATH (`tmux`, `promtool`, `clang`, ...), or at an absolute path.
    case program(String)
    /// A systemd user manager for `user` (scripts/backends/systemd-user-up).
    case systemdUserManager(user: String)
    /// A container engine answering `/_ping` on a unix socket (scripts/backends/docker-up, podman-up).
    case engine(socket: String)

    /// Throws `XCTSkip` (or, when backends are required, a failure) unless every backend is there.
    static func require(_ backends: Backend..., file: StaticString = #filePath, line: UInt = #line) throws {
        for backend in backends {
            guard let missing = backend.missing else { continue }
            if required {
                throw RequiredBackendMissing(message: "\(backend) is required (PM_REQUIRE_BACKENDS=1): \(missing)")
            }
            throw XCTSkip("needs \(backend): \(missing)", file: file, line: line)
        }
    }

    /// scripts/test sets PM_REQUIRE_BACKENDS=1: there, a skip would hide a broken set-up.
    static var required: Bool { ProcessInfo.processInfo.environment["PM_REQUIRE_BACKENDS"] == "1" }

    var description: String {
        switch self {
        case .root: return "root"
        case .program(let name): return name
        case .systemdUserManager(let user): return "a systemd user manager for \(user)"
        case .engine(let socket): return "a container engine on \(socket)"
        }
    }

    /// Why the backend is not there, or nil when it is.
    var missing: String? {
        switch self {
        case .root:
            return geteuid() == 0 ? nil : "run as root (scripts/test does)"
        case .program(let name) where name.contains("/"):
            return FileManager.default.isExecutableFile(atPath: name) ? nil : "not installed (scripts/test installs it)"
        case .program(let name):
            return ExecutableLookup.resolve(name, workingDirectory: nil) != nil
                ? nil : "not in PATH (scripts/test installs it)"
        case .systemdUserManager(let user):
            guard let account = Account.lookup(name: user),
                FileManager.default.fileExists(atPath: "/run/user/\(account.uid)/systemd/private")
            else {
                return "start it with scripts/backends/systemd-user-up \(user) (scripts/test does)"
            }
            return nil
        case .engine(let socket):
            guard FileSystem.exists(socket),
                (try? Toolbox.shell("curl -sf --max-time 5 --unix-socket \(socket) http://d/_ping"))?.status == 0
            else {
                return "start it with scripts/backends/docker-up or podman-up (scripts/test does)"
            }
            return nil
        }
    }
}

/// A backend that `PM_REQUIRE_BACKENDS=1` demands is missing: the test fails with this.
struct RequiredBackendMissing: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
