import Foundation
import Testing
import TestSupport

@Suite struct HookInstallTests {
    @Test func preExistingHookRunsItsFailureStopsTheCommitAndUninstallRestoresIt() throws {
        let hooked = try HookedRepository(install: false)
        let original = """
            #!/bin/sh
            echo "ran with $1" >> .git/commit-msg-ran
            if grep -q BLOCK "$1"; then echo "blocked by the team hook" >&2; exit 3; fi

            """
        try hooked.writeScript(".git/hooks/commit-msg", original)
        try FileManager.default.setAttributes([.posixPermissions: 0o751], ofItemAtPath: hooked.path + "/.git/hooks/commit-msg")
        let install = try hooked.aitrail(["install"])
        #expect(install.status == 0)
        #expect(install.stdout.contains("commit-msg: installed (runs the previous hook first: commit-msg.pre-aitrail)"))
        #expect(try hooked.repo.read(".git/hooks/commit-msg.pre-aitrail") == original)

        #expect(try hooked.commit(["-m", "fine"], environment: ["CLAUDECODE": "1"]).status == 0)
        #expect(try hooked.repo.read(".git/commit-msg-ran").contains("ran with .git/COMMIT_EDITMSG"))
        #expect(try hooked.tagLines() == ["Assisted-by: claude-code"])
        let blocked = try hooked.commit(["-m", "BLOCK this"])
        #expect(blocked.status != 0)
        #expect(blocked.stderr.contains("blocked by the team hook"))
        #expect(try hooked.message().hasPrefix("fine"))
        // AITRAIL=0 skips aitrail, not the team's hook.
        #expect(try hooked.commit(["-m", "BLOCK again"], environment: ["AITRAIL": "0"]).status != 0)

        let again = try hooked.aitrail(["install"])
        #expect(again.stdout.contains("commit-msg: up to date"))
        let uninstall = try hooked.aitrail(["uninstall"])
        #expect(uninstall.status == 0)
        #expect(try hooked.repo.read(".git/hooks/commit-msg") == original)
        let mode = try FileManager.default.attributesOfItem(atPath: hooked.path + "/.git/hooks/commit-msg")[.posixPermissions] as? Int
        #expect(mode == 0o751)
        #expect(!FileManager.default.fileExists(atPath: hooked.path + "/.git/hooks/commit-msg.pre-aitrail"))
        #expect(!FileManager.default.fileExists(atPath: hooked.path + "/.git/hooks/post-commit"))
        #expect(try hooked.repo.gitResult(["config", "--get-all", "notes.rewriteRef"]).stdout.isEmpty)
    }

    @Test func chainedPrePushGetsItsArgumentsAndStdin() throws {
        let remote = try TestRepository(bare: true)
        let hooked = try HookedRepository(install: false)
        try hooked.writeScript(".git/hooks/pre-push", """
            #!/bin/sh
            echo "args: $1 $2" > .git/pre-push-seen
            cat >> .git/pre-push-seen

            """)
        #expect(try hooked.aitrail(["install"]).status == 0)
        try hooked.repo.git(["remote", "add", "origin", remote.path])
        let push = try hooked.repo.gitResult(["push", "-q", "origin", "main"])
        #expect(push.status == 0, "\(push.stderr)")
        let seen = try hooked.repo.read(".git/pre-push-seen")
        #expect(seen.hasPrefix("args: origin \(remote.path)\n"))
        #expect(seen.contains("refs/heads/main \(try hooked.repo.head()) refs/heads/main"))
    }

    @Test func missingBinaryLetsTheCommitThroughWithOneLine() throws {
        let binary = try copiedBinary()
        let hooked = try HookedRepository(binary: binary)
        try FileManager.default.removeItem(atPath: binary)
        let result = try hooked.commit(["-m", "agent commit\n\nbody"], environment: ["CLAUDECODE": "1"])
        #expect(result.status == 0)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 3, "\(result.stderr)")  // one line per hook: prepare-commit-msg, commit-msg, post-commit
        #expect(lines.allSatisfy { $0.hasPrefix("aitrail: ") && $0.contains("not found") })
        #expect(try hooked.message() == "agent commit\n\nbody\n")
    }

    @Test func failingBinaryLetsTheCommitThrough() throws {
        let binary = try copiedBinary()
        let hooked = try HookedRepository(binary: binary)
        try Data("#!/bin/sh\necho partial output >&2\nexit 3\n".utf8).write(to: URL(fileURLWithPath: binary))
        let result = try hooked.commit(["-m", "agent commit"], environment: ["CLAUDECODE": "1"])
        #expect(result.status == 0)
        #expect(result.stderr.contains("aitrail: \(binary) failed (exit 3) in the prepare-commit-msg hook (commit not tagged"))
        #expect(try hooked.message() == "agent commit\n")
    }

