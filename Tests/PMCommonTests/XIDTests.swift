import XCTest

@testable import PMCommon
@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

/// The reference's XID vectors.
final class XIDTests: XCTestCase {
    func testEncoderMatchesRsXID() {
        XCTAssertEqual(XID.encode(hex("4d88e15b60f486e428412dc9")), "9m4e2mr0ui3e8a215n4g")
    }

    func testUUIDVectors() {
        let vectors: [(String, String)] = [
            ("4d88e15b-60f4-86e4-a841-2dc980000000", "9m4e2mr0ui3e8a215n4g"),
            ("94cdfde4-15a4-40b9-8043-260e6a0b5b67", "ij6vrp0lkhgbj0234o70"),
            ("94cdfde4-15a4-40b9-8043-260e6bffffff", "ij6vrp0lkhgbj0234o70"),
            ("3f6c1b2a-9d4e-4c1a-8b7e-5a2d9c0f1e34", "7tm1makt9qe1lirub8mg"),
            ("00000000-0000-0000-0000-000000000000", "00000000000000000000"),
            ("ffffffff-ffff-ffff-ffff-ffffffffffff", "vvvvvvvvvvvvvvvvvvvg"),
            ("759b875e-d910-11eb-aff7-d796d7fcf7ef", "emdoenmp238umrvnqub0")
        ]
        for (uuid, xid) in vectors {
            XCTAssertEqual(XID.name(uuid: uuid, id: 0), xid, uuid)
        }
        XCTAssertEqual(
            XID.xidBytes(fromUUID: XID.uuidBytes("94cdfde4-15a4-40b9-8043-260e6a0b5b67") ?? []),
            hex("94cdfde415a460b98043260e"))
    }

    func testUUIDFormsAcceptedLikeGoogleUUID() {
        let canonical = "3f6c1b2a-9d4e-4c1a-8b7e-5a2d9c0f1e34"
        for form in [
            "{\(canonical)}", "urn:uuid:\(canonical)", "URN:UUID:\(canonical)", canonical.uppercased(),
            canonical.replacingOccurrences(of: "-", with: "")
        ] {
            XCTAssertEqual(XID.name(uuid: form, id: 99), "7tm1makt9qe1lirub8mg", form)
        }
        for bad in [
            "", "test-uuid", "3f6c1b2a9d4e-4c1a-8b7e-5a2d9c0f1e34-", "g" + canonical.dropFirst(), "{\(canonical)"
        ] {
            XCTAssertNil(XID.uuidBytes(bad), bad)
        }
    }

    func testFallbackUsesTheLow32BitsOfTheID() {
        XCTAssertEqual(XID.name(uuid: "test-uuid", id: 1), "00000080000000000000")
        XCTAssertEqual(XID.name(uuid: "", id: 42), "00000ag0000000000000")
        XCTAssertEqual(XID.name(uuid: "", id: 1_234_567), "009dd1o0000000000000")
        XCTAssertEqual(XID.name(uuid: "", id: 2_147_483_647), "fvvvvvo0000000000000")
        XCTAssertEqual(XID.name(uuid: "nope", id: 1337), "0000ae80000000000000")
        XCTAssertEqual(XID.name(uuid: "", id: 1 << 32 | 42), XID.name(uuid: "", id: 42))
    }

    private func hex(_ text: String) -> [UInt8] {
        stride(from: 0, to: text.count, by: 2).map { offset in
            let start = text.index(text.startIndex, offsetBy: offset)
            return UInt8(text[start..<text.index(start, offsetBy: 2)], radix: 16) ?? 0
        }
    }
}
