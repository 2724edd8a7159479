#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a tool's text goes: straight to a descriptor (stdout, stderr), or into a buffer that
/// is written later, so that the output of servers handled at the same time does not interleave.
/// A closed reader (`pm-output | head -n 1`) marks the channel broken and later writes are
/// dropped quietly: the tool ignores SIGPIPE and sees EPIPE instead. Any other failed write
/// (a full disk, a closed descriptor) is kept in `failure`, which the tool reports at its end.
/// Sendable: its state changes only under `lock`.
package final class OutputChannel: @unchecked Sendable {
    /// The descriptor, for a direct channel; children may then write to it themselves.
    package let descriptor: Int32?
    private var buffer: [UInt8] = []
    /// Where a buffered channel writes once it has been flushed into it.
    private var forward: OutputChannel?
    private let lock = Lock()
    package private(set) var isBroken = false
    /// Why a write failed, when it was not a reader that went away (a full disk, a closed
    /// descriptor): the tool must not exit 0 having written nothing.
    package private(set) var failure: SystemError?

    package init(descriptor: Int32) { self.descriptor = descriptor }

    package init() { self.descriptor = nil }

    package static let standardOutput = OutputChannel(descriptor: 1)
    package static let standardError = OutputChannel(descriptor: 2)

    package func write(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        lock.withLock {
            guard !isBroken else { return }
            if let forward {
                forward.write(bytes)
                return
            }
            guard let descriptor else {
                buffer += bytes
                return
            }
            do {
                try FileSystem.writeAll(descriptor, bytes)
            } catch let error as SystemError {
                isBroken = true
                if error.code != EPIPE { failure = error }
            } catch {
                isBroken = true
            }
        }
    }

    package func write(_ text: String) { write(Array(text.utf8)) }

    /// Writes a line, adding the newline.
    package func line(_ text: String) { write(Array((text + "\n").utf8)) }

    /// Writes what a buffered channel collected to `target`, and sends every later write
    /// there directly (a batch's metrics echo after the servers' turns are over).
    package func flush(into target: OutputChannel) {
        lock.withLock {
            target.write(buffer)
            buffer = []
            forward = target
        }
    }

    /// Takes what a buffered channel collected.
    package func takeBuffered() -> [UInt8] {
        lock.withLock {
            defer { buffer = [] }
            return buffer
        }
    }
}
