/// Why a command text could not be split into words (go-shellquote's messages).
package struct ShellWordsError: Error, CustomStringConvertible, Equatable {
    package let message: String
    package var description: String { message }

    static let backslash = ShellWordsError(message: "Unterminated backslash-escape")
    static let singleQuote = ShellWordsError(message: "Unterminated single-quoted string")
    static let doubleQuote = ShellWordsError(message: "Unterminated double-quoted string")
}

/// POSIX-shell-like word splitting and quoting with exactly the rules of go-shellquote,
/// which the reference uses for every command template.
package enum ShellWords {
    /// How backslashes are read. `windows` is for the commands of Windows services, where
    /// `C:\path` must stay whole: a backslash is literal except in a run that ends at a quote,
    /// which follows the `CommandLineToArgvW` rule (2n backslashes give n and the quote
    /// quotes; 2n+1 give n and a literal quote), so that what `WindowsQuoting.join` quotes
    /// splits back. Single quotes work as in `sh`. The reference instead doubles every
    /// backslash before splitting, which breaks single-quoted paths and `\"`
    /// (docs/differences.md#win-5).
    package enum Dialect { case posix, windows }

    private static let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), newline = UInt8(ascii: "\n")
    private static let backslash = UInt8(ascii: "\\"), single = UInt8(ascii: "'"), double = UInt8(ascii: "\"")

    /// Splits on space, tab and LF; quotes and backslashes as in `sh`; no expansions, no comments.
    package static func split(_ input: String, dialect: Dialect = .posix) throws -> [String] {
        try splitMarkingQuotes(input, dialect: dialect).map(\.text)
    }

    /// A word and whether it was written as one quoted string (`"{command}"`, `'x y'`).
    package struct Word: Equatable {
        package let text: String
        package let quoted: Bool
    }

    /// `split`, also telling which words were written wholly inside one pair of quotes.
    package static func splitMarkingQuotes(_ input: String, dialect: Dialect = .posix) throws -> [Word] {
        let bytes = Array(input.utf8)
        var words: [Word] = []
        var word: [UInt8] = []
        var inWord = false
        var segments = 0
        var allQuoted = true
        func finish() {
            if inWord {
                words.append(Word(text: String(decoding: word, as: UTF8.self), quoted: allQuoted && segments == 1))
            }
            word.removeAll(keepingCapacity: true)
            inWord = false
            segments = 0
            allQuoted = true
        }
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case space, tab, newline:
                finish()
                index += 1
            case backslash where dialect == .windows:
                index = readBackslashes(bytes, from: index, quotes: [single, double], into: &word)
                inWord = true
                allQuoted = false
            case backslash:
                guard index + 1 < bytes.count else { throw ShellWordsError.backslash }
                if bytes[index + 1] != newline {
                    word.append(bytes[index + 1])
                    inWord = true
                    allQuoted = false
                }
                index += 2
            case single:
                guard let close = bytes[(index + 1)...].firstIndex(of: single) else {
                    throw ShellWordsError.singleQuote
                }
                word.append(contentsOf: bytes[(index + 1)..<close])
                inWord = true
                segments += 1
                index = close + 1
            case double:
                index = try readDoubleQuoted(bytes, from: index + 1, dialect: dialect, into: &word)
                inWord = true
                segments += 1
            default:
                word.append(byte)
                inWord = true
                allQuoted = false
                index += 1
            }
        }
        finish()
        return words
    }

    /// Reads a double-quoted segment starting after its opening quote; returns the index after
    /// the closing quote.
    private static func readDoubleQuoted(
        _ bytes: [UInt8], from start: Int, dialect: Dialect, into word: inout [UInt8]
    ) throws -> Int {
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            if byte == double { return index + 1 }
            if byte == backslash && dialect == .windows {
                index = readBackslashes(bytes, from: index, quotes: [double], into: &word)
                continue
            }
            if byte == backslash {
                guard index + 1 < bytes.count else { throw ShellWordsError.doubleQuote }
                let next = bytes[index + 1]
                switch next {
                case UInt8(ascii: "$"), UInt8(ascii: "`"), double, backslash: word.append(next)
                case newline: break
                default:
                    word.append(byte)
                    word.append(next)
                }
                index += 2
                continue
            }
            word.append(byte)
            index += 1
        }
        throw ShellWordsError.doubleQuote
    }

    /// A run of backslashes in the Windows dialect: literal, unless a quote of `quotes` follows;
    /// then half of them, and the quote itself when their number is odd. Returns the index
    /// after what it consumed (the quote stays when it opens or closes a quoted segment).
    private static func readBackslashes(
        _ bytes: [UInt8], from start: Int, quotes: [UInt8], into word: inout [UInt8]
    ) -> Int {
        var end = start
        while end < bytes.count && bytes[end] == backslash { end += 1 }
        let count = end - start
        guard end < bytes.count, quotes.contains(bytes[end]) else {
            word += repeatElement(backslash, count: count)
            return end
        }
        word += repeatElement(backslash, count: count / 2)
        guard count % 2 == 1 else { return end }
        word.append(bytes[end])
        return end + 1
    }

    /// Characters that need a backslash in an unquoted word. The reference's set plus `#` and
    /// `=` (a leading `#` starts a comment and a first word `A=B` is an assignment in `sh -c`,
    /// docs/differences.md#cmd-2); `=` and `#` are only escaped where they matter, see `quote(_:)`.
    private static let escaped = Set("\\'\"`${[|&;<>()*?!".utf8)

    /// Quotes one word for `sh`. Differs from go-shellquote only where it was unsafe: a word
    /// starting with `#` and a word with `=` get a backslash before those characters.
    package static func quote(_ word: String) -> String {
        let bytes = Array(word.utf8)
        if bytes.isEmpty { return "''" }
        if bytes.contains(where: { $0 == space || $0 == tab || $0 == newline }) {
            return singleQuoted(bytes)
        }
        var out: [UInt8] = []
        for (position, byte) in bytes.enumerated() {
            if escaped.contains(byte) || (position == 0 && (byte == UInt8(ascii: "~") || byte == UInt8(ascii: "#"))) {
                out.append(backslash)
            } else if byte == UInt8(ascii: "=") && !bytes[..<position].contains(UInt8(ascii: "="))
                && ASCII.isIdentifier(bytes[..<position])
            {
                out.append(backslash)
            }
            out.append(byte)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Joins words into one `sh` command line; `split(join(w)) == w` for every word list.
    package static func join(_ words: [String]) -> String {
        words.map(quote).joined(separator: " ")
    }

    /// Joins words so that both dialects split them back (`-- COMMAND ...` of pm-start, which
    /// any manager may read): a word with whitespace, a backslash or a quote is single-quoted,
    /// which both read alike; every other word is left as it is.
    package static func portableJoin(_ words: [String]) -> String {
        words.map { word in
            let bytes = Array(word.utf8)
            if bytes.isEmpty { return "''" }
            let plain = !bytes.contains { [space, tab, newline, backslash, single, double].contains($0) }
            return plain ? word : singleQuoted(bytes)
        }.joined(separator: " ")
    }

    private static func singleQuoted(_ bytes: [UInt8]) -> String {
        var start = 0
        var end = bytes.count
        var out: [UInt8] = []
        while start < end && bytes[start] == single {
            out += Array("\\'".utf8)
            start += 1
        }
        var trailing = 0
        while end > start && bytes[end - 1] == single {
            trailing += 1
            end -= 1
        }
        if start < end {
            out.append(single)
            for byte in bytes[start..<end] {
                if byte == single { out += Array("'\\''".utf8) } else { out.append(byte) }
            }
            out.append(single)
        }
        for _ in 0..<trailing { out += Array("\\'".utf8) }
        return String(decoding: out, as: UTF8.self)
    }
}
