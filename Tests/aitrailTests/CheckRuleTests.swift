import Foundation
import Testing
import TestSupport

/// Each rule of the gate: a range that fails with the exact finding, and the fix that makes it pass.
@Suite struct CheckRuleTests {
    @Test func aiCommitWithoutEvidenceFailsUntilEvalRun() throws {
        let repo = try gateRepository()
        let ai = try repo.commit("Add parser" + claudeTrailer)
        let tree = try repo.revParse("HEAD^{tree}")
        let (status, report, _) = try check(repo)
        #expect(status == 1)
        let finding = try #require(report?.findings.first)
        #expect(report?.findings.count == 1)
        #expect(finding.commit == ai)
        #expect(finding.rule == "evidence-missing")
        #expect(finding.message == "AI-assisted commit \(ai.prefix(7)) (claude-code) has no eval evidence for tree \(tree.prefix(7))")
        #expect(finding.fix == "git checkout \(ai.prefix(7)) && aitrail eval run -- <your test command> && aitrail sync")

        #expect(try aitrail(["eval", "run", "--", "true"], in: repo).status == 0)
        let after = try check(repo)
        #expect(after.status == 0)
        #expect(after.report?.findings.isEmpty == true)
        #expect(after.report?.commits.first?.evidence == "passed")
    }

    @Test func humanCommitsNeedNoEvidenceByDefault() throws {
        let repo = try gateRepository()
        try repo.commit("Plain human change")
        #expect(try check(repo).status == 0)
    }

    @Test func failedEvidenceFailsAndALaterPassReplacesIt() throws {
        let repo = try gateRepository()
        let ai = try repo.commit("Add parser" + claudeTrailer)
        #expect(try aitrail(["eval", "run", "--", "sh", "-c", "exit 3"], in: repo).status == 3)
        let (status, report, _) = try check(repo)
        #expect(status == 1)
        let finding = try #require(report?.findings.first)
        #expect(finding.rule == "evidence-failed")
        #expect(finding.commit == ai)
        #expect(finding.message.contains("command `sh -c exit 3` (exit 3) failed"))
        #expect(finding.fix.hasPrefix("fix the failures, then git checkout \(ai.prefix(7)) && aitrail eval run"))

        #expect(try aitrail(["eval", "run", "--", "true"], in: repo).status == 0)
        #expect(try check(repo).status == 0)
    }

    @Test func evidenceForAnEarlierTreeIsStale() throws {
        let repo = try gateRepository()
        try repo.commit("Add parser" + claudeTrailer, file: "parser.swift", contents: "v1\n")
        let evaluatedTree = try repo.revParse("HEAD^{tree}")
        #expect(try aitrail(["eval", "run", "--", "true"], in: repo).status == 0)
        #expect(try check(repo).status == 0)

        let changed = try repo.commit("Tweak parser" + claudeTrailer, file: "parser.swift", contents: "v2\n")
        let tree = try repo.revParse("HEAD^{tree}")
        let (status, report, _) = try check(repo)
        #expect(status == 1)
        let finding = try #require(report?.findings.first)
        #expect(finding.rule == "evidence-stale")
        #expect(finding.commit == changed)
        #expect(finding.message.contains("has evidence for tree \(evaluatedTree.prefix(7)), not for \(changed.prefix(7))'s tree \(tree.prefix(7))"))
        #expect(try aitrail(["eval", "run", "--", "true"], in: repo).status == 0)
        #expect(try check(repo).status == 0)
    }

    @Test func scopeEachJudgesEveryAICommit() throws {
        let repo = try gateRepository(policy: "[evidence]\n\tscope = each\n")
        let first = try repo.commit("First" + claudeTrailer)
        try repo.commit("Second" + claudeTrailer)
        #expect(try aitrail(["eval", "run", "--", "true"], in: repo).status == 0)
        let (status, report, _) = try check(repo)
        #expect(status == 1)
        #expect(report?.findings.map(\.rule) == ["evidence-missing"])
        #expect(report?.findings.first?.commit == first)
        #expect(report?.findings.first?.fix == "git checkout \(first.prefix(7)) && aitrail eval run -- <your test command> && aitrail sync")

        try repo.git(["checkout", "-q", first])
        #expect(try aitrail(["eval", "run", "--", "true"], in: repo).status == 0)
        try repo.git(["checkout", "-q", "feature"])
        #expect(try check(repo).status == 0)
    }

