/// Text and attribute escaping exactly as Go's `encoding/xml` writes it, which the reference's
/// WinSW definitions use: `"` `'` `&` `<` `>` as entities, TAB, LF
/// and CR as character references, and every code point XML 1.0 does not allow (U+0001,
/// U+FFFE, ...) as U+FFFD. No byte of a value can end an element or an attribute.
package enum XMLEscaping {
    static let entities: [Unicode.Scalar: String] = [
        "\"": "&#34;", "'": "&#39;", "&": "&amp;", "<": "&lt;", ">": "&gt;", "\t": "&#x9;", "\n": "&#xA;", "\r": "&#xD;"
    ]

    package static func escape(_ text: String) -> String {
        text.replacingScalars(entities) { isAllowed($0) ? $0 : "\u{FFFD}" }
    }

    /// XML 1.0's `Char` production (TAB, LF and CR are handled above).
    static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }
}
