/// A command line that cannot be used: unknown option, missing or bad value (exit status 2,
/// with the usage on stderr).
public struct UsageError: ToolError {
    public let message: String
    public var exitStatus: ExitStatus { .invalid }
    public var description: String { message }

    public init(_ message: String) { self.message = message }
}
