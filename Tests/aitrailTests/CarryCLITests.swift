import Foundation
import Testing
import TestSupport

/// `aitrail carry`: a pull request tagged by the hooks, merged as GitHub merges it (squash or
/// rebase), and its records carried onto the commits on main. Real git, the built binary.
@Suite struct CarryCLITests {
    /// A bare remote (GitHub), a developer's clone with the hooks installed, and a feature branch
    /// of two agent commits and an `eval run` evidence record, pushed (the pre-push hook syncs the
    /// notes) and published as `refs/pull/12/head`.
    struct PullRequest {
        let remote: TestRepository
        let dev: HookedRepository
        let base: String
        let commits: [String]
        let head: String

        init(mainMovesFirst: Bool = false) throws {
            remote = try TestRepository(bare: true)
            try remote.git(["config", "receive.denyNonFastForwards", "true"])
            let seed = try HookedRepository(install: false)
            try seed.repo.git(["remote", "add", "origin", remote.path])
            try seed.repo.git(["push", "-q", "origin", "main"])
            dev = try SyncAndLogTests.Setup.clone(remote)
            base = try dev.repo.head()
            try dev.repo.git(["checkout", "-q", "-b", "feature"])
            try dev.commit(["-m", "subject one"], environment: ["CLAUDECODE": "1"])
            let first = try dev.repo.head()
            try dev.commit(["-m", "subject two"], environment: ["CODEX_CI": "1"])
            head = try dev.repo.head()
            commits = [first, head]
            let eval = try dev.aitrail(["eval", "run", "--", "true"])
            #expect(eval.status == 0, "\(eval.stderr)")
            let push = try dev.repo.gitResult(["push", "-q", "origin", "feature", "feature:refs/pull/12/head"])
            #expect(push.status == 0, "\(push.stderr)")
            try dev.repo.git(["checkout", "-q", "main"])
            if mainMovesFirst { try dev.commit(["-m", "meanwhile on main"]) }
        }

        /// `git merge --squash` and a commit with `message`, as the merge button makes it.
        @discardableResult
        func squash(message: String, environment: [String: String] = [:]) throws -> String {
            try dev.repo.git(["merge", "-q", "--squash", "feature"])
            let result = try dev.repo.gitResult(["commit", "-q", "--cleanup=verbatim", "-m", message], environment: environment)
            #expect(result.status == 0, "\(result.stderr)")
            return try dev.repo.head()
        }

        /// GitHub's squash message: each commit's message as a `* ` item, then the co-authors.
        func gitHubSquashMessage() throws -> String {
            var body = ["Carry attribution (#12)"]
            for commit in commits {
                let message = try dev.message(commit).trimmingCharacters(in: .whitespacesAndNewlines)
                body.append("* " + message)
            }
            body.append("---------")
            body.append("Co-authored-by: Other Person <other@example.com>")
            return body.joined(separator: "\n\n") + "\n"
        }

        func carriedFrom(_ revision: String) throws -> [String] {
            try dev.noteLines(revision).compactMap { line in
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                return (object?["carried"] as? [String: Any])?["from"] as? String
            }
        }

        func notesTip() throws -> String { try dev.repo.revParse("refs/notes/aitrail") }

        /// The audit's line for one commit.
        func audited(_ commit: String, in repo: HookedRepository? = nil) throws -> [String: Any] {
            let result = try (repo ?? dev).aitrail(["audit", "--format", "jsonl", "main"])
            #expect(result.status == 0, "\(result.stderr)")
            for line in result.stdout.split(separator: "\n") {
                let object = try jsonObject(String(line))
                if object["commit"] as? String == commit { return object }
            }
            Issue.record("no audit line for \(commit)")
            return [:]
        }
    }

