@testable import AITrailKit
import Git
import Testing

/// One evidence verdict (issue 11): `CheckRules` (check), `NoteFindings` (audit) and
/// `EvidenceVerdict` (eval list) agree on every combination, and the rules are pure functions.
@Suite struct VerdictTests {
    static let head = String(repeating: "1", count: 40)
    static let other = String(repeating: "2", count: 40)
    static let now = Timestamp.parse("2026-06-01T00:00:00Z")!

    /// Every record a combination may hold: kinds × names × results × trees, at two moments.
    static let pool: [EvidenceRecord] = {
        var records: [EvidenceRecord] = []
        for kind in [EvidenceKind.command, .junit, .review] {
            for name in [nil, "unit", "evals"] as [String?] {
                for passed in [true, false] {
                    for tree in [head, other] {
                        let at = passed ? "2026-05-02T00:00:00Z" : "2026-05-01T00:00:00Z"
                        records.append(EvidenceRecord(kind: kind, tree: tree, passed: passed, at: at, name: name))
                    }
                }
            }
        }
        return records
    }()

    private func facts(_ evidence: [EvidenceRecord], tree: String = head, author: Identity = Identity(name: "A", email: "a@example.com")) -> CommitFacts {
        CommitFacts(
            id: String(repeating: "c", count: 40), subject: "s", tree: tree, author: author,
            classification: Classification([Attribution(agent: "codex", source: .trailer, marker: "m")]), evidence: evidence)
    }

    private func auditStatus(_ records: [EvidenceRecord]) -> EvidenceStatus {
        var findings = NoteFindings()
        findings.addAITrailNote(records.map { CanonicalJSON.line(.evidence($0)) }.joined(separator: "\n"),
                                tree: Self.head, registry: .builtin, now: Self.now)
        return findings.evidence
    }

    @Test func checkAuditAndEvalListAgreeOnEveryPairOfRecords() {
        let rules = CheckRules(policy: Policy(), now: Self.now)
        var combinations: [[EvidenceRecord]] = [[]]
        for first in Self.pool.indices {
            combinations.append([Self.pool[first]])
            for second in Self.pool.indices where second != first { combinations.append([Self.pool[first], Self.pool[second]]) }
        }
        var seen: Set<EvidenceStanding> = []
        for records in combinations {
            let check = rules.evaluate([facts(records)]).standings[String(repeating: "c", count: 40)]!
            let list = EvidenceVerdict.judge(records, tree: Self.head, rules: EvidenceVerdict.Rules(now: Self.now)).standing
            let audit = auditStatus(records)
            #expect(check == list, "\(records)")
            #expect(audit == EvidenceStatus(list), "\(records)")
            seen.insert(check)
        }
        #expect(seen == [.passed, .failed, .stale, .missing])
    }

    @Test func theIssuesCaseFailingEvalsAndPassingUnitFailsEverywhere() {
        let evals = EvidenceRecord(kind: .command, tree: Self.head, passed: false, at: "2026-05-01T00:00:00Z", name: "evals")
        let unit = EvidenceRecord(kind: .command, tree: Self.head, passed: true, at: "2026-05-02T00:00:00Z", name: "unit")
        #expect(auditStatus([evals, unit]) == .failed)
        #expect(CheckRules(policy: Policy(), now: Self.now).evaluate([facts([evals, unit])]).findings.map(\.rule) == [.evidenceFailed])
    }

    @Test func aFutureAtNeitherWinsNorStaysYoung() {
        let failure = EvidenceRecord(kind: .command, tree: Self.head, passed: false, at: "2026-05-01T00:00:00Z")
        let forged = EvidenceRecord(kind: .command, tree: Self.head, passed: true, at: "2099-01-01T00:00:00Z")
        var policy = Policy()
        #expect(CheckRules(policy: policy, now: Self.now).evaluate([facts([failure, forged])]).findings.map(\.rule) == [.evidenceFailed])
        #expect(auditStatus([failure, forged]) == .failed)
        policy.evidence.maxAge = 86_400 * 365 * 100
        #expect(CheckRules(policy: policy, now: Self.now).evaluate([facts([forged])]).findings.map(\.rule) == [.evidenceTooOld])
        // When it reached the notes decides, whatever `at` says.
        var reached = forged
        reached.reachedNotesAt = Self.now - 60
        #expect(CheckRules(policy: policy, now: Self.now).evaluate([facts([failure, reached])]).findings.isEmpty)
        var backdated = failure
        backdated.at = "2099-01-01T00:00:00Z"
        backdated.reachedNotesAt = Self.now - 30
        #expect(CheckRules(policy: policy, now: Self.now).evaluate([facts([backdated, reached])]).findings.map(\.rule) == [.evidenceFailed])
    }

