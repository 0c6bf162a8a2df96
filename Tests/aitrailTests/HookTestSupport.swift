import Foundation
import TestSupport

/// A test repository with one commit and, unless asked otherwise, aitrail's hooks installed by the
/// built binary: commits go through real `git commit` and the shims.
final class HookedRepository: @unchecked Sendable {
    let repo: TestRepository
    var path: String { repo.path }

    init(install: Bool = true, binary: String = aitrailBinary) throws {
        repo = try TestRepository()
        try repo.commit("initial", file: "README")
        if install {
            let result = try aitrail(["install"], binary: binary)
            guard result.status == 0 else { throw InstallFailed(stderr: result.stderr) }
        }
    }

    init(wrapping repo: TestRepository) { self.repo = repo }

    /// Runs aitrail in the repository, with no agent markers but those given.
    @discardableResult
    func aitrail(_ arguments: [String], environment: [String: String] = [:], binary: String = aitrailBinary) throws -> ProcessResult {
        var env = ["GIT_CONFIG_NOSYSTEM": "1", "LC_ALL": "C"]
        for (key, value) in environment { env[key] = value }
        return try runProcess(binary, arguments, in: path, environment: env, removing: agentEnvironment)
    }

    /// `git commit` of a new file with `arguments` (default `-m message`), failing or not.
    @discardableResult
    func commit(_ arguments: [String] = ["-m", "change"], environment: [String: String] = [:], file: String? = nil) throws -> ProcessResult {
        let name = file ?? "file-\(UUID().uuidString.prefix(8)).txt"
        try repo.write(name, "line one\nline two\n\(UUID().uuidString)\n")
        try repo.git(["add", "-A"])
        return try repo.gitResult(["commit", "-q"] + arguments, environment: environment)
    }

    /// The message of `revision` byte for byte, as stored in the commit object.
    func rawMessage(_ revision: String = "HEAD") throws -> [UInt8] {
        let object = try repo.gitResult(["cat-file", "commit", revision]).stdoutBytes
        for index in 0..<(object.count - 1) where object[index] == 0x0A && object[index + 1] == 0x0A {
            return Array(object[(index + 2)...])
        }
        return []
    }

    func message(_ revision: String = "HEAD") throws -> String {
        String(decoding: try rawMessage(revision), as: UTF8.self)
    }

    /// The lines of the aitrail note on `revision` (empty when none).
    func noteLines(_ revision: String = "HEAD") throws -> [String] {
        let result = try repo.gitResult(["notes", "--ref", "aitrail", "show", revision])
        guard result.status == 0 else { return [] }
        return result.stdout.split(separator: "\n").map(String.init)
    }

    /// The usage records on `revision`, decoded.
    func usage(_ revision: String = "HEAD") throws -> [[String: Any]] {
        try noteLines(revision).compactMap { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return object?["type"] as? String == "usage" ? object : nil
        }
    }

    func tagLines(_ revision: String = "HEAD", key: String = "Assisted-by") throws -> [String] {
        try message(revision).split(separator: "\n").map(String.init).filter { $0.hasPrefix(key + ":") }
    }

    /// Writes an executable script.
    func writeScript(_ relativePath: String, _ body: String) throws {
        try repo.write(relativePath, body)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path + "/" + relativePath)
    }
}

/// A copy of the aitrail binary in its own folder, so a test can remove or replace it.
func copiedBinary() throws -> String {
    let folder = try makeTemporaryDirectory(prefix: "aitrail-bin")
    let copy = folder + "/aitrail"
    try FileManager.default.copyItem(atPath: aitrailBinary, toPath: copy)
    return copy
}

struct InstallFailed: Error { let stderr: String }
