import Foundation
import Testing
import TestSupport

/// A truncated loose commit (a disk that filled, a copy cut short) where a command starts: libgit2
/// 1.5 inflates it for ever, so every command that resolved `HEAD` hung. Each now ends with exit 2,
/// naming the file and the fix.
@Suite(.serialized) struct TruncatedObjectTests {
    @Test func commandsNameATruncatedHeadCommitInsteadOfHanging() throws {
        let repo = try TestRepository()
        for index in 0..<3 { try repo.commit("commit \(index)\n\nAssisted-by: claude-code") }
        let head = try repo.head()
        let path = repo.path + "/.git/objects/" + head.prefix(2) + "/" + head.dropFirst(2)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: path))
        #expect(try repo.gitResult(["cat-file", "-p", "HEAD"]).status != 0, "git reads it as damaged too")
        for arguments in [["audit", "--format", "jsonl", "--no-cache"], ["audit", "--format", "json", "--jobs", "2", "--no-cache"],
                          ["check", "HEAD~2..HEAD"], ["review", "approve", "HEAD"], ["eval", "list"], ["carry", "HEAD~1", "HEAD"],
                          ["check", "HEAD^^..HEAD^{commit}"]] {
            // `timeout` ends a hang (exit 124) so that the test fails instead of never finishing.
            let result = try runProcess("/usr/bin/timeout", ["-s", "KILL", "30", aitrailBinary] + arguments, in: repo.path, removing: agentEnvironment)
            expectExited(result, [2], arguments.joined(separator: " "))
            #expect(result.stderr.contains(path) && result.stderr.contains("git fsck"), "\(arguments): \(result.stderr)")
        }
    }

    /// A truncated commit in the middle of `HEAD~n`'s steps: libgit2 would loop on it while walking
    /// to the parent, so every commit the steps can reach is read by our readers first.
    @Test func aTruncatedCommitOnTheWayOfHeadTildeIsNamed() throws {
        let repo = try TestRepository()
        for index in 0..<4 { try repo.commit("commit \(index)\n\nAssisted-by: claude-code") }
        let middle = try repo.git(["rev-parse", "HEAD~1"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let path = repo.path + "/.git/objects/" + middle.prefix(2) + "/" + middle.dropFirst(2)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: path))
        for arguments in [["check", "HEAD~2..HEAD"], ["carry", "HEAD~2", "HEAD"], ["review", "approve", "HEAD~2"],
                          ["review", "approve", "HEAD^^"], ["audit", "HEAD~3", "--format", "jsonl", "--no-cache"]] {
            let result = try runProcess("/usr/bin/timeout", ["-s", "KILL", "30", aitrailBinary] + arguments, in: repo.path, removing: agentEnvironment)
            expectExited(result, [2], arguments.joined(separator: " "))
            #expect(result.stderr.contains(path) && result.stderr.contains("git fsck"), "\(arguments): \(result.stderr)")
        }
    }
}
