import PMCore
import PMHTTP
import PMManagers
import PMSystem

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads server records: from the FILE arguments (`-` is standard input), else from standard
/// input unless record flags describe the server, else built from the flags alone. Each input
/// holds one JSON object, a JSON array of them, or one object per line.
package enum RecordSource {
    /// The most record input read from one source.
    package static let maximumBytes = 4 << 20

    /// A record, or why it could not be read, and what to call it in messages.
    package struct Entry {
        package let label: String
        package let record: ServerRecord?
        package let error: Error?

        init(label: String, _ make: () throws -> ServerRecord) {
            self.label = label
            do {
                record = try make()
                error = nil
            } catch {
                record = nil
                self.error = error
            }
        }
    }

    package static func read(_ invocation: Invocation, standardInput: Int32 = 0) throws -> [Entry] {
        var sources = invocation.recordFiles
        if sources.isEmpty && !invocation.buildsRecord {
            if invocation.verb == .input && invocation.consoleLine == nil {
                throw UsageError(
                    "pm-input reads console lines from standard input, so give the server record as a FILE or with "
                        + "record options"
                )
            }
            if isatty(standardInput) == 1 {
                throw UsageError(
                    "no server record: give a FILE, - for standard input, or record options such as -d and -n")
            }
            sources = ["-"]
        }
        if sources.isEmpty {
            return [Entry(label: "server") { try edited(ServerRecord(), invocation) }]
        }
        guard sources.filter({ $0 == "-" }).count <= 1 else {
            throw UsageError("standard input (-) can be read only once")
        }
        var entries: [Entry] = []
        for source in sources {
            let values = try parse(source, standardInput: standardInput)
            for value in values {
                let label = "record \(entries.count + 1)"
                entries.append(Entry(label: label) { try edited(RecordDecoder.decode(value), invocation) })
            }
        }
        return entries
    }

    private static func parse(_ source: String, standardInput: Int32) throws -> [JSONValue] {
        let name = source == "-" ? "standard input" : source
        let bytes: [UInt8]
        do {
            bytes =
                source == "-"
                ? try FileSystem.readAll(standardInput, limit: maximumBytes, name: name)
                : try FileSystem.contents(of: source, limit: maximumBytes)
        } catch let error as SystemError {
            throw UsageError("cannot read \(name): \(error.reason)")
        }
        let values: [JSONValue]
        do {
            values = try JSONParser.parseSequence(bytes)
        } catch let error as JSONSyntaxError {
            throw UsageError("\(name): \(error)")
        }
        let records = values.flatMap { value -> [JSONValue] in
            if case .array(let elements) = value { return elements }
            return [value]
        }
        guard !records.isEmpty else { throw UsageError("no server record in \(name)") }
        return records
    }

    private static func edited(_ record: ServerRecord, _ invocation: Invocation) throws -> ServerRecord {
        var record = record
        for edit in invocation.recordEdits { try edit(&record) }
        return record
    }
}
