@testable import AITrailKit
import Git
import Testing
import TestSupport

/// What the commands print and decide beyond parsing their arguments, tested here without the
/// binary (the end-to-end tests in aitrailTests hold the commands to the same output).
@Suite struct CommandLogicTests {
    static let usage = UsageRecord(agent: "claude-code", model: "claude-opus-4.6", tools: ["edit"], source: "env",
                                   at: "2026-11-25T20:05:00Z", files: 2, insertions: 10, deletions: 1, aitrail: "0.1.0")
    static let evidence = EvidenceRecord(
        kind: .command, tree: "4b825dc642cb6eb9a060e54bf8d69288fbee4904", passed: true, at: "2026-11-25T20:06:00Z",
        name: "unit", command: ["swift", "test"], exit: 0, durationMs: 1250, by: "Ada <ada@example.com>")
    static let commit = ObjectID(hex: "0123456789abcdef0123456789abcdef01234567")!

    // MARK: aitrail log

    @Test func logLinesSayTypeAgentCountsAndCarriedOrigin() {
        #expect(LedgerRecord.usage(Self.usage).logLine
            == "usage     claude-code:claude-opus-4.6 edit (env) 2 files +10 -1 at 2026-11-25T20:05:00Z")
        var carried = Self.evidence
        carried.carried = CarriedFrom(from: "fedcba9876543210fedcba9876543210fedcba98")
        #expect(LedgerRecord.evidence(carried).logLine
            == "evidence  command passed tree 4b825dc unit at 2026-11-25T20:06:00Z by Ada <ada@example.com>, carried from fedcba9")
        #expect(LedgerRecord.other(type: "future", line: "{}").logLine == "future (a record type this aitrail does not know)")
    }

    @Test func logJSONIsAnArrayOfCommitAndCanonicalRecord() {
        #expect(LedgerEntry.json([]) == "[]")
        let entry = LedgerEntry(commit: Self.commit, records: [.usage(Self.usage), .evidence(Self.evidence)], malformed: [])
        let json = LedgerEntry.json([entry])
        let lines = json.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines.first == "[" && lines.last == "]")
        #expect(lines[1] == "{\"commit\":\"\(Self.commit.hex)\",\"record\":\(CanonicalJSON.line(.usage(Self.usage)))},")
        #expect(lines[2] == "{\"commit\":\"\(Self.commit.hex)\",\"record\":\(CanonicalJSON.line(.evidence(Self.evidence)))}")
    }

    // MARK: aitrail eval

    @Test func evidenceSummaryLineListsWhatWasRecorded() {
        #expect(Self.evidence.summaryLine
            == "passed  command  'unit'  `swift test`  exit 0  1.2s  by Ada <ada@example.com>  2026-11-25T20:06:00Z")
        let junit = EvidenceRecord(kind: .junit, tree: "4b825dc642cb6eb9a060e54bf8d69288fbee4904", passed: false, at: "2026-11-25T20:06:00Z",
                                   summary: EvidenceSummary(tests: 4, failures: 1, errors: 0, skipped: 2))
        #expect(junit.summaryLine == "failed  junit  4 tests, 1 failures, 0 errors, 2 skipped  2026-11-25T20:06:00Z")
    }

    @Test func evalListingMarksStaleRecordsAndPending() {
        var stale = Self.evidence
        stale.tree = "1111111111111111111111111111111111111111"
        let judgement = EvidenceVerdict.judge([Self.evidence, stale], tree: Self.evidence.tree, rules: EvidenceVerdict.Rules(now: 1_800_000_000))
        let listing = CommitEvidence(tree: Self.evidence.tree, records: [Self.evidence, stale], malformed: [], judgement: judgement)
        let text = listing.listing(of: Self.commit, pending: [stale])
        #expect(text == """
            0123456 (tree 4b825dc): 2 evidence records
              current  \(Self.evidence.summaryLine)
              stale (tree 1111111)  \(stale.summaryLine)
            verdict: passed
            pending (waiting for a commit of their tree):
              tree 1111111  \(stale.summaryLine)

            """)
    }

    // MARK: aitrail status

    @Test func noteTallyCountsRecordsByTypeAndMalformedLines() {
        var tally = NoteTally()
        tally.add(note: CanonicalJSON.line(.usage(Self.usage)) + "\n" + CanonicalJSON.line(.evidence(Self.evidence)) + "\n")
        #expect(tally.line == "notes: 1 commits in refs/notes/aitrail (1 usage, 1 evidence records)")
        tally.add(note: "not json\n{\"type\":\"future\",\"v\":2}\n")
        #expect(tally == {
            var expected = NoteTally()
            expected.commits = 2
            expected.usage = 1
            expected.evidence = 1
            expected.other = 1
            expected.malformed = 1
            return expected
        }())
        #expect(tally.line == "notes: 2 commits in refs/notes/aitrail (1 usage, 1 evidence records, 1 of other types, 1 malformed lines)")
    }

    @Test func tallyReadsEveryNoteOfTheLedger() throws {
        let repo = try TestRepository()
        let first = try #require(ObjectID(hex: repo.commit("one")))
        let second = try #require(ObjectID(hex: repo.commit("two")))
        let ledger = Ledger(repository: try Repository(discovering: repo.path))
        try ledger.append([.usage(Self.usage), .evidence(Self.evidence)], to: first, message: "test")
        try ledger.append([.evidence(Self.evidence)], to: second, message: "test")
        let tally = try ledger.tally()
        #expect(tally.commits == 2 && tally.usage == 1 && tally.evidence == 2 && tally.malformed == 0)
    }

    @Test func hookStatusLine() {
        let rows: [(HookInstaller.State, Bool, String)] = [
            (.current, false, "pre-push            aitrail (current)"),
            (.stale, false, "pre-push            aitrail (stale: run `aitrail install` to refresh it)"),
            (.foreign, false, "pre-push            another program's hook (not aitrail)"),
            (.missing, false, "pre-push            not installed"),
            (.current, true, "pre-push            aitrail (current), then-chained: pre-push.pre-aitrail runs first"),
        ]
        for (state, chained, line) in rows {
            #expect(HookInstaller.HookStatus(name: "pre-push", path: "/h/pre-push", state: state, chained: chained).statusLine == line)
        }
    }

    // MARK: aitrail session

    @Test func sessionStartSpellsTheAgentAndTimesTheEnd() throws {
        let session = Session.start(agent: " Claude-Code ", model: "Claude Opus 4.6", seconds: 3_600, registry: .builtin, now: 1_800_000_000)
        #expect(session == Session(agent: "claude-code", model: "claude-opus-4.6", started: "2027-01-15T08:00:00Z", expires: "2027-01-15T09:00:00Z"))
        #expect(session.startedLines(policy: .defaults)
            == ["session started: commits are tagged Assisted-by: claude-code:claude-opus-4.6 until 2027-01-15T09:00:00Z"])
        let custom = Session.start(agent: "acme-bot", model: "bad$model", seconds: 60, registry: .builtin, now: 0)
        #expect(custom.agent == "acme-bot" && custom.model == nil)
        #expect(custom.startedLines(policy: .defaults).last
            == "note: 'acme-bot' is not a known agent; declare it with [agent \"acme-bot\"] in .aitrail if that is intended")
    }

    // MARK: aitrail sync, carry

    @Test func syncOutcomeInWords() {
        #expect(NotesSync.Outcome(merged: false, pushed: false).describe(remote: "origin") == "notes already in sync with origin")
        #expect(NotesSync.Outcome(merged: true, pushed: false).describe(remote: "origin") == "took in the notes from origin")
        #expect(NotesSync.Outcome(merged: false, pushed: true).describe(remote: "origin") == "pushed the notes to origin")
        #expect(NotesSync.Outcome(merged: true, pushed: true).describe(remote: "up") == "merged the notes from up and pushed the union")
    }

    @Test func carryOutputOneLinePerTarget() {
        func id(_ c: Character) -> ObjectID { ObjectID(hex: String(repeating: c, count: 40))! }
        #expect(Carry.describe(Carry.Plan(), []) == "nothing to carry\n")
        var plan = Carry.Plan()
        plan.matches[Carry.Move(from: id("a"), onto: id("b"))] = .patchID
        plan.unmatched = [id("c")]
        plan.alreadyContained = [id("d")]
        let written = [
            Carry.Written(onto: id("b"), from: [id("a")], added: 2, offered: 2),
            Carry.Written(onto: id("e"), from: [id("f"), id("1")], added: 0, offered: 1),
            Carry.Written(onto: id("2"), from: [id("3")], added: 0, offered: 0),
        ]
        #expect(Carry.describe(plan, written) == """
            ddddddd is already in the merged history: its records stay where they are
            carried 2 records from aaaaaaa (by patch id) onto bbbbbbb
            eeeeeee already holds the 1 record of fffffff, 1111111: nothing to add
            3333333 has no records to carry onto 2222222
            not carried: ccccccc has no rebased copy among the new commits (carry it by hand: aitrail carry ccccccc <commit>)

            """)
    }

    // MARK: aitrail audit

    static let dates: [(text: String, seconds: Int64)] = [
        ("2026-01-02", 1_767_312_000),
        (" 2026-01-02 ", 1_767_312_000),
        ("2026-01-02T03:04:05Z", 1_767_323_045),
        ("2026-01-02T03:04:05+01:00", 1_767_319_445),
        ("@1700000000", 1_700_000_000),
        ("3 days ago", 1_800_000_000 - 3 * 86_400),
        ("1 week ago", 1_800_000_000 - 604_800),
        ("2 Hours ago", 1_800_000_000 - 7_200),
    ]

    @Test func datesAsUsersWriteThem() {
        for (text, seconds) in Self.dates {
            #expect(Timestamp.parseDate(text, now: 1_800_000_000) == seconds, "\(text)")
        }
    }

    @Test(arguments: ["", "yesterday", "2026-13", "3 fortnights ago", "x days ago", "@abc", "9223372036854775807 years ago"])
    func notDates(text: String) {
        #expect(Timestamp.parseDate(text, now: 1_800_000_000) == nil)
    }

    @Test func progressLineSaysRateAndTimeLeft() {
        #expect(AuditProgress.line(done: 500, total: 1500, elapsed: 2) == "audit: 500 of 1500 commits · 250/s · 4s left")
        #expect(AuditProgress.line(done: 0, total: 10, elapsed: 0) == "audit: 0 of 10 commits · 0/s · 0s left")
    }

    @Test func libgit2IsTunedForOnePass() {
        AuditRun.tuneLibgit2()
        #expect(Libgit2.objectCacheLimit == AuditRun.objectCacheBytes)
    }

    @Test func scopeNamesTheBranchOrTheDetachedCommit() throws {
        let repo = try TestRepository()
        let head = try repo.commit("one")
        let opened = try Repository(discovering: repo.path)
        #expect(AuditRun.scope(of: WalkOptions(revisions: []), in: opened, noBots: true, noMerges: false, since: "2026-01-01", until: nil)
            == "HEAD (main), since 2026-01-01, without bots")
        try repo.git(["checkout", "-q", "--detach"])
        #expect(AuditRun.scope(of: WalkOptions(revisions: []), in: try Repository(discovering: repo.path), noBots: false, noMerges: true,
                               since: nil, until: nil)
            == "HEAD (detached at \(head.prefix(7))), without merges")
    }

    // MARK: aitrail check --format github

    @Test func githubSummaryIsAppendedOnlyWhenAsked() throws {
        let range = CheckReport.RangeInfo(spelled: "a..b", source: "argument", base: "a", head: "b", mergeBase: "a")
        let report = CheckReport(aitrail: "0.1.0", range: range, policy: "defaults", scope: "head", commits: [], findings: [], notices: [])
        #expect(try CheckGitHubRenderer.appendSummary(report, environment: [:]) == false)
        let folder = try makeTemporaryDirectory()
        let path = folder + "/summary.md"
        try FileSystem.write(Array("earlier step\n".utf8), to: path)
        #expect(try CheckGitHubRenderer.appendSummary(report, environment: ["GITHUB_STEP_SUMMARY": path]))
        let written = String(decoding: try FileSystem.read(path), as: UTF8.self)
        #expect(written == "earlier step\n" + CheckMarkdownRenderer().render(report))
        // A first step creates the file.
        let fresh = folder + "/fresh.md"
        #expect(try CheckGitHubRenderer.appendSummary(report, environment: ["GITHUB_STEP_SUMMARY": fresh]))
        #expect(String(decoding: try FileSystem.read(fresh), as: UTF8.self) == CheckMarkdownRenderer().render(report))
    }

    // MARK: one error type

    @Test func errorsKeepTheirMessageAndFix() {
        let gate = AITrailError.cannotDecide("no range", fix: "pass one")
        #expect(gate.message == "no range" && gate.fix == "pass one" && gate.description == "no range\nfix: pass one")
        let carry = AITrailError.carry("cannot carry", fix: "fetch")
        #expect(carry.description == "cannot carry; fix: fetch")
        #expect(AITrailError.hook("bare").fix == nil && AITrailError.hook("bare").description == "bare")
        #expect(AITrailError.interrupted("stopped", status: 130).message == "stopped")
        #expect(AITrailError("x", fix: "y") == .cannotDecide("x", fix: "y"))
    }
}

/// The one trimming helper (Git's `Trimming.swift`), which replaced four.
@Suite struct TrimmingTests {
    @Test func trimsOnlyTheGivenCharactersAtEitherEnd() {
        #expect("  a b  ".trimmingCharacters(in: " ") == "a b")
        #expect("..v1.2..".trimmingCharacters(in: ".") == "v1.2")
        #expect("\tkey \n".trimmingCharacters(in: " \t\r\n") == "key", "CR and LF in the set each count alone")
        #expect("".trimmingCharacters(in: " ") == "")
        #expect("   ".trimmingCharacters(in: " ") == "")
    }

    @Test func trimmingSpacesDropsSpacesTabsAndLineEnds() {
        #expect(" \t Ada Lovelace \n".trimmingSpaces == "Ada Lovelace")
        #expect("refs/heads/main\n".trimmingSpaces == "refs/heads/main")
        #expect("ü ".trimmingSpaces == "ü")
    }
}