    @Test func aSquashMergeGetsTheRecordsOfThePullRequestsCommits() throws {
        let pr = try PullRequest()
        // No trailers in the message: what makes the commit AI below is the carried records alone.
        let squash = try pr.squash(message: "Carry attribution (#12)\n\n* subject one\n\n* subject two\n")
        #expect(try pr.dev.noteLines(squash).isEmpty)
        #expect(try pr.audited(squash)["ai"] as? Bool == false)

        let carry = try pr.dev.aitrail(["carry", "main..feature", "main"])
        #expect(carry.status == 0, "\(carry.stderr)")
        #expect(carry.stdout == "carried 3 records from \(pr.commits[0].prefix(7)), \(pr.commits[1].prefix(7)) onto \(squash.prefix(7))\n")
        // Two usage records and the evidence record, each marked with the commit it came from.
        let lines = try pr.dev.noteLines(squash)
        #expect(lines.count == 3)
        #expect(try pr.carriedFrom(squash) == [pr.commits[0], pr.commits[1], pr.commits[1]])
        #expect(lines.allSatisfy { $0.contains(#""carried":{"from":""#) })
        let evidence = try #require(lines.first { $0.contains(#""type":"evidence""#) })
        let featureTree = try pr.dev.repo.revParse("feature^{tree}")
        #expect(evidence.contains(#""tree":"\#(featureTree)""#), "the evidence keeps the tree it evaluated")
        // Canonical JSON: sorted keys, as every record aitrail writes.
        for line in lines {
            let object = try jsonObject(line)
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            #expect(String(decoding: data, as: UTF8.self) == line)
        }
        // The originals stay where they were.
        #expect(try pr.dev.usage(pr.commits[0]).count == 1)

        let log = try pr.dev.aitrail(["log", "main^..main"])
        #expect(log.stdout.contains("usage     claude-code (env)"))
        #expect(log.stdout.contains("usage     codex (env)"))
        #expect(log.stdout.contains("carried from \(pr.commits[0].prefix(7))"))
        #expect(log.stdout.contains("evidence  command passed tree \(featureTree.prefix(7))"))
        let list = try pr.dev.aitrail(["eval", "list", "main"])
        #expect(list.stdout.contains("current  passed  command  `true`"), "\(list.stdout)")
        #expect(list.stdout.contains("carried from \(pr.commits[1].prefix(7))"))

        // The audit (whose cache saw the commit as human) now counts it as AI, from the carried records.
        let audited = try pr.audited(squash)
        #expect(audited["ai"] as? Bool == true)
        #expect(audited["agents"] as? [String] == ["claude-code", "codex"])
        #expect(audited["sources"] as? [String] == ["carried"])
        #expect(audited["evidence"] as? String == "passed", "main had not moved: the squash has the evaluated tree")

        // Twice: nothing added, the notes ref does not move.
        let tip = try pr.notesTip()
        let again = try pr.dev.aitrail(["carry", "main..feature", "main"])
        #expect(again.status == 0)
        #expect(again.stdout == "\(squash.prefix(7)) already holds the 3 records of \(pr.commits[0].prefix(7)), \(pr.commits[1].prefix(7)): nothing to add\n")
        #expect(try pr.notesTip() == tip)
        #expect(try pr.dev.noteLines(squash) == lines)
    }

    @Test func aGitHubSquashMessageIsAIWithItsAgentsAndCarriedSource() throws {
        let pr = try PullRequest(mainMovesFirst: true)
        let message = try pr.gitHubSquashMessage()
        #expect(message.contains("* subject one\n\nAssisted-by: claude-code"))
        let squash = try pr.squash(message: message)
        // Before any carry, and with no CI step at all: the hooks' tags in the squash body make it AI.
        let fromMessage = try pr.audited(squash)
        #expect(fromMessage["ai"] as? Bool == true)
        #expect(fromMessage["agents"] as? [String] == ["claude-code", "codex"])
        #expect(fromMessage["sources"] as? [String] == ["trailer"])
        #expect(try pr.dev.aitrail(["carry", "main..feature", "HEAD"]).status == 0)
        let audited = try pr.audited(squash)
        #expect(audited["ai"] as? Bool == true)
        #expect(audited["agents"] as? [String] == ["claude-code", "codex"])
        // With or without the classifier reading the squash body, the carried records count.
        #expect((audited["sources"] as? [String])?.contains("carried") == true)
        #expect(audited["evidence"] as? String == "stale", "main moved: the squash's tree is not the evaluated one")
        // The gate sees the carried records too: an AI commit whose evidence is for another tree.
        let check = try pr.dev.aitrail(["check", "--no-fetch", "--format", "json", "HEAD~1..HEAD"])
        #expect(check.status == 1, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("stale"))
    }

