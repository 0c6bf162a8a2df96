import Foundation
import Testing
import TestSupport

/// Issue 11, no vacuous pass: every range that checks nothing is exit 2 with the fix, and every CI
/// event names the commits of the change.
@Suite struct GateRangeTests {
    private func event(_ json: String) throws -> String {
        let path = try makeTemporaryDirectory() + "/event.json"
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func emptyRangesAreExit2UnlessAllowed() throws {
        let repo = try gateRepository()
        try repo.commit("Add parser" + claudeTrailer)
        for range in ["HEAD", "feature..feature", "feature..main"] {
            let result = try aitrail(["check", range], in: repo)
            #expect(result.status == 2, "\(range)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.contains("has no commits"), "\(result.stderr)")
            #expect(result.stderr.contains("pass --allow-empty to accept an empty range"))
        }
        let allowed = try aitrail(["check", "HEAD", "--allow-empty"], in: repo)
        #expect(allowed.status == 0)
        #expect(allowed.stdout.contains("0 commits"), "\(allowed.stdout)")
    }

    @Test func githubMergeGroupIsTheQueueBranchAgainstTheTarget() throws {
        let repo = try gateRepository()
        let base = try repo.revParse("main")
        let head = try repo.commit("Add parser" + claudeTrailer)
        let path = try event(#"{"action":"checks_requested","merge_group":{"base_sha":"\#(base)","head_sha":"\#(head)","head_ref":"refs/heads/gh-readonly-queue/main/pr-7-\#(base)","base_ref":"refs/heads/main"}}"#)
        let json = try check(repo, nil, environment: ["GITHUB_EVENT_PATH": path, "GITHUB_ACTIONS": "true"])
        #expect(json.status == 1)
        #expect(json.report?.range.source == "github")
        #expect(json.report?.range.base == base)
        #expect(json.report?.commits.map(\.commit) == [head])
    }

    @Test func githubPushOfANewBranchIsCheckedAgainstTheDefaultBranch() throws {
        let repo = try gateRepository()
        let main = try repo.revParse("main")
        try repo.git(["update-ref", "refs/remotes/origin/main", main])
        let first = try repo.commit("One" + claudeTrailer)
        let head = try repo.commit("Two")
        let zeros = String(repeating: "0", count: 40)
        let path = try event(#"{"ref":"refs/heads/feature","before":"\#(zeros)","after":"\#(head)","created":true,"repository":{"default_branch":"main"}}"#)
        let json = try check(repo, nil, environment: ["GITHUB_EVENT_PATH": path])
        #expect(json.status == 1)
        #expect(json.report?.range.range == "origin/main..\(head)")
        #expect(json.report?.commits.map(\.commit) == [first, head])

        // A new branch at the default branch's tip has nothing of its own: exit 2, not a pass.
        let level = try event(#"{"ref":"refs/heads/copy","before":"\#(zeros)","after":"\#(main)","created":true,"repository":{"default_branch":"main"}}"#)
        let empty = try aitrail(["check"], in: repo, environment: ["GITHUB_EVENT_PATH": level])
        #expect(empty.status == 2)
        #expect(empty.stderr.contains("has no commits"))
    }

    @Test func gitlabMergedResultsPipelinesJudgeTheSourceBranchHead() throws {
        let repo = try gateRepository()
        let base = try repo.revParse("main")
        let head = try repo.commit("Add parser" + claudeTrailer)
        #expect(try aitrail(["eval", "run", "--", "true"], in: repo).status == 0)
        // GitLab's synthetic merge commit of the source branch into the target: no evidence names it.
        try repo.git(["checkout", "-q", "--detach", "main"])
        try repo.commit("Target moved on")
        try repo.git(["merge", "-q", "--no-ff", "-m", "Merge feature", "feature"])
        let synthetic = try repo.revParse("HEAD")
        var env = ["CI_MERGE_REQUEST_DIFF_BASE_SHA": base, "CI_COMMIT_SHA": synthetic, "GITLAB_CI": "true",
                   "CI_MERGE_REQUEST_EVENT_TYPE": "merged_result"]
        #expect(try check(repo, nil, environment: env).status == 1)
        env["CI_MERGE_REQUEST_SOURCE_BRANCH_SHA"] = head
        let json = try check(repo, nil, environment: env)
        #expect(json.status == 0)
        #expect(json.report?.range.head == head)
        #expect(json.report?.commits.map(\.commit) == [head])
    }

    @Test func threeDotsIsTheSymmetricDifference() throws {
        let repo = try gateRepository()
        try repo.git(["checkout", "-q", "main"])
        let onMain = try repo.commit("Main side" + claudeTrailer)
        try repo.git(["checkout", "-q", "feature"])
        let onFeature = try repo.commit("Feature side")
        let json = try check(repo, "main...feature")
        #expect(json.report?.range.range == "main...feature")
        #expect(Set(json.report?.commits.map(\.commit) ?? []) == [onMain, onFeature])
        #expect(json.report?.commits.last?.commit == onFeature)
        #expect(json.report?.findings.map(\.rule) == ["evidence-missing"])
        // Two dots: only the feature's commit, which needs nothing.
        #expect(try check(repo, "main..feature").status == 0)
    }
}
