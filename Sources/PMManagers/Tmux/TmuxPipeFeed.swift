import PMCore
import PMHTTP
import PMSystem

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A tmux pane's output as it comes: `pipe-pane` writes it into a FIFO in a fresh directory,
/// and the feed reads what is new. The directory belongs to root (mode 0711, in sticky /tmp),
/// so the game's user, who writes the FIFO, can rename nothing in it: everything root does
/// there stays where it was made. The reference used a world-writable file in /tmp with an
/// unquoted path and stole the pipe of another attach (docs/differences.md#tmux-13): here a pane
/// that is already piped is left alone (the caller then polls), and the check and the pipe happen under a per-session
/// lock, so two followers cannot both pass the check. A follower that is killed (SIGKILL, which
/// it cannot clean up after) closes the FIFO's reading end with it: the piped `cat` then ends
/// at the pane's next output, and tmux turns the pipe off.
final class TmuxPipeFeed: ConsoleFeed {
    private let pane: String
    private let server: Server
    private let manager: TmuxManager
    private let context: VerbContext
    private let directory: String
    private let path: String
    private var descriptor: Int32 = -1
    private var carriage = false
    private var piped = false
    private static let fifoName = "console"

    init(pane: String, server: Server, manager: TmuxManager, context: VerbContext) throws {
        self.pane = pane
        self.server = server
        self.manager = manager
        self.context = context
        do {
            directory = try FileSystem.makePrivateDirectory(prefix: "pm-console")
        } catch {
            throw TmuxError.cannotCreateTemporaryDirectory(error)
        }
        path = directory + "/" + Self.fifoName
        do {
            let handle = try DirectoryHandle.configured(directory)
            guard fchmod(handle.descriptor, 0o711) == 0, mkfifoat(handle.descriptor, Self.fifoName, 0o600) == 0 else {
                throw SystemError("cannot create the FIFO", path: path)
            }
            descriptor = try handle.openFile(Self.fifoName, O_RDONLY | O_NONBLOCK)
            if let account = server.account, fchown(descriptor, account.uid, account.gid) != 0 {
                throw SystemError("cannot chown", path: path)
            }
        } catch let error as SystemError {
            finish(closePipe: false)
            throw TmuxError.cannotPrepareFeed(error)
        }
        try attach(pane)
    }

    /// Pipes the pane into the FIFO unless another follower already pipes it (then throws
    /// `AlreadyPiped` and the caller polls).
    private func attach(_ pane: String) throws {
        let lock = try ServerLock.acquire("tmux-pipe-\(server.name)", in: context.state)
        defer { withExtendedLifetime(lock) {} }
        guard let current = try manager.session(server, context), !current.piped else {
            finish(closePipe: false)
            throw AlreadyPiped()
        }
        // The server's marker, so that a stop ends this helper with the game's processes.
        let command =
            TmuxManager.shellCommand(["cat"], marker: server.marker) + " > "
            + TmuxManager.escapingFormats(ShellWords.quote(path))
        let result = try manager.tmux(["pipe-pane", "-t", "=\(pane):", command], server, context)
        guard result.termination.succeeded else {
            finish(closePipe: false)
            throw TmuxError.refused(action: "pipe the pane", tmuxSaid: TmuxManager.firstLine(result.text))
        }
        piped = true
    }

    struct AlreadyPiped: Error {}

    /// New bytes, with the terminal's CR LF line ends turned into LF.
    func newOutput() throws -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 8192)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            for byte in buffer[0..<count] {
                if carriage && byte != UInt8(ascii: "\n") { out.append(UInt8(ascii: "\r")) }
                carriage = byte == UInt8(ascii: "\r")
                if !carriage { out.append(byte) }
            }
        }
        return out
    }

    func finish() {
        finish(closePipe: piped)
    }

    private func finish(closePipe: Bool) {
        if closePipe { _ = try? manager.tmux(["pipe-pane", "-t", "=\(pane):"], server, context) }
        piped = false
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
        // Root's directory in sticky /tmp: no other user can rename it or what is in it.
        unlink(path)
        rmdir(directory)
    }
}
