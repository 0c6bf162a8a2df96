@testable import AITrailKit
import Git
import Testing

@Suite struct BlameParserTests {
    static let a = String(repeating: "a", count: 40), b = String(repeating: "b", count: 40)

    /// git's porcelain: a group header with a count, the commit's fields once, then each line.
    @Test func porcelainAndIncrementalGiveTheSameLines() throws {
        let porcelain = """
        \(Self.a) 1 1 2
        author Ann
        author-mail <ann@example.com>
        author-time 1700000000
        summary First
        boundary
        filename "g\\303\\266\\"x\\".txt"
        \tone\r
        \(Self.a) 2 2
        \ttwo
        \(Self.b) 7 3 1
        author Bob
        author-mail <bob@example.com>
        author-time 1700000100
        summary Second
        previous \(Self.a) old.txt
        filename old.txt
        \tthree

        """
        let incremental = """
        \(Self.b) 7 3 1
        author Bob
        summary Second
        filename old.txt
        \(Self.a) 1 1 2
        author Ann
        boundary
        filename "g\\303\\266\\"x\\".txt"

        """
        let full = try #require(GitBlame.parse(Array(porcelain.utf8), incremental: false))
        let light = try #require(GitBlame.parse(Array(incremental.utf8), incremental: true))
        #expect(full.lines.map { full.commits[$0.commit].id.hex } == [Self.a, Self.a, Self.b])
        #expect(light.lines.map { light.commits[$0.commit].id.hex } == [Self.a, Self.a, Self.b])
        #expect(full.lines.map(\.originalLine) == [1, 2, 7])
        #expect(full.lines.map(\.originalPath) == ["gö\"x\".txt", "gö\"x\".txt", "old.txt"])
        #expect(full.ranges == light.ranges)
        #expect(full.lines[0].content == Array("one\r".utf8))
        #expect(full.commits[0].boundary && !full.commits[1].boundary)
        #expect(full.commits[1].author == "Bob" && full.commits[1].authorTime == 1_700_000_100)
    }

    @Test func malformedOutputIsNilNotACrash() {
        for text in ["garbage\n", "\(Self.a) x 1 1\n", "\(Self.a) 1 1 1\nauthor A\n", "\(Self.a) 1 2 1\nfilename f\n\tline\n",
                     "\tcontent without header\n", "\(Self.a) 1 1\nnovalue\n"] {
            #expect(GitBlame.parse(Array(text.utf8), incremental: false) == nil, "\(text)")
        }
        #expect(GitBlame.parse([], incremental: true)?.lines.isEmpty == true)
    }

    @Test func theCacheRoundTripsAndRejectsEveryDamagedByte() throws {
        let commit = try #require(ObjectID(hex: Self.a)), other = try #require(ObjectID(hex: Self.b))
        var cache = BlameCache()
        cache.remember(BlameCache.Snapshot(commit: commit, attributeKey: 42, files: [
            "src/x.swift": BlamedFile(path: "src/x.swift", blob: other, binary: false, generated: true, ranges: [
                BlameRange(commit: other, originalPath: "old/x.swift", originalStart: 3, count: 4),
                BlameRange(commit: commit, originalPath: "src/x.swift", originalStart: 1, count: 2),
            ]),
            "img.png": BlamedFile(path: "img.png", blob: commit, binary: true, ranges: []),
        ]))
        let bytes = cache.encoded()
        let decoded = try #require(BlameCache.decode(bytes))
        #expect(decoded.snapshots.count == 1 && decoded.snapshots[0].attributeKey == 42)
        #expect(decoded.snapshots[0].files["src/x.swift"]?.ranges == cache.snapshots[0].files["src/x.swift"]?.ranges)
        #expect(decoded.snapshots[0].files["src/x.swift"]?.generated == true)
        #expect(decoded.snapshots[0].files["img.png"]?.binary == true)
        for index in stride(from: 0, to: bytes.count, by: 7) {
            var damaged = bytes
            damaged[index] ^= 0x5A
            #expect(BlameCache.decode(damaged) == nil, "byte \(index)")
        }
        for length in [0, 10, bytes.count / 2, bytes.count - 1] {
            #expect(BlameCache.decode(Array(bytes.prefix(length))) == nil)
        }
    }

    @Test func gitAINotesNeedTheirSchemaAndReadRanges() {
        let registry = AgentRegistry.builtin
        let note = "a.txt\n  p1 1-2,5\n\"b c.txt\"\n  p2 3\n---\n{\"schema_version\":\"authorship/3.0.0\",\"prompts\":{\"p1\":{\"agent_id\":{\"tool\":\"claude\",\"model\":\"Claude Opus 4.6\"}},\"p2\":{\"agent_id\":{\"tool\":\"cursor\"}}}}"
        let lines = GitAINotes.parse(note, registry: registry)
        #expect(lines?["a.txt"]?.map(\.0) == [1...2, 5...5])
        #expect(lines?["a.txt"]?.first?.1 == LineOrigin(agent: "claude-code", model: "claude-opus-4.6"))
        #expect(lines?["b c.txt"]?.first?.1 == LineOrigin(agent: "cursor", model: nil))
        #expect(GitAINotes.parse(note.replacing("authorship/3.0.0", with: "authorship/2.0.0"), registry: registry) == nil)
        #expect(GitAINotes.parse("no separator", registry: registry) == nil)
    }

    /// git-ai 1.7's shape: a person's lines under an `h_` id listed in `humans`, a session's turn
    /// (`s_…::t_…`) resolved through its session, a malformed prompt skipped alone.
    @Test func gitAINotesKeepPeoplesLinesHumanAndResolveSessions() {
        let registry = AgentRegistry.builtin
        let note = """
            test.json
              h_dca485b1adf836 3-4,7-14
              d4a7828bfdafe456 5-6
            calc.mjs
              s_a76964380084ef::t_a3a130d3e145e3 28
              h_unclaimed 1
              broken 2
            ---
            {"schema_version":"authorship/3.0.0","git_ai_version":"1.7.5","base_commit_sha":"ae20f6f2",
             "prompts":{"d4a7828bfdafe456":{"agent_id":{"tool":"claude","model":"claude-opus-4-7"},"human_author":"Dana",
               "total_additions":3,"accepted_lines":2},"broken":{"agent_id":7}},
             "sessions":{"s_a76964380084ef":{"agent_id":{"tool":"cursor","model":"gpt-5.4"}}},
             "humans":{"h_dca485b1adf836":{"author":"Dana"}}}
            """
        let lines = GitAINotes.parse(note, registry: registry)
        #expect(lines?["test.json"]?.map(\.0) == [5...6])
        #expect(lines?["test.json"]?.first?.1 == LineOrigin(agent: "claude-code", model: "claude-opus-4.7"))
        #expect(lines?["calc.mjs"]?.map(\.0) == [28...28, 2...2])
        #expect(lines?["calc.mjs"]?.first?.1 == LineOrigin(agent: "cursor", model: "gpt-5.4"))
        #expect(lines?["calc.mjs"]?.last?.1 == LineOrigin(agent: "unknown", model: nil))
        // The audit reads the same note through the same reader: one agent per named prompt or session.
        var findings = NoteFindings()
        findings.addGitAINote(note, registry: registry)
        #expect(findings.attributions.map(\.agent) == ["claude-code", "cursor"])
    }
}
