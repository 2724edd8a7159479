import XCTest

@testable import PMCommon
@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

/// `--help` and the man pages list the same options, so they cannot drift apart.
final class ManPageTests: XCTestCase {
    private let manDirectory = Fixtures.directory.deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("man")

    func testEveryToolPageListsExactlyItsOptions() throws {
        for verb in Verb.allCases {
            let page = try String(
                contentsOf: manDirectory.appendingPathComponent("\(verb.toolName).1"), encoding: .utf8)
            let documented = Set(optionItems(page))
            var expected = Set<String>()
            for option in OptionTable.options(for: verb) {
                if let short = option.short { expected.insert("-\(short)") }
                if let long = option.long { expected.insert("--\(long)") }
            }
            XCTAssertEqual(documented.subtracting(expected), [], "\(verb.toolName).1 documents options the tool lacks")
            XCTAssertEqual(expected.subtracting(documented), [], "\(verb.toolName).1 lacks options of --help")
            XCTAssertTrue(page.contains(".Nd \(verb.summary)"), "\(verb.toolName).1 NAME matches --help")
        }
    }

    /// Every tool page's `-m` and the manager list of pm(7) name exactly the managers there are.
    func testThePagesNameEveryManagerKind() throws {
        let kinds = Set(ManagerKind.allCases.map(\.rawValue))
        for verb in Verb.allCases {
            let page = try String(
                contentsOf: manDirectory.appendingPathComponent("\(verb.toolName).1"), encoding: .utf8)
            guard let item = page.range(of: ".It Fl m , Fl \\-manager Ar name\n") else {
                XCTFail("\(verb.toolName).1 has no -m item")
                continue
            }
            let rest = page[item.upperBound...]
            let text = rest[..<(rest.range(of: "The default")?.lowerBound ?? rest.endIndex)]
            let named = text.split(whereSeparator: { " ,.\n".contains($0) }).map(String.init).filter(kinds.contains)
            XCTAssertEqual(Set(named), kinds, "\(verb.toolName).1")
        }
        let overview = try String(contentsOf: manDirectory.appendingPathComponent("pm.7"), encoding: .utf8)
        let listed = overview.split(separator: "\n").filter { $0.hasPrefix(".It Cm ") }.map { String($0.dropFirst(7)) }
        XCTAssertTrue(kinds.isSubset(of: Set(listed)), "pm(7) lists every manager: \(listed)")
    }

    /// The option names of the `.It Fl ...` lines of the OPTIONS section.
    private func optionItems(_ page: String) -> [String] {
        guard let start = page.range(of: ".Sh OPTIONS"),
            let end = page.range(of: "\n.Sh ", range: start.upperBound..<page.endIndex)
        else { return [] }
        return page[start.upperBound..<end.lowerBound].split(separator: "\n").filter { $0.hasPrefix(".It Fl ") }.flatMap
        { line -> [String] in
            let words = line.split(separator: " ")
            return words.indices.filter { words[$0] == "Fl" && $0 + 1 < words.count }.map { index in
                let name = words[index + 1].replacingOccurrences(of: "\\-", with: "-")
                return "-" + name
            }
        }
    }
}
