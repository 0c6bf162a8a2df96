// swift-tools-version:6.0
import PackageDescription

// Linux only (README, For developers): the code uses glibc and Linux calls that are not built or
// tested elsewhere. The products are commands (aitrail, and aitrail-store for the database): AITrailKit is not offered as a library (the
// unsafeFlags that link libgit2 statically would make SwiftPM refuse it as a dependency, and its API is internal).

// Every hook run starts aitrail, so its start is kept short (docs/hooks.md, "Speed"): generic types
// of our own code are made through their metadata functions, not demangled from names at run time
// (each first use of such a name made the runtime search all 4,000 protocol conformances of the binary).
let fastStart: [SwiftSetting] = [.unsafeFlags(["-Xfrontend", "-disable-concrete-type-metadata-mangled-name-accessors"])]

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
        // libgit2's headers. The library itself is linked by CGit2Static.
        .systemLibrary(name: "CGit2", providers: [.apt(["libgit2-dev"])]),
        // libgit2 linked statically from Debian's libgit2-dev and its dependencies' archives, with
        // stand-ins for the set-ups of network transports aitrail never uses (Sources/CGit2Static/
        // stand_ins.c says why: each hook starts aitrail, and loading libgit2's shared libraries
        // was most of a start).
        //
        // The C++ runtime and libgcc are linked statically too: `link/libstdc++.so` is a linker script
        // that stands for GCC's libstdc++.a (the toolchain's own `-lstdc++` comes before any flag here,
        // so only a library folder searched first can change what it finds), and clang's
        // `-static-libgcc` takes libgcc_eh.a for libgcc_s.so. A start then loads libc and libm only.
        .target(
            name: "CGit2Static",
            exclude: ["link"],
            linkerSettings: [.unsafeFlags([
                "-L", Context.packageDirectory + "/Sources/CGit2Static/link",
                "-Xclang-linker", "-static-libgcc",
                "-Xlinker", "-l:libgit2.a",
                "-Xlinker", "-l:libmbedtls.a", "-Xlinker", "-l:libmbedx509.a", "-Xlinker", "-l:libmbedcrypto.a",
                "-Xlinker", "-l:libhttp_parser.a", "-Xlinker", "-l:libssh2.a", "-Xlinker", "-l:libcrypto.a",
                "-Xlinker", "-l:libpcre2-8.a", "-Xlinker", "-l:libz.a",
                "-Xlinker", "--wrap=git_mbedtls_stream_global_init",
                "-Xlinker", "--wrap=git_mbedtls_stream_new",
                "-Xlinker", "--wrap=git_mbedtls__set_cert_location",
                "-Xlinker", "--wrap=libssh2_init",
                "-Xlinker", "--wrap=OPENSSL_cpuid_setup",
            ], .when(platforms: [.linux]))]
        ),
        .target(name: "Git", dependencies: ["CGit2", "CGit2Static"], swiftSettings: fastStart),
        .target(name: "AITrailKit", dependencies: ["Git"], swiftSettings: fastStart),
        .executableTarget(
            name: "aitrail",
            dependencies: [
                "AITrailKit",
                "Git",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: fastStart,
            // Linked by the toolchain's lld with packed relative relocations (DT_RELR, glibc 2.36):
            // the 61,000 pointers a start relocates are listed in 15 KB instead of 1.4 MB. And with
            // no symbol exported: the Swift runtime's start looks its own address up with dladdr,
            // which reads every exported symbol (4,700 with the toolchain's -export-dynamic).
            linkerSettings: [.unsafeFlags([
                "-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs", "-Xlinker", "--no-export-dynamic",
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
