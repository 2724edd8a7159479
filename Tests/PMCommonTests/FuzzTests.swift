import XCTest

@testable import PMCommon
@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

/// Random and mutated input for the parsers that read untrusted text: none may crash or hang,
/// whatever they are fed (a throw is fine). Seeded, so a failure can be replayed.
final class FuzzTests: XCTestCase {
    private static let iterations = 10_000

    func testRecordDecoderSurvivesRandomAndMutatedInput() {
        var random = SeededRandom(seed: 0x9E37_79B9_7F4A_7C15)
        let seed = Array(Fixtures.cs16JSON.utf8)
        var decoded = 0
        for _ in 0..<Self.iterations {
            let input = random.next() % 3 == 0 ? random.bytes(count: Int(random.next() % 300)) : random.mutate(seed)
            if let value = try? JSONParser.parse(input), (try? RecordDecoder.decode(value)) != nil { decoded += 1 }
            _ = try? JSONParser.parseSequence(input)
        }
        XCTAssertGreaterThan(decoded, 100, "mutations should keep many records valid")
    }

    func testStructurallyMutatedRecordsDecodeOrNameAField() throws {
        var random = SeededRandom(seed: 42)
        guard case .object(let base) = try JSONParser.parse(Fixtures.cs16JSON) else { return XCTFail() }
        let replacements: [JSONValue] = [
            .null, .bool(true), .number("-1"), .number("1e999"), .number("27015"), .string(""),
            .string("\u{0}"), .string("a\nb"), .string("../.."), .array([]), .object(JSONObject()),
            .string(String(repeating: "x", count: 70_000))
        ]
        for _ in 0..<Self.iterations {
            var object = base
            let index = Int(random.next() % UInt64(object.members.count))
            object.members[index].value = replacements[Int(random.next() % UInt64(replacements.count))]
            do {
                _ = try RecordDecoder.decode(.object(object))
            } catch let error as RecordError {
                XCTAssertFalse(error.field.isEmpty && error.problem.isEmpty)
            }
        }
    }

    func testYAMLReaderSurvivesRandomAndMutatedInput() {
        var random = SeededRandom(seed: 7)
        let seed = Array(
            """
            work_path: /srv/gameap
            process_manager:
              name: simple
              config:
                scope: "user"
            scripts:
              start: '{command}'
              getconsole: |
                ./get
            if_list:
              - eth0
              - {a: 1}
            users: {}
            list: [a, "b", 'c']
            """.utf8)
        let alphabet = Array(" -:#|\"'\n\t[]{}&*!>a1".utf8)
        for _ in 0..<Self.iterations {
            var input = random.mutate(seed)
            if random.next() % 4 == 0 {
                input = (0..<Int(random.next() % 80)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
            }
            let text = String(decoding: input, as: UTF8.self)
            if let node = try? YAMLReader.parse(text) { _ = try? ConfigLoader.parse(node) }
        }
    }

    func testShellWordsSurviveRandomInputAndRoundTrip() throws {
        var random = SeededRandom(seed: 99)
        let alphabet = Array(" \t\n\r'\"\\$`#=~{}ab*".utf8)
        for _ in 0..<Self.iterations {
            let input = (0..<Int(random.next() % 40)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
            let text = String(decoding: input, as: UTF8.self)
            if let words = try? ShellWords.split(text) {
                XCTAssertEqual(try ShellWords.split(ShellWords.join(words)), words, text.debugDescription)
            }
            let words = (0..<Int(random.next() % 4)).map { _ in
                String(
                    decoding: (0..<Int(random.next() % 6)).map { _ in
                        alphabet[Int(random.next() % UInt64(alphabet.count))]
                    }, as: UTF8.self)
            }
            XCTAssertEqual(try ShellWords.split(ShellWords.join(words)), words)
        }
    }
}

/// SplitMix64: small, fast and reproducible.
struct SeededRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func bytes(count: Int) -> [UInt8] { (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) } }

    /// Flips, inserts, deletes or duplicates a few bytes.
    mutating func mutate(_ input: [UInt8]) -> [UInt8] {
        var bytes = input
        for _ in 0..<(1 + Int(next() % 4)) where !bytes.isEmpty {
            let position = Int(next() % UInt64(bytes.count))
            switch next() % 4 {
            case 0: bytes[position] = UInt8(truncatingIfNeeded: next())
            case 1: bytes.insert(UInt8(truncatingIfNeeded: next()), at: position)
            case 2: bytes.remove(at: position)
            default: bytes.insert(contentsOf: bytes[position..<min(bytes.count, position + 8)], at: position)
            }
        }
        return bytes
    }
}
