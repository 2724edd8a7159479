import Foundation
import XCTest

@testable import PMCommon
@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

/// The process-tree sampler against real processes: a helper (compiled here with the
/// toolchain's clang) that allocates and touches a known amount of memory, burns a known amount
/// of CPU time, forks a sleeping child and waits.
final class ProcessTreeSamplerTests: XCTestCase {
    /// The compiled helper, shared by the tests of this class.
    private static let helper = Locked<String?>(nil)

    private static let helperSource = #"""
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include <unistd.h>
        #include <sys/resource.h>
        int main(int argc, char **argv) {
            size_t bytes = strtoull(argv[1], NULL, 10);
            double seconds = atof(argv[2]);
            char *block = bytes ? malloc(bytes) : NULL;
            if (block) memset(block, 1, bytes);
            if (fork() == 0) { pause(); return 0; }
            for (;;) {
                struct rusage u; getrusage(RUSAGE_SELF, &u);
                double used = u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + \#
        u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
                if (used >= seconds) break;
            }
            printf("ready\n"); fflush(stdout);
            pause();
            return block ? block[bytes - 1] : 0;
        }
        """#

    /// The compiled helper is shared by the tests of this class and removed after the last.
    override class func tearDown() {
        if let path = helper.withLock({ $0 }) {
            try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent)
        }
        helper.withLock { $0 = nil }
        super.tearDown()
    }

    private func helperPath() throws -> String {
        if let helper = Self.helper.withLock({ $0 }) { return helper }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pm-sampler-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Self.helperSource.write(toFile: directory + "/load.c", atomically: true, encoding: .utf8)
        let result = try ProcessLauncher().run(
            CommandSpec(["clang", "-O0", "-o", directory + "/load", directory + "/load.c"]),
            output: .capture(limit: 1 << 16))
        XCTAssertEqual(result.termination, .exited(0), result.text)
        Self.helper.withLock { $0 = directory + "/load" }
        return directory + "/load"
    }

    /// Starts the helper and waits for "ready"; returns it (kill its group when done).
    private func startLoad(bytes: Int, cpuSeconds: Double) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try helperPath())
        process.arguments = [String(bytes), String(cpuSeconds)]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let line = pipe.fileHandleForReading.availableData
        XCTAssertEqual(String(decoding: line, as: UTF8.self), "ready\n")
        return process
    }

    private func stop(_ process: Process) {
        kill(-process.processIdentifier, SIGKILL)
        for child in ProcessTable.read().tree(of: [process.processIdentifier]) { kill(child.pid, SIGKILL) }
        process.waitUntilExit()
    }

    func testMemoryCPUAndChildrenWithinTenPercent() throws {
        try Backend.require(.program("clang"))
        let base = try startLoad(bytes: 0, cpuSeconds: 0)
        let baseSample = try XCTUnwrap(ProcessTreeSampler.sample(roots: [base.processIdentifier], in: .read()))
        stop(base)

        let megabytes = 96
        let load = try startLoad(bytes: megabytes << 20, cpuSeconds: 1.0)
        defer { stop(load) }
        let sample = try XCTUnwrap(ProcessTreeSampler.sample(roots: [load.processIdentifier], in: .read()))
        XCTAssertEqual(sample.processes, 2, "the child is counted")
        let expectedMemory = Double(baseSample.memoryBytes) + Double(megabytes << 20)
        XCTAssertEqual(Double(sample.memoryBytes), expectedMemory, accuracy: expectedMemory * 0.1)
        XCTAssertEqual(sample.cpuSeconds, 1.0, accuracy: 0.1)
        XCTAssertTrue(sample.identity.hasPrefix("\(load.processIdentifier)@"))
    }

    func testProcessesThatVanishMidWalkAreSkipped() throws {
        let churn = Process()
        churn.executableURL = URL(fileURLWithPath: "/bin/sh")
        churn.arguments = ["-c", "while :; do /bin/true & /bin/true & wait; done"]
        try churn.run()
        defer {
            churn.terminate()
            churn.waitUntilExit()
        }
        Thread.sleep(forTimeInterval: 0.2)
        for _ in 0..<200 {
            let sample = ProcessTreeSampler.sample(roots: [churn.processIdentifier], in: .read())
            XCTAssertNotNil(sample)
            XCTAssertGreaterThanOrEqual(sample?.processes ?? 0, 1)
        }
    }

    func testAGoneRootGivesNoSample() {
        XCTAssertNil(ProcessTreeSampler.sample(roots: [Int32.max - 1], in: .read()))
    }

    func testStatParsingSurvivesOddCommandNames() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pm-odd-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let odd = directory + "/a) (b c"
        try FileManager.default.copyItem(atPath: "/bin/sleep", toPath: odd)
        let process = try Process.run(URL(fileURLWithPath: odd), arguments: ["5"])
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        Thread.sleep(forTimeInterval: 0.1)
        let entry = try XCTUnwrap(ProcFileSystem.stat(process.processIdentifier))
        XCTAssertEqual(entry.parent, getpid())
    }
}
