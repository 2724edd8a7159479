import PMSystem

/// Splits the multiplexed stdout/stderr stream of Docker logs and attach, and of every Podman
/// log: frames of an 8-byte header — the stream byte, three zero
/// bytes, the payload size as a big-endian 32-bit number — and the payload. Incremental:
/// feed it the pieces as they arrive, split anywhere; payload bytes are passed on as soon as
/// they are in, so a large frame is never held whole. Stream 0 (stdin) counts as stdout;
/// stream 3 carries an error from the engine, which is thrown; any other header is an error.
package struct MultiplexedStreamDecoder {
    package enum Stream: Equatable {
        case stdout
        case stderr
    }

    /// The most of an engine error message that is kept.
    static let maximumErrorSize = 64 << 10

    private var header: [UInt8] = []
    private var stream: UInt8 = 0
    private var remaining = 0
    private var errorMessage: [UInt8] = []

    package init() {}

    /// True between frames: the stream may end here without losing part of a frame.
    package var isAtFrameBoundary: Bool { header.isEmpty && remaining == 0 }

    /// Decodes the next piece of the stream, calling `output` with each payload part.
    package mutating func decode(_ bytes: [UInt8], _ output: (Stream, ArraySlice<UInt8>) throws -> Void) throws {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if remaining == 0 {
                let take = min(8 - header.count, bytes.endIndex - index)
                header += bytes[index..<index + take]
                index += take
                if header.count == 8 { try startFrame() }
                continue
            }
            let take = min(remaining, bytes.endIndex - index)
            let part = bytes[index..<index + take]
            index += take
            remaining -= take
            if stream == 3 {
                errorMessage += part.prefix(Self.maximumErrorSize - errorMessage.count)
                if remaining == 0 { throw HTTPError.streamError(String(decoding: errorMessage, as: UTF8.self)) }
            } else {
                try output(stream == 2 ? .stderr : .stdout, part)
            }
        }
    }

    private mutating func startFrame() throws {
        let frame = header
        header = []
        guard frame[0] <= 3 else { throw HTTPError.unrecognizedStream(frame[0]) }
        guard frame[1] == 0, frame[2] == 0, frame[3] == 0 else { throw HTTPError.badFrameHeader(frame) }
        stream = frame[0]
        remaining = frame[4...7].reduce(0) { $0 << 8 | Int($1) }
        if stream == 3 && remaining == 0 { throw HTTPError.streamError("") }
    }
}
