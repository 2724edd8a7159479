import PMCore
import PMHTTP
import PMManagers
import PMSystem

/// A command line that cannot be used: an unknown option, a missing or bad value, records in
/// the wrong place (exit status 2). Unknown options and missing values also print the usage.
package struct UsageError: ToolError {
    package let message: String
    package let showsUsage: Bool
    package var exitStatus: ExitStatus { .invalid }
    package var description: String { message }

    package init(_ message: String, showsUsage: Bool = false) {
        self.message = message
        self.showsUsage = showsUsage
    }
}