    @Test func hooksPathIsRefusedWithTheManagersSnippetUnlessForced() throws {
        let hooked = try HookedRepository(install: false)
        try FileManager.default.createDirectory(atPath: hooked.path + "/.husky/_", withIntermediateDirectories: true)
        try hooked.repo.git(["config", "core.hooksPath", ".husky/_"])
        let refused = try hooked.aitrail(["install"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("core.hooksPath is set (.husky/_)"))
        #expect(refused.stderr.contains("aitrail hook prepare-commit-msg \"$@\"' >> .husky/prepare-commit-msg"))
        #expect(refused.stderr.contains("aitrail install --force"))

        let lefthook = try HookedRepository(install: false)
        try lefthook.repo.write("lefthook.yml", "pre-commit:\n")
        try lefthook.repo.git(["config", "core.hooksPath", ".git/lefthook-hooks"])
        let refusedLefthook = try lefthook.aitrail(["install"])
        #expect(refusedLefthook.status == 2)
        #expect(refusedLefthook.stderr.contains("run: aitrail hook commit-msg {1}"))

        let preCommit = try HookedRepository(install: false)
        try preCommit.repo.write(".pre-commit-config.yaml", "repos: []\n")
        try preCommit.repo.git(["config", "core.hooksPath", "hooks"])
        #expect(try preCommit.aitrail(["install"]).stderr.contains("id: aitrail-commit-msg"))

        let forced = try hooked.aitrail(["install", "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(FileManager.default.fileExists(atPath: hooked.path + "/.husky/_/post-commit"))
        try hooked.commit(["-m", "agent"], environment: ["CLAUDECODE": "1"])
        #expect(try hooked.tagLines() == ["Assisted-by: claude-code"])
        #expect(try hooked.usage().count == 1)
    }

    @Test func statusShowsHooksPolicyAgentAndNotesAndNoticesStaleShims() throws {
        let hooked = try HookedRepository()
        try hooked.commit(environment: ["CLAUDECODE": "1"])
        var status = try hooked.aitrail(["status"], environment: ["CODEX_CI": "1"])
        #expect(status.status == 0)
        #expect(status.stdout.contains("prepare-commit-msg  aitrail (current)"))
        #expect(status.stdout.contains("notes.rewriteRef: refs/notes/aitrail"))
        #expect(status.stdout.contains("policy: defaults (no .aitrail)"))
        #expect(status.stdout.contains("agent now: codex (env: CODEX_CI=1)"))
        #expect(status.stdout.contains("notes: 1 commits in refs/notes/aitrail (1 usage, 0 evidence records)"))

        // A custom agent in the policy changes what the shims must test: they are stale until reinstalled.
        try hooked.repo.write(".aitrail", "[agent \"acme-bot\"]\n\tenv = ACME_BOT_SESSION\n")
        status = try hooked.aitrail(["status"])
        #expect(status.stdout.contains("commit-msg          aitrail (stale: run `aitrail install` to refresh it)"))
        #expect(status.stdout.contains("policy: .aitrail (valid)"))
        #expect(try hooked.aitrail(["install"]).status == 0)
        #expect(try hooked.aitrail(["status"]).stdout.contains("commit-msg          aitrail (current)"))
        try hooked.commit(["-m", "by the bot"], environment: ["ACME_BOT_SESSION": "42"])
        #expect(try hooked.tagLines() == ["Assisted-by: acme-bot"])
    }

    @Test func badPolicyIsNamedWithFileLineAndKey() throws {
        let hooked = try HookedRepository()
        try hooked.repo.write(".aitrail", "[tag]\n\ttrailer = Assisted-by\n\tcolour = blue\n")
        // An unknown key is a warning naming file, line and key: install goes on.
        let install = try hooked.aitrail(["install"])
        #expect(install.status == 0)
        #expect(install.stderr.contains(".aitrail:3: unknown key 'tag.colour' ignored"))
        // In a hook, the commit is made and tagged, with the warning said once.
        let commit = try hooked.commit(["-m", "agent"], environment: ["CLAUDECODE": "1"])
        #expect(commit.status == 0)
        #expect(commit.stderr.components(separatedBy: ".aitrail:3: unknown key 'tag.colour'").count == 2, "\(commit.stderr)")
        #expect(try hooked.message() == "agent\n\nAssisted-by: claude-code\n")

        try hooked.repo.write(".aitrail", "[tag]\n\trequire = maybe\n")
        let detect = try hooked.aitrail(["detect"])
        #expect(detect.status == 0)
        #expect(detect.stderr.contains(".aitrail:2: bad value 'maybe' for 'tag.require'"))
    }

    @Test func customTrailerKeyFromPolicy() throws {
        let hooked = try HookedRepository()
        try hooked.repo.write(".aitrail", "[tag]\n\ttrailer = AI-used-for\n")
        try hooked.commit(environment: ["OPENCODE": "1"])
        #expect(try hooked.tagLines(key: "AI-used-for") == ["AI-used-for: opencode"])
        #expect(try hooked.tagLines().isEmpty)
    }
}
