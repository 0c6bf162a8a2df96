import Foundation
import Testing
import TestSupport

@Suite struct SyncAndLogTests {
    /// A bare "remote" that refuses forced updates, and two clones with the hooks installed.
    struct Setup {
        let remote: TestRepository
        let a: HookedRepository
        let b: HookedRepository

        init() throws {
            remote = try TestRepository(bare: true)
            try remote.git(["config", "receive.denyNonFastForwards", "true"])
            let seed = try HookedRepository(install: false)
            try seed.repo.git(["remote", "add", "origin", remote.path])
            try seed.repo.git(["push", "-q", "origin", "main"])
            a = try Setup.clone(remote)
            b = try Setup.clone(remote)
        }

        static func clone(_ remote: TestRepository) throws -> HookedRepository {
            let path = try makeTemporaryDirectory() + "/clone"
            try runProcess("/usr/bin/git", ["clone", "-q", remote.path, path], removing: agentEnvironment)
            let clone = HookedRepository(wrapping: TestRepository(existing: path))
            try clone.repo.git(["config", "user.name", "Clone User"])
            try clone.repo.git(["config", "user.email", "clone@example.com"])
            #expect(try clone.aitrail(["install"]).status == 0)
            return clone
        }

        func remoteNotes() throws -> String? {
            let result = try remote.gitResult(["rev-parse", "-q", "--verify", "refs/notes/aitrail"])
            return result.status == 0 ? result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) : nil
        }

