/// A command line that cannot be used: an unknown option, a missing or bad value, records in
/// the wrong place (exit status 2). Unknown options and missing values also print the usage.
public struct UsageError: ToolError {
    public let message: String
    public let showsUsage: Bool
    public var exitStatus: ExitStatus { .invalid }
    public var description: String { message }

    public init(_ message: String, showsUsage: Bool = false) {
        self.message = message
        self.showsUsage = showsUsage
    }
}
