/// Reads the YAML subset that the GameAP daemon's configuration uses: block mappings and
/// sequences (including sequences of mappings), plain, single- and double-quoted scalars,
/// one-line flow sequences (`[a, b]`, `[]`) and `{}`, comments, and literal block scalars
/// (`|`, `|-`, `|+`). Anything else (anchors, aliases, tags, folded `>` scalars, flow mappings,
/// several documents, tabs in indentation, multi-line plain scalars) is an error that names
/// its line.
package struct YAMLReader {
    private struct Line {
        let number: Int
        var indent: Int
        var text: Substring
    }

    /// Deepest nesting accepted (the daemon's configuration needs four).
    package static let maximumDepth = 64

    private var lines: [Line]
    private let raw: [Substring]
    private var index = 0
    private var depth = 0

    private init(_ text: String) throws {
        raw = text.lines.map { line in
            line.last == "\r" ? line.dropLast() : line
        }
        lines = []
        for (offset, line) in raw.enumerated() {
            let rest = line.droppingLeadingSpaces
            let indent = line.utf8.count - rest.utf8.count
            if rest.first == "\t", !YAMLReader.isBlankOrComment(rest) {
                throw YAMLError(line: offset + 1, message: "a tab in the indentation (YAML indents with spaces)")
            }
            lines.append(Line(number: offset + 1, indent: indent, text: rest))
        }
    }

    /// Parses one document; an empty text gives `.null`.
    package static func parse(_ text: String) throws -> YAMLNode {
        var reader = try YAMLReader(text)
        reader.skipInsignificant()
        if reader.index < reader.lines.count, reader.lines[reader.index].text.hasPrefix("---"),
            reader.lines[reader.index].indent == 0,
            reader.stripComment(reader.lines[reader.index].text.dropFirst(3)).isEmpty
        {
            reader.index += 1
            reader.skipInsignificant()
        }
        guard reader.index < reader.lines.count else { return .null(line: 1) }
        let root = try reader.parseBlock(minimumIndent: 0)
        reader.skipInsignificant()
        if reader.index < reader.lines.count {
            let line = reader.lines[reader.index]
            if line.text.hasPrefix("---") || line.text.hasPrefix("...") {
                throw YAMLError(line: line.number, message: "more than one document is not supported")
            }
            throw YAMLError(line: line.number, message: "unexpected indentation or text")
        }
        return root
    }

    // MARK: - Blocks

    private mutating func parseBlock(minimumIndent: Int) throws -> YAMLNode {
        let line = lines[index]
        guard line.indent >= minimumIndent else { return .null(line: line.number) }
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else {
            throw YAMLError(line: line.number, message: "nested deeper than \(Self.maximumDepth) levels")
        }
        return isSequenceItem(line.text)
            ? try parseSequence(indent: line.indent) : try parseMapping(indent: line.indent)
    }

    private mutating func parseMapping(indent: Int) throws -> YAMLNode {
        let start = lines[index].number
        var entries: [(key: String, value: YAMLNode)] = []
        var keys = Set<String>() // filled by `hasKey` once the mapping is large
        while index < lines.count {
            let line = lines[index]
            if line.indent < indent { break }
            if line.indent > indent { throw YAMLError(line: line.number, message: "unexpected indentation") }
            if isSequenceItem(line.text) { break }
            let (key, rest) = try splitKey(line)
            if Self.hasKey(key, entries, &keys) {
                throw YAMLError(line: line.number, message: "the key \"\(key)\" appears twice in one mapping")
            }
            index += 1
            entries.append(
                (key, try parseValue(rest, line: line, parentIndent: indent, allowSequenceAtSameIndent: true)))
            skipInsignificant()
        }
        return .mapping(entries, line: start)
    }

    /// Whether the mapping so far has `key`: a scan for the few keys of a usual mapping (no
    /// set to build on every run), a set past `linearKeys`, so that a huge one stays linear.
    private static func hasKey(
        _ key: String, _ entries: [(key: String, value: YAMLNode)], _ keys: inout Set<String>
    ) -> Bool {
        if entries.count < linearKeys { return entries.contains { $0.key == key } }
        if keys.isEmpty {
            for entry in entries { keys.insert(entry.key) }
        }
        return !keys.insert(key).inserted
    }

    private static let linearKeys = 16

    private mutating func parseSequence(indent: Int) throws -> YAMLNode {
        let start = lines[index].number
        var items: [YAMLNode] = []
        while index < lines.count {
            let line = lines[index]
            if line.indent < indent || !isSequenceItem(line.text) { break }
            if line.indent > indent { throw YAMLError(line: line.number, message: "unexpected indentation") }
            let content = line.text.dropFirst()
            let gap = content.prefix { $0 == " " }.count
            let item = content.dropFirst(gap)
            if !stripComment(item).isEmpty
                && (isSequenceItem(item) || (try? splitKey(Line(number: line.number, indent: 0, text: item))) != nil)
            {
                // `- key: value` or `- - x`: the item is a block that starts on this line.
                lines[index] = Line(number: line.number, indent: indent + 1 + gap, text: item)
                items.append(try parseBlock(minimumIndent: indent + 1))
            } else {
                index += 1
                items.append(try parseValue(item, line: line, parentIndent: indent, allowSequenceAtSameIndent: false))
            }
            skipInsignificant()
        }
        return .sequence(items, line: start)
    }

    /// The value after `key:` or `- `: inline, a block scalar, or a nested block below.
    private mutating func parseValue(
        _ rest: Substring, line: Line, parentIndent: Int,
        allowSequenceAtSameIndent: Bool
    ) throws -> YAMLNode {
        let inline = stripComment(rest)
        if inline.first == "|" { return try parseLiteralBlock(header: inline, line: line, parentIndent: parentIndent) }
        if !inline.isEmpty { return try parseInlineScalar(inline, line: line.number) }
        skipInsignificant()
        guard index < lines.count else { return .null(line: line.number) }
        let next = lines[index]
        if next.indent > parentIndent { return try parseBlock(minimumIndent: parentIndent + 1) }
        if allowSequenceAtSameIndent && next.indent == parentIndent && isSequenceItem(next.text) {
            return try parseSequence(indent: parentIndent)
        }
        return .null(line: line.number)
    }

    /// `|`, `|-` or `|+`: the following lines indented deeper than the parent, verbatim.
    private mutating func parseLiteralBlock(header: Substring, line: Line, parentIndent: Int) throws -> YAMLNode {
        let chomping = header.dropFirst()
        guard chomping.isEmpty || chomping == "-" || chomping == "+" else {
            throw YAMLError(
                line: line.number, message: "unsupported block scalar header \"\(header)\" (use |, |- or |+)")
        }
        var body: [Substring] = []
        var contentIndent: Int?
        var cursor = line.number
        while cursor < raw.count {
            let text = raw[cursor]
            let indent = text.prefix { $0 == " " }.count
            let blank = text.allSatisfy { $0 == " " }
            if !blank {
                if indent <= parentIndent { break }
                if contentIndent == nil { contentIndent = indent }
                if indent < contentIndent ?? 0 {
                    throw YAMLError(
                        line: cursor + 1, message: "a line of the block is indented less than its first line")
                }
            }
            body.append(blank ? "" : text.dropFirst(contentIndent ?? 0))
            cursor += 1
        }
        while index < lines.count && lines[index].number <= cursor { index += 1 }
        var trailing = 0
        while let last = body.last, last.isEmpty {
            body.removeLast()
            trailing += 1
        }
        var text = body.joined(separator: "\n")
        switch chomping {
        case "-": break
        case "+": text += String(repeating: "\n", count: (body.isEmpty ? 0 : 1) + trailing)
        default: if !body.isEmpty { text += "\n" }
        }
        return .scalar(text, line: line.number)
    }

    // MARK: - Scalars

    private func parseInlineScalar(_ text: Substring, line: Int) throws -> YAMLNode {
        guard let first = text.first else { return .null(line: line) }
        switch first {
        case "\"", "'":
            let (value, end) = try quoted(text, line: line)
            guard text[end...].allSatisfy({ $0 == " " }) else {
                throw YAMLError(line: line, message: "text after a quoted value")
            }
            return .scalar(value, line: line)
        case "[":
            return try flowSequence(text, line: line)
        case "{":
            guard text.filter({ $0 != " " }) == "{}" else {
                throw YAMLError(line: line, message: "flow mappings ({...}) are not supported; use an indented block")
            }
            return .mapping([], line: line)
        case "&", "*", "!", "%", "@", "`":
            throw YAMLError(line: line, message: "anchors, aliases, tags and directives are not supported")
        case ">":
            throw YAMLError(line: line, message: "folded block scalars (>) are not supported; use |")
        default:
            let value = text.trimmingTrailingSpaces
            if ["~", "null", "Null", "NULL"].contains(value) { return .null(line: line) }
            return .scalar(String(value), line: line)
        }
    }

    /// `[a, "b", 'c']` on one line, of scalars only.
    private func flowSequence(_ text: Substring, line: Int) throws -> YAMLNode {
        guard text.trimmingTrailingSpaces.last == "]" else {
            throw YAMLError(line: line, message: "a flow sequence must close on the same line")
        }
        var inner = text.dropFirst().trimmingTrailingSpaces.dropLast()
        var items: [YAMLNode] = []
        while true {
            inner = inner.drop { $0 == " " }
            if inner.isEmpty { break }
            if inner.first == "\"" || inner.first == "'" {
                let (value, end) = try quoted(inner, line: line)
                items.append(.scalar(value, line: line))
                inner = inner[end...].drop { $0 == " " }
            } else {
                let item = inner.prefix { $0 != "," }
                if item.contains(where: { "[]{}".contains($0) }) {
                    throw YAMLError(line: line, message: "nested flow collections are not supported")
                }
                items.append(try parseInlineScalar(item.trimmingTrailingSpaces, line: line))
                inner = inner.dropFirst(item.count)
            }
            if inner.isEmpty { break }
            guard inner.first == "," else { throw YAMLError(line: line, message: "expected ',' in a flow sequence") }
            inner = inner.dropFirst()
        }
        return .sequence(items, line: line)
    }

    /// A single- or double-quoted scalar at the start of `text`; returns it and the index after
    /// its closing quote.
    private func quoted(_ text: Substring, line: Int) throws -> (String, Substring.Index) {
        let quote = text[text.startIndex]
        var value = ""
        var cursor = text.index(after: text.startIndex)
        while cursor < text.endIndex {
            let character = text[cursor]
            if character == quote {
                let next = text.index(after: cursor)
                if quote == "'", next < text.endIndex, text[next] == "'" {
                    value.append("'")
                    cursor = text.index(after: next)
                    continue
                }
                return (value, next)
            }
            if quote == "\"" && character == "\\" {
                cursor = text.index(after: cursor)
                guard cursor < text.endIndex else { break }
                let (scalar, next) = try escape(text, at: cursor, line: line)
                value.unicodeScalars.append(scalar)
                cursor = next
                continue
            }
            value.append(character)
            cursor = text.index(after: cursor)
        }
        throw YAMLError(line: line, message: "a quoted value must close on the same line")
    }

    private func escape(
        _ text: Substring, at index: Substring.Index, line: Int
    ) throws -> (Unicode.Scalar, Substring.Index) {
        let next = text.index(after: index)
        let simple: [Character: Unicode.Scalar] = [
            "0": "\0", "a": "\u{07}", "b": "\u{08}", "t": "\t", "n": "\n", "v": "\u{0B}", "f": "\u{0C}",
            "r": "\r", "e": "\u{1B}", " ": " ", "\"": "\"", "/": "/", "\\": "\\", "N": "\u{85}", "_": "\u{A0}"
        ]
        if let scalar = simple[text[index]] { return (scalar, next) }
        let digits: Int
        switch text[index] {
        case "x": digits = 2
        case "u": digits = 4
        case "U": digits = 8
        default: throw YAMLError(line: line, message: "unknown escape \\\(text[index]) in a double-quoted value")
        }
        let hexText = text[next...].prefix(digits)
        guard hexText.count == digits, let value = UInt32(hexText, radix: 16), let scalar = Unicode.Scalar(value) else {
            throw YAMLError(line: line, message: "bad \\\(text[index]) escape in a double-quoted value")
        }
        return (scalar, text.index(next, offsetBy: digits))
    }

    // MARK: - Lines

    /// Splits `key: rest` (the key plain or quoted); the colon must be followed by a space or
    /// the end of the line.
    private func splitKey(_ line: Line) throws -> (String, Substring) {
        let text = line.text
        if text.first == "\"" || text.first == "'" {
            let (key, end) = try quoted(text, line: line.number)
            let after = text[end...].drop { $0 == " " }
            guard after.first == ":", after.dropFirst().first.map({ $0 == " " }) ?? true else {
                throw YAMLError(line: line.number, message: "expected ':' after a quoted key")
            }
            return (key, after.dropFirst())
        }
        let bytes = text.utf8
        var previous = UInt8(ascii: " ")
        var cursor = bytes.startIndex
        while cursor < bytes.endIndex {
            let byte = bytes[cursor]
            if byte == UInt8(ascii: "#") && previous == UInt8(ascii: " ") { break }
            let next = bytes.index(after: cursor)
            if byte == UInt8(ascii: ":") && (next == bytes.endIndex || bytes[next] == UInt8(ascii: " ")) {
                let key = text[..<cursor].trimmingTrailingSpaces
                guard let first = key.utf8.first else { break }
                if "&*!%@`[{>|".utf8.contains(first) {
                    throw YAMLError(
                        line: line.number, message: "anchors, aliases, tags and complex keys are not supported")
                }
                return (String(key), text[next...])
            }
            previous = byte
            cursor = next
        }
        if isBlankOrComment(text) { throw YAMLError(line: line.number, message: "unexpected empty line") }
        throw YAMLError(
            line: line.number,
            message: "expected 'key: value' (a value that continues on a new line must be quoted or use |)")
    }

    private func isSequenceItem(_ text: Substring) -> Bool {
        let bytes = text.utf8
        return bytes.first == UInt8(ascii: "-") && (bytes.count == 1 || bytes.dropFirst().first == UInt8(ascii: " "))
    }

    /// Drops a trailing `# comment` (a `#` at the start or after a space, outside quotes).
    /// Scans bytes: every character it looks for is ASCII.
    private func stripComment(_ text: Substring) -> Substring {
        let bytes = text.utf8
        var quote: UInt8?
        var previous = UInt8(ascii: " ")
        var cursor = bytes.startIndex
        while cursor < bytes.endIndex {
            let byte = bytes[cursor]
            if let open = quote {
                if byte == open {
                    let next = bytes.index(after: cursor)
                    if open == UInt8(ascii: "'") && next < bytes.endIndex && bytes[next] == open {
                        cursor = bytes.index(after: next) // '' inside single quotes is one quote
                        continue
                    }
                    quote = nil
                }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                if previous == UInt8(ascii: " ") || previous == UInt8(ascii: "[") || previous == UInt8(ascii: ",") {
                    quote = byte
                }
            } else if byte == UInt8(ascii: "#") && previous == UInt8(ascii: " ") {
                return text[..<cursor].trimmingTrailingSpaces.droppingLeadingSpaces
            }
            previous = byte
            cursor = bytes.index(after: cursor)
        }
        return text.trimmingTrailingSpaces.droppingLeadingSpaces
    }

    private static func isBlankOrComment(_ text: Substring) -> Bool {
        let first = text.utf8.first { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }
        return first == nil || first == UInt8(ascii: "#")
    }

    private func isBlankOrComment(_ text: Substring) -> Bool { Self.isBlankOrComment(text) }

    private mutating func skipInsignificant() {
        while index < lines.count && isBlankOrComment(lines[index].text) { index += 1 }
    }
}

extension Substring {
    /// Without trailing spaces and tabs (scanned as bytes).
    var trimmingTrailingSpaces: Substring {
        var end = utf8.endIndex
        while end > utf8.startIndex {
            let before = utf8.index(before: end)
            guard utf8[before] == UInt8(ascii: " ") || utf8[before] == UInt8(ascii: "\t") else { break }
            end = before
        }
        return self[startIndex..<end]
    }

    /// Without leading spaces (scanned as bytes).
    var droppingLeadingSpaces: Substring {
        self[(utf8.firstIndex { $0 != UInt8(ascii: " ") } ?? endIndex)...]
    }
}
