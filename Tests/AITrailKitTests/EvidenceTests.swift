import AITrailKit
import Foundation
import Git
import Testing
import TestSupport

@Suite struct EvidenceTests {
    @Test func sha256KnownVectors() throws {
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        let bytes = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let file = try makeTemporaryDirectory() + "/bytes"
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        #expect(SHA256.hex(bytes) == String(try runProcess("/usr/bin/sha256sum", [file]).stdout.prefix(64)))
    }

    @Test func junitCountsTestCasesOrSuiteTotals() throws {
        let cases = #"<?xml version="1.0"?><!-- <testcase> in a comment --><testsuites><testsuite name="A"><testcase name="1"/><testcase name="2"><error type="x"/></testcase><testcase name="3"><system-out><![CDATA[<failure>]]></system-out></testcase></testsuite></testsuites>"#
        let result = try ReportImporter.junit(Array(cases.utf8), file: "r.xml")
        #expect(result.summary == EvidenceSummary(tests: 3, failures: 0, errors: 1, skipped: 0))
        #expect(!result.passed)

        let totals = #"<testsuites name="all" tests="99"><testsuite name="a" tests="4" failures="0" errors="0" skipped="1"/><testsuite name="b" tests="6" failures="0" errors="0"/></testsuites>"#
        let summed = try ReportImporter.junit(Array(totals.utf8), file: "r.xml")
        #expect(summed.summary == EvidenceSummary(tests: 10, failures: 0, errors: 0, skipped: 1))
        #expect(summed.passed)
    }

    @Test(arguments: [
        ("", "the file is empty"),
        ("PASS", "it does not start with '<', so it is not XML"),
        ("<html><body/></html>", "the root element is <html>, not <testsuites> or <testsuite>"),
        ("<testsuite><testcase>", "it ends before all elements are closed"),
        ("<testsuite name=x/>", "attribute 'name' of <testsuite> is not quoted"),
        ("<testsuite/><testsuite/>", "a second root element"),
    ])
    func junitRejectsWhatIsNotAReport(text: String, problem: String) {
        #expect(throws: AITrailError.self) { try ReportImporter.junit(Array(text.utf8), file: "r.xml") }
        do { _ = try ReportImporter.junit(Array(text.utf8), file: "r.xml") } catch {
            #expect(error.message.contains(problem), "\(error.message)")
        }
    }

    @Test(arguments: [
        ("src/payments/**", "src/payments/refund.swift", true),
        ("src/payments/**", "src/payments/a/b/c.swift", true),
        ("src/payments/**", "src/paymentsx/a.swift", false),
        ("src/payments/", "src/payments/a.swift", true),
        ("src/*/config.yml", "src/api/config.yml", true),
        ("src/*/config.yml", "src/api/v1/config.yml", false),
        ("**/migrations/*.sql", "db/x/migrations/001.sql", true),
        ("**/migrations/*.sql", "migrations/001.sql", true),
        ("*.sql", "deep/down/schema.sql", true),
        ("*.sql", "schema.sqlx", false),
        ("file?.txt", "file1.txt", true),
        ("file?.txt", "file/.txt", false),
        ("/Makefile", "Makefile", true),
        ("/Makefile", "sub/Makefile", false),
    ])
    func globPatterns(pattern: String, path: String, matches: Bool) {
        #expect(GlobPattern(pattern).matches(path) == matches)
    }

    @Test func pendingEvidenceLandsOnTheCommitOfItsTree() throws {
        let repo = try TestRepository()
        try repo.commit("base", file: "code.swift", contents: "v1\n")
        try repo.write("code.swift", "v2\n")
        let run = try runProcess(aitrailBinary, ["eval", "run", "--name", "unit", "--", "true"], in: repo.path,
                                 environment: ["GIT_CONFIG_NOSYSTEM": "1"], removing: agentEnvironment)
        #expect(run.status == 0)
        let pendingFolder = repo.path + "/.git/aitrail/pending"
        #expect(try FileManager.default.contentsOfDirectory(atPath: pendingFolder).count == 1)
        // Another record, for a tree never committed, must stay pending; one that waited more than
        // 30 days for its tree is deleted.
        let repository = try Repository(discovering: repo.path)
        let now = Timestamp.now()
        let unrelated = EvidenceRecord(kind: .command, tree: String(repeating: "a", count: 40), passed: true,
                                       at: Timestamp.format(now - 29 * 86_400))
        _ = try PendingEvidence.save(unrelated, in: repository)
        let abandoned = EvidenceRecord(kind: .command, tree: String(repeating: "b", count: 40), passed: true,
                                       at: Timestamp.format(now - 31 * 86_400))
        _ = try PendingEvidence.save(abandoned, in: repository)
        #expect(PendingEvidence.records(in: repository).count == 3)

        try repo.git(["commit", "-q", "-am", "v2"])
        let commit = try #require(ObjectID(hex: repo.head()))
        #expect(try PendingEvidence.attach(toCommit: commit, repository: repository, now: now) == 1)

        let records = try Ledger(repository: repository).records(on: commit).records.compactMap(\.evidence)
        #expect(records.count == 1)
        #expect(records.first?.name == "unit")
        #expect(records.first?.tree == (try repo.revParse("HEAD^{tree}")))
        let left = PendingEvidence.records(in: repository)
        #expect(left.map(\.record.tree) == [String(repeating: "a", count: 40)])
        #expect(try PendingEvidence.attach(toCommit: commit, repository: repository) == 0)
    }

    private func facts(_ id: String, ai: Bool, tree: String, evidence: [EvidenceRecord] = []) -> CommitFacts {
        CommitFacts(
            id: id, subject: "s", tree: tree, author: Identity(name: "A", email: "a@example.com"),
            classification: Classification(ai ? [Attribution(agent: "codex", source: .trailer, marker: "m")] : []),
            evidence: evidence)
    }

    @Test func rulesLatestRecordOfAKindDecides() {
        let tree = String(repeating: "1", count: 40)
        let failed = EvidenceRecord(kind: .command, tree: tree, passed: false, at: "2026-01-01T00:00:00Z")
        let passed = EvidenceRecord(kind: .command, tree: tree, passed: true, at: "2026-01-02T00:00:00Z")
        let rules = CheckRules(policy: Policy(), now: Timestamp.parse("2026-01-03T00:00:00Z")!)
        #expect(rules.evaluate([facts("c1", ai: true, tree: tree, evidence: [passed, failed])]).findings.isEmpty)
        #expect(rules.evaluate([facts("c1", ai: true, tree: tree, evidence: [failed])]).findings.map(\.rule) == [.evidenceFailed])
        let review = EvidenceRecord(kind: .review, tree: tree, passed: true, at: "2026-01-02T00:00:00Z")
        #expect(rules.evaluate([facts("c1", ai: true, tree: tree, evidence: [failed, review])]).findings.map(\.rule) == [.evidenceFailed])
    }

    @Test func requireNoneAndAll() {
        var policy = Policy()
        policy.evidence.require = .none
        #expect(CheckRules(policy: policy, now: 0).evaluate([facts("c1", ai: true, tree: "t")]).findings.isEmpty)
        policy.evidence.require = .all
        let outcome = CheckRules(policy: policy, now: 0).evaluate([facts("c1", ai: false, tree: "t")])
        #expect(outcome.findings.map(\.rule) == [.evidenceMissing])
        #expect(outcome.standings["c1"] == .missing)
    }
}
