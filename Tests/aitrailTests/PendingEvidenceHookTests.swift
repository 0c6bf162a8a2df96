import Foundation
import Testing
import TestSupport

/// `aitrail eval run` on uncommitted changes, then a real `git commit` through the installed hooks:
/// the post-commit hook attaches the waiting evidence to the commit whose tree it evaluated.
@Suite struct PendingEvidenceHookTests {
    @Test func evidenceWaitingForACommitLandsOnIt() throws {
        let hooked = try HookedRepository()
        try hooked.repo.write("src.txt", "evaluated contents\n")
        try hooked.repo.git(["add", "src.txt"])
        let run = try hooked.aitrail(["eval", "run", "--name", "unit", "--", "true"])
        #expect(run.status == 0, "\(run.stderr)")
        let pendingDirectory = hooked.path + "/.git/aitrail/pending"
        #expect(try FileManager.default.contentsOfDirectory(atPath: pendingDirectory).count == 1)

        let commit = try hooked.repo.gitResult(["commit", "-q", "-m", "the evaluated change"])
        #expect(commit.status == 0, "\(commit.stderr)")
        let lines = try hooked.noteLines()
        #expect(lines.count == 1)
        let record = try #require(lines.first)
        #expect(record.contains("\"type\":\"evidence\""))
        #expect(record.contains("\"tree\":\"\(try hooked.repo.revParse("HEAD^{tree}"))\""))
        #expect(record.contains("\"passed\":true"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: pendingDirectory).isEmpty)
        // The gate now sees current, passing evidence for this tree.
        let list = try hooked.aitrail(["eval", "list"])
        #expect(list.stdout.contains("current"), "\(list.stdout)")
    }

    @Test func evidenceForAnotherTreeKeepsWaiting() throws {
        let hooked = try HookedRepository()
        try hooked.repo.write("src.txt", "evaluated contents\n")
        try hooked.repo.git(["add", "src.txt"])
        #expect(try hooked.aitrail(["eval", "run", "--", "true"]).status == 0)
        try hooked.repo.write("src.txt", "changed after the evaluation\n")
        try hooked.repo.git(["add", "src.txt"])
        #expect(try hooked.repo.gitResult(["commit", "-q", "-m", "not what was evaluated"]).status == 0)
        #expect(try hooked.noteLines().isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: hooked.path + "/.git/aitrail/pending").count == 1)
    }
}
