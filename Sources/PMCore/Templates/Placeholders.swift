import PMSystem

/// The placeholder table and its single-pass replacement (Go
/// `strings.NewReplacer` semantics: at each position the earliest-registered matching
/// placeholder wins, and substituted text is never rescanned).
package struct Placeholders {
    /// `{name}` as bytes (Go compares bytes), its value, and when it was registered.
    private struct Entry {
        let key: [UInt8]
        let value: String
        let rank: Int
    }

    /// Sorted by key; one entry per key, the first registered. A sorted array rather than a
    /// dictionary: one generic type fewer to set up on every run of a tool.
    private let entries: [Entry]
    private let longest: Int

    /// The built-ins first, then the variables. Precedence for variables (the reference's is
    /// random, docs/differences.md#rec-11): every exact spelling, then the lower-case forms, then the
    /// upper-case forms, each group in sorted key order. The first registration of a spelling wins.
    package init(builtIns: [(String, String)], variables: [String: String]) {
        var all: [Entry] = []
        all.reserveCapacity(builtIns.count + 3 * variables.count)
        func register(_ name: String, _ value: String) {
            all.append(Entry(key: Array(("{" + name + "}").utf8), value: value, rank: all.count))
        }
        for (name, value) in builtIns { register(name, value) }
        let sorted = variables.sorted { $0.key < $1.key }
        for (key, value) in sorted { register(key, value) }
        for (key, value) in sorted { register(CaseMapping.lower(key), value) }
        for (key, value) in sorted { register(CaseMapping.upper(key), value) }
        all.sort { $0.key == $1.key ? $0.rank < $1.rank : $0.key.lexicographicallyPrecedes($1.key) }
        var unique: [Entry] = []
        unique.reserveCapacity(all.count)
        for entry in all where unique.last?.key != entry.key { unique.append(entry) }
        entries = unique
        longest = unique.reduce(0) { max($0, $1.key.count) }
    }

    /// `ReplaceShortCodes`: replaces every placeholder in one left-to-right pass.
    package func replace(in text: String) -> String {
        let bytes = Array(text.utf8)
        guard bytes.contains(UInt8(ascii: "{")), !entries.isEmpty else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "{"), let match = bestMatch(in: bytes, at: index) {
                out.append(contentsOf: match.value.utf8)
                index += match.length
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private func bestMatch(in bytes: [UInt8], at start: Int) -> (value: String, length: Int)? {
        var best: (rank: Int, value: String, length: Int)?
        var end = start + 1
        let limit = min(bytes.count, start + longest)
        while end < limit {
            if bytes[end] == UInt8(ascii: "}") {
                if let entry = entry(bytes[start...end]), entry.rank < (best?.rank ?? Int.max) {
                    best = (entry.rank, entry.value, end - start + 1)
                }
            }
            end += 1
        }
        return best.map { ($0.value, $0.length) }
    }

    /// The entry of `key`, by binary search.
    private func entry(_ key: ArraySlice<UInt8>) -> Entry? {
        var low = 0
        var high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].key.lexicographicallyPrecedes(key) { low = middle + 1 } else { high = middle }
        }
        return low < entries.count && entries[low].key.elementsEqual(key) ? entries[low] : nil
    }
}

/// Per-scalar simple case mapping, like Go's `unicode.ToLower`/`ToUpper`: a scalar whose full
/// mapping is more than one scalar (`ß` → `SS`) stays as it is.
package enum CaseMapping {
    package static func lower(_ text: String) -> String { map(text) { $0.properties.lowercaseMapping } }
    package static func upper(_ text: String) -> String { map(text) { $0.properties.uppercaseMapping } }

    private static func map(_ text: String, _ mapping: (Unicode.Scalar) -> String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let mapped = mapping(scalar).unicodeScalars
            if mapped.count == 1, let single = mapped.first { out.append(single) } else { out.append(scalar) }
        }
        return String(out)
    }
}
