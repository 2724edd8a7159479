import PMCore
import PMHTTP
import PMSystem

/// Where the Windows managers keep their files, and whether this system can drive Windows
/// services at all: the seam that lets their logic run on Linux against a temporary directory
/// and a recording executor. `current` is defined per
/// platform, in `ServiceHostWindows.swift` and `ServiceHostElsewhere.swift`.
package struct ServiceHost {
    /// The reference's services directory, independent of the work path.
    package static let defaultDirectory = #"C:\gameap\services"#

    /// The services directory as Windows spells it, in definitions and commands.
    package let directory: String
    /// Its files where this system reaches them; nil where it does not (Linux, macOS): there
    /// the Windows managers only print dry-run plans.
    package let files: ServiceFiles?
    /// Finds a program in PATH the way Windows would (`shawl.exe`); nil when it is not found or
    /// cannot be looked for here.
    package let locate: @Sendable (String) -> String?

    package init(
        directory: String = defaultDirectory, files: ServiceFiles?, locate: @escaping @Sendable (String) -> String?
    ) {
        self.directory = directory
        self.files = files
        self.locate = locate
    }

    /// Whether Windows services can be driven from here (real runs are refused otherwise).
    package var runsHere: Bool { files != nil }

    /// A path below the services directory (`logs/x.log`), Windows-spelled:
    /// `C:\gameap\services\logs\x.log`.
    package func path(_ name: String) -> String {
        directory + "\\" + name.replacing("/", with: "\\")
    }
}