        func isAncestor(_ old: String, _ new: String) throws -> Bool {
            try remote.gitResult(["merge-base", "--is-ancestor", old, new]).status == 0
        }
    }

    @Test func pushCarriesNotesAndSyncMergesBothDirections() throws {
        let setup = try Setup()
        try setup.a.commit(["-m", "a's agent work"], environment: ["CLAUDECODE": "1"])
        let commitA = try setup.a.repo.head()
        // A plain git push: the pre-push hook syncs the notes.
        let pushA = try setup.a.repo.gitResult(["push", "-q", "origin", "main"])
        #expect(pushA.status == 0, "\(pushA.stderr)")
        let afterA = try #require(try setup.remoteNotes())

        try setup.b.repo.git(["checkout", "-q", "-b", "b-work"])
        try setup.b.commit(["-m", "b's agent work"], environment: ["CODEX_CI": "1"])
        let commitB = try setup.b.repo.head()
        let pushB = try setup.b.repo.gitResult(["push", "-q", "origin", "b-work"])
        #expect(pushB.status == 0, "\(pushB.stderr)")
        #expect(pushB.stderr.isEmpty, "\(pushB.stderr)")
        let afterB = try #require(try setup.remoteNotes())
        #expect(afterB != afterA)
        #expect(try setup.isAncestor(afterA, afterB))

        // B now has A's record, fetched during its push; A gets B's with `aitrail sync`.
        try setup.b.repo.git(["fetch", "-q", "origin"])
        #expect(try setup.b.usage(commitA).count == 1)
        let sync = try setup.a.aitrail(["sync"])
        #expect(sync.status == 0, "\(sync.stderr)")
        #expect(sync.stdout == "took in the notes from origin\n")
        try setup.a.repo.git(["fetch", "-q", "origin"])
        #expect(try setup.a.usage(commitB).first?["agent"] as? String == "codex")
        #expect(try setup.a.usage(commitA).first?["agent"] as? String == "claude-code")

        // Records added on both sides before either syncs: all survive, both ways.
        try setup.a.commit(["-m", "a again"], environment: ["CLAUDECODE": "1"])
        let commitA2 = try setup.a.repo.head()
        try setup.b.commit(["-m", "b again"], environment: ["GEMINI_CLI": "1"])
        let commitB2 = try setup.b.repo.head()
        try setup.a.repo.git(["push", "-q", "origin", "main"])
        try setup.b.repo.git(["push", "-q", "origin", "b-work"])
        #expect(try setup.a.aitrail(["sync", "origin"]).status == 0)
        #expect(try setup.b.aitrail(["sync"]).stdout == "notes already in sync with origin\n")
        let final = try #require(try setup.remoteNotes())
        #expect(try setup.isAncestor(afterB, final))
        for side in [setup.a, setup.b] {
            try side.repo.git(["fetch", "-q", "origin"])
            for commit in [commitA, commitB, commitA2, commitB2] {
                #expect(try side.usage(commit).count == 1, "\(commit)")
            }
        }
        let remoteList = try setup.remote.git(["notes", "--ref", "aitrail", "list"])
        #expect(remoteList.split(separator: "\n").count == 4)
    }

    /// `git push <path or URL>` (no remote name): git hands the hook the address; notes go there
    /// too, tracked under a ref named from a hash of the address, and a second push finds them in sync.
    @Test func pushToAnAddressCarriesNotesToo() throws {
        let setup = try Setup()
        try setup.a.commit(["-m", "agent work pushed by address"], environment: ["CLAUDECODE": "1"])
        let push = try setup.a.repo.gitResult(["push", "-q", setup.remote.path, "main"])
        #expect(push.status == 0 && push.stderr.isEmpty, "\(push.stderr)")
        let remoteNotes = try #require(try setup.remoteNotes())
        #expect(remoteNotes == (try setup.a.repo.revParse("refs/notes/aitrail")))
        let tracking = try setup.a.repo.git(["for-each-ref", "--format=%(refname)", "refs/notes/remotes/"])
        #expect(tracking.hasPrefix("refs/notes/remotes/url-") && !tracking.contains(setup.remote.path), "\(tracking)")
        // Nothing new: the hook sees the tracking ref equal to the local notes and does nothing.
        #expect(try setup.a.repo.gitResult(["push", "-q", setup.remote.path, "main"]).status == 0)
        #expect(try setup.remoteNotes() == remoteNotes)
        let sync = try setup.a.aitrail(["sync", setup.remote.path])
        #expect(sync.status == 0 && sync.stdout == "notes already in sync with \(setup.remote.path)\n", "\(sync.stdout)\(sync.stderr)")
    }

    @Test func syncFailureDuringPushWarnsAndNeverBlocks() throws {
        // A server that accepts branches but refuses notes.
        let remote = try TestRepository(bare: true)
        let hook = remote.path + "/hooks/update"
        try Data("#!/bin/sh\ncase $1 in refs/notes/*) echo 'notes are not welcome' >&2; exit 1 ;; esac\n".utf8).write(to: URL(fileURLWithPath: hook))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hook)
        let hooked = try HookedRepository()
        try hooked.repo.git(["remote", "add", "origin", remote.path])
        try hooked.commit(environment: ["CLAUDECODE": "1"])
        let push = try hooked.repo.gitResult(["push", "-q", "origin", "main"])
        #expect(push.status == 0, "\(push.stderr)")
        #expect(try remote.git(["rev-parse", "main"]) == (try hooked.repo.git(["rev-parse", "main"])))
        let lines = push.stderr.split(separator: "\n").filter { $0.hasPrefix("aitrail:") }
        #expect(lines.count == 1, "\(push.stderr)")
        #expect(lines.first?.contains("notes not synced with origin") == true)
        #expect(lines.first?.contains("run `aitrail sync origin` later") == true)
    }

    @Test func logListsRecordsAsTextAndJSON() throws {
        let hooked = try HookedRepository()
        try hooked.commit(["-m", "one"], environment: ["CLAUDECODE": "1"])
        let first = try hooked.repo.head()
        try hooked.commit(["-m", "two"])
        try hooked.commit(["-m", "three"], environment: ["AITRAIL_AGENT": "aider:gpt-5.4"])
        let text = try hooked.aitrail(["log"])
        #expect(text.status == 0)
        let lines = text.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].contains("usage     aider:gpt-5.4 (env) 1 files +3 -0"))
        #expect(lines[1].hasPrefix(String(first.prefix(7)) + " usage     claude-code (env)"))

        let json = try hooked.aitrail(["log", "--format", "json", "HEAD~1..HEAD"])
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(parsed.count == 1)
        #expect((parsed[0]["record"] as? [String: Any])?["model"] as? String == "gpt-5.4")
        #expect(try hooked.aitrail(["log", "nope"]).status == 2)
    }

    @Test func detectSaysWhatAndWhy() throws {
        let hooked = try HookedRepository()
        let agent = try hooked.aitrail(["detect"], environment: ["CURSOR_EXTENSION_HOST_ROLE": "agent-exec"])
        #expect(agent.stdout.contains("agent: cursor\nwhy: env marker CURSOR_EXTENSION_HOST_ROLE=agent-exec\ntrailer: Assisted-by: cursor\n"))
        let human = try hooked.aitrail(["detect"], environment: ["CURSOR_EXTENSION_HOST_ROLE": "user"])
        #expect(human.stdout.hasPrefix("agent: none"))
        #expect(human.stdout.contains("CLAUDECODE"))
    }
}
