/// Lexical path operations with the semantics of Go's `path/filepath` on Unix, which the
/// reference uses to build every directory.
package enum Path {
    /// `filepath.Clean`: resolves `.` and `..`, drops duplicate and trailing separators.
    package static func clean(_ path: String) -> String {
        let slash = UInt8(ascii: "/")
        let dot = UInt8(ascii: ".")
        let bytes = Array(path.utf8)
        if bytes.isEmpty { return "." }
        let rooted = bytes[0] == slash
        func isDotDot(_ start: Int, _ end: Int) -> Bool {
            end - start == 2 && bytes[start] == dot && bytes[start + 1] == dot
        }
        // The kept elements as byte ranges: two [Int] rather than an array of slices, whose
        // generic metadata would be built at run time on every call of a tool.
        var starts: [Int] = []
        var ends: [Int] = []
        var start = 0
        for end in 0...bytes.count where end == bytes.count || bytes[end] == slash {
            defer { start = end + 1 }
            if end == start || (end - start == 1 && bytes[start] == dot) { continue }
            if isDotDot(start, end) {
                if let last = starts.indices.last, !isDotDot(starts[last], ends[last]) {
                    starts.removeLast()
                    ends.removeLast()
                    continue
                }
                if rooted { continue }
            }
            starts.append(start)
            ends.append(end)
        }
        var out: [UInt8] = rooted ? [slash] : []
        out.reserveCapacity(bytes.count)
        for index in starts.indices {
            if index > 0 { out.append(slash) }
            out += bytes[starts[index]..<ends[index]]
        }
        return out.isEmpty ? "." : String(decoding: out, as: UTF8.self)
    }

    /// `filepath.Join`: concatenates with one separator, then cleans. Empty elements are skipped.
    package static func join(_ elements: String...) -> String {
        let kept = elements.filter { !$0.isEmpty }
        return kept.isEmpty ? "" : clean(kept.joined(separator: "/"))
    }

    package static func directoryName(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    package static func baseName(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// Whether `path` equals `root` or lies below it (both cleaned and absolute).
    package static func isInside(_ path: String, root: String) -> Bool {
        if root == "/" { return path.hasPrefix("/") }
        return path == root || path.hasPrefix(root + "/")
    }
}
