import AITrailKit
import Git
import Testing

/// `CheckRules` as the pure function it is: facts and a policy in, findings and standings out, no
/// repository. One row per rule of SPEC §8 (the end-to-end tests in aitrailTests hold the CLI to it).
@Suite struct CheckRulesTests {
    static let now: Int64 = 1_800_000_000
    static let person = Identity(name: "Ada", email: "ada@example.com")
    static let reviewer = Identity(name: "Grace", email: "grace@example.com")
    static let claude = Classification([Attribution(agent: "claude-code", source: .trailer, marker: "Assisted-by: claude-code")])

    static func commit(
        _ id: Character, tree: Character, ai: Bool = true, evidence: [EvidenceRecord] = [], trailers: [Trailer] = [],
        isMerge: Bool = false, author: Identity = person, changedPaths: [String] = []
    ) -> CommitFacts {
        CommitFacts(
            id: String(repeating: id, count: 40), subject: "change", tree: String(repeating: tree, count: 40), isMerge: isMerge,
            author: author, classification: ai ? claude : Classification([]), trailers: trailers, evidence: evidence,
            changedPaths: changedPaths)
    }

    static func evidence(
        tree: Character, passed: Bool = true, kind: EvidenceKind = .command, at: Int64 = now - 60, by: String? = nil
    ) -> EvidenceRecord {
        EvidenceRecord(kind: kind, tree: String(repeating: tree, count: 40), passed: passed, at: Timestamp.format(at),
                       command: kind == .command ? ["swift", "test"] : nil, exit: kind == .command ? (passed ? 0 : 1) : nil, by: by)
    }

    static func policy(_ change: (inout Policy) -> Void = { _ in }) -> Policy {
        var policy = Policy.defaults
        change(&policy)
        return policy
    }

    struct Row: Sendable, CustomTestStringConvertible {
        let name: String
        let policy: Policy
        let commits: [CommitFacts]
        /// The rules found, in order.
        let rules: [CheckRule]
        /// The head's standing.
        let standing: EvidenceStanding?
        var testDescription: String { name }
    }

