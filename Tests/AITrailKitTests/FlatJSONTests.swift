@testable import AITrailKit
import Testing

/// The fast path for usage records against JSONDecoder: same records, same malformed lines.
@Suite struct FlatJSONTests {
    static let canonical = [
        UsageRecord(agent: "claude-code", model: "claude-opus-4.6", tools: [], source: "env", at: "2026-01-01T00:00:00Z",
                    files: 3, insertions: 120, deletions: 0),
        UsageRecord(agent: "aider", model: nil, tools: ["grep", "édition", "日本"], source: "trailer", at: "2026-02-01T10:00:00Z",
                    files: 0, insertions: -1, deletions: 9_000_000_000),
        UsageRecord(agent: "cursor", model: "gpt-5.4", tools: ["a\"b", "back\\slash"], source: "session", at: "x",
                    files: 1, insertions: 1, deletions: 1),
        UsageRecord(agent: "codex", model: nil, tools: [], source: "env", at: "2026-03-01T00:00:00Z",
                    files: 2, insertions: 5, deletions: 1, carried: CarriedFrom(from: String(repeating: "ab", count: 20))),
    ].map { CanonicalJSON.encode($0) }

    static let others = [
        #"{"agent":"claude-code","aitrail":"0.1.0","at":"2026","deletions":0,"files":1,"insertions":1,"source":"env","tools":[],"type":"usage","v":1}"#,
        #"{"agent":"claude-code","aitrail":"0.1.0","at":"2026","deletions":0,"extra":{"a":1},"files":1,"insertions":1,"model":null,"source":"env","tools":[],"type":"usage","v":1}"#,
        #"{"agent":"claude-code","aitrail":"0.1.0","at":"2026","deletions":0,"files":1,"insertions":1,"model":null,"source":"env","tools":[],"type":"usage","v":2}"#,
        #"{"agent":"claude-code","aitrail":"0.1.0","at":"2026","deletions":0,"files":"1","insertions":1,"model":null,"source":"env","tools":[],"type":"usage","v":1}"#,
        #"{"agent":"claude-code","aitrail":"0.1.0","at":"2026","deletions":0,"files":1.5,"insertions":1,"model":null,"source":"env","tools":[],"type":"usage","v":1}"#,
        #"{"agent":"claude-code","aitrail":"0.1.0","at":"2026","deletions":01,"files":1,"insertions":1,"model":null,"source":"env","tools":[],"type":"usage","v":1}"#,
        #"{"agent":"claude-code","aitrail":"0.1.0","at":"2026","deletions":0,"files":1,"insertions":1,"model":7,"source":"env","tools":[],"type":"usage","v":1}"#,
        #"{"agent":"claude-code","aitrail":"0.1.0","at":"2026","deletions":0,"files":1,"insertions":1,"model":null,"source":"env","tools":[1],"type":"usage","v":1}"#,
        #"{"agent":"a","agent":"b","aitrail":"0.1.0","at":"2026","deletions":0,"files":1,"insertions":1,"model":null,"source":"env","tools":[],"type":"usage","v":1}"#,
        #"{ "agent": "claude-code", "aitrail": "0.1.0", "at": "2026", "deletions": 0, "files": 1, "insertions": 1, "source": "env", "tools": [], "type": "usage", "v": 1 }"#,
        #"{"agent":"claude-code","aitrail":"0.1.0","at":"2026","deletions":0,"files":1,"insertions":1,"source":"env","tools":["a","b"],"type":"usage","v":1}trailing"#,
        #"{"agent":"claude-code","aitrail":"0.1.0","at":"2026","deletions":99999999999999999999,"files":1,"insertions":1,"source":"env","tools":[],"type":"usage","v":1}"#,
        #"{"agent":"tab\there","aitrail":"0.1.0","at":"2026","deletions":0,"files":1,"insertions":1,"source":"env","tools":[],"type":"usage","v":1}"#,
        #"{"agent":"claude-code","aitrail":"0.1.0","at":"2026","deletions":0,"files":1,"insertions":1,"source":"env","tools":[],"type":"usage"}"#,
        #"{"agent":"claude-code","at":"2026","deletions":0,"files":1,"insertions":1,"source":"env","tools":[],"type":"usage","v":1}"#,
        #"{"agent":"codex","aitrail":"0.1.0","at":"2026","carried":{"from":"abc","x":"y"},"deletions":0,"files":1,"insertions":1,"source":"env","tools":[],"type":"usage","v":1}"#,
        #"{"agent":"codex","aitrail":"0.1.0","at":"2026","carried":{"from":1},"deletions":0,"files":1,"insertions":1,"source":"env","tools":[],"type":"usage","v":1}"#,
        #"{"agent":"codex","aitrail":"0.1.0","at":"2026","carried":{},"deletions":0,"files":1,"insertions":1,"source":"env","tools":[],"type":"usage","v":1}"#,
        #"{"agent":"codex","aitrail":"0.1.0","at":"2026","carried":{"to":"abc"},"deletions":0,"files":1,"insertions":1,"source":"env","tools":[],"type":"usage","v":1}"#,
        #"{"agent":"codex","aitrail":"0.1.0","at":"2026","carried":{"from":"a","from":"b"},"deletions":0,"files":1,"insertions":1,"source":"env","tools":[],"type":"usage","v":1}"#,
        #"{"agent":"codex","aitrail":"0.1.0","at":"2026","carried":{"from":"abc""#, "{\"carried\":{\"from\":\"abc\",}}",
        #"{"type":"evidence","v":1,"kind":"test","tree":"abc","passed":true,"at":"2026-01-01T00:00:00Z"}"#,
        #"{"type":"future","v":1}"#,
        #"{"v":1}"#, "{}", "[]", "not json", #"{"agent":"#, "\"string\"", "{\"a\":[\"x\",]}", "{\"a\":tru}",
    ]

