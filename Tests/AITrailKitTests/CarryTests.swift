@testable import AITrailKit
import Git
import Testing
import TestSupport

@Suite struct CarryTests {
    static let old = ObjectID(hex: String(repeating: "1", count: 40))!
    static let usage = UsageRecord(agent: "claude-code", model: "claude-opus-4.6", tools: [], source: "env",
                                   at: "2026-11-25T20:05:00Z", files: 2, insertions: 10, deletions: 1, aitrail: "0.1.0")
    static let evidence = EvidenceRecord(kind: .command, tree: "4b825dc642cb6eb9a060e54bf8d69288fbee4904", passed: true,
                                         at: "2026-11-25T20:05:00Z", command: ["swift", "test"], exit: 0)

    @Test func carriedRecordsAreMarkedAndKeepTheirTree() {
        let records = Carry.carried([.usage(Self.usage), .evidence(Self.evidence), .other(type: "future", line: #"{"type":"future"}"#)],
                                    from: Self.old)
        #expect(records.count == 2, "a record of an unknown type cannot be marked, so it is not carried")
        #expect(CanonicalJSON.line(records[0]) ==
            #"{"agent":"claude-code","aitrail":"0.1.0","at":"2026-11-25T20:05:00Z","carried":{"from":"1111111111111111111111111111111111111111"},"deletions":1,"files":2,"insertions":10,"model":"claude-opus-4.6","source":"env","tools":[],"type":"usage","v":1}"#)
        #expect(CanonicalJSON.line(records[1]) ==
            #"{"at":"2026-11-25T20:05:00Z","carried":{"from":"1111111111111111111111111111111111111111"},"command":["swift","test"],"exit":0,"kind":"command","passed":true,"tree":"4b825dc642cb6eb9a060e54bf8d69288fbee4904","type":"evidence","v":1}"#)
        // Read back, the mark survives (both the fast path and JSONDecoder).
        let parsed = CanonicalJSON.parseNote(records.map(CanonicalJSON.line).joined(separator: "\n")).records
        #expect(parsed == records)
        // Carried again (a rebase of a squash), a record keeps the commit it was first noted on.
        let again = Carry.carried(records, from: ObjectID(hex: String(repeating: "2", count: 40))!)
        #expect(again == records)
    }

    @Test func theAuditCountsCarriedUsageAsSourceCarried() {
        var carried = Self.usage
        carried.carried = CarriedFrom(from: Self.old.hex)
        var findings = NoteFindings()
        findings.addAITrailNote(CanonicalJSON.encode(carried), tree: "t", registry: AgentRegistry.builtin, now: Timestamp.now())
        #expect(findings.attributions.map(\.source) == [.carried])
        #expect(findings.attributions.first?.agent == "claude-code")
        var plain = NoteFindings()
        plain.addAITrailNote(CanonicalJSON.encode(Self.usage), tree: "t", registry: AgentRegistry.builtin, now: Timestamp.now())
        #expect(plain.attributions.map(\.source) == [.note])
        // The audit cache keeps sources as bits in one byte: `carried` round-trips.
        let all = AttributionSource.allCases
        #expect(CommitTable.sourceSets[(1 << all.count) - 1] == all)
    }

    @Test(arguments: [
        ("Add the carry command (#12)", 12), ("Fix (#7) in a subject (#1234)", 1234), ("  Title (#3)  ", 3),
        ("Title (#)", nil), ("Title (#12a)", nil), ("Title #12", nil), ("Revert \"x (#5)\"", nil), ("(#12) at the start", nil),
    ] as [(String, Int?)])
    func gitHubSquashSubjects(subject: String, number: Int?) {
        #expect(CIMergeFinder.gitHubPullRequest(subject) == number)
    }

    @Test func gitLabMergeCommitMessages() {
        #expect(CIMergeFinder.gitLabMergeRequest("Merge branch 'feat' into 'main'\n\nAdd x\n\nSee merge request group/project!42") == 42)
        #expect(CIMergeFinder.gitLabMergeRequest("Merge branch 'feat'\n\nSee merge request group/sub/project!7\n") == 7)
        #expect(CIMergeFinder.gitLabMergeRequest("Merge branch 'feat'\n\nsee merge request !7 in prose") == nil)
        #expect(CIMergeFinder.gitLabMergeRequest("See merge request group/project!x") == nil)
    }

    /// main and a feature branch of three commits with notes, rebased onto a moved main.
    struct Rebased {
        let repo: TestRepository
        let carry: Carry
        let feature: [ObjectID]
        let rebased: [ObjectID]

        init(conflictingContext: Bool = false) throws {
            repo = try TestRepository()
            try repo.commit("initial", file: "shared.txt", contents: "a\nb\nc\nd\ne\nf\ng\nh\n")
            try repo.git(["checkout", "-q", "-b", "feature"])
            var feature: [ObjectID] = []
            feature.append(ObjectID(hex: try repo.commit("one", file: "one.txt"))!)
            feature.append(ObjectID(hex: try repo.commit("two", file: "shared.txt", contents: "a\nb\nc\nd\ne\nf\ng\nH\n"))!)
            feature.append(ObjectID(hex: try repo.commit("three", file: "three.txt"))!)
            try repo.git(["checkout", "-q", "main"])
            // main moves: a change near line 8 alters the context of "two", so its patch id changes.
            try repo.commit("main moves", file: "shared.txt", contents: conflictingContext ? "a\nb\nc\nd\ne\nF\ng\nh\n" : "A\nb\nc\nd\ne\nf\ng\nh\n")
            try repo.git(["checkout", "-q", "-b", "rebased", "feature"])
            try repo.git(["rebase", "-q", "main"], environment: ["GIT_COMMITTER_DATE": "2030-01-01T00:00:00Z"])
            let rebasedIDs = try repo.git(["rev-list", "--reverse", "main..rebased"]).split(separator: "\n").map { ObjectID(hex: String($0))! }
            self.feature = feature
            self.rebased = rebasedIDs
            let repository = try Repository(discovering: repo.path)
            carry = Carry(ledger: Ledger(repository: repository))
            for (index, commit) in feature.enumerated() {
                var record = CarryTests.usage
                record.files = index + 1
                try carry.ledger.append([.usage(record)], to: commit, message: "test")
            }
        }
    }

    @Test func aRebaseIsPairedByPatchIDThenAuthorAndMessage() throws {
        let setup = try Rebased(conflictingContext: true)
        #expect(setup.rebased.count == 3)
        let plan = try setup.carry.rebase(setup.feature, onto: setup.rebased)
        #expect(plan.moves == zip(setup.feature, setup.rebased).map { Carry.Move(from: $0, onto: $1) })
        #expect(plan.matches[plan.moves[0]] == .patchID)
        #expect(plan.matches[plan.moves[1]] == .authorAndMessage, "the rebase changed the context of this patch")
        #expect(plan.matches[plan.moves[2]] == .patchID)
        #expect(plan.unmatched.isEmpty)

        let written = try setup.carry.apply(plan)
        #expect(written.map(\.added) == [1, 1, 1])
        for (index, commit) in setup.rebased.enumerated() {
            let records = try setup.carry.ledger.records(on: commit).records
            #expect(records.compactMap(\.usage).map(\.files) == [index + 1])
            #expect(records.first?.usage?.carried == CarriedFrom(from: setup.feature[index].hex))
        }
        // Twice: nothing new, no new notes commit.
        let tip = try setup.carry.repository.referenceTarget(Ledger.ref)
        #expect(try setup.carry.apply(plan).map(\.added) == [0, 0, 0])
        #expect(try setup.carry.repository.referenceTarget(Ledger.ref) == tip)
    }

    @Test func whatNoKeyMatchesIsPairedByOrderOnlyWhenAsManyAreLeft() throws {
        let setup = try Rebased()
        // Reworded copies: the patch ids still match.
        let byPatch = try setup.carry.rebase(setup.feature, onto: setup.rebased)
        #expect(byPatch.moves.count == 3 && byPatch.matches.values.allSatisfy { $0 == .patchID })
        // Two commits against one unrelated commit: not paired, reported as unmatched.
        let main = try setup.carry.repository.resolveCommit("main")
        let lopsided = try setup.carry.rebase(Array(setup.feature.prefix(2)), onto: [main])
        #expect(lopsided.moves.isEmpty && lopsided.unmatched == Array(setup.feature.prefix(2)))
        // One against one: paired by order, unless order is not allowed.
        let one = try setup.carry.rebase([setup.feature[0]], onto: [main])
        #expect(one.moves == [Carry.Move(from: setup.feature[0], onto: main)] && one.matches[one.moves[0]] == .order)
        #expect(try setup.carry.rebase([setup.feature[0]], onto: [main], byOrder: false).moves.isEmpty)
    }

    @Test func commitsAlreadyInTheHistoryAreNotCarried() throws {
        let setup = try Rebased()
        let plan = try setup.carry.squash(setup.feature, onto: setup.feature[2])
        #expect(plan.moves.isEmpty)
        #expect(plan.alreadyContained == setup.feature)
        // The first-parent tail of the rebased branch is its three copies.
        #expect(try setup.carry.firstParentTail(setup.rebased[2], count: 3) == setup.rebased)
        #expect(try setup.carry.commits("main..feature") == setup.feature)
        #expect(throws: AITrailError.self) { try setup.carry.commits("main..no-such-branch") }
    }

    @Test func aSquashUnionsWithTheTargetsOwnNote() throws {
        let setup = try Rebased()
        let squash = try setup.carry.repository.resolveCommit("main")
        var own = Self.usage
        own.agent = "codex"
        try setup.carry.ledger.append([.usage(own)], to: squash, message: "own")
        let written = try setup.carry.apply(try setup.carry.squash(setup.feature, onto: squash))
        #expect(written == [Carry.Written(onto: squash, from: setup.feature, added: 3, offered: 3)])
        let records = try setup.carry.ledger.records(on: squash).records.compactMap(\.usage)
        #expect(records.map(\.agent) == ["codex", "claude-code", "claude-code", "claude-code"])
        #expect(records.first?.carried == nil)
    }
}
