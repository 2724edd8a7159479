/// Lexical path operations with the semantics of Go's `path/filepath` on Unix, which the
/// reference uses to build every directory (`core.md` §2.3).
public enum Path {
    /// `filepath.Clean`: resolves `.` and `..`, drops duplicate and trailing separators.
    public static func clean(_ path: String) -> String {
        let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
        let bytes = Array(path.utf8)
        if bytes.isEmpty { return "." }
        let rooted = bytes[0] == slash
        var parts: [ArraySlice<UInt8>] = []
        var start = 0
        for end in 0...bytes.count where end == bytes.count || bytes[end] == slash {
            let part = bytes[start..<end]
            start = end + 1
            if part.isEmpty || part.elementsEqual([dot]) { continue }
            if part.elementsEqual([dot, dot]) {
                if let last = parts.last, !last.elementsEqual([dot, dot]) {
                    parts.removeLast()
                } else if !rooted {
                    parts.append(part)
                }
                continue
            }
            parts.append(part)
        }
        var out: [UInt8] = rooted ? [slash] : []
        for (index, part) in parts.enumerated() {
            if index > 0 { out.append(slash) }
            out += part
        }
        return out.isEmpty ? "." : String(decoding: out, as: UTF8.self)
    }

    /// `filepath.Join`: concatenates with one separator, then cleans. Empty elements are skipped.
    public static func join(_ elements: String...) -> String {
        let kept = elements.filter { !$0.isEmpty }
        return kept.isEmpty ? "" : clean(kept.joined(separator: "/"))
    }

    public static func directoryName(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    public static func baseName(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// Whether `path` equals `root` or lies below it (both cleaned and absolute).
    public static func isInside(_ path: String, root: String) -> Bool {
        if root == "/" { return path.hasPrefix("/") }
        return path == root || path.hasPrefix(root + "/")
    }
}