    @Test func kindNotAcceptedUntilAJUnitReportIsRecorded() throws {
        let repo = try gateRepository(policy: "[evidence]\n\tkind = junit\n")
        let ai = try repo.commit("Add parser" + claudeTrailer)
        #expect(try aitrail(["eval", "run", "--", "true"], in: repo).status == 0)
        let (status, report, _) = try check(repo)
        #expect(status == 1)
        let finding = try #require(report?.findings.first)
        #expect(finding.rule == "evidence-kind")
        #expect(finding.message == "AI-assisted commit \(ai.prefix(7)) (claude-code) has only command evidence; the policy accepts junit")
        #expect(finding.fix == "git checkout \(ai.prefix(7)) && aitrail eval run --junit <report.xml> -- <your test command> && aitrail sync")

        let reportPath = try makeTemporaryDirectory() + "/report.xml"
        let xml = #"<testsuite name="t" tests="2" failures="0" errors="0"><testcase name="a"/><testcase name="b"/></testsuite>"#
        #expect(try aitrail(["eval", "run", "--junit", reportPath, "--", "sh", "-c", "printf '%s' '\(xml)' > \(reportPath)"], in: repo).status == 0)
        #expect(try check(repo).status == 0)
    }

    @Test func evidenceOlderThanMaxAgeDoesNotCount() throws {
        let repo = try gateRepository(policy: "[evidence]\n\tmax-age = 7d\n")
        let ai = try repo.commit("Add parser" + claudeTrailer)
        let tree = try repo.revParse("HEAD^{tree}")
        let old = #"{"at":"2020-01-01T00:00:00Z","kind":"command","passed":true,"tree":"\#(tree)","type":"evidence","v":1}"#
        // The age is when the record reached the notes: here a notes commit made in 2020.
        try repo.git(["notes", "--ref=aitrail", "add", "-m", old, ai], environment: ["GIT_COMMITTER_DATE": "2020-01-01T00:00:00Z"])
        let (status, report, _) = try check(repo)
        #expect(status == 1)
        let finding = try #require(report?.findings.first)
        #expect(finding.rule == "evidence-too-old")
        #expect(finding.message == "AI-assisted commit \(ai.prefix(7)) (claude-code) was last evaluated at 2020-01-01T00:00:00Z, older than the policy's max-age 1w")
        #expect(try aitrail(["eval", "run", "--", "true"], in: repo).status == 0)
        #expect(try check(repo).status == 0)
    }

    @Test func agentNotAllowed() throws {
        let repo = try gateRepository(policy: "[agents]\n\tallow = codex\n[evidence]\n\trequire = none\n")
        let ai = try repo.commit("Add parser" + claudeTrailer)
        let (status, report, _) = try check(repo)
        #expect(status == 1)
        let finding = try #require(report?.findings.first)
        #expect(finding.rule == "agent-not-allowed")
        #expect(finding.commit == ai)
        #expect(finding.message == "assisted by claude-code (Assisted-by: claude-code:claude-opus-4.6), which agents.allow (codex) does not list")
        #expect(finding.fix == "redo the change with an allowed agent, or allow it on the base branch first: git config -f .aitrail --add agents.allow claude-code")

        let allowed = try gateRepository(policy: "[agents]\n\tallow = codex\n[evidence]\n\trequire = none\n")
        try allowed.commit("Add parser\n\nAssisted-by: codex:gpt-5.4")
        #expect(try check(allowed).status == 0)
    }

    @Test func reviewPathNeedsAReviewRecordOrAHumanReviewedBy() throws {
        let policy = "[evidence]\n\trequire = none\n[review]\n\tpath = src/payments/**\n"
        let repo = try gateRepository(policy: policy)
        try repo.commit("Docs" + claudeTrailer, file: "docs/readme.md")
        #expect(try check(repo).status == 0)
        let ai = try repo.commit("Refund flow" + claudeTrailer, file: "src/payments/refund.swift")
        let (status, report, _) = try check(repo)
        #expect(status == 1)
        let finding = try #require(report?.findings.first)
        #expect(finding.rule == "review-required")
        #expect(finding.path == "src/payments/refund.swift")
        #expect(finding.message == "AI-assisted commit \(ai.prefix(7)) changes src/payments/refund.swift (review.path src/payments/**) without a review")
        #expect(finding.fix == "a human reviewer other than its author and committer runs: aitrail review approve \(ai.prefix(7)) && aitrail sync")

        // The commit's own author approving it is no review.
        let own = try aitrail(["review", "approve"], in: repo)
        #expect(own.status == 0)
        #expect(own.stdout.contains("recorded by Test User <test@example.com>"))
        #expect(try check(repo).status == 1)
        // Neither is an approval from an agent's shell.
        let agent = try aitrail(["review", "approve"], in: repo, environment: ["CLAUDECODE": "1"])
        #expect(agent.status == 2)
        #expect(agent.stderr.contains("refused: this environment runs an AI agent (claude-code"))

        try repo.git(["config", "user.name", "Jane Reviewer"])
        try repo.git(["config", "user.email", "jane@example.com"])
        let approve = try aitrail(["review", "approve", "--note", "looked at refunds"], in: repo)
        #expect(approve.status == 0)
        #expect(approve.stdout.contains("recorded by Jane Reviewer <jane@example.com>"))
        #expect(try check(repo).status == 0)

        // A Reviewed-by the AI-assisted commit writes itself is the agent's word; a maintainer's
        // follow-up naming another person counts; one naming the commit's author does not.
        let trailer = try gateRepository(policy: policy)
        try trailer.commit("Refund flow" + claudeTrailer + "\nReviewed-by: Jane Doe <jane@example.com>", file: "src/payments/refund.swift")
        #expect(try check(trailer).report?.findings.map(\.rule) == ["review-required"])
        try trailer.git(["commit", "-q", "--allow-empty", "-m", "Merge note\n\nReviewed-by: Test User <test@example.com>"])
        #expect(try check(trailer).report?.findings.map(\.rule) == ["review-required"])
        try trailer.git(["commit", "-q", "--allow-empty", "-m", "Reviewed\n\nReviewed-by: Jane Doe <jane@example.com>"])
        #expect(try check(trailer).status == 0)
        let botReviewed = try gateRepository(policy: policy)
        try botReviewed.commit("Refund flow" + claudeTrailer + "\nReviewed-by: Claude <noreply@anthropic.com>", file: "src/payments/refund.swift")
        #expect(try check(botReviewed).report?.findings.map(\.rule) == ["review-required"])
    }

