@testable import AITrailKit
import Git
import Testing

@Suite struct AuditNoteTests {
    let registry = AgentRegistry.builtin

    @Test func usageRecordsAttributeTheCommitWithSourceNote() {
        var findings = NoteFindings()
        let note = #"{"agent":"claude-code","aitrail":"0.1.0","at":"2026-01-01T00:00:00Z","deletions":1,"files":1,"insertions":2,"model":"Claude Opus 4.6","source":"env","tools":[],"type":"usage","v":1}"#
        findings.addAITrailNote(note + "\nnot json\n", tree: "t", registry: registry)
        #expect(findings.attributions.map(\.agent) == ["claude-code"])
        #expect(findings.attributions.map(\.model) == ["claude-opus-4.6"])
        #expect(findings.attributions.map(\.source) == [.note])
        #expect(findings.evidence == .none)
    }

    @Test(arguments: [
        (["t1:true:2026-01-01T00:00:00Z"], EvidenceStatus.passed),
        (["t1:false:2026-01-01T00:00:00Z"], .failed),
        (["t2:true:2026-01-01T00:00:00Z"], .stale),
        (["t1:false:2026-01-01T00:00:00Z", "t1:true:2026-01-02T00:00:00Z"], .passed),
        (["t1:true:2026-01-02T00:00:00Z", "t1:false:2026-01-01T00:00:00Z"], .passed),
        (["t1:true:2026-01-01T00:00:00Z", "t1:false:2026-01-01T00:00:00Z"], .failed),
        (["t2:true:2026-01-01T00:00:00Z", "t1:false:2026-01-01T00:00:00Z"], .failed),
    ])
    func evidenceStatusComesFromRecordsForTheCommitsTree(records: [String], expected: EvidenceStatus) {
        let lines = records.map { spec -> String in
            let parts = spec.split(separator: ":", maxSplits: 2).map(String.init)
            return CanonicalJSON.line(.evidence(EvidenceRecord(kind: .command, tree: parts[0], passed: parts[1] == "true", at: parts[2])))
        }
        var findings = NoteFindings()
        findings.addAITrailNote(lines.joined(separator: "\n"), tree: "t1", registry: registry)
        #expect(findings.evidence == expected)
        #expect(findings.attributions.isEmpty)
    }

    @Test func gitAINotesNameToolAndModel() {
        let note = """
        src/main.rs
          a1b2c3d4 1-10,12
        ---
        {"schema_version":"authorship/3.0.0","base_commit_sha":"abc","prompts":{"a1b2c3d4":{"agent_id":{"tool":"cursor","id":"x","model":"claude-4-sonnet"},"human_author":"Jane"},"e5f6":{"agent_id":{"tool":"claude","model":"claude-opus-4-6"}},"broken":{"agent_id":7}}}
        """
        var findings = NoteFindings()
        findings.addGitAINote(note, registry: registry)
        #expect(Set(findings.attributions.map(\.agent)) == ["cursor", "claude-code"])
        #expect(Set(findings.attributions.compactMap(\.model)) == ["claude-4-sonnet", "claude-opus-4-6"])
        #expect(findings.attributions.allSatisfy { $0.source == .note })
    }

    @Test(arguments: ["", "---\n", "no json at all", "---\n{\"prompts\": 3}", "x\n---\n{not json"])
    func malformedGitAINotesAreIgnored(note: String) {
        var findings = NoteFindings()
        findings.addGitAINote(note, registry: registry)
        #expect(findings.attributions.isEmpty)
    }
}

