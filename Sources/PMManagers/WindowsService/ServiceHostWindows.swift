import PMCore
import PMHTTP
import PMSystem

#if os(Windows)
extension ServiceHost {
    /// Windows: the real services directory, and programs looked up in the directories of
    /// PATH only (never the current directory: docs/differences.md#win-18).
    package static var current: ServiceHost {
        ServiceHost(
            files: ServiceFiles(root: defaultDirectory),
            locate: { program in
                let directories = (ProcessEnvironment.value("PATH") ?? "").split(separator: ";").map(String.init)
                return directories.lazy.map { $0 + "\\" + program }.first { FileSystem.kind(of: $0) == .regular }
            })
    }
}
#endif
