// swift-tools-version:5.9
// The pm toolbox: one-shot process-manager commands for GameAP game servers.
// No package dependencies: the Swift toolchain, Glibc and Dispatch only.
import PackageDescription

let tools = ["start", "stop", "status", "output", "input", "metrics", "install"]

let package = Package(
    name: "pm",
    products: tools.map { .executable(name: "pm-\($0)", targets: ["pm-\($0)"]) },
    targets: [
        // POSIX process creation (fork/exec with user switching); the only C in the project.
        .target(name: "CPMSystem"),
        .target(name: "PMCommon", dependencies: ["CPMSystem"]),
    ] + tools.map {
        .executableTarget(name: "pm-\($0)", dependencies: ["PMCommon"])
    } + [
        .testTarget(name: "PMCommonTests", dependencies: ["PMCommon"]),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["PMCommon"] + tools.map { .target(name: "pm-\($0)") }
        ),
    ]
)
