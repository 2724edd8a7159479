import PMSystem

/// The client's limits: how long to wait, how much to accept, how often to retry a connect.
package struct HTTPOptions: Equatable {
    /// Seconds to establish a connection (each attempt); ssh gets it as `ConnectTimeout`.
    package var connectTimeout: Double = 10
    /// Seconds to wait for each piece of an answer when the request sets none. Longer than
    /// the 30 s an engine may take to stop a container; `.infinity` waits for ever.
    package var readTimeout: Double = 120
    /// Bytes of a response head (status line and headers), and of a chunked body's trailers.
    package var maximumHeaderSize = 64 << 10
    /// Bytes of a body that `send` reads whole; streams have no limit (they are read in pieces).
    package var maximumBodySize = 32 << 20
    package var retry = RetryPolicy.standard
    package var userAgent = "pm/\(ToolboxVersion.number)"

    package init() {}
}