    @Test func carryingOntoACommitWithItsOwnNoteUnionMerges() throws {
        let pr = try PullRequest()
        // The squash was committed in an agent's session: the hooks noted it themselves.
        let squash = try pr.squash(message: "Carry attribution (#12)\n", environment: ["GEMINI_CLI": "1"])
        let own = try pr.dev.noteLines(squash)
        #expect(own.count == 1 && own[0].contains(#""agent":"gemini-cli""#))
        let carry = try pr.dev.aitrail(["carry", pr.commits[0], pr.commits[1], squash])
        #expect(carry.status == 0, "\(carry.stderr)")
        let lines = try pr.dev.noteLines(squash)
        #expect(lines.count == 4)
        #expect(lines.first == own[0], "the note's own record stays first, unmarked")
        #expect(try pr.carriedFrom(squash).count == 3)
        let audited = try pr.audited(squash)
        #expect(audited["agents"] as? [String] == ["claude-code", "codex", "gemini-cli"])
        #expect(Set(audited["sources"] as? [String] ?? []).isSuperset(of: ["carried", "note"]))
    }

    @Test func aRebaseMergeCarriesEachCommitOntoItsCopy() throws {
        let pr = try PullRequest(mainMovesFirst: true)
        try pr.dev.repo.git(["checkout", "-q", "-b", "rebased", "feature"])
        try pr.dev.repo.git(["rebase", "-q", "main"])
        try pr.dev.repo.git(["checkout", "-q", "main"])
        try pr.dev.repo.git(["merge", "-q", "--ff-only", "rebased"])
        let copies = try pr.dev.repo.git(["rev-list", "--reverse", "HEAD~2..HEAD"]).split(separator: "\n").map(String.init)
        // git copies notes on rebase itself (notes.rewriteRef): clear them to see carry do it.
        for copy in copies { try pr.dev.repo.gitResult(["notes", "--ref", "aitrail", "remove", copy]) }

        let carry = try pr.dev.aitrail(["carry", "main~2..feature", "main~2..main"])
        #expect(carry.status == 0, "\(carry.stderr)")
        #expect(carry.stdout.contains("carried 1 record from \(pr.commits[0].prefix(7)) (by patch id) onto \(copies[0].prefix(7))"))
        #expect(carry.stdout.contains("carried 2 records from \(pr.commits[1].prefix(7)) (by patch id) onto \(copies[1].prefix(7))"))
        #expect(try pr.carriedFrom(copies[0]) == [pr.commits[0]])
        #expect(try pr.carriedFrom(copies[1]) == [pr.commits[1], pr.commits[1]])
        #expect(try pr.audited(copies[0])["agents"] as? [String] == ["claude-code"])
        #expect(try pr.audited(copies[1])["agents"] as? [String] == ["codex"])

        // --rebase names only the tip; the same pairs, nothing new.
        let tip = try pr.notesTip()
        let again = try pr.dev.aitrail(["carry", "--rebase", "main~2..feature", "main"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("\(copies[1].prefix(7)) already holds the 2 records of \(pr.commits[1].prefix(7)) (by patch id)"))
        #expect(try pr.notesTip() == tip)
    }

    @Test func badArgumentsAreClearErrors() throws {
        let pr = try PullRequest()
        let one = try pr.dev.aitrail(["carry", "main"])
        #expect(one.status == 64)
        #expect(one.stderr.contains("name the replaced commits and the commit that replaced them"))
        let unknown = try pr.dev.aitrail(["carry", "main..nope", "main"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("'main..nope' does not name commits here"))
        #expect(unknown.stderr.contains("fix:"))
        let noEvent = try pr.dev.aitrail(["carry", "--from-ci", "--no-sync"])
        #expect(noEvent.status == 2)
        #expect(noEvent.stderr.contains("no merge to carry from"))
        let mergeRequest = try pr.dev.aitrail(["carry", "--from-ci", "--no-sync"],
                                              environment: ["GITLAB_CI": "true", "CI_MERGE_REQUEST_IID": "5", "CI_COMMIT_SHA": pr.head])
        #expect(mergeRequest.status == 2)
        #expect(mergeRequest.stderr.contains("CI_DEFAULT_BRANCH"))
    }

    // MARK: In CI

    /// The merge lands on the remote's main; CI checks out a fresh clone with neither the feature
    /// branch nor the notes.
    static func ciClone(after pr: PullRequest) throws -> HookedRepository {
        try pr.dev.repo.git(["push", "-q", "--no-verify", "origin", "main"])
        try pr.remote.git(["update-ref", "-d", "refs/heads/feature"])
        let path = try makeTemporaryDirectory() + "/ci"
        try runProcess("/usr/bin/git", ["clone", "-q", "--no-local", pr.remote.path, path], removing: agentEnvironment)
        let ci = HookedRepository(wrapping: TestRepository(existing: path))
        try ci.repo.git(["config", "user.name", "CI"])
        try ci.repo.git(["config", "user.email", "ci@example.com"])
        #expect(try ci.repo.gitResult(["cat-file", "-e", pr.head]).status != 0, "the clone has not the pull request's commits")
        return ci
    }

    static func event(_ json: String) throws -> String {
        let path = try makeTemporaryDirectory() + "/event.json"
        try Data(json.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func remoteCarried(_ pr: PullRequest, _ commit: String) throws -> Int {
        let note = try pr.remote.gitResult(["notes", "--ref", "aitrail", "show", commit])
        return note.stdout.split(separator: "\n").filter { $0.contains(#""carried":{"from":""#) }.count
    }

    @Test func fromAGitHubPullRequestClosedEvent() throws {
        let pr = try PullRequest()
        let squash = try pr.squash(message: "Carry attribution (#12)\n\n* subject one\n\n* subject two\n")
        let ci = try Self.ciClone(after: pr)
        let payload = try Self.event("""
            {"action":"closed","number":12,"pull_request":{"number":12,"merged":true,"merge_commit_sha":"\(squash)",
             "base":{"ref":"main","sha":"\(pr.base)"},"head":{"ref":"feature","sha":"\(pr.head)"}},
             "repository":{"default_branch":"main"}}
            """)
        let result = try ci.aitrail(["carry", "--from-ci"], environment: ["GITHUB_EVENT_PATH": payload, "GITHUB_EVENT_NAME": "pull_request"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("GitHub pull request #12 (2 commits) was squash-merged as \(squash.prefix(7))"))
        #expect(result.stdout.contains("carried 3 records"))
        // Pushed: the remote's notes hold the carried records, a fast-forward of what was there.
        #expect(try remoteCarried(pr, squash) == 3)
        #expect(try ci.repo.gitResult(["merge-base", "--is-ancestor", pr.dev.repo.revParse("refs/notes/aitrail"), "refs/notes/aitrail"]).status == 0)
        #expect(try pr.audited(squash, in: ci)["sources"] as? [String] == ["carried"])

        // The same event again: nothing new.
        let again = try ci.aitrail(["carry", "--from-ci"], environment: ["GITHUB_EVENT_PATH": payload])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("nothing to add"))

        // A pull request closed without merging, or still open: nothing to do.
        let open = try Self.event(#"{"action":"synchronize","pull_request":{"number":12,"merged":false,"base":{"sha":"\#(pr.base)"},"head":{"sha":"\#(pr.head)"}}}"#)
        let notMerged = try ci.aitrail(["carry", "--from-ci", "--no-sync"], environment: ["GITHUB_EVENT_PATH": open])
        #expect(notMerged.status == 0)
        #expect(notMerged.stdout == "GitHub pull request #12 is not merged (event action: synchronize): nothing to carry\n")
    }

    @Test func fromAGitHubPullRequestClosedEventOfARebaseMerge() throws {
        let pr = try PullRequest(mainMovesFirst: true)
        try pr.dev.repo.git(["checkout", "-q", "-b", "rebased", "feature"])
        try pr.dev.repo.git(["rebase", "-q", "main"])
        try pr.dev.repo.git(["checkout", "-q", "main"])
        try pr.dev.repo.git(["merge", "-q", "--ff-only", "rebased"])
        let copies = try pr.dev.repo.git(["rev-list", "--reverse", "HEAD~2..HEAD"]).split(separator: "\n").map(String.init)
        let ci = try Self.ciClone(after: pr)
        let payload = try Self.event("""
            {"action":"closed","pull_request":{"number":12,"merged":true,"merge_commit_sha":"\(copies[1])",
             "base":{"sha":"\(pr.base)"},"head":{"sha":"\(pr.head)"}}}
            """)
        let result = try ci.aitrail(["carry", "--from-ci"], environment: ["GITHUB_EVENT_PATH": payload])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("GitHub pull request #12 was rebase-merged: 2 commits ending at \(copies[1].prefix(7))"))
        #expect(try remoteCarried(pr, copies[0]) == 1)
        #expect(try remoteCarried(pr, copies[1]) == 2)
        #expect(try pr.audited(copies[0], in: ci)["agents"] as? [String] == ["claude-code"])
        #expect(try pr.audited(copies[1], in: ci)["agents"] as? [String] == ["codex"])
        // A merge commit keeps the pull request's commits: nothing to carry.
        let merged = try Self.event("""
            {"action":"closed","pull_request":{"number":12,"merged":true,"merge_commit_sha":"\(copies[1])",
             "base":{"sha":"\(pr.base)"},"head":{"sha":"\(copies[1])"}}}
            """)
        let nothing = try ci.aitrail(["carry", "--from-ci", "--no-sync"], environment: ["GITHUB_EVENT_PATH": merged])
        #expect(nothing.status == 0, "\(nothing.stderr)")
        #expect(nothing.stdout.contains("nothing to carry"))
    }

    @Test func fromAPushToTheDefaultBranchWithGitHubsSquashSubject() throws {
        let pr = try PullRequest()
        let squash = try pr.squash(message: try pr.gitHubSquashMessage())
        let ci = try Self.ciClone(after: pr)
        let payload = try Self.event("""
            {"ref":"refs/heads/main","before":"\(pr.base)","after":"\(squash)","repository":{"default_branch":"main"}}
            """)
        let result = try ci.aitrail(["carry", "--from-ci"], environment: ["GITHUB_EVENT_PATH": payload])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("GitHub pull request #12 (2 commits) was squash-merged as \(squash.prefix(7))"))
        #expect(try ci.repo.revParse("refs/remotes/origin/pull/12/head") == pr.head, "the pull request's head was fetched")
        #expect(try remoteCarried(pr, squash) == 3)

        // A push to another branch is not a merge.
        let other = try Self.event(#"{"ref":"refs/heads/feature","before":"\#(pr.base)","after":"\#(squash)","repository":{"default_branch":"main"}}"#)
        let skipped = try ci.aitrail(["carry", "--from-ci", "--no-sync"], environment: ["GITHUB_EVENT_PATH": other])
        #expect(skipped.stdout == "a push to refs/heads/feature, not to the default branch main: nothing to carry\n")
    }

    @Test func fromAGitLabDefaultBranchPipelineAfterASquashAndMergeCommit() throws {
        let pr = try PullRequest()
        // GitLab's "merge commit with squash": a squash commit on the merge request's base, and a merge commit.
        try pr.dev.repo.git(["push", "-q", "--no-verify", "origin", "feature:refs/merge-requests/5/head"])
        try pr.dev.repo.git(["checkout", "-q", "-b", "squashed", pr.base])
        let squash = try pr.squash(message: "Carry attribution\n")
        try pr.dev.repo.git(["checkout", "-q", "main"])
        try pr.dev.commit(["-m", "meanwhile on main"])
        let before = try pr.dev.repo.head()
        try pr.dev.repo.git(["merge", "-q", "--no-ff", "squashed", "-m",
                             "Merge branch 'feature' into 'main'\n\nCarry attribution\n\nSee merge request group/project!5"])
        let merge = try pr.dev.repo.head()
        let ci = try Self.ciClone(after: pr)
        let result = try ci.aitrail(["carry", "--from-ci"], environment: [
            "GITLAB_CI": "true", "CI_COMMIT_BRANCH": "main", "CI_DEFAULT_BRANCH": "main",
            "CI_COMMIT_BEFORE_SHA": before, "CI_COMMIT_SHA": merge,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("GitLab merge request !5 (2 commits) was squash-merged as \(squash.prefix(7))"))
        #expect(try remoteCarried(pr, squash) == 3)
        #expect(try pr.audited(squash, in: ci)["agents"] as? [String] == ["claude-code", "codex"])
    }

    @Test func fromAPushOfARebaseMergeMatchedAgainstFetchedPullHeads() throws {
        let pr = try PullRequest(mainMovesFirst: true)
        let before = try pr.dev.repo.head()
        try pr.dev.repo.git(["checkout", "-q", "-b", "rebased", "feature"])
        try pr.dev.repo.git(["rebase", "-q", "main"])
        try pr.dev.repo.git(["checkout", "-q", "main"])
        try pr.dev.repo.git(["merge", "-q", "--ff-only", "rebased"])
        let copies = try pr.dev.repo.git(["rev-list", "--reverse", "HEAD~2..HEAD"]).split(separator: "\n").map(String.init)
        let ci = try Self.ciClone(after: pr)
        // The workflow fetched the pull request heads (see docs/hooks.md).
        try ci.repo.git(["fetch", "-q", "origin", "+refs/pull/*/head:refs/remotes/origin/pull/*/head"])
        let payload = try Self.event(#"{"ref":"refs/heads/main","before":"\#(before)","after":"\#(copies[1])","repository":{"default_branch":"main"}}"#)
        let result = try ci.aitrail(["carry", "--from-ci"], environment: ["GITHUB_EVENT_PATH": payload])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("refs/remotes/origin/pull/12/head: 2 of its 2 commit(s) rebased onto the default branch"))
        #expect(try remoteCarried(pr, copies[0]) == 1)
        #expect(try remoteCarried(pr, copies[1]) == 2)
    }

    @Test func fromAGitLabFastForwardSquashMatchedByTree() throws {
        let pr = try PullRequest()
        try pr.dev.repo.git(["push", "-q", "--no-verify", "origin", "feature:refs/merge-requests/5/head"])
        // Another merge request, never merged: its head matches nothing and is left alone.
        try pr.dev.repo.git(["checkout", "-q", "-b", "other", pr.base])
        try pr.dev.commit(["-m", "unrelated"], environment: ["CLAUDECODE": "1"])
        try pr.dev.repo.git(["push", "-q", "--no-verify", "origin", "other:refs/merge-requests/6/head"])
        try pr.dev.repo.git(["checkout", "-q", "main"])
        let squash = try pr.squash(message: "Carry attribution\n")   // GitLab's squash message names no number
        let ci = try Self.ciClone(after: pr)
        try ci.repo.git(["fetch", "-q", "origin", "+refs/merge-requests/*/head:refs/remotes/origin/merge-requests/*/head"])
        let result = try ci.aitrail(["carry", "--from-ci"], environment: [
            "GITLAB_CI": "true", "CI_COMMIT_BRANCH": "main", "CI_DEFAULT_BRANCH": "main",
            "CI_COMMIT_BEFORE_SHA": pr.base, "CI_COMMIT_SHA": squash,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("refs/remotes/origin/merge-requests/5/head has the tree of \(squash.prefix(7)): squash-merged\n"))
        #expect(!result.stdout.contains("merge-requests/6"))
        #expect(try remoteCarried(pr, squash) == 3)
    }
}
