/// The placeholder table of `core.md` §3.1 and its single-pass replacement (§3.2, Go
/// `strings.NewReplacer` semantics: at each position the earliest-registered matching
/// placeholder wins, and substituted text is never rescanned).
public struct Placeholders {
    /// Placeholder → (registration rank, value). Lower rank wins.
    private var table: [String: (rank: Int, value: String)] = [:]
    private var longest = 0
    private var nextRank = 0

    public init() {}

    /// Registers `{name}`; the first registration of a spelling wins.
    public mutating func register(_ name: String, _ value: String) {
        let key = "{" + name + "}"
        guard table[key] == nil else { return }
        table[key] = (nextRank, value)
        nextRank += 1
        longest = max(longest, key.utf8.count)
    }

    /// The built-ins first, then the variables. Precedence for variables (the reference's is
    /// random, W-19): every exact spelling, then the lower-case forms, then the upper-case forms,
    /// each group in sorted key order.
    public init(builtIns: [(String, String)], variables: [String: String]) {
        table.reserveCapacity(builtIns.count + 3 * variables.count)
        for (name, value) in builtIns { register(name, value) }
        let sorted = variables.sorted { $0.key < $1.key }
        for (key, value) in sorted { register(key, value) }
        for (key, value) in sorted { register(CaseMapping.lower(key), value) }
        for (key, value) in sorted { register(CaseMapping.upper(key), value) }
    }

    /// `ReplaceShortCodes`: replaces every placeholder in one left-to-right pass.
    public func replace(in text: String) -> String {
        let bytes = Array(text.utf8)
        guard bytes.contains(UInt8(ascii: "{")), !table.isEmpty else { return text }
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
                let candidate = String(decoding: bytes[start...end], as: UTF8.self)
                if let entry = table[candidate], entry.rank < (best?.rank ?? Int.max) {
                    best = (entry.rank, entry.value, end - start + 1)
                }
            }
            end += 1
        }
        return best.map { ($0.value, $0.length) }
    }
}

/// Per-scalar simple case mapping, like Go's `unicode.ToLower`/`ToUpper`: a scalar whose full
/// mapping is more than one scalar (`ß` → `SS`) stays as it is.
public enum CaseMapping {
    public static func lower(_ text: String) -> String { map(text) { $0.properties.lowercaseMapping } }
    public static func upper(_ text: String) -> String { map(text) { $0.properties.uppercaseMapping } }

    private static func map(_ text: String, _ mapping: (Unicode.Scalar) -> String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let mapped = mapping(scalar).unicodeScalars
            if mapped.count == 1, let single = mapped.first { out.append(single) } else { out.append(scalar) }
        }
        return String(out)
    }
}