    @Test func canonicalUsageLinesTakeTheFastPath() {
        // The first two have no escapes; the third does, and goes to JSONDecoder.
        #expect(FlatJSON.usageRecord(Self.canonical[0]) != nil)
        #expect(FlatJSON.usageRecord(Self.canonical[1]) != nil)
        #expect(FlatJSON.usageRecord(Self.canonical[2]) == nil)
        #expect(FlatJSON.usageRecord(Self.canonical[3])?.carried == CarriedFrom(from: String(repeating: "ab", count: 20)))
        #expect(FlatJSON.usageRecord(Self.others[0])?.model == nil)
    }

    @Test(arguments: canonical + others)
    func sameAsJSONDecoder(line: String) {
        let fast = CanonicalJSON.parseNote(line, fastPath: true)
        let slow = CanonicalJSON.parseNote(line, fastPath: false)
        #expect(fast.records == slow.records, "\(line)")
        #expect(fast.malformed == slow.malformed, "\(line)")
    }

    /// Records for the writer: every optional present and absent, and strings that need escapes or
    /// are not ASCII (those go to JSONEncoder).
    static let written: [UsageRecord] = {
        var records = [
            UsageRecord(agent: "claude-code", model: "claude-opus-4.6", tools: [], source: "env", at: "2026-01-01T00:00:00Z",
                        files: 3, insertions: 120, deletions: 0),
            UsageRecord(agent: "copilot", model: "claude-sonnet-4.5[1m]", tools: ["grep", "sed", "a b/c:d"], source: "session",
                        at: "2026-02-01T10:00:00Z", files: 0, insertions: -1, deletions: 9_000_000_000, aitrail: "9.9.9-beta+1"),
            UsageRecord(agent: "codex", model: nil, tools: ["~!@#$%^&*()_+{}|:<>?`-=[];',./"], source: "trailer", at: "x",
                        files: 2, insertions: 5, deletions: 1, carried: CarriedFrom(from: String(repeating: "ab", count: 20))),
            UsageRecord(agent: "aider", model: "", tools: [""], source: "", at: "", files: Int.min, insertions: Int.max, deletions: 0,
                        aitrail: "", carried: CarriedFrom(from: "")),
        ]
        for odd in ["a\"b", "back\\slash", "tab\there", "line\nbreak", "\u{7F}", "\u{1}", "édition", "日本", "emoji 🚀"] {
            records.append(UsageRecord(agent: odd, model: nil, tools: [], source: "env", at: "t", files: 1, insertions: 1, deletions: 1))
            records.append(UsageRecord(agent: "claude-code", model: odd, tools: [odd], source: "env", at: "t", files: 1, insertions: 1,
                                       deletions: 1, carried: CarriedFrom(from: odd)))
        }
        var retyped = records[0]
        retyped.type = "usage2"
        retyped.v = 7
        records.append(retyped)
        return records
    }()

    @Test(arguments: written)
    func writtenAsJSONEncoderWritesIt(record: UsageRecord) {
        let encoded = CanonicalJSON.encode(record)
        #expect(CanonicalJSON.line(.usage(record)) == encoded)
        if let direct = FlatJSON.line(record) { #expect(direct == encoded) }
    }

    @Test func theHooksRecordsAreWrittenWithoutJSONEncoder() {
        // Plain ASCII without quotes or backslashes: written directly, and read back by the fast reader.
        for (index, record) in Self.written.prefix(4).enumerated() {
            let line = FlatJSON.line(record)
            #expect(line != nil, "\(record)")
            // (Empty strings and extreme counts are read by JSONDecoder.)
            if index < 3 { #expect(line.flatMap(FlatJSON.usageRecord) == record) }
        }
        // Anything that needs an escape, or is not ASCII, is left to JSONEncoder.
        #expect(Self.written.dropFirst(4).dropLast().allSatisfy { FlatJSON.line($0) == nil })
    }

    @Test func aWholeNoteReadsTheSameEitherWay() {
        let text = (Self.canonical + Self.others).joined(separator: "\n") + "\r\n\n  \n" + Self.canonical[0] + "\r\n"
        let fast = CanonicalJSON.parseNote(text, fastPath: true)
        let slow = CanonicalJSON.parseNote(text, fastPath: false)
        #expect(fast.records == slow.records && fast.malformed == slow.malformed)
        #expect(fast.records.compactMap(\.usage).count >= 4)
    }
}
