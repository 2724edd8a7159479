// swift-tools-version:6.0
// The pm toolbox: one-shot process-manager commands for GameAP game servers.
// No package dependencies: the Swift toolchain, Glibc and Dispatch only.
import PackageDescription

let tools = ["start", "stop", "status", "output", "input", "metrics", "install"]

/// Each tool is a new process per call, so start-up time is most of its cost (docs/benchmarks.md,
/// "Start-up tricks"). Release builds are fully static executables, the Swift runtime included,
/// with one section per function: lld packs the functions and variables of the common paths
/// (`startup.order`, made by scripts/startup-order) together, so a run touches fewer pages, each
/// a page fault (0.24 ms a call). Concrete generic metadata is reached through accessor calls
/// instead of demangling type names at run time (0.09 ms a call), and argv is kept by the tools'
/// own hook (argv.c, 0.08 ms): each alone under the 0.1 ms bar, but without both pm-status -m
/// simple measured 2.96-3.14x `/bin/true`, over its 3x target (2.48-2.92x with them).
let releaseSwift: [SwiftSetting] = [
    .unsafeFlags(
        ["-Xfrontend", "-disable-concrete-type-metadata-mangled-name-accessors", "-Xfrontend", "-function-sections"],
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
        // POSIX process creation (fork/exec with user switching), signal handlers, and argv for the
        // static release link (argv.c): the only C in the project.
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
