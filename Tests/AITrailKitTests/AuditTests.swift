@testable import AITrailKit
import Git
import Testing
import TestSupport

@Suite struct AuditNoteTests {
    let registry = AgentRegistry.builtin

    @Test func usageRecordsAttributeTheCommitWithSourceNote() {
        var findings = NoteFindings()
        let note = #"{"agent":"claude-code","aitrail":"0.1.0","at":"2026-01-01T00:00:00Z","deletions":1,"files":1,"insertions":2,"model":"Claude Opus 4.6","source":"env","tools":[],"type":"usage","v":1}"#
        findings.addAITrailNote(note + "\nnot json\n", tree: "t", registry: registry, now: Timestamp.now())
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
        findings.addAITrailNote(lines.joined(separator: "\n"), tree: "t1", registry: registry, now: Timestamp.now())
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
        #expect(Set(findings.attributions.compactMap(\.model)) == ["claude-4-sonnet", "claude-opus-4.6"])
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
                                 agents: [], models: [], reviewBots: ["coderabbitai", "gemini-code-assist"], sources: [],
                                 evidence: .none, insertions: -1, deletions: -1, aitrailNote: nil, aiNote: a))
        cache.remember(CachedWalk(key: "all-parents", tips: [a], commits: [0, 1]))
        return cache
    }

    @Test func roundTrips() throws {
        let bytes = sample().encoded(fingerprint: "fp")
        var decoded = try #require(AuditCache.decode(bytes, fingerprint: "fp"))
        #expect(decoded.count == 2)
        let first = decoded.record(0)
        #expect(first.agents == ["claude-code"] && first.models == ["claude-opus-4.6"] && first.sources == [.trailer, .note])
        #expect(first.evidence == .passed && first.insertions == 3 && first.deletions == 1)
        let second = decoded.record(1)
        #expect(first.aitrailNote == second.id && first.aiNote == nil && second.aiNote == first.id)
        #expect(second.authorName == "Søren" && second.isMerge && !second.hasLines && second.sources.isEmpty)
        #expect(first.reviewBots.isEmpty && second.reviewBots == ["coderabbitai", "gemini-code-assist"])
        #expect(decoded.walks.first?.commits == [0, 1])
        #expect(decoded.index(of: first.id) == 0)
    }

    /// A record whose review-bot list points outside the lists is a damaged file: ignored.
    @Test func aReviewBotListOutsideTheTablesIsRejected() throws {
        var bytes = sample().encoded(fingerprint: "fp")
        let recordsStart = bytes.count - 8 - 2 * CommitTable.recordSize
        bytes[recordsStart + 60] = 0xFF  // the review-bot list, at 60 in the on-disk record (CommitTable)
        let sum = AuditCache.checksum(Array(bytes[..<(bytes.count - 8)]))
        for index in 0..<8 { bytes[bytes.count - 8 + index] = UInt8(truncatingIfNeeded: sum >> (8 * UInt64(index))) }
        #expect(AuditCache.decode(bytes, fingerprint: "fp") == nil)
        #expect(AuditCache.decode(sample().encoded(fingerprint: "fp"), fingerprint: "fp") != nil)
    }

    @Test func checksumIsXXHash64FedInAnyParts() {
        #expect(AuditCache.checksum([]) == 0xEF46_DB37_51D8_E999)
        #expect(AuditCache.checksum(Array("abc".utf8)) == 0x44BC_2CF5_AD77_0999)
        let long = (0..<1000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        #expect(AuditCache.checksum(long) == 0x2527_5608_A9CF_C168)
        var parts = Checksum()
        for range in [0..<13, 13..<45, 45..<46, 46..<1000] { parts.add(Array(long[range])) }
        #expect(parts.value == 0x2527_5608_A9CF_C168)
    }

    @Test func manyRecordsAreFoundAndReplacedByID() {
        var cache = AuditCache()
        // Ids alike in their first bytes: the index must cope with every one landing in the same place.
        func id(_ number: Int) -> ObjectID {
            let digits = String(number, radix: 16)
            return ObjectID(hex: String(repeating: "0", count: 40 - digits.count) + digits)!
        }
        for number in 0..<3000 {
            cache.store(CachedCommit(id: id(number), commitTime: Int64(number), authorTime: 0, authorName: "A\(number % 7)", authorEmail: "a@x",
                                     isMerge: false, agents: number % 3 == 0 ? ["codex"] : [], models: [], sources: [], evidence: .none,
                                     insertions: -1, deletions: -1, aitrailNote: nil, aiNote: nil))
        }
        cache.store(CachedCommit(id: id(1234), commitTime: 1, authorTime: 0, authorName: "B", authorEmail: "b@x", isMerge: true,
                                 agents: [], models: [], sources: [.note], evidence: .stale, insertions: 1, deletions: 2, aitrailNote: id(1), aiNote: nil))
        #expect(cache.count == 3000)
        #expect((0..<3000).allSatisfy { cache.index(of: id($0)) == Int32($0) })
        let replaced = cache.record(1234)
        #expect(replaced.authorName == "B" && replaced.evidence == .stale && replaced.insertions == 1 && replaced.aitrailNote == id(1))
        #expect(cache.record(1233).authorName == "A1" && cache.record(1233).aitrailNote == nil && cache.record(3).agents == ["codex"])
        let decoded = AuditCache.decode(cache.encoded(fingerprint: "fp"), fingerprint: "fp")
        #expect(decoded?.record(1234).authorName == "B" && decoded?.record(2999).commitTime == 2999)
    }

    /// A loaded cache uses the mapped file in place: new records go into the room after it (and
    /// beyond, once that is full), a replaced record changes only memory, and saving writes it all.
    @Test func aMappedCacheGrowsAndChangesOnlyInMemoryUntilSaved() throws {
        let path = try makeTemporaryDirectory() + "/cache/audit"
        func id(_ number: Int) -> ObjectID {
            let digits = String(number, radix: 16)
            return ObjectID(hex: String(repeating: "0", count: 8 - digits.count) + digits + String(repeating: "e", count: 32))!
        }
        func commit(_ number: Int, author: String = "A") -> CachedCommit {
            CachedCommit(id: id(number), commitTime: Int64(number), authorTime: Int64(number), authorName: author, authorEmail: "a@x",
                         isMerge: false, agents: number % 5 == 0 ? ["codex"] : [], models: [], sources: [], evidence: .none,
                         insertions: -1, deletions: -1, aitrailNote: nil, aiNote: nil)
        }
        var cache = AuditCache()
        for number in 0..<100 { cache.store(commit(number)) }
        try cache.save(path: path, fingerprint: "fp")
        let saved = try FileSystem.read(path)

        var loaded = try #require(AuditCache.load(path: path, fingerprint: "fp"))
        loaded.store(commit(7, author: "B"))
        #expect(try FileSystem.read(path) == saved)
        // More than the spare room after the mapping holds.
        for number in 100..<20_100 { loaded.store(commit(number)) }
        #expect(loaded.count == 20_100 && loaded.record(7).authorName == "B" && loaded.record(20_099).commitTime == 20_099)
        try loaded.save(path: path, fingerprint: "fp")

        var again = try #require(AuditCache.load(path: path, fingerprint: "fp"))
        #expect(again.count == 20_100 && again.index(of: id(15_000)) == 15_000)
        #expect(again.record(7).authorName == "B" && again.record(10).agents == ["codex"] && again.record(11).agents.isEmpty)
        #expect(AuditCache.load(path: path, fingerprint: "other") == nil)
    }

    /// The cache's fingerprint writes every field of every agent: a change to any of them
    /// invalidates cached classifications.
    @Test func everyAgentFieldChangesTheFingerprint() {
        let agent = Agent(
            id: "tool", name: "Tool", environment: [EnvironmentMarker("TOOL", .equals("1"), modelVariable: "TOOL_MODEL")],
            coAuthors: [.email(.equals("tool@example.com"))], identities: [.name(.hasSuffix("[bot]"))], footers: ["Made by Tool"],
            trailers: [TrailerMarker("Tool-Session")], subjectPrefixes: ["tool: "], aliases: ["the tool"],
            coAuthorModel: .parenthesised)
        // Adding a field to Agent means writing it in `fingerprintText` and changing it below.
        #expect(Mirror(reflecting: agent).children.count == 11)
        var changed: [Agent] = []
        func change(_ body: (inout Agent) -> Void) {
            var copy = agent
            body(&copy)
            changed.append(copy)
        }
        changed.append(Agent(id: "tool2", name: agent.name, environment: agent.environment, coAuthors: agent.coAuthors,
                             identities: agent.identities, footers: agent.footers, trailers: agent.trailers,
                             subjectPrefixes: agent.subjectPrefixes, aliases: agent.aliases, coAuthorModel: agent.coAuthorModel))
        changed.append(Agent(id: agent.id, name: "Tool 2", environment: agent.environment, coAuthors: agent.coAuthors,
                             identities: agent.identities, footers: agent.footers, trailers: agent.trailers,
                             subjectPrefixes: agent.subjectPrefixes, aliases: agent.aliases, coAuthorModel: agent.coAuthorModel))
        change { $0.environment = [EnvironmentMarker("TOOL", .hasPrefix("1"), modelVariable: "TOOL_MODEL")] }
        change { $0.environment = [EnvironmentMarker("TOOL", .equals("1"))] }
        change { $0.coAuthors = [.email(.hasSuffix("tool@example.com"))] }
        change { $0.coAuthors = [.name(.equals("tool@example.com"))] }
        change { $0.identities = [.name(.contains("[bot]"))] }
        change { $0.footers = ["Made by Tool", "Made with Tool"] }
        change { $0.trailers = [TrailerMarker("Tool-Session", value: "x")] }
        change { $0.subjectPrefixes = ["tool:"] }
        change { $0.aliases = ["the tool", "tool"] }
        change { $0.coAuthorModel = .wholeName(unless: "Tool") }
        change { $0.footers = ["Made by \"Tool\""] }
        change { $0.kind = .reviewBot }
        let texts = [agent.fingerprintText] + changed.map(\.fingerprintText)
        #expect(Set(texts).count == texts.count, "\(texts)")
    }

    @Test func anotherFingerprintOrAnyDamageIsIgnored() {
        let bytes = sample().encoded(fingerprint: "fp")
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
