// swift-tools-version:6.0
// The pm toolbox: one-shot process-manager commands for GameAP game servers.
// No package dependencies: the Swift toolchain, Glibc and Dispatch only.
import PackageDescription

let tools = ["start", "stop", "status", "output", "input", "metrics", "install"]

/// Each tool is a new process per call, so start-up time is most of its cost (docs/benchmarks.md).
/// Release builds: concrete generic metadata through accessor calls instead of demangling type
/// names at run time (a third of a cold run's instructions); copies and destroys of values
/// emitted directly, not through the value witnesses of type metadata built at run time
/// (`-disable-type-layout`: a dozen generic types fewer per run); fully static executables, the
/// Swift runtime included; one section per function, and the functions and variables of the
/// common paths (`startup.order`, made by scripts/startup-order) packed together by lld, so a
/// run touches fewer pages, each a page fault.
let releaseSwift: [SwiftSetting] = [
    .unsafeFlags(
        [
            "-Xfrontend", "-disable-concrete-type-metadata-mangled-name-accessors", "-Xfrontend",
            "-disable-type-layout",
            "-Xfrontend", "-function-sections"
        ],
        .when(configuration: .release))
]
let startupOrder = String(#filePath.dropLast("Package.swift".count)) + "startup.order"
let releaseLink: [LinkerSetting] = [
    .unsafeFlags(
        [
            "-static-executable", "-use-ld=lld",
            "-Xlinker", "--symbol-ordering-file=\(startupOrder)", "-Xlinker", "--no-warn-symbol-ordering"
        ],
        .when(platforms: [.linux], configuration: .release))
]

let package = Package(
    name: "pm",
    products: tools.map { .executable(name: "pm-\($0)", targets: ["pm-\($0)"]) },
    targets: [
        // POSIX process creation (fork/exec with user switching), and argv for the static release
        // link (argv.c); the only C in the project.
        .target(
            name: "CPMSystem", cSettings: [.define("PM_OWN_ARGV", .when(platforms: [.linux], configuration: .release))]),
        // The layers, each depending only on those below it (docs/architecture.md).
        .target(name: "PMSystem", dependencies: ["CPMSystem"], swiftSettings: releaseSwift),
        .target(name: "PMHTTP", dependencies: ["PMSystem"], swiftSettings: releaseSwift),
        .target(name: "PMCore", dependencies: ["PMSystem"], swiftSettings: releaseSwift),
        .target(name: "PMManagers", dependencies: ["PMSystem", "PMHTTP", "PMCore"], swiftSettings: releaseSwift),
        .target(
            name: "PMCommon", dependencies: ["PMSystem", "PMHTTP", "PMCore", "PMManagers"], swiftSettings: releaseSwift)
    ]
        + tools.map {
            .executableTarget(
                name: "pm-\($0)", dependencies: ["PMCommon"], swiftSettings: releaseSwift, linkerSettings: releaseLink)
        } + [
            // What both test targets share: the backend checks, the test user, nodes for each
            // manager, the built tools, fixtures and fake servers.
            .target(
                name: "PMTestSupport", dependencies: ["PMSystem", "PMHTTP", "PMCore", "PMManagers", "PMCommon"],
                path: "Tests/PMTestSupport"),
            .testTarget(
                name: "PMCommonTests",
                dependencies: ["PMSystem", "PMHTTP", "PMCore", "PMManagers", "PMCommon", "PMTestSupport"]),
            .testTarget(
                name: "EndToEndTests",
                dependencies: ["PMSystem", "PMHTTP", "PMCore", "PMManagers", "PMCommon", "PMTestSupport"]
                    + tools.map { .target(name: "pm-\($0)") }
            )
        ]
)