@Suite struct AuditPeriodTests {
    @Test(arguments: [
        (AuditPeriod.month, "2025-02-14T10:00:00Z", "2025-02"),
        (.quarter, "2025-02-14T10:00:00Z", "2025-Q1"),
        (.quarter, "2025-12-31T23:59:59Z", "2025-Q4"),
        (.week, "2025-02-14T10:00:00Z", "2025-W07"),
        (.week, "2024-12-30T00:00:00Z", "2025-W01"),
        (.week, "2021-01-03T12:00:00Z", "2020-W53"),
        (.week, "2026-01-01T00:00:00Z", "2026-W01"),
    ])
    func labels(period: AuditPeriod, time: String, label: String) {
        let start = period.start(of: Timestamp.parse(time)!)
        #expect(period.label(start) == label)
        #expect(period.start(of: period.next(after: start)) == period.next(after: start))
        #expect(period.next(after: start) > Timestamp.parse(time)!)
    }

    @Test func trendFillsEmptyPeriods() {
        let author = Identity(name: "A", email: "a@x")
        func commit(_ time: String, ai: Bool) -> AuditedCommit {
            AuditedCommit(id: ObjectID(hex: String(repeating: "a", count: 40))!, commitTime: 0, authorTime: Timestamp.parse(time)!,
                          author: author, isMerge: false, agents: ai ? ["codex"] : [], models: [], sources: ai ? [.trailer] : [],
                          evidence: .none)
        }
        let report = AuditReport(commits: [commit("2025-04-02T00:00:00Z", ai: true), commit("2025-01-15T00:00:00Z", ai: false)], scope: "HEAD")
        #expect(report.byPeriod.map(\.key) == ["2025-01", "2025-02", "2025-03", "2025-04"])
        #expect(report.byPeriod.map(\.aiCommits) == [0, 0, 0, 1])
        #expect(report.totals.aiShare == 0.5)
    }
}

@Suite struct AuditCacheTests {
    func sample() -> AuditCache {
        var cache = AuditCache()
        let a = ObjectID(hex: String(repeating: "1", count: 40))!, b = ObjectID(hex: String(repeating: "2", count: 40))!
        cache.store(CachedCommit(id: a, commitTime: 10, authorTime: 9, authorName: "Jane", authorEmail: "j@x", isMerge: false,
                                 agents: ["claude-code"], models: ["claude-opus-4.6"], sources: [.trailer, .note], evidence: .passed,
                                 insertions: 3, deletions: 1, aitrailNote: b, aiNote: nil))
        cache.store(CachedCommit(id: b, commitTime: 5, authorTime: 5, authorName: "Søren", authorEmail: "s@x", isMerge: true,
                                 agents: [], models: [], sources: [], evidence: .none, insertions: -1, deletions: -1,
                                 aitrailNote: nil, aiNote: a))
        cache.remember(CachedWalk(key: "all-parents", tips: [a], commits: [0, 1]))
        return cache
    }

    @Test func roundTrips() throws {
        let bytes = sample().encode(fingerprint: "fp")
        var decoded = try #require(AuditCache.decode(bytes, fingerprint: "fp"))
        #expect(decoded.records.count == 2)
        let first = decoded.records[0]
        #expect(first.agents == ["claude-code"] && first.models == ["claude-opus-4.6"] && first.sources == [.trailer, .note])
        #expect(first.evidence == .passed && first.insertions == 3 && first.deletions == 1)
        #expect(first.aitrailNote == decoded.records[1].id && first.aiNote == nil)
        #expect(decoded.records[1].authorName == "Søren" && decoded.records[1].isMerge && !decoded.records[1].hasLines)
        #expect(decoded.walks.first?.commits == [0, 1])
        #expect(decoded.index(of: first.id) == 0)
    }

    @Test func anotherFingerprintOrAnyDamageIsIgnored() {
        let bytes = sample().encode(fingerprint: "fp")
        #expect(AuditCache.decode(bytes, fingerprint: "other") == nil)
        #expect(AuditCache.decode(Array(bytes.dropLast()), fingerprint: "fp") == nil)
        #expect(AuditCache.decode([], fingerprint: "fp") == nil)
        for position in stride(from: 0, to: bytes.count, by: 7) {
            var damaged = bytes
            damaged[position] ^= 0x5A
            #expect(AuditCache.decode(damaged, fingerprint: "fp") == nil)
        }
    }
}
