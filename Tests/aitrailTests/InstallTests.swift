import Foundation
import Testing
import TestSupport

// Installing aitrail (README, Install; docs/check.md, CI): scripts/package, scripts/install, the
// GitHub Action's steps (ci/action/*.sh) and the GitLab template's script lines, run for real.
// The release binary is built once per test run (`packagedRelease`), in its own build folder:
// `swift test` holds the lock of .build while the tests run.

struct ScriptFailed: Error, CustomStringConvertible {
    let description: String
}

/// What `scripts/package` wrote, once per test run.
struct PackagedRelease: Sendable {
    let dist: String
    let version: String
    let arch: String
    let tarball: String
    let deb: String
    let seconds: Double
}

/// Variables of CI systems the scripts read, removed from the test runner's environment.
let ciScriptEnvironment = ciEnvironment + [
    "GITHUB_ACTIONS", "GITHUB_EVENT_NAME", "GITHUB_EVENT_PATH", "GITHUB_STEP_SUMMARY", "GITHUB_OUTPUT", "GITHUB_PATH",
    "GITHUB_ENV", "GITHUB_ACTION_PATH", "GITHUB_TOKEN", "GITHUB_API_URL", "GITHUB_REPOSITORY", "GITLAB_CI",
    "CI_MERGE_REQUEST_DIFF_BASE_SHA", "CI_MERGE_REQUEST_SOURCE_BRANCH_SHA", "CI_PIPELINE_SOURCE", "CI_PROJECT_DIR",
    "AITRAIL_HOME", "AITRAIL_RELEASE_URL", "AITRAIL_SOURCE", "AITRAIL_VERSION", "AITRAIL_BINARY", "AITRAIL_BASE",
]

/// Runs a shell script (or `bash -c` text) with a clean CI environment plus `environment`.
func runScript(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:]) throws -> (result: ProcessResult, seconds: Double) {
    var env = ["GIT_CONFIG_NOSYSTEM": "1", "LC_ALL": "C"]
    for (key, value) in environment { env[key] = value }
    let started = Date()
    let result = try runProcess("/bin/bash", arguments, in: directory, environment: env, removing: agentEnvironment + ciScriptEnvironment)
    return (result, Date().timeIntervalSince(started))
}

/// Where the tests build the release binary (not .build: `swift test` holds its lock).
let releaseBuildPath = ProcessInfo.processInfo.environment["AITRAIL_BUILD_PATH"] ?? packageRoot + "/.build-package"