    @Test func malformedTrailer() throws {
        let repo = try gateRepository()
        let bad = try repo.commit("Add parser\n\nAssisted-by: John Smith <john@example.com>")
        let (status, report, _) = try check(repo)
        #expect(status == 1)
        let finding = try #require(report?.findings.first)
        #expect(finding.rule == "malformed-trailer")
        #expect(finding.commit == bad)
        #expect(finding.message == "Assisted-by: malformed value 'John Smith <john@example.com>': '<john@example.com>' is not a tool name; the form is <agent>[:<model>] [<tool> …], e.g. claude-code:claude-opus-4.6")
        #expect(finding.fix.hasPrefix("git rebase -i \(bad.prefix(7))^ (mark it `reword`)"))

        let custom = try gateRepository(policy: "[tag]\n\ttrailer = AI-used-for\n[evidence]\n\trequire = none\n")
        try custom.commit("Add parser\n\nAI-used-for: codex:gpt-5.4")
        #expect(try check(custom).status == 0)
    }

    @Test func mergesAndBotAuthorsAreSkippedUnlessPolicyAsks() throws {
        let repo = try gateRepository(policy: "[evidence]\n\trequire = all\n\tscope = each\n")
        try repo.commit("Bump dependency", environment: [
            "GIT_AUTHOR_NAME": "dependabot[bot]", "GIT_AUTHOR_EMAIL": "49699333+dependabot[bot]@users.noreply.github.com"])
        try repo.git(["checkout", "-q", "-b", "side", "main"])
        try repo.commit("Side change")
        #expect(try aitrail(["eval", "run", "--", "true"], in: repo).status == 0)
        try repo.git(["checkout", "-q", "feature"])
        try repo.git(["merge", "-q", "--no-ff", "-m", "Merge side", "side"])
        let (status, report, _) = try check(repo)
        #expect(status == 0)
        #expect(report?.commits.compactMap(\.skipped).sorted() == ["bot author", "merge commit"])

        let strict = try gateRepository(policy: "[evidence]\n\trequire = all\n\tscope = each\n\tbots = true\n")
        let bot = try strict.commit("Bump dependency", environment: [
            "GIT_AUTHOR_NAME": "dependabot[bot]", "GIT_AUTHOR_EMAIL": "49699333+dependabot[bot]@users.noreply.github.com"])
        let strictReport = try check(strict)
        #expect(strictReport.status == 1)
        #expect(strictReport.report?.findings.first?.commit == bot)
        #expect(strictReport.report?.findings.first?.message.hasPrefix("commit \(bot.prefix(7)) has no eval evidence") == true)
    }

    @Test func aPullRequestLooseningThePolicyIsJudgedByTheBase() throws {
        let repo = try gateRepository(policy: "[agents]\n\tallow = codex\n")
        try repo.write(".aitrail", "[agents]\n\tallow = codex\n\tallow = claude-code\n[evidence]\n\trequire = none\n")
        let ai = try repo.commit("Allow claude and use it" + claudeTrailer)
        let base = try repo.revParse("main")
        let (status, report, _) = try check(repo)
        #expect(status == 1)
        #expect(report?.policy == "\(base.prefix(7)):.aitrail")
        #expect(report?.findings.map(\.rule).sorted() == ["agent-not-allowed", "evidence-missing"])
        #expect(report?.findings.allSatisfy { $0.commit == ai } == true)
        #expect(report?.notices.contains { $0.hasPrefix("this range changes .aitrail; it was judged by the target's policy") } == true)
    }

    @Test func evidenceOnATwinCommitWithTheSameTreeCounts() throws {
        let repo = try gateRepository()
        try repo.commit("Add parser" + claudeTrailer, file: "parser.swift", contents: "v1\n")
        #expect(try aitrail(["eval", "run", "--", "true"], in: repo).status == 0)
        // A commit that changes nothing keeps the tree: the evidence still speaks for the code under review.
        try repo.git(["commit", "-q", "--allow-empty", "-m", "Empty follow-up" + claudeTrailer])
        #expect(try check(repo).status == 0)
    }
}
