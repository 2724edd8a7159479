import PMSystem

/// The raw two-way stream after `101 Switching Protocols`: Docker's hijacked attach.
/// The first reads return what the engine sent right after the
/// response head, so no output is lost. One thread may read while another writes;
/// `shutdownWrite()` ends the input the container sees, and `close()` from any thread ends
/// the session and unblocks a reader (which then throws `cancelled`).
package final class HTTPUpgradedConnection {
    package let head: HTTPResponseHead
    private let input: ConnectionInput

    init(head: HTTPResponseHead, input: ConnectionInput) {
        self.head = head
        self.input = input
        input.timeout = nil
        input.limitTotal(to: nil)
    }

    deinit { close() }

    /// Seconds a read or write may wait for the engine; nil (the default) for ever.
    package var timeout: Double? {
        get { input.timeout }
        set { input.timeout = newValue }
    }

    /// The next bytes from the engine as soon as they arrive; nil at the end of the stream.
    package func read() throws -> [UInt8]? {
        let piece = try input.some(maximum: ConnectionInput.pieceSize)
        return piece.isEmpty ? nil : piece
    }

    package func write(_ bytes: [UInt8]) throws {
        try HTTPError.onSocket { try input.connection.write(bytes, timeout: input.timeout) }
    }

    /// Half-close: the container reads end of input; its output can still be read.
    package func shutdownWrite() {
        input.connection.shutdownWrite()
    }

    package func close() {
        input.connection.close()
    }
}
