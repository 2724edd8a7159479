import XCTest
@testable import PMSystem
@testable import PMHTTP
@testable import PMCore
@testable import PMManagers
@testable import PMCommon
@testable import PMTestSupport

/// `--help` and the man pages list the same options, so they cannot drift apart.
final class ManPageTests: XCTestCase {
    private let manDirectory = Fixtures.directory.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("man")

    func testEveryToolPageListsExactlyItsOptions() throws {
        for verb in Verb.allCases {
            let page = try String(contentsOf: manDirectory.appendingPathComponent("\(verb.toolName).1"), encoding: .utf8)
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

    /// The option names of the `.It Fl ...` lines of the OPTIONS section.
    private func optionItems(_ page: String) -> [String] {
        guard let start = page.range(of: ".Sh OPTIONS"), let end = page.range(of: "\n.Sh ", range: start.upperBound..<page.endIndex) else { return [] }
        return page[start.upperBound..<end.lowerBound].split(separator: "\n").filter { $0.hasPrefix(".It Fl ") }.flatMap { line -> [String] in
            let words = line.split(separator: " ")
            return words.indices.filter { words[$0] == "Fl" && $0 + 1 < words.count }.map { index in
                let name = words[index + 1].replacingOccurrences(of: "\\-", with: "-")
                return "-" + name
            }
        }
    }
}
