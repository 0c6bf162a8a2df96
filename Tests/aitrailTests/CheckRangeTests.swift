import Foundation
import Testing
import TestSupport

/// Where the range comes from, and the cases where the gate must refuse to decide (exit 2).
@Suite struct CheckRangeTests {
    @Test func githubPullRequestEventGivesTheRangeAndAJobSummary() throws {
        let repo = try gateRepository()
        let base = try repo.revParse("main")
        let head = try repo.commit("Add parser" + claudeTrailer)
        let folder = try makeTemporaryDirectory()
        let event = folder + "/event.json"
        try #"{"action":"synchronize","pull_request":{"number":7,"base":{"sha":"\#(base)","ref":"main"},"head":{"sha":"\#(head)"}}}"#
            .write(toFile: event, atomically: true, encoding: .utf8)
        try repo.git(["checkout", "-q", "--detach", "main"])  // CI checks out something else; the event names the range
        let summary = folder + "/summary.md"
        try "# earlier step\n".write(toFile: summary, atomically: true, encoding: .utf8)
        let env = ["GITHUB_EVENT_PATH": event, "GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": summary]

        let json = try check(repo, nil, environment: env)
        #expect(json.status == 1)
        #expect(json.report?.range.source == "github")
        #expect(json.report?.range.base == base)
        #expect(json.report?.range.head == head)

        let result = try aitrail(["check", "--format", "github"], in: repo, environment: env)
        #expect(result.status == 1)
        #expect(result.stdout.hasPrefix("::error title=aitrail evidence-missing (\(head.prefix(7)))::\(head.prefix(7)): AI-assisted commit"))
        let written = try String(contentsOfFile: summary, encoding: .utf8)
        #expect(written.hasPrefix("# earlier step\n## ❌ aitrail check failed: 1 finding"))
        #expect(written.contains("| `\(head.prefix(7))` | evidence-missing |"))
    }

    @Test func gitlabMergeRequestVariablesGiveTheRange() throws {
        let repo = try gateRepository()
        let base = try repo.revParse("main")
        let head = try repo.commit("Add parser" + claudeTrailer)
        try repo.commit("Human follow-up")
        let env = ["CI_MERGE_REQUEST_DIFF_BASE_SHA": base, "CI_COMMIT_SHA": head, "GITLAB_CI": "true"]
        let json = try check(repo, nil, environment: env)
        #expect(json.report?.range.source == "gitlab")
        #expect(json.report?.range.head == head)
        #expect(json.report?.commits.count == 1)

        let quality = try aitrail(["check", "--format", "gitlab"], in: repo, environment: env)
        #expect(quality.status == 1)
        let issues = try #require(JSONSerialization.jsonObject(with: Data(quality.stdout.utf8)) as? [[String: Any]])
        #expect(issues.count == 1)
        #expect(issues.first?["check_name"] as? String == "aitrail/evidence-missing")
        #expect((issues.first?["fingerprint"] as? String)?.count == 64)
    }

    @Test func buildkitePullRequestVariablesGiveTheRange() throws {
        let repo = try gateRepository()
        let base = try repo.revParse("main")
        try repo.git(["update-ref", "refs/remotes/origin/main", base])  // what the agent's fetch leaves
        let head = try repo.commit("Add parser" + claudeTrailer)
        try repo.commit("Human follow-up")
        let env = ["BUILDKITE": "true", "BUILDKITE_PULL_REQUEST": "12", "BUILDKITE_PULL_REQUEST_BASE_BRANCH": "main",
                   "BUILDKITE_COMMIT": head]
        let json = try check(repo, nil, environment: env)
        #expect(json.status == 1)
        #expect(json.report?.range.source == "buildkite")
        #expect(json.report?.range.base == base)
        #expect(json.report?.range.head == head)
        #expect(json.report?.commits.count == 1)

        // Buildkite may give the literal HEAD; then the checked-out HEAD is the head.
        var headEnv = env
        headEnv["BUILDKITE_COMMIT"] = "HEAD"
        let atHead = try check(repo, nil, environment: headEnv)
        #expect(atHead.report?.range.head == (try repo.revParse("HEAD")))
        #expect(atHead.report?.commits.count == 2)

        // A branch build, not a pull request: no range from Buildkite, and no upstream to fall back on.
        var branchEnv = env
        branchEnv["BUILDKITE_PULL_REQUEST"] = "false"
        let branch = try aitrail(["check"], in: repo, environment: branchEnv)
        #expect(branch.status == 2)
        #expect(branch.stderr.contains("no range to check"), "\(branch.stderr)")
    }

    @Test func gitlabFingerprintsAreUnique() throws {
        let repo = try gateRepository(policy: "[evidence]\n\tscope = each\n[agents]\n\tallow = codex\n")
        try repo.commit("One" + claudeTrailer)
        try repo.commit("Two" + claudeTrailer)
        let quality = try aitrail(["check", "main..feature", "--format", "gitlab"], in: repo)
        let issues = try #require(JSONSerialization.jsonObject(with: Data(quality.stdout.utf8)) as? [[String: Any]])
        let fingerprints = issues.compactMap { $0["fingerprint"] as? String }
        #expect(issues.count == 4)
        #expect(Set(fingerprints).count == fingerprints.count)
    }

