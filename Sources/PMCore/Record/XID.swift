import PMSystem

/// The 20-character name the reference derives from a server's UUID for sessions, units and
/// containers: the UUID's 96 significant bits in `rs/xid`'s base32hex text.
package enum XID {
    private static let alphabet = Array("0123456789abcdefghijklmnopqrstuv".utf8)

    /// `XID()`: from the uuid, or, when it is not a UUID, from the low 32 bits of the id.
    package static func name(uuid: String, id: Int) -> String {
        let bytes = uuidBytes(uuid) ?? fallbackBytes(id: id)
        return encode(xidBytes(fromUUID: bytes))
    }

    /// The 16 bytes of a UUID in one of the forms google/uuid accepts: canonical (36), in braces
    /// (38), with `urn:uuid:` (45), or 32 hex digits; case-insensitive; version and variant unchecked.
    package static func uuidBytes(_ text: String) -> [UInt8]? {
        var chars = Array(text.utf8)
        switch chars.count {
        case 36: break
        case 38:
            guard chars.first == UInt8(ascii: "{"), chars.last == UInt8(ascii: "}") else { return nil }
            chars = Array(chars[1..<37])
        case 45:
            guard String(decoding: chars[0..<9], as: UTF8.self).lowercased() == "urn:uuid:" else { return nil }
            chars = Array(chars[9...])
        case 32:
            return hexBytes(chars)
        default:
            return nil
        }
        for dash in [8, 13, 18, 23] where chars[dash] != UInt8(ascii: "-") { return nil }
        var digits: [UInt8] = []
        digits.reserveCapacity(32)
        for (offset, byte) in chars.enumerated() where ![8, 13, 18, 23].contains(offset) { digits.append(byte) }
        return hexBytes(digits)
    }

    static func fallbackBytes(id: Int) -> [UInt8] {
        let low = UInt32(truncatingIfNeeded: id)
        var bytes = [UInt8](repeating: 0, count: 16)
        bytes[0] = UInt8(low >> 24)
        bytes[1] = UInt8(truncatingIfNeeded: low >> 16)
        bytes[2] = UInt8(truncatingIfNeeded: low >> 8)
        bytes[3] = UInt8(truncatingIfNeeded: low)
        return bytes
    }

    /// `idgen.UUIDToXID`: the inverse of packing an XID into a UUIDv8.
    package static func xidBytes(fromUUID u: [UInt8]) -> [UInt8] {
        var x = [UInt8](repeating: 0, count: 12)
        for i in 0..<6 { x[i] = u[i] }
        x[6] = (u[12] & 0xF0) | (u[6] & 0x0F)
        x[7] = u[7]
        x[8] = ((u[12] << 4) & 0xC0) | (u[8] & 0x3F)
        for i in 9..<12 { x[i] = u[i] }
        return x
    }

    /// RFC 4648 base32 with the extended-hex alphabet, lower case, unpadded: 12 bytes → 20 chars.
    package static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = buffer << 8 | UInt32(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                out.append(alphabet[Int((buffer >> UInt32(bits)) & 31)])
            }
        }
        if bits > 0 { out.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexBytes(_ chars: [UInt8]) -> [UInt8]? {
        guard chars.count == 32 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16)
        var index = 0
        while index < 32 {
            guard let high = nibble(chars[index]), let low = nibble(chars[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
