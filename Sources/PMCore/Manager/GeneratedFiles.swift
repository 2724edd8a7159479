import PMSystem

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The files a manager generates (unit files, service definitions), written atomically with
/// their mode, or described in a dry run; with `-v` the content is echoed. Secrets
/// are masked in both.
package struct GeneratedFiles {
    let context: VerbContext
    let masker: SecretMasker

    package init(context: VerbContext, masker: SecretMasker) {
        self.context = context
        self.masker = masker
    }

    package func write(_ path: String, _ text: String, mode: mode_t, what: String) throws {
        let shown = masker.apply(text)
        if let plan = context.executor.plan {
            plan.write("write \(ShellWords.quote(path)) (mode \(String(mode, radix: 8))):\n")
            plan.write(Self.indented(shown))
            return
        }
        context.executor.echo?.write("Creating \(what) at \(path)\n----- BEGIN -----\n\(shown)----- END -----\n\n")
        do {
            try FileSystem.createDirectory(Path.directoryName(path), mode: 0o755)
            try FileSystem.writeAtomically(path, Array(text.utf8), mode: mode)
        } catch let error as SystemError {
            throw InstallationError.cannotWrite(what: what, error)
        }
    }

    /// Removes a file; true when there was one.
    @discardableResult
    package func remove(_ path: String) -> Bool {
        guard FileSystem.kind(of: path, followLinks: false) != .missing else { return false }
        if let plan = context.executor.plan {
            plan.write("remove \(ShellWords.quote(path))\n")
        } else {
            FileSystem.remove(path)
        }
        return true
    }

    /// Removes the entry `name` of `directory` (never through a link); true when there was one.
    @discardableResult
    package func remove(_ name: String, in directory: DirectoryHandle) -> Bool {
        if let plan = context.executor.plan {
            guard directory.contains(name) else { return false }
            plan.write("remove \(ShellWords.quote(Path.join(directory.path, name)))\n")
            return true
        }
        return directory.remove(name)
    }

    package static func indented(_ text: String) -> String {
        text.lines.map { "    \($0)\n" }.joined()
    }
}
