import Foundation
import Testing
import TestSupport

/// A deterministic generator for the fuzz cases (SplitMix64): the same seed, the same damage.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1330_11EB
        return z ^ (z >> 31)
    }
}

/// The built binary ran and exited with one of aitrail's codes: a crash (a signal: Foundation
/// reports its number, 4 for SIGILL, 11 for SIGSEGV) or a hang fails here, not in the test runner.
func expectExited(_ result: ProcessResult, _ codes: Set<Int32> = [0, 1, 2], _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(codes.contains(result.status), "\(what): exit \(result.status)\n\(result.stderr.suffix(600))", sourceLocation: sourceLocation)
    #expect(!result.stderr.contains("Fatal error"), "\(what): \(result.stderr.suffix(600))", sourceLocation: sourceLocation)
}

func bigEndian32(_ bytes: [UInt8], _ at: Int) -> Int {
    Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
}

func setBigEndian32(_ bytes: inout [UInt8], _ at: Int, _ value: UInt32) {
    for index in 0..<4 { bytes[at + index] = UInt8(truncatingIfNeeded: value >> (24 - 8 * UInt32(index))) }
}

func readBytes(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

func writeBytes(_ bytes: [UInt8], _ path: String) throws {
    try? FileManager.default.removeItem(atPath: path)
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

/// A commit-graph file's chunks: id → (start, end).
func graphChunks(_ bytes: [UInt8]) -> [String: (start: Int, end: Int)] {
    var chunks: [String: (Int, Int)] = [:]
    let count = Int(bytes[6])
    for index in 0..<count {
        let entry = 8 + index * 12
        let id = String(decoding: bytes[entry..<(entry + 4)], as: UTF8.self)
        let start = bigEndian32(bytes, entry + 8), end = bigEndian32(bytes, entry + 20)
        chunks[id] = (start, end)
    }
    return chunks
}

/// git's commit-graph, damaged in the ways a disk, a bad copy or a hostile clone can: each case must
/// give git's count (the graph refused, history walked from the objects) and never a crash.
@Suite(.serialized) struct DamagedCommitGraphTests {
    /// A history with merges and an octopus (so the graph has an EDGE chunk), its graph written.
    static func history() throws -> (repo: TestRepository, count: Int) {
        let repo = try TestRepository()
        for index in 0..<30 { try repo.commit("commit \(index)") }
        for branch in ["a", "b", "c"] {
            try repo.git(["checkout", "-q", "-b", branch, "HEAD~5"])
            try repo.commit("on \(branch)")
            try repo.git(["checkout", "-q", "-"])
        }
        try repo.git(["checkout", "-q", "main"])
        try repo.git(["merge", "-q", "--no-edit", "a", "b", "c"])
        for index in 0..<10 { try repo.commit("after \(index)") }
        try repo.git(["commit-graph", "write", "--reachable"])
        let count = Int(try repo.git(["rev-list", "--count", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines))!
        return (repo, count)
    }

    static func auditCount(_ repo: TestRepository, _ what: String) throws -> (Int?, ProcessResult) {
        let result = try audit(repo, ["--format", "json", "--no-cache", "--jobs", "1", "--verbose"])
        expectExited(result, [0, 2], what)
        guard result.status == 0, let totals = try jsonObject(result.stdout)["totals"] as? [String: Any] else { return (nil, result) }
        return (totals["commits"] as? Int, result)
    }

    @Test func structuralDamageFallsBackToTheObjectWalk() throws {
        let (repo, count) = try Self.history()
        let graphPath = repo.path + "/.git/objects/info/commit-graph"
        let original = try readBytes(graphPath)
        let (intact, intactResult) = try Self.auditCount(repo, "intact graph")
        #expect(intact == count)
        #expect(intactResult.stderr.contains("(commit-graph)"), "\(intactResult.stderr)")
        let chunks = graphChunks(original)
        let data = try #require(chunks["CDAT"]), edges = try #require(chunks["EDGE"], "no octopus in the graph")
        let records = (data.end - data.start) / 36
        var cases: [(String, [UInt8])] = []
        var bytes = original
        setBigEndian32(&bytes, data.start + 20, 0x00FF_FFF0)   // first parent past the last commit
        cases.append(("parent position out of range", bytes))
        bytes = original
        setBigEndian32(&bytes, data.start + 36 * (records - 1) + 24, 0x0000_FFF0)   // second parent out of range
        cases.append(("second parent position out of range", bytes))
        bytes = original
        for index in stride(from: edges.start, to: edges.end, by: 4) { bytes[index] &= 0x7F }   // no terminator
        cases.append(("EDGE list without terminator", bytes))
        bytes = original
        for index in stride(from: edges.start, to: edges.end, by: 4) { setBigEndian32(&bytes, index, 0x8000_FFFF) }
        cases.append(("EDGE entry out of range", bytes))
        bytes = original
        bytes[8 + 4] |= 0x80                                    // first chunk offset's high bit
        cases.append(("chunk offset with the high bit", bytes))
        bytes = original
        setBigEndian32(&bytes, try #require(chunks["OIDF"]).start + 0x10 * 4, 0xFFFF)   // fanout going down
        cases.append(("fanout out of order", bytes))
        bytes = original
        bytes[6] = 40                                           // more chunks than the file holds
        cases.append(("chunk count past the file", bytes))
        cases.append(("truncated", Array(original.prefix(original.count / 2))))
        for (what, damaged) in cases {
            try writeBytes(damaged, graphPath)
            let (walked, result) = try Self.auditCount(repo, what)
            #expect(walked == count, "\(what): \(walked.map(String.init) ?? "no count") of \(count) commits\n\(result.stderr)")
            #expect(!result.stderr.contains("(commit-graph)"), "\(what): the damaged graph was used")
        }
    }

    @Test func aSplitChainListedOutOfOrderLosesNoCommit() throws {
        let (repo, count) = try Self.history()
        try FileManager.default.removeItem(atPath: repo.path + "/.git/objects/info/commit-graph")
        try repo.git(["checkout", "-q", "-b", "base", "HEAD~20"])
        try repo.git(["commit-graph", "write", "--reachable", "--split=no-merge"])
        try repo.git(["checkout", "-q", "main"])
        try repo.git(["commit-graph", "write", "--reachable", "--split=no-merge"])
        try repo.commit("one more")
        try repo.git(["commit-graph", "write", "--reachable", "--split=no-merge"])
        let chainPath = repo.path + "/.git/objects/info/commit-graphs/commit-graph-chain"
        let chain = try String(contentsOfFile: chainPath, encoding: .utf8).split(separator: "\n")
        #expect(chain.count >= 2, "git wrote one layer: \(chain)")
        let (ordered, orderedResult) = try Self.auditCount(repo, "chain in order")
        #expect(ordered == count + 1)
        #expect(orderedResult.stderr.contains("(commit-graph)"), "\(orderedResult.stderr)")
        try FileManager.default.removeItem(atPath: chainPath)
        try (chain.reversed().joined(separator: "\n") + "\n").write(toFile: chainPath, atomically: true, encoding: .utf8)
        let (reversed, result) = try Self.auditCount(repo, "chain reversed")
        #expect(reversed == count + 1, "\(result.stderr)")
        try (chain.dropLast().joined(separator: "\n") + "\nnot-a-hash\n").write(toFile: chainPath, atomically: true, encoding: .utf8)
        let (garbled, _) = try Self.auditCount(repo, "chain with a bad line")
        #expect(garbled == count + 1)
    }

    /// Random damage, seeded: any outcome but a crash or a hang; a graph refused means git's count.
    @Test(arguments: [1, 2, 3, 4]) func fuzzedGraphsNeverCrash(seed: UInt64) throws {
        let (repo, count) = try Self.history()
        let graphPath = repo.path + "/.git/objects/info/commit-graph"
        let original = try readBytes(graphPath)
        var generator = SeededGenerator(seed: seed)
        for round in 0..<10 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...6, using: &generator) {
                let at = Int.random(in: 0..<(bytes.count - 20), using: &generator)
                bytes[at] = UInt8.random(in: 0...255, using: &generator)
            }
            try writeBytes(bytes, graphPath)
            let (walked, result) = try Self.auditCount(repo, "seed \(seed) round \(round)")
            // A refused graph: git's count. A used one may have lost an id to the damage (git reads
            // it too, and fails on the object): then the error names the commit.
            if result.status == 0 && !result.stderr.contains("(commit-graph)") { #expect(walked == count, "seed \(seed) round \(round)") }
            if result.status == 2 { #expect(result.stderr.contains("aitrail audit: "), "seed \(seed) round \(round): \(result.stderr)") }
        }
    }
}