    static let rows: [Row] = [
        Row(name: "AI commit with passing evidence for its tree", policy: policy(),
            commits: [commit("a", tree: "1", evidence: [evidence(tree: "1")])], rules: [], standing: .passed),
        Row(name: "AI commit without evidence", policy: policy(),
            commits: [commit("a", tree: "1")], rules: [.evidenceMissing], standing: .missing),
        Row(name: "human commit needs nothing by default", policy: policy(),
            commits: [commit("a", tree: "1", ai: false)], rules: [], standing: .notRequired),
        Row(name: "evidence.require = all: a human commit needs evidence", policy: policy { $0.evidence.require = .all },
            commits: [commit("a", tree: "1", ai: false)], rules: [.evidenceMissing], standing: .missing),
        Row(name: "evidence.require = none", policy: policy { $0.evidence.require = .none },
            commits: [commit("a", tree: "1")], rules: [], standing: .notRequired),
        Row(name: "failed evidence", policy: policy(),
            commits: [commit("a", tree: "1", evidence: [evidence(tree: "1", passed: false)])], rules: [.evidenceFailed], standing: .failed),
        Row(name: "evidence for another tree is stale", policy: policy(),
            commits: [commit("a", tree: "1", evidence: [evidence(tree: "2")])], rules: [.evidenceStale], standing: .stale),
        Row(name: "scope head: the head's tree is what counts", policy: policy(),
            commits: [commit("a", tree: "1"), commit("b", tree: "2", ai: false, evidence: [evidence(tree: "2")])],
            rules: [], standing: .passed),
        Row(name: "scope each: every AI commit's own tree", policy: policy { $0.evidence.scope = .each },
            commits: [commit("a", tree: "1"), commit("b", tree: "2", ai: false, evidence: [evidence(tree: "2")])],
            rules: [.evidenceMissing], standing: .notRequired),
        Row(name: "a kind the policy does not accept", policy: policy { $0.evidence.kinds = [.junit] },
            commits: [commit("a", tree: "1", evidence: [evidence(tree: "1")])], rules: [.evidenceKind], standing: .kindNotAccepted),
        Row(name: "evidence older than max-age", policy: policy { $0.evidence.maxAge = 86_400 },
            commits: [commit("a", tree: "1", evidence: [evidence(tree: "1", at: now - 2 * 86_400)])], rules: [.evidenceTooOld],
            standing: .tooOld),
        Row(name: "an agent agents.allow does not list", policy: policy { $0.allowedAgents = ["codex"] },
            commits: [commit("a", tree: "1", evidence: [evidence(tree: "1")])], rules: [.agentNotAllowed], standing: .passed),
        Row(name: "a malformed Assisted-by trailer", policy: policy(),
            commits: [commit("a", tree: "1", evidence: [evidence(tree: "1")], trailers: [Trailer(key: "Assisted-by", value: "!!")])],
            rules: [.malformedTrailer], standing: .passed),
        Row(name: "merge commits are skipped", policy: policy(),
            commits: [commit("a", tree: "1", isMerge: true)], rules: [], standing: nil),
        Row(name: "bot authors that are not AI are skipped", policy: policy { $0.evidence.require = .all },
            commits: [commit("a", tree: "1", ai: false, author: Identity(name: "dependabot[bot]", email: "bot@example.com"))],
            rules: [], standing: nil),
        Row(name: "a review path without a review", policy: policy { $0.reviewPaths = ["src/payments/**"] },
            commits: [commit("a", tree: "1", evidence: [evidence(tree: "1")], changedPaths: ["src/payments/pay.swift"])],
            rules: [.reviewRequired], standing: .passed),
        Row(name: "a review path reviewed by another person", policy: policy { $0.reviewPaths = ["src/payments/**"] },
            commits: [commit("a", tree: "1", evidence: [evidence(tree: "1"), evidence(tree: "1", kind: .review, by: "Grace <grace@example.com>")],
                             changedPaths: ["src/payments/pay.swift"])],
            rules: [], standing: .passed),
        Row(name: "a review by the author does not count", policy: policy { $0.reviewPaths = ["src/payments/**"] },
            commits: [commit("a", tree: "1", evidence: [evidence(tree: "1"), evidence(tree: "1", kind: .review, by: "Ada <ada@example.com>")],
                             changedPaths: ["src/payments/pay.swift"])],
            rules: [.reviewRequired], standing: .passed),
        Row(name: "require-signed: unsigned evidence", policy: policy { $0.evidence.requireSigned = true },
            commits: [commit("a", tree: "1", evidence: [evidence(tree: "1")])], rules: [.evidenceUnsigned], standing: .unsigned),
    ]

    @Test(arguments: rows)
    func rule(_ row: Row) {
        let outcome = CheckRules(policy: row.policy, now: Self.now).evaluate(row.commits)
        #expect(outcome.findings.map(\.rule) == row.rules)
        let head = row.commits.last!
        #expect(outcome.standings[head.id] == row.standing)
        for finding in outcome.findings {
            #expect(!finding.message.isEmpty && !finding.fix.isEmpty, "every finding says what and how to fix it")
            #expect(row.commits.contains { $0.id == finding.commit })
        }
    }

    @Test func skippedCommitsSayWhy() {
        let merge = Self.commit("a", tree: "1", isMerge: true)
        let bot = Self.commit("b", tree: "2", ai: false, author: Identity(name: "renovate[bot]", email: "bot@example.com"))
        let outcome = CheckRules(policy: Self.policy(), now: Self.now).evaluate([merge, bot])
        #expect(outcome.skipped == [merge.id: "merge commit", bot.id: "bot author"])
    }

    @Test func missingEvidenceNamesTheCommitAgentTreeAndFix() {
        let ai = Self.commit("a", tree: "1")
        let finding = CheckRules(policy: Self.policy(), now: Self.now).evaluate([ai]).findings.first
        #expect(finding?.message == "AI-assisted commit aaaaaaa (claude-code) has no eval evidence for tree 1111111")
        #expect(finding?.fix == "git checkout aaaaaaa && aitrail eval run -- <your test command> && aitrail sync")
    }

    @Test func theSameFactsGiveTheSameOutcome() {
        let commits = [Self.commit("a", tree: "1"), Self.commit("b", tree: "2", evidence: [Self.evidence(tree: "2", passed: false)])]
        let rules = CheckRules(policy: Self.policy(), now: Self.now)
        #expect(rules.evaluate(commits).findings == rules.evaluate(commits).findings)
    }
}
