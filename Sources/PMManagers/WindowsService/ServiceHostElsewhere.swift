import PMCore
import PMHTTP
import PMSystem

#if !os(Windows)
extension ServiceHost {
    /// Linux and macOS: Windows services cannot be reached, so the Windows managers print
    /// plans for the default services directory and refuse real runs.
    package static var current: ServiceHost {
        ServiceHost(files: nil, locate: { _ in nil })
    }
}
#endif
