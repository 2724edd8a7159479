/// The client's limits: how long to wait, how much to accept, how often to retry a connect.
public struct HTTPOptions: Equatable {
    /// Seconds to establish a connection (each attempt); ssh gets it as `ConnectTimeout`.
    public var connectTimeout: Double = 10
    /// Seconds to wait for each piece of an answer when the request sets none. Longer than
    /// the 30 s an engine may take to stop a container; `.infinity` waits for ever.
    public var readTimeout: Double = 120
    /// Bytes of a response head (status line and headers), and of a chunked body's trailers.
    public var maximumHeaderSize = 64 << 10
    /// Bytes of a body that `send` reads whole; streams have no limit (they are read in pieces).
    public var maximumBodySize = 32 << 20
    public var retry = RetryPolicy.standard
    public var userAgent = "pm/\(Toolbox.version)"

    public init() {}
}
