import AITrailKit
import Git
import Testing
import TestSupport

@Suite struct LedgerTests {
    @Test func recordsAreCanonicalJSON() {
        let usage = UsageRecord(agent: "claude-code", model: "claude-opus-4.6", tools: [], source: "env",
                                at: "2026-11-25T20:05:00Z", files: 2, insertions: 10, deletions: 1, aitrail: "0.1.0")
        #expect(CanonicalJSON.line(.usage(usage)) ==
            #"{"agent":"claude-code","aitrail":"0.1.0","at":"2026-11-25T20:05:00Z","deletions":1,"files":2,"insertions":10,"model":"claude-opus-4.6","source":"env","tools":[],"type":"usage","v":1}"#)
        let evidence = EvidenceRecord(kind: .command, tree: "4b825dc642cb6eb9a060e54bf8d69288fbee4904", passed: true,
                                      at: "2026-11-25T20:05:00Z", command: ["swift", "test"], exit: 0, durationMs: 1200)
        #expect(CanonicalJSON.line(.evidence(evidence)) ==
            #"{"at":"2026-11-25T20:05:00Z","command":["swift","test"],"duration_ms":1200,"exit":0,"kind":"command","passed":true,"tree":"4b825dc642cb6eb9a060e54bf8d69288fbee4904","type":"evidence","v":1}"#)
    }

    @Test func parsingKeepsUnknownTypesAndReportsMalformedLines() {
        let text = """
        {"agent":"codex","aitrail":"0.1.0","at":"2026-11-25T20:05:00Z","deletions":0,"files":1,"insertions":1,"source":"env","tools":[],"type":"usage","v":1}
        not json at all
        {"type":"future-thing","v":9}
        {"type":"evidence","v":1,"kind":"command"}
        {"v":1}

        """
        let (records, malformed) = CanonicalJSON.parseNote(text)
        #expect(records.count == 2)
        #expect(records[0].usage?.agent == "codex")
        #expect(records[1] == .other(type: "future-thing", line: #"{"type":"future-thing","v":9}"#))
        #expect(malformed.map(\.line) == [2, 4, 5])
    }

    @Test func appendAndReadBackThroughGit() throws {
        let repo = try TestRepository()
        let id = try #require(ObjectID(hex: repo.commit("one")))
        let opened = try Repository(discovering: repo.path)
        let ledger = Ledger(repository: opened)
        let usage = UsageRecord(agent: "codex", model: nil, tools: [], source: "env", at: Timestamp.format(0),
                                files: 1, insertions: 1, deletions: 0)
        try ledger.append([.usage(usage)], to: id, message: "aitrail: usage for \(id.short)")
        try ledger.append([.usage(usage)], to: id, message: "again")
        #expect(try ledger.records(on: id).records == [.usage(usage)])
        #expect(try repo.git(["log", "-1", "--format=%an <%ae>", "refs/notes/aitrail"]) == "Test User <test@example.com>\n")
    }

    @Test func timestampsRoundTrip() {
        #expect(Timestamp.format(1_764_101_100) == "2025-11-25T20:05:00Z")
        #expect(Timestamp.parse("2025-11-25T20:05:00Z") == 1_764_101_100)
        #expect(Timestamp.parse("2025-11-25T21:05:00+01:00") == 1_764_101_100)
        #expect(Timestamp.parse("2025-11-25T20:05:00.123Z") == 1_764_101_100)
        #expect(Timestamp.parse("yesterday") == nil)
    }
}

@Suite struct SubprocessTests {
    @Test func capturesOutputAndStatus() throws {
        let output = try Subprocess.capture(["sh", "-c", "printf out; printf err >&2; exit 3"])
        #expect(output.status == 3)
        #expect(output.stdoutText == "out")
        #expect(output.stderrText == "err")
    }

    @Test func largeOutputOnBothPipesDoesNotDeadlock() throws {
        let output = try Subprocess.capture(["sh", "-c", "head -c 300000 /dev/zero; head -c 300000 /dev/zero >&2"])
        #expect(output.stdout.count == 300_000)
        #expect(output.stderr.count == 300_000)
    }

    @Test func missingProgramIsAnError() {
        #expect(throws: Subprocess.LaunchError.self) { try Subprocess.capture(["no-such-program-aitrail"]) }
    }

    @Test func signalIsReportedAsShellsDo() throws {
        #expect(try Subprocess.capture(["sh", "-c", "kill -TERM $$"]).status == 128 + 15)
    }
}
