import Foundation
import Synchronization

/// The result of running a process.
public struct ProcessResult: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
    public let stdoutBytes: [UInt8]
}

public struct CommandFailed: Error, CustomStringConvertible {
    public let command: [String]
    public let result: ProcessResult
    public var description: String {
        "`\(command.joined(separator: " "))` exited \(result.status)\nstdout: \(result.stdout)\nstderr: \(result.stderr)"
    }
}

/// Runs a program with arguments, optional stdin and extra environment, in `directory`.
@discardableResult
public func runProcess(
    _ executable: String, _ arguments: [String], in directory: String? = nil,
    input: [UInt8]? = nil, environment: [String: String] = [:], removing: [String] = []
) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : "/usr/bin/env")
    process.arguments = executable.hasPrefix("/") ? arguments : [executable] + arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    var env = ProcessInfo.processInfo.environment
    for key in removing { env.removeValue(forKey: key) }
    for (key, value) in environment { env[key] = value }
    process.environment = env
    let out = Pipe(), err = Pipe(), inPipe = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = inPipe
    try process.run()
    // Read both pipes concurrently so a chatty child never blocks on a full pipe.
    nonisolated(unsafe) var errData = Data()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
        errData = err.fileHandleForReading.readDataToEndOfFile()
        group.leave()
    }
    if let input { inPipe.fileHandleForWriting.write(Data(input)) }
    try? inPipe.fileHandleForWriting.close()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return ProcessResult(
        status: process.terminationStatus,
        stdout: String(decoding: outData, as: UTF8.self),
        stderr: String(decoding: errData, as: UTF8.self),
        stdoutBytes: [UInt8](outData))
}

/// Environment variables that would make a test's git or aitrail behave like the developer's session
/// (an AI agent's markers, hooks paths). Tests start from none of them.
public let agentEnvironment = [
    "CLAUDECODE", "CLAUDE_CODE_ENTRYPOINT", "AI_AGENT", "AGENT", "CODEX_SANDBOX", "CODEX_THREAD_ID", "CODEX_CI",
    "OR_APP_NAME", "GEMINI_CLI", "CURSOR_AGENT", "CURSOR_EXTENSION_HOST_ROLE", "COPILOT_MODEL",
    "AMP_CURRENT_THREAD_ID", "OPENCODE", "GOOSE_TERMINAL", "CLINE_ACTIVE", "AITRAIL_AGENT", "AITRAIL",
    "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GITHUB_EVENT_PATH", "GITHUB_ACTIONS", "GITLAB_CI",
    "CI_MERGE_REQUEST_DIFF_BASE_SHA", "BUILDKITE", "AITRAIL_BASE", "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL",
    "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "GITHUB_STEP_SUMMARY",
]

/// A real git repository in a temporary folder, made and driven with the git CLI.
public final class TestRepository: @unchecked Sendable {
    public let path: String
    private let owned: Bool

    /// `git init` in a new temporary folder, with a test identity and no signing.
    public init(bare: Bool = false, branch: String = "main") throws {
        path = try makeTemporaryDirectory()
        owned = true
        try git(["init", "-q", "-b", branch] + (bare ? ["--bare"] : []))
        try git(["config", "user.name", "Test User"])
        try git(["config", "user.email", "test@example.com"])
        try git(["config", "commit.gpgsign", "false"])
        try git(["config", "core.autocrlf", "false"])
    }

    /// Wraps an existing folder (a clone made by a test); removed with this object.
    public init(existing path: String) {
        self.path = path
        owned = true
    }

    deinit {
        if owned { try? FileManager.default.removeItem(atPath: path) }
    }

    /// Runs git in the repository; throws when it fails.
    @discardableResult
    public func git(_ arguments: [String], input: [UInt8]? = nil, environment: [String: String] = [:]) throws -> String {
        let result = try gitResult(arguments, input: input, environment: environment)
        guard result.status == 0 else { throw CommandFailed(command: ["git"] + arguments, result: result) }
        return result.stdout
    }

    /// Runs git in the repository and returns the whole result, failing or not.
    public func gitResult(_ arguments: [String], input: [UInt8]? = nil, environment: [String: String] = [:]) throws -> ProcessResult {
        var env = ["GIT_CONFIG_NOSYSTEM": "1", "GIT_EDITOR": "true", "LC_ALL": "C"]
        for (key, value) in environment { env[key] = value }
        return try runProcess("/usr/bin/git", arguments, in: path, input: input, environment: env, removing: agentEnvironment)
    }

    /// Writes a file (creating folders) relative to the repository root.
    public func write(_ relativePath: String, _ contents: String) throws {
        try write(relativePath, bytes: Array(contents.utf8))
    }

    public func write(_ relativePath: String, bytes: [UInt8]) throws {
        let url = URL(fileURLWithPath: path).appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    public func read(_ relativePath: String) throws -> String {
        try String(contentsOfFile: path + "/" + relativePath, encoding: .utf8)
    }

    /// Writes `file` (default: a unique file), stages everything and commits with `message`. Returns the commit id.
    @discardableResult
    public func commit(
        _ message: String, file: String? = nil, contents: String? = nil, environment: [String: String] = [:],
        extraArguments: [String] = []
    ) throws -> String {
        let name = file ?? "file-\(UUID().uuidString.prefix(8)).txt"
        try write(name, contents ?? "\(message)\n\(UUID().uuidString)\n")
        try git(["add", "-A"])
        try git(["commit", "-q", "--cleanup=verbatim", "-m", message] + extraArguments, environment: environment)
        return try head()
    }

    public func head() throws -> String {
        try git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public func revParse(_ revision: String) throws -> String {
        try git(["rev-parse", revision]).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A new folder under the system's temporary directory, removed when the test process exits
/// (a test that removes it earlier loses nothing), so runs leave no folders behind.
public func makeTemporaryDirectory(prefix: String = "aitrail-test") throws -> String {
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
    // Resolve symlinks so paths compare equal to what git and libgit2 report.
    let path = base.resolvingSymlinksInPath().path
    TemporaryDirectories.add(path)
    return path
}

/// The folders `makeTemporaryDirectory` made, removed at exit.
private enum TemporaryDirectories {
    private static let paths = Mutex<[String]>([])
    private static let removedAtExit: Void = {
        atexit {
            for path in TemporaryDirectories.paths.withLock({ $0 }) {
                try? FileManager.default.removeItem(atPath: path)
            }
        }
    }()

    static func add(_ path: String) {
        _ = removedAtExit
        paths.withLock { $0.append(path) }
    }
}

/// The package root, found from this file's path.
public let packageRoot: String = {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
}()

/// The built `aitrail` binary the tests run (the debug build, or `AITRAIL_BINARY`).
public var aitrailBinary: String {
    if let explicit = ProcessInfo.processInfo.environment["AITRAIL_BINARY"] { return explicit }
    return packageRoot + "/.build/debug/aitrail"
}

/// A deterministic generator for the fuzz cases (SplitMix64): the same seed, the same damage.
public struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1330_11EB
        return z ^ (z >> 31)
    }
}
