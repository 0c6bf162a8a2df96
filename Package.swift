// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "aitrail",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "aitrail", targets: ["aitrail"]),
        .library(name: "AITrailKit", targets: ["AITrailKit"]),
        // The organisation store's database client: a separate executable, so `aitrail` (and the hooks) never load it.
        .executable(name: "aitrail-store", targets: ["aitrail-store"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CGit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]
        ),
        .target(name: "Git", dependencies: ["CGit2"]),
        .target(name: "AITrailKit", dependencies: ["Git"]),
        .executableTarget(
            name: "aitrail",
            dependencies: [
                "AITrailKit",
                "Git",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // Exports the executable's stand-ins for libgit2's CA loading and libssh2's OpenSSL set-up
            // (Sources/aitrail/SkipCertificateLoading.swift).
            linkerSettings: [.unsafeFlags([
                "-Xlinker", "--export-dynamic-symbol=mbedtls_x509_crt_parse_file",
                "-Xlinker", "--export-dynamic-symbol=libssh2_init",
            ], .when(platforms: [.linux]))]
        ),
        // libsqlite3 and libpq from the system (docs/store.md: why not GRDB or postgres-nio).
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .target(name: "AITrailStore", dependencies: ["AITrailKit", "Git", "CSQLite", "CLibPQ"]),
        .executableTarget(
            name: "aitrail-store",
            dependencies: [
                "AITrailStore",
                "AITrailKit",
                "Git",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "aitrail-walk-bench", dependencies: ["Git"], path: "Benchmarks/WalkBench"),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "GitTests", dependencies: ["CGit2", "Git", "TestSupport"]),
        .testTarget(name: "AITrailStoreTests", dependencies: ["AITrailStore", "AITrailKit", "Git", "TestSupport"]),
        .testTarget(name: "AITrailKitTests", dependencies: ["AITrailKit", "Git", "TestSupport"]),
        // Golden files are read by path from the tests, not bundled as resources.
        .testTarget(name: "aitrailTests", dependencies: ["aitrail", "Git", "TestSupport"], exclude: ["Golden"]),
    ]
)