let packagedRelease: Result<PackagedRelease, any Error> = Result {
    let dist = try makeTemporaryDirectory(prefix: "aitrail-dist")
    let (result, seconds) = try runScript([packageRoot + "/scripts/package", "--output", dist], environment: ["AITRAIL_BUILD_PATH": releaseBuildPath])
    guard result.status == 0 else { throw ScriptFailed(description: "scripts/package exited \(result.status): \(result.stderr)") }
    let source = try String(contentsOfFile: packageRoot + "/Sources/AITrailKit/Version.swift", encoding: .utf8)
    guard let version = source.firstMatch(of: /static let number = "([^"]+)"/)?.1 else {
        throw ScriptFailed(description: "no AITrailVersion.number in Sources/AITrailKit/Version.swift")
    }
    let arch = try runProcess("uname", ["-m"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let debarch = try runProcess("dpkg", ["--print-architecture"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    return PackagedRelease(dist: dist, version: String(version), arch: arch,
                           tarball: "\(dist)/aitrail-\(version)-linux-\(arch).tar.gz",
                           deb: "\(dist)/aitrail_\(version)_\(debarch).deb", seconds: seconds)
}

/// A command that records each call into `log` and fails: put first on PATH, it shows a step never ran it.
func tripwire(_ name: String, in directory: String, log: String) throws {
    let path = directory + "/" + name
    try "#!/bin/sh\necho \"\(name) $*\" >> '\(log)'\nexit 97\n".write(toFile: path, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
}

/// A recorded GitHub event payload (Golden/events) with this repository's commits in place of the placeholders.
func eventPayload(_ name: String, base: String, head: String, tree: String, into directory: String) throws -> String {
    let text = try String(contentsOfFile: packageRoot + "/Tests/aitrailTests/Golden/events/\(name).json", encoding: .utf8)
        .replacingOccurrences(of: "{{BASE}}", with: base).replacingOccurrences(of: "{{HEAD}}", with: head)
        .replacingOccurrences(of: "{{HEAD_TREE}}", with: tree)
    let path = "\(directory)/\(name).json"
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

func timing(_ label: String, _ seconds: Double) {
    print("aitrail-timing: \(label): \(String(format: "%.2f", seconds)) s")
}

@Suite(.serialized) struct InstallTests {
    @Test func packageWritesTarballChecksumAndDebThatInstall() throws {
        let release = try packagedRelease.get()
        timing("scripts/package (build included when the sources changed)", release.seconds)
        let checksum = try String(contentsOfFile: release.tarball + ".sha256", encoding: .utf8)
        let computed = try runProcess("sha256sum", [release.tarball]).stdout.prefix(64)
        #expect(checksum == "\(computed)  aitrail-\(release.version)-linux-\(release.arch).tar.gz\n")
        let listing = try runProcess("tar", ["-tzf", release.tarball]).stdout.split(separator: "\n")
        let top = "aitrail-\(release.version)-linux-\(release.arch)/"
        #expect(listing.contains { $0 == top + "bin/aitrail" })
        #expect(listing.contains { $0 == top + "bin/aitrail-store" })
        #expect(listing.contains { $0 == top + "README.md" })

        let info = try runProcess("dpkg-deb", ["--info", release.deb])
        #expect(info.status == 0)
        #expect(info.stdout.contains(" Package: aitrail\n"))
        #expect(info.stdout.contains(" Version: \(release.version)\n"))
        let contents = try runProcess("dpkg-deb", ["--contents", release.deb]).stdout
        #expect(contents.contains(" root/root ") && contents.contains(" ./usr/bin/aitrail\n"))
        #expect(contents.contains(" ./usr/bin/aitrail-store\n"))

        // Installed into a temporary root (dpkg -x: the machine's dpkg database is left alone).
        let root = try makeTemporaryDirectory(prefix: "aitrail-debroot")
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(try runProcess("dpkg", ["-x", release.deb, root]).status == 0)
        let version = try runProcess(root + "/usr/bin/aitrail", ["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.hasPrefix(release.version + " (libgit2 1."))
        let depends = try runProcess("dpkg-deb", ["--field", release.deb, "Depends"]).stdout
        // libgit2 is linked in (Sources/CGit2Static): no libgit2 package is a dependency, and the
        // packages of the libraries the binary does load are (glibc's, at least), with git.
        #expect(!depends.contains("libgit2"), "\(depends)")
        #expect(depends.contains("libc6 (>= "), "\(depends)")
        #expect(depends.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.contains("git"))
        // aitrail-store's database clients are dependencies; aitrail itself (the hooks) links neither.
        #expect(depends.contains("libpq5 (>= ") && depends.contains("libsqlite3-0 (>= "), "\(depends)")
        let hookBinary = try runProcess("ldd", [root + "/usr/bin/aitrail"]).stdout
        #expect(!hookBinary.contains("libpq") && !hookBinary.contains("libsqlite3"))
        // The C++ runtime and libgcc are linked in too (Sources/CGit2Static/link): a hook's start
        // loads glibc's libraries only.
        #expect(!hookBinary.contains("libstdc++") && !hookBinary.contains("libgcc_s"), "\(hookBinary)")
        #expect(try runProcess(root + "/usr/bin/aitrail-store", ["--version"]).stdout.hasPrefix(release.version + " "))

        // Reproducible: packaging the same binary again gives the same bytes.
        let again = try makeTemporaryDirectory(prefix: "aitrail-dist-again")
        defer { try? FileManager.default.removeItem(atPath: again) }
        let rerun = try runScript([packageRoot + "/scripts/package", "--output", again], environment: ["AITRAIL_BUILD_PATH": releaseBuildPath])
        #expect(rerun.result.status == 0, "\(rerun.result.stderr)")
        for file in [release.tarball, release.deb] {
            let name = URL(fileURLWithPath: file).lastPathComponent
            #expect(FileManager.default.contents(atPath: file) == FileManager.default.contents(atPath: again + "/" + name), "\(name) differs between two runs")
        }
    }

    @Test func installFromTarballIsIdempotentAndRefusesATamperedOne() throws {
        let release = try packagedRelease.get()
        let prefix = try makeTemporaryDirectory(prefix: "aitrail-prefix")
        defer { try? FileManager.default.removeItem(atPath: prefix) }
        let install = packageRoot + "/scripts/install"

        let help = try runScript([install, "--help"])
        #expect(help.result.status == 0 && help.result.stdout.contains("usage: scripts/install [--prefix DIR] [ARCHIVE]"))

        let first = try runScript([install, "--prefix", prefix, release.tarball])
        #expect(first.result.status == 0, "\(first.result.stderr)")
        #expect(first.result.stdout.contains("aitrail: checksum verified"))
        #expect(first.result.stdout.contains("aitrail: installed \(prefix)/bin/aitrail\n"))
        #expect(try runProcess(prefix + "/bin/aitrail", ["--version"]).stdout.hasPrefix(release.version + " "))
        #expect(first.result.stdout.contains("aitrail: installed \(prefix)/bin/aitrail-store\n"))
        // `aitrail publish` finds the store's client beside the installed aitrail.
        let repository = try TestRepository()
        try repository.commit("One change")
        let published = try runProcess(prefix + "/bin/aitrail", ["publish", "--db", "sqlite:" + prefix + "/store.db", "--repo-id", "self"],
                                       in: repository.path, environment: ["PATH": "/usr/bin:/bin"], removing: agentEnvironment)
        #expect(published.status == 0, "\(published.stderr)")
        #expect(published.stdout.contains("aitrail publish: self: 1 new commit (0 AI)"), "\(published.stdout)")
        let second = try runScript([install, "--prefix", prefix, release.tarball])
        #expect(second.result.status == 0)
        #expect(second.result.stdout.contains("aitrail: \(prefix)/bin/aitrail is already this binary"))

        // One byte changed in the archive: refused, with the fix, nothing installed.
        let tampered = try makeTemporaryDirectory(prefix: "aitrail-tampered")
        defer { try? FileManager.default.removeItem(atPath: tampered) }
        var bytes = try #require(FileManager.default.contents(atPath: release.tarball))
        bytes[bytes.count / 2] ^= 0x01
        let archive = tampered + "/" + URL(fileURLWithPath: release.tarball).lastPathComponent
        try bytes.write(to: URL(fileURLWithPath: archive))
        try FileManager.default.copyItem(atPath: release.tarball + ".sha256", toPath: archive + ".sha256")
        let otherPrefix = tampered + "/prefix"
        let refused = try runScript([install, "--prefix", otherPrefix, archive])
        #expect(refused.result.status == 1)
        #expect(refused.result.stderr.contains("scripts/install: checksum mismatch for \(archive)"))
        #expect(refused.result.stderr.contains("download it again"))
        #expect(!FileManager.default.fileExists(atPath: otherPrefix + "/bin/aitrail"))

        // Without an archive: this checkout's release binary (already built by the fixture).
        let local = try runScript([install, "--prefix", otherPrefix], environment: ["AITRAIL_BUILD_PATH": releaseBuildPath])
        #expect(local.result.status == 0, "\(local.result.stderr)")
        #expect(try runProcess(otherPrefix + "/bin/aitrail", ["--version"]).stdout.hasPrefix(release.version + " "))
    }
}
