import PMSystem

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The server directory, checked to stay inside the node's work path (docs/differences.md#rec-9):
/// no `..` component, an absolute `dir` only when it already lies inside the work path, and no
/// symbolic link that leads outside it.
package enum WorkDirectory {
    package static func resolve(record: ServerRecord, workPath: String) throws -> String {
        if let full = record.fullDirectory { return try resolveFull(full, workPath: workPath) }
        let dir = record.dir
        guard !dir.isEmpty else {
            throw RecordError(field: "dir", "is empty: a server needs its own directory inside the work path")
        }
        try refuseParentSegments(dir, field: "dir")
        guard !workPath.isEmpty else {
            throw RecordError(
                field: "dir",
                "cannot be placed: no work path is configured (set work_path in the daemon configuration or use "
                    + "--work-path)"
            )
        }
        guard workPath.hasPrefix("/") else {
            throw RecordError(field: "work_path", "must be an absolute path, not \(workPath)")
        }
        let root = Path.clean(workPath)
        let path: String
        if dir.hasPrefix("/") {
            path = Path.clean(dir)
            guard Path.isInside(path, root: root), path != root else {
                throw RecordError(field: "dir", "\(dir) is outside the work path \(root)")
            }
        } else {
            path = Path.join(root, dir)
        }
        guard path != root else { throw RecordError(field: "dir", "names the work path itself") }
        try refuseSymlinkEscape(path, root: root, field: "dir")
        return path
    }

    /// `-d DIR`: an absolute directory, inside the work path when one is configured.
    private static func resolveFull(_ full: String, workPath: String) throws -> String {
        guard full.hasPrefix("/") else { throw RecordError(field: "-d", "must be an absolute directory, not \(full)") }
        try refuseParentSegments(full, field: "-d")
        let path = Path.clean(full)
        guard path != "/" else { throw RecordError(field: "-d", "cannot be the root directory") }
        if !workPath.isEmpty {
            let root = Path.clean(workPath)
            guard Path.isInside(path, root: root), path != root else {
                throw RecordError(field: "-d", "\(path) is outside the work path \(root)")
            }
            try refuseSymlinkEscape(path, root: root, field: "-d")
        }
        return path
    }

    /// The directory that holds the server directory, reached from the work path (else from
    /// that directory's own parent, as the operator gave it) one component at a time without
    /// following a link, the missing ones created (mode 0755, owned by the tool's user); and
    /// the server directory's name in it. What root creates or changes there cannot be
    /// redirected by a user who renames a directory and plants a link.
    package static func parentHandle(
        of directory: String, workPath: String
    ) throws -> (parent: DirectoryHandle, name: String) {
        let root = workPath.isEmpty ? Path.directoryName(directory) : Path.clean(workPath)
        guard Path.isInside(directory, root: root), directory != root else {
            throw SystemError("outside the work path", path: directory, code: EINVAL)
        }
        let relative = Path.directoryName(String(directory.dropFirst(root == "/" ? 1 : root.utf8.count + 1)))
        let parent = try DirectoryHandle.configured(root).descendant(relative == "." ? "" : relative, creating: 0o755)
        return (parent, Path.baseName(directory))
    }

    private static func refuseParentSegments(_ dir: String, field: String) throws {
        if dir.split(separator: "/").contains("..") {
            throw RecordError(field: field, "contains '..': the server directory must stay inside the work path")
        }
    }

    /// The deepest existing ancestor of `path`, resolved through symbolic links, must stay
    /// inside the resolved work path.
    private static func refuseSymlinkEscape(_ path: String, root: String, field: String) throws {
        guard let realRoot = FileSystem.realPath(root) else { return }
        var probe = path
        while probe != root && probe != "/" {
            if let real = FileSystem.realPath(probe) {
                if !Path.isInside(real, root: realRoot) {
                    throw RecordError(field: field, "\(path) leads outside the work path through a symbolic link")
                }
                return
            }
            probe = Path.directoryName(probe)
        }
    }
}