    @Test func aitrailBaseAndTheDefaultBranchAreFallbacksNeverTheUpstream() throws {
        let repo = try gateRepository()
        let head = try repo.commit("Add parser" + claudeTrailer)
        #expect(try check(repo, nil, environment: ["AITRAIL_BASE": "main"]).report?.range.source == "AITRAIL_BASE")
        let none = try check(repo, nil)
        #expect(none.status == 2)
        #expect(none.result.stderr.contains("no range to check"))
        #expect(none.result.stderr.contains("fix: pass the range, e.g. `aitrail check origin/main..HEAD`"))
        #expect(none.result.stderr.contains("git remote set-head origin --auto"))
        // A pushed branch is level with its upstream: that range is empty and must not be what is checked.
        try repo.git(["update-ref", "refs/remotes/origin/feature", head])
        try repo.git(["config", "branch.feature.remote", "origin"])
        try repo.git(["config", "branch.feature.merge", "refs/heads/feature"])
        #expect(try check(repo, nil).status == 2)
        try repo.git(["update-ref", "refs/remotes/origin/main", try repo.revParse("main")])
        try repo.git(["symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main"])
        let json = try check(repo, nil)
        #expect(json.status == 1)
        #expect(json.report?.range.source == "default-branch")
        #expect(json.report?.range.range == "origin/HEAD..HEAD")
        #expect(json.report?.commits.map(\.commit) == [head])
    }

    @Test func unknownBaseIsExit2WithTheFix() throws {
        let repo = try gateRepository()
        try repo.commit("Add parser" + claudeTrailer)
        let result = try aitrail(["check", "0123456789abcdef0123456789abcdef01234567..HEAD"], in: repo)
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("cannot decide: unknown base '0123456789abcdef0123456789abcdef01234567'"))
        #expect(result.stderr.contains("fetch-depth: 0"))
    }

    @Test func shallowCloneIsExit2WithTheFixNeverAPass() throws {
        let origin = try gateRepository()
        let base = try origin.revParse("main")
        for index in 0..<3 { try origin.commit("Change \(index)" + claudeTrailer) }
        let clonePath = try makeTemporaryDirectory() + "/clone"
        try runProcess("/usr/bin/git", ["clone", "-q", "--depth", "1", "--no-single-branch", "file://\(origin.path)", clonePath],
                       removing: agentEnvironment)
        let clone = TestRepository(existing: clonePath)
        try clone.git(["checkout", "-q", "feature"])

        let byName = try aitrail(["check", "origin/main..HEAD"], in: clone)
        #expect(byName.status == 2)
        #expect(byName.stderr.contains("shallow clone"))
        #expect(byName.stderr.contains("`actions/checkout` with `fetch-depth: 0`"))

        let event = try makeTemporaryDirectory() + "/event.json"
        try #"{"pull_request":{"base":{"sha":"\#(base)"},"head":{"sha":"\#(try clone.head())"}}}"#
            .write(toFile: event, atomically: true, encoding: .utf8)
        let bySHA = try aitrail(["check"], in: clone, environment: ["GITHUB_EVENT_PATH": event])
        #expect(bySHA.status == 2)
        #expect(bySHA.stderr.contains("fetch-depth: 0"))
    }

    @Test func notesAreFetchedFromOriginWhenAbsent() throws {
        let origin = try gateRepository()
        try origin.commit("Add parser" + claudeTrailer)
        #expect(try aitrail(["eval", "run", "--", "true"], in: origin).status == 0)
        let clonePath = try makeTemporaryDirectory() + "/clone"
        try runProcess("/usr/bin/git", ["clone", "-q", origin.path, clonePath], removing: agentEnvironment)
        let clone = TestRepository(existing: clonePath)
        try clone.git(["checkout", "-q", "feature"])
        #expect(try clone.gitResult(["rev-parse", "-q", "--verify", "refs/notes/aitrail"]).status != 0)

        #expect(try check(clone, "origin/main..HEAD").status == 0)
        #expect(try clone.gitResult(["rev-parse", "-q", "--verify", "refs/notes/aitrail"]).status == 0)
    }

    @Test func badUsageIsExit64() throws {
        let repo = try gateRepository()
        #expect(try aitrail(["check", "--format", "yaml"], in: repo).status == 64)
        #expect(try aitrail(["eval", "run"], in: repo).status == 64)
    }

    @Test func aBadPolicyAtTheBaseIsExit2() throws {
        let repo = try gateRepository(policy: "[evidence]\n\tscope = sometimes\n")
        try repo.commit("Add parser" + claudeTrailer)
        let result = try aitrail(["check", "main..feature"], in: repo)
        #expect(result.status == 2)
        #expect(result.stderr.contains("bad value 'sometimes' for 'evidence.scope'"))
    }
}
