import PMCore
import PMHTTP
import PMSystem

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The kinds of message in tmux's client protocol (`tmux-protocol.h`), those `TmuxClient`
/// sends or answers.
struct TmuxMessageType: RawRepresentable, Equatable {
    let rawValue: UInt32

    init(rawValue: UInt32) { self.rawValue = rawValue }

    /// The server speaks another protocol version; it closes the connection.
    static let version = Self(rawValue: 12)
    static let identifyFlags = Self(rawValue: 100)
    static let identifyTerm = Self(rawValue: 101)
    static let identifyTTYName = Self(rawValue: 102)
    static let identifyDone = Self(rawValue: 106)
    static let identifyClientPID = Self(rawValue: 107)
    static let identifyCWD = Self(rawValue: 108)
    static let identifyFeatures = Self(rawValue: 109)
    static let identifyLongFlags = Self(rawValue: 111)
    static let command = Self(rawValue: 200)
    static let exit = Self(rawValue: 203)
    /// The server is going away (`kill-server`); the client ends as on `exit`.
    static let shutdown = Self(rawValue: 210)
    static let readOpen = Self(rawValue: 300)
    static let readDone = Self(rawValue: 302)
    static let writeOpen = Self(rawValue: 303)
    static let write = Self(rawValue: 304)
    static let writeReady = Self(rawValue: 305)
}

/// One message of tmux's client protocol: an OpenBSD imsg frame, a 16-byte header in host
/// byte order (type, whole length, flags, peer id, pid) and the payload, at most 16384 bytes
/// in all. The peer id carries the protocol version: 8 in tmux 3.3a and in tmux's current source.
struct TmuxMessage {
    static let protocolVersion: UInt32 = 8
    static let headerSize = 16
    static let maximumSize = 16384
    /// Sent as `CLIENT_UTF8 | CLIENT_DEFAULTSOCKET`: what `tmux` sends in a UTF-8 locale on the
    /// default socket. Without the first, the server replaces non-ASCII bytes of printed
    /// lines with `_`.
    static let clientFlags: UInt64 = 0x10000 | 0x8000000

    var type: TmuxMessageType
    var payload: [UInt8]
    var peerID = protocolVersion

    init(_ type: TmuxMessageType, _ payload: [UInt8] = []) {
        self.type = type
        self.payload = payload
    }

    /// The message's payload as C integers, the way tmux's structures lay them out.
    init(_ type: TmuxMessageType, integers: [Int32]) {
        self.init(type, integers.flatMap(Self.bytes(of:)))
    }

    /// A NUL-terminated string payload.
    init(_ type: TmuxMessageType, string: String) {
        self.init(type, Array(string.utf8) + [0])
    }

    /// The frame, or nil when it would exceed `maximumSize`.
    func encoded(pid: Int32) -> [UInt8]? {
        let length = Self.headerSize + payload.count
        guard length <= Self.maximumSize else { return nil }
        var frame = Self.bytes(of: type.rawValue)
        frame += Self.bytes(of: UInt16(length)) + Self.bytes(of: UInt16(0))
        frame += Self.bytes(of: peerID) + Self.bytes(of: pid)
        return frame + payload
    }

    /// The C `int` at `index` (counted in ints) of the payload, if the payload holds one.
    func integer(at index: Int) -> Int32? {
        let start = index * 4
        guard index >= 0, payload.count >= start + 4 else { return nil }
        return payload[start..<start + 4].withUnsafeBytes { $0.loadUnaligned(as: Int32.self) }
    }

    static func bytes<T: FixedWidthInteger>(of value: T) -> [UInt8] {
        withUnsafeBytes(of: value) { Array($0) }
    }
}

/// Cuts the bytes read from a tmux server into messages. It holds at most one message
/// (16384 bytes) and the last read: what has been cut off is dropped before more is added.
struct TmuxMessageReader {
    struct MalformedMessage: Error {
        let length: Int
    }

    private var buffer: [UInt8] = []
    private var start = 0

    /// The bytes held, for tests of the bound above.
    var buffered: Int { buffer.count }

    mutating func append(_ bytes: [UInt8]) {
        buffer.removeFirst(start)
        start = 0
        buffer += bytes
    }

    /// The next whole message, nil until one has arrived; throws on a length outside the
    /// protocol's bounds (tmux's own client then gives up too).
    mutating func next() throws -> TmuxMessage? {
        guard buffer.count - start >= TmuxMessage.headerSize else { return nil }
        let header = buffer[start..<start + TmuxMessage.headerSize]
        let length = Int(header.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 4, as: UInt16.self) })
        guard length >= TmuxMessage.headerSize, length <= TmuxMessage.maximumSize else {
            throw MalformedMessage(length: length)
        }
        guard buffer.count - start >= length else { return nil }
        let type = header.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
        var message = TmuxMessage(
            TmuxMessageType(rawValue: type), Array(buffer[start + TmuxMessage.headerSize..<start + length]))
        message.peerID = header.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 8, as: UInt32.self) }
        start += length
        return message
    }
}