    @Test func signaturesDecideUnderRequireSigned() {
        var policy = Policy()
        policy.evidence.requireSigned = true
        policy.evidence.signers = ".aitrail-signers"
        let rules = CheckRules(policy: policy, now: Self.now)
        var record = EvidenceRecord(kind: .command, tree: Self.head, passed: true, at: "2026-05-01T00:00:00Z")
        record.signature = .unsigned
        #expect(rules.evaluate([facts([record])]).findings.map(\.rule) == [.evidenceUnsigned])
        record.signature = .bad(reason: "no principal matched")
        #expect(rules.evaluate([facts([record])]).findings.map(\.rule) == [.evidenceBadSignature])
        record.signature = .verified(principal: "a@example.com")
        #expect(rules.evaluate([facts([record])]).findings.isEmpty)
        record.signature = .gate
        #expect(rules.evaluate([facts([record])]).findings.isEmpty)
        // Without require-signed an unsigned record counts, a bad signature never does.
        var lenient = policy
        lenient.evidence.requireSigned = false
        var unsigned = record
        unsigned.signature = .unsigned
        var tampered = record
        tampered.signature = .bad(reason: "signature did not verify")
        #expect(CheckRules(policy: lenient, now: Self.now).evaluate([facts([unsigned])]).findings.isEmpty)
        #expect(CheckRules(policy: lenient, now: Self.now).evaluate([facts([unsigned, tampered])]).findings.map(\.rule) == [.evidenceBadSignature])
    }

    @Test func requiredNamesMustEachPass() {
        var policy = Policy()
        policy.evidence.names = ["unit", "evals"]
        let rules = CheckRules(policy: policy, now: Self.now)
        let unit = EvidenceRecord(kind: .command, tree: Self.head, passed: true, at: "2026-05-01T00:00:00Z", name: "unit")
        let evals = EvidenceRecord(kind: .command, tree: Self.head, passed: true, at: "2026-05-01T00:00:00Z", name: "evals")
        let findings = rules.evaluate([facts([unit])]).findings
        #expect(findings.map(\.rule) == [.evidenceMissing])
        #expect(findings.first?.message.contains("no passing evidence named 'evals'") == true)
        #expect(findings.first?.fix.contains("aitrail eval run --name evals") == true)
        #expect(rules.evaluate([facts([unit, evals])]).findings.isEmpty)
    }

    @Test func aReviewByTheCommitsAuthorOrCommitterNeverCounts() {
        var policy = Policy()
        policy.evidence.require = .none
        policy.reviewPaths = ["src/payments/**"]
        let rules = CheckRules(policy: policy, now: Self.now)
        var commit = facts([], author: Identity(name: "Ann", email: "ann@example.com"))
        commit.committer = Identity(name: "Cid", email: "cid@example.com")
        commit.changedPaths = ["src/payments/refund.swift"]
        for by in ["Ann <ANN@example.com>", "Cid <cid@example.com>"] {
            commit.evidence = [EvidenceRecord(kind: .review, tree: Self.head, passed: true, at: "2026-05-01T00:00:00Z", by: by)]
            #expect(rules.evaluate([commit]).findings.map(\.rule) == [.reviewRequired], "\(by)")
        }
        commit.evidence = [EvidenceRecord(kind: .review, tree: Self.head, passed: true, at: "2026-05-01T00:00:00Z", by: "Jo <jo@example.com>")]
        #expect(rules.evaluate([commit]).findings.isEmpty)
        commit.evidence = []
        commit.trailers = [Trailer(key: "Reviewed-by", value: "Jo <jo@example.com>")]
        #expect(rules.evaluate([commit]).findings.map(\.rule) == [.reviewRequired])
    }

    @Test func anEvilMergeIsJudgedLikeACommit() {
        var policy = Policy()
        policy.evidence.require = .none
        policy.reviewPaths = ["src/payments/**"]
        var merge = facts([])
        merge.isMerge = true
        #expect(CheckRules(policy: policy, now: Self.now).evaluate([merge]).skipped.values.first == "merge commit")
        merge.isEvilMerge = true
        merge.changedPaths = ["src/payments/refund.swift"]
        let outcome = CheckRules(policy: policy, now: Self.now).evaluate([merge])
        #expect(outcome.skipped.isEmpty)
        #expect(outcome.findings.first?.message.hasPrefix("AI-assisted merge cccccc") == true)
    }
}
