import Foundation
import Testing
import TestSupport

/// commit-msg rejections (exit 1) say exactly how to fix the message.
@Suite struct CommitMsgTests {
    @Test func agentNotAllowedIsRejectedWithTheFix() throws {
        let hooked = try HookedRepository()
        try hooked.repo.write(".aitrail", "[agents]\n\tallow = claude-code\n")
        let before = try hooked.repo.head()
        let result = try hooked.commit(["-m", "codex work"], environment: ["CODEX_CI": "1"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("aitrail: commit rejected: agent 'codex' is not allowed by .aitrail (allowed: claude-code)"))
        #expect(result.stderr.contains("fix: use an allowed agent, or add 'allow = codex' under [agents] in .aitrail"))
        #expect(try hooked.repo.head() == before)
        #expect(try hooked.commit(["-m", "claude work"], environment: ["CLAUDECODE": "1"]).status == 0)
    }

    @Test func malformedTagIsRejectedWithTheFix() throws {
        let hooked = try HookedRepository()
        let result = try hooked.commit(["-m", "work\n\nAssisted-by: !!!"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("commit rejected: malformed trailer 'Assisted-by: !!!'"))
        #expect(result.stderr.contains("fix: write it as <agent>[:<model>] [<tool> …], for example 'Assisted-by: claude-code:claude-opus-4.6'"))
    }

    @Test func requiredTagRemovedInTheEditorIsRejected() throws {
        let hooked = try HookedRepository()
        try hooked.repo.write(".aitrail", "[tag]\n\trequire = true\n")
        let result = try hooked.commit(["-e", "-m", "agent work"],
                                       environment: ["CLAUDECODE": "1", "GIT_EDITOR": "sed -i '/^Assisted-by/d'"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("claude-code was detected (CLAUDECODE=1) but the message has no 'Assisted-by' trailer for it"))
        #expect(result.stderr.contains("fix: add the line 'Assisted-by: claude-code' to the message's trailer block"))
        #expect(try hooked.commit(["-m", "kept"], environment: ["CLAUDECODE": "1"]).status == 0)
    }
}
