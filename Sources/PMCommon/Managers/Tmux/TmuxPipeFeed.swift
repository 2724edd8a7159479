#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A tmux pane's output as it comes: `pipe-pane` appends it to a file in a fresh directory
/// that only the server's user (and root) can enter, and the feed reads what is new. The
/// reference used a world-writable file in /tmp with an unquoted path and stole the pipe of
/// another attach (W-27): here a pane that is already piped is left alone (the caller then
/// polls), and the check and the pipe happen under a per-session lock, so two followers cannot
/// both pass the check. The file is opened for reading before its owner changes, so the game's
/// user cannot swap it for a link or a FIFO.
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

    init(pane: String, server: Server, manager: TmuxManager, context: VerbContext) throws {
        self.pane = pane
        self.server = server
        self.manager = manager
        self.context = context
        var template = Array("/tmp/pm-console-XXXXXX".utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw ManagerError.unknown("cannot create a private directory in /tmp: \(SystemError("mkdtemp").reason)")
        }
        directory = String(cString: template)
        path = directory + "/console"
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        if fd >= 0 { close(fd) }
        descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else {
            finish(closePipe: false)
            throw ManagerError.unknown("cannot create \(path): \(SystemError("open").reason)")
        }
        if let account = server.account {
            chown(path, account.uid, account.gid)
            chown(directory, account.uid, account.gid)
        }
        try attach(pane)
    }

    /// Pipes the pane into the file unless another follower already pipes it (then throws
    /// `AlreadyPiped` and the caller polls).
    private func attach(_ pane: String) throws {
        let lock = try ServerLock.acquire("tmux-pipe-\(server.name)", in: context.state)
        defer { withExtendedLifetime(lock) {} }
        guard let current = try manager.session(server, context), !current.piped else {
            finish(closePipe: false)
            throw AlreadyPiped()
        }
        // The server's marker, so that a stop ends this helper with the game's processes.
        let marker = server.marker.environment.map { "\($0.name)=\(ShellWords.quote($0.value))" }.joined(separator: " ")
        let command = "\(marker) exec cat >> \(ShellWords.quote(path))"
        let result = try manager.tmux(["pipe-pane", "-t", "=\(pane):", command], server, context)
        guard result.termination.succeeded else {
            finish(closePipe: false)
            throw ManagerError.failure("tmux could not pipe the pane: \(TmuxManager.firstLine(result.text))")
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
        unlink(path)
        rmdir(directory)
    }
}
