/// Turns what a program wrote to a terminal into lines of text, as the terminal would show
/// them, a chunk at a time: escape sequences (CSI such as colours and cursor moves, OSC such
/// as titles, DCS and the other string sequences, two-byte ESC sequences) are removed; a
/// carriage return moves back to the start of the line, so a progress line rewritten with CR
/// shows its last state, and CR LF is a plain line end; erase-in-line, backspace and cursor
/// moves along the line act on the line; other control bytes are dropped, tabs kept. Invalid
/// UTF-8 becomes U+FFFD. A line longer than `maximumLine` characters is cut there.
package struct TerminalText {
    /// The longest line kept whole: a program that never ends its line cannot fill the memory.
    package static let maximumLine = 64 * 1024

    private enum State {
        case text
        /// After ESC.
        case escape
        /// In ESC followed by intermediate bytes (0x20–0x2F), until the final byte.
        case escapeIntermediate
        /// In a CSI sequence, collecting its parameters.
        case csi
        /// In OSC, DCS, SOS, PM or APC: a string ended by BEL or ESC \.
        case string
        /// ESC seen inside a string.
        case stringEscape
    }

    private var state = State.text
    private var parameters: [UInt8] = []
    /// The line while nothing has moved the cursor back: its bytes as they came (most lines).
    private var plain: [UInt8] = []
    /// The line once something moved the cursor (a carriage return before more text, a
    /// backspace, a cursor move, an erase): its characters, one per column.
    private var cells: [Unicode.Scalar]?
    private var column = 0
    /// A carriage return not yet known to end the line (CR LF) or to rewrite it.
    private var pendingReturn = false
    private var decoder = UTF8Stream()

    package init() {}

    /// Feeds `bytes`; returns the lines they completed, each ending in "\n".
    package mutating func lines(from bytes: some Collection<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 16)
        let done: Void? = bytes.withContiguousStorageIfAvailable { buffer in feed(buffer, into: &out) }
        if done == nil { Array(bytes).withUnsafeBufferPointer { feed($0, into: &out) } }
        return out
    }

    /// The line not yet ended (at the end of the input), ended with "\n"; empty when none.
    package mutating func flush() -> [UInt8] {
        var out: [UInt8] = []
        pendingReturn = false
        if cells != nil { for scalar in decoder.finish() { put(scalar) } }
        if !plain.isEmpty || cells?.isEmpty == false { endLine(into: &out) }
        state = .text
        return out
    }

    /// The whole of `bytes` as text, its last line ended too.
    package static func convert(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var text = TerminalText()
        return text.lines(from: bytes) + text.flush()
    }

    private mutating func feed(_ buffer: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        var index = 0
        while index < buffer.count {
            // The common case: a run of printable bytes onto a line nothing has rewritten.
            if state == .text, cells == nil, !pendingReturn {
                let runStart = index
                while index < buffer.count, buffer[index] >= 0x20, buffer[index] != 0x7F { index += 1 }
                if index > runStart {
                    plain.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[runStart..<index]))
                    if plain.count > Self.maximumLine * 4 { plain.removeLast(plain.count - Self.maximumLine * 4) }
                    continue
                }
            }
            feed(buffer[index], into: &out)
            index += 1
        }
    }

    private mutating func feed(_ byte: UInt8, into out: inout [UInt8]) {
        if pendingReturn {
            pendingReturn = false
            if byte == 0x0A {
                endLine(into: &out)
                return
            }
            toCells()
            column = 0
        }
        switch state {
        case .text: text(byte, into: &out)
        case .escape: escape(byte)
        case .escapeIntermediate:
            if !(0x20...0x2F).contains(byte) { state = .text }
        case .csi: csi(byte)
        case .string:
            if byte == 0x07 { state = .text } else if byte == 0x1B { state = .stringEscape }
        case .stringEscape:
            state = byte == UInt8(ascii: "\\") ? .text : (byte == 0x1B ? .stringEscape : .string)
        }
    }

    private mutating func text(_ byte: UInt8, into out: inout [UInt8]) {
        guard byte < 0x20 || byte == 0x7F else {
            // Printable, on a line in cells (the run above takes the other lines).
            for scalar in decoder.decode(byte) { put(scalar) }
            return
        }
        if cells != nil { for scalar in decoder.finish() { put(scalar) } }
        switch byte {
        case 0x0A: endLine(into: &out)
        case 0x0D: pendingReturn = true
        case 0x08:
            toCells()
            column = max(0, column - 1)
        case 0x09: cells == nil ? plain.append(0x09) : put("\t")
        case 0x1B: state = .escape
        default: break
        }
    }

    /// From bytes to one character per column, the cursor at the end.
    private mutating func toCells() {
        guard cells == nil else { return }
        var decoded: [Unicode.Scalar] = []
        var stream = UTF8Stream()
        for byte in plain { decoded += stream.decode(byte) }
        decoded += stream.finish()
        cells = Array(decoded.prefix(Self.maximumLine))
        column = cells?.count ?? 0
        plain = []
    }

    private mutating func escape(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "["):
            parameters = []
            state = .csi
        case UInt8(ascii: "]"), UInt8(ascii: "P"), UInt8(ascii: "X"), UInt8(ascii: "^"), UInt8(ascii: "_"):
            state = .string
        case 0x20...0x2F: state = .escapeIntermediate
        default: state = .text
        }
    }

    private mutating func csi(_ byte: UInt8) {
        guard (0x40...0x7E).contains(byte) else {
            if parameters.count < 64 { parameters.append(byte) }
            return
        }
        state = .text
        let count = max(1, number(default: 1))
        if [UInt8(ascii: "K"), UInt8(ascii: "C"), UInt8(ascii: "D"), UInt8(ascii: "G")].contains(byte) { toCells() }
        switch byte {
        case UInt8(ascii: "K"): erase(number(default: 0))
        case UInt8(ascii: "C"): column = min(column + count, Self.maximumLine)
        case UInt8(ascii: "D"): column = max(0, column - count)
        case UInt8(ascii: "G"): column = min(count - 1, Self.maximumLine)
        default: break
        }
    }

    /// The first parameter of the CSI sequence, or `fallback`.
    private func number(default fallback: Int) -> Int {
        let digits = parameters.prefix { (0x30...0x39).contains($0) }.prefix(6)
        guard !digits.isEmpty else { return fallback }
        return digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }

    /// Erase in line: 0 from the cursor to the end, 1 from the start to the cursor, 2 all.
    private mutating func erase(_ mode: Int) {
        guard var line = cells else { return }
        switch mode {
        case 0: if column < line.count { line.removeSubrange(column...) }
        case 1: for index in 0..<min(column + 1, line.count) { line[index] = " " }
        case 2: line = []
        default: break
        }
        cells = line
    }

    /// Writes one character at the cursor, as a terminal does: over what is there, or after
    /// blanks when the cursor is past the end.
    private mutating func put(_ scalar: Unicode.Scalar) {
        guard column < Self.maximumLine, var line = cells else { return }
        cells = nil
        while line.count < column { line.append(" ") }
        if column < line.count { line[column] = scalar } else { line.append(scalar) }
        column += 1
        cells = line
    }

    /// The line, with bytes that are not UTF-8 as U+FFFD.
    private mutating func endLine(into out: inout [UInt8]) {
        if let line = cells {
            for scalar in line { UTF8.encode(scalar) { out.append($0) } }
        } else if !plain.contains(where: { $0 >= 0x80 }) {
            out.append(contentsOf: plain.prefix(Self.maximumLine))
        } else {
            var stream = UTF8Stream()
            var count = 0
            for byte in plain where count < Self.maximumLine {
                for scalar in stream.decode(byte) {
                    UTF8.encode(scalar) { out.append($0) }
                    count += 1
                }
            }
            for scalar in stream.finish() { UTF8.encode(scalar) { out.append($0) } }
        }
        out.append(UInt8(ascii: "\n"))
        plain.removeAll(keepingCapacity: true)
        cells = nil
        column = 0
        decoder = UTF8Stream()
    }
}

/// A UTF-8 decoder fed one byte at a time: complete scalars as they end, U+FFFD for each
/// invalid sequence.
struct UTF8Stream {
    private var pending: [UInt8] = []
    private var needed = 0

    mutating func decode(_ byte: UInt8) -> [Unicode.Scalar] {
        if needed > 0 {
            if byte & 0xC0 == 0x80 {
                pending.append(byte)
                guard pending.count == needed + 1 else { return [] }
                return finish()
            }
            return finish() + decode(byte)
        }
        switch byte {
        case 0x00...0x7F: return [Unicode.Scalar(byte)]
        case 0xC2...0xDF: needed = 1
        case 0xE0...0xEF: needed = 2
        case 0xF0...0xF4: needed = 3
        default: return ["\u{FFFD}"]
        }
        pending = [byte]
        return []
    }

    /// What is pending: its scalar when complete and valid, else U+FFFD (a sequence cut off).
    mutating func finish() -> [Unicode.Scalar] {
        guard !pending.isEmpty else { return [] }
        defer {
            pending = []
            needed = 0
        }
        let text = String(decoding: pending, as: UTF8.self)
        return pending.count == needed + 1 ? Array(text.unicodeScalars) : ["\u{FFFD}"]
    }
}
