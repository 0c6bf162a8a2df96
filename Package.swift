// swift-tools-version:6.0
import PackageDescription

// Linux only (README, For developers): the code uses glibc and Linux calls that are not built or
// tested elsewhere. The products are commands (aitrail, and aitrail-store for the database): AITrailKit is not offered as a library (the
// executable's unsafeFlags would make SwiftPM refuse it as a dependency, and its API is internal).
let package = Package(
    name: "aitrail",
    products: [
        .executable(name: "aitrail", targets: ["aitrail"]),
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
            // Exports the executable's stand-ins for libgit2's CA loading, libssh2's OpenSSL set-up and
            // mbedTLS's HAVEGE warm-up (Sources/aitrail/SkipCertificateLoading.swift).
            linkerSettings: [.unsafeFlags([
                "-Xlinker", "--export-dynamic-symbol=mbedtls_x509_crt_parse_file",
                "-Xlinker", "--export-dynamic-symbol=libssh2_init",
                "-Xlinker", "--export-dynamic-symbol=mbedtls_havege_init",
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
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "GitTests", dependencies: ["CGit2", "Git", "TestSupport"]),
        .testTarget(name: "AITrailStoreTests", dependencies: ["AITrailStore", "AITrailKit", "Git", "TestSupport"]),
        .testTarget(name: "AITrailKitTests", dependencies: ["AITrailKit", "Git", "TestSupport"]),
        // Golden files are read by path from the tests, not bundled as resources.
        .testTarget(name: "aitrailTests", dependencies: ["aitrail", "Git", "TestSupport"], exclude: ["Golden"]),
    ]
)
