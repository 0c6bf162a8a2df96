import Foundation
import Testing
import TestSupport

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
        #expect(!intactResult.stderr.contains("notice"), "\(intactResult.stderr)")
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
            #expect(result.stderr.contains("commit-graph write --reachable"), "\(what): no notice: \(result.stderr)")
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

/// A pack and its index, damaged: every case an error naming the pack or object (exit 2), never a
/// crash, with one walk or two, before or instead of libgit2's reads of the same entries.
@Suite(.serialized) struct DamagedPackTests {
    struct Packed {
        let repo: TestRepository
        let indexPath: String
        let packPath: String
        let index: [UInt8]
        let pack: [UInt8]
        let count: Int
        /// HEAD's position in the index.
        let head: Int

        init() throws {
            repo = try TestRepository()
            for index in 0..<30 { try repo.commit("commit \(index)") }
            try repo.git(["repack", "-adq"])
            let directory = repo.path + "/.git/objects/pack"
            let name = try #require(FileManager.default.contentsOfDirectory(atPath: directory).first { $0.hasSuffix(".idx") })
            indexPath = directory + "/" + name
            packPath = directory + "/" + name.dropLast(4) + ".pack"
            index = try readBytes(indexPath)
            pack = try readBytes(packPath)
            count = bigEndian32(index, 8 + 255 * 4)
            let headHex = try repo.head()
            let headBytes = stride(from: 0, to: 40, by: 2).map { offset -> UInt8 in
                let start = headHex.index(headHex.startIndex, offsetBy: offset)
                return UInt8(headHex[start..<headHex.index(start, offsetBy: 2)], radix: 16)!
            }
            var found: Int?
            for position in 0..<count where Array(index[(1032 + position * 20)..<(1032 + position * 20 + 20)]) == headBytes { found = position }
            head = try #require(found)
        }

        var offsetsStart: Int { 1032 + count * 24 }
        func offset(_ position: Int) -> Int { bigEndian32(index, offsetsStart + position * 4) }

        /// Writes damaged files (read-only as git leaves them, hence remove first).
        func install(index damagedIndex: [UInt8]? = nil, pack damagedPack: [UInt8]? = nil) throws {
            try writeBytes(damagedIndex ?? index, indexPath)
            try writeBytes(damagedPack ?? pack, packPath)
        }

        /// An entry header: type and size (git's variable-length form).
        static func header(type: UInt8, size: UInt64) -> [UInt8] {
            var bytes: [UInt8] = []
            var byte = type << 4 | UInt8(size & 0x0F)
            var rest = size >> 4
            while rest > 0 {
                bytes.append(byte | 0x80)
                byte = UInt8(rest & 0x7F)
                rest >>= 7
            }
            bytes.append(byte)
            return bytes
        }

        /// A zlib stream of `data` in stored (uncompressed) blocks.
        static func zlibStored(_ data: [UInt8]) -> [UInt8] {
            var out: [UInt8] = [0x78, 0x01, 0x01, UInt8(data.count & 0xFF), UInt8(data.count >> 8)]
            out += [~UInt8(data.count & 0xFF), ~UInt8(data.count >> 8)] + data
            var a: UInt32 = 1, b: UInt32 = 0
            for byte in data { a = (a + UInt32(byte)) % 65521; b = (b + a) % 65521 }
            let adler = b << 16 | a
            return out + [UInt8(adler >> 24), UInt8((adler >> 16) & 0xFF), UInt8((adler >> 8) & 0xFF), UInt8(adler & 0xFF)]
        }

        static func varint(_ value: UInt64) -> [UInt8] {
            var bytes: [UInt8] = []
            var rest = value
            repeat {
                var byte = UInt8(rest & 0x7F)
                rest >>= 7
                if rest > 0 { byte |= 0x80 }
                bytes.append(byte)
            } while rest > 0
            return bytes
        }

        /// The pack with `entry` added before its checksum, and the index pointing HEAD at it.
        func appending(_ entry: [UInt8]) -> (index: [UInt8], pack: [UInt8]) {
            var newPack = Array(pack.dropLast(20))
            let at = newPack.count
            newPack += entry + pack.suffix(20)
            var newIndex = index
            setBigEndian32(&newIndex, offsetsStart + head * 4, UInt32(at))
            return (newIndex, newPack)
        }

        /// HEAD's commit object, as stored, and where its compressed data starts and ends.
        func headEntry() -> (header: Int, end: Int) {
            let start = offset(head)
            let next = (0..<count).map(offset).filter { $0 > start }.min() ?? (pack.count - 20)
            var position = start
            while pack[position] & 0x80 != 0 { position += 1 }
            return (position + 1, next)
        }
    }

    static func run(_ packed: Packed, _ what: String) throws {
        for jobs in ["1", "2"] {
            let result = try audit(packed.repo, ["--format", "json", "--no-cache", "--jobs", jobs])
            expectExited(result, [2], "\(what), --jobs \(jobs)")
            #expect(result.stderr.contains("pack") || result.stderr.contains("object"), "\(what): \(result.stderr)")
        }
        let check = try runProcess(aitrailBinary, ["check", "HEAD~3..HEAD"], in: packed.repo.path, removing: agentEnvironment)
        expectExited(check, [2], "\(what), check")
    }

    @Test func craftedIndexAndPackDamageIsAnErrorNamingThePack() throws {
        let packed = try Packed()
        var index = packed.index
        setBigEndian32(&index, packed.offsetsStart + packed.head * 4, 0x7FFF_0000)
        try packed.install(index: index)
        try Self.run(packed, "index offset past the end of the pack")

        index = Array(packed.index.dropLast(40)) + [UInt8](repeating: 0xFF, count: 8) + packed.index.suffix(40)
        setBigEndian32(&index, packed.offsetsStart + packed.head * 4, 0x8000_0000)
        try packed.install(index: index)
        try Self.run(packed, "64-bit offset with its high bit set")

        index = packed.index
        setBigEndian32(&index, packed.offsetsStart + packed.head * 4, 0x8000_0005)
        try packed.install(index: index)
        try Self.run(packed, "64-bit offset outside the table")

        let (data, end) = packed.headEntry()
        let compressed = Array(packed.pack[data..<end])
        let huge = packed.appending(Packed.header(type: 1, size: 1 << 33 | 200) + compressed)
        try packed.install(index: huge.index, pack: huge.pack)
        try Self.run(packed, "entry size of 2^33")

        let delta = Packed.varint(UInt64(try packed.repo.git(["cat-file", "-s", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines))!)
            + Packed.varint(1 << 40) + [1, 0x78]
        let distance = packed.pack.count - 20 - packed.offset(packed.head)
        var ofs = [UInt8(distance & 0x7F)]
        var rest = distance >> 7
        while rest > 0 {
            rest -= 1
            ofs.insert(UInt8(0x80 | (rest & 0x7F)), at: 0)
            rest >>= 7
        }
        let bigDelta = packed.appending(Packed.header(type: 6, size: UInt64(delta.count)) + ofs + Packed.zlibStored(delta))
        try packed.install(index: bigDelta.index, pack: bigDelta.pack)
        try Self.run(packed, "delta target size of 2^40")

        index = packed.index
        setBigEndian32(&index, 8 + 0x10 * 4, UInt32(packed.count + 1000))
        try packed.install(index: index)
        try Self.run(packed, "fanout out of order")
    }

    /// Random damage to the index's tables and the pack's entries, seeded: never a crash or a hang.
    @Test(arguments: [11, 12, 13]) func fuzzedPacksNeverCrash(seed: UInt64) throws {
        let packed = try Packed()
        var generator = SeededGenerator(seed: seed)
        for round in 0..<8 {
            var index = packed.index, pack = packed.pack
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                if Bool.random(using: &generator) {
                    index[Int.random(in: 8..<(index.count - 40), using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                } else {
                    pack[Int.random(in: 12..<(pack.count - 20), using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
            }
            try packed.install(index: index, pack: pack)
            for jobs in ["1", "2"] {
                let result = try audit(packed.repo, ["--format", "json", "--no-cache", "--jobs", jobs])
                expectExited(result, [0, 2], "seed \(seed) round \(round) --jobs \(jobs)")
            }
        }
    }
}

/// A valid pack over 4 GiB (sparse: its objects lie past a hole), written as git would index it with
/// 64-bit offsets: the audit, with one walk or two, lists what `git log` lists.
@Suite(.serialized) struct LargePackTests {
    /// Rewrites every object of the repository into one pack whose commits lie past 4 GiB.
    static let packBuilder = #"""
    import hashlib, os, struct, subprocess, sys, zlib
    repo = sys.argv[1]
    git = lambda *a: subprocess.run(["git", "-C", repo] + list(a), check=True, capture_output=True).stdout
    raw = git("cat-file", "--batch-all-objects", "--batch")
    objects, at = [], 0
    while at < len(raw):
        end = raw.index(b"\n", at)
        oid, kind, size = raw[at:end].decode().split(" ")
        objects.append((oid, kind, raw[end + 1:end + 1 + int(size)]))
        at = end + 1 + int(size) + 1
    types = {"commit": 1, "tree": 2, "blob": 3, "tag": 4}
    packdir = repo + "/.git/objects/pack"
    path = packdir + "/tmp.pack"
    entries = []
    with open(path, "wb") as f:
        f.write(b"PACK" + struct.pack(">II", 2, len(objects)))
        for number, (oid, kind, data) in enumerate(sorted(objects, key=lambda o: o[1] != "blob")):
            if kind == "commit" and f.tell() < (1 << 32): f.seek((1 << 32) + 4096)
            offset = f.tell()
            size = len(data)
            header = bytearray([(types[kind] << 4) | (size & 15)])
            size >>= 4
            while size:
                header[-1] |= 0x80
                header.append(size & 0x7F)
                size >>= 7
            body = bytes(header) + zlib.compress(data)
            f.write(body)
            entries.append((bytes.fromhex(oid), offset, zlib.crc32(body)))
        checksum = hashlib.sha1(b"sparse pack " + str(len(objects)).encode()).digest()
        f.write(checksum)
    entries.sort()
    idx = bytearray(b"\xfftOc" + struct.pack(">I", 2))
    for byte in range(256): idx += struct.pack(">I", sum(1 for e in entries if e[0][0] <= byte))
    for e in entries: idx += e[0]
    for e in entries: idx += struct.pack(">I", e[2])
    large = []
    for e in entries:
        if e[1] >= 1 << 31:
            idx += struct.pack(">I", 0x80000000 | len(large)); large.append(e[1])
        else:
            idx += struct.pack(">I", e[1])
    for value in large: idx += struct.pack(">Q", value)
    idx += checksum
    idx += hashlib.sha1(bytes(idx)).digest()
    name = packdir + "/pack-" + checksum.hex()
    for old in os.listdir(packdir):
        if old != "tmp.pack": os.remove(packdir + "/" + old)
    open(name + ".idx", "wb").write(idx)
    os.rename(path, name + ".pack")
    """#

    @Test func aPackOver4GiBGivesWhatGitLogGives() throws {
        // More than `AuditScanner.shortHistory` commits: `--jobs 2` then lists every packed commit first.
        let history = try GeneratedHistory(commits: 1100, seed: 9)
        let repo = history.repo
        let script = repo.path + "/../build-pack-\(UUID().uuidString).py"
        try Self.packBuilder.write(toFile: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: script) }
        let built = try runProcess("/usr/bin/python3", [script, repo.path])
        #expect(built.status == 0, "\(built.stderr)")
        let packs = try FileManager.default.contentsOfDirectory(atPath: repo.path + "/.git/objects/pack")
        let pack = try #require(packs.first { $0.hasSuffix(".pack") })
        let size = try #require(try FileManager.default.attributesOfItem(atPath: repo.path + "/.git/objects/pack/" + pack)[.size] as? Int)
        #expect(size > 1 << 32)
        let expected = try repo.git(["log", "--format=%H"]).split(separator: "\n").map(String.init)
        #expect(expected.count >= 1100)
        for jobs in ["1", "2"] {
            let result = try audit(repo, ["--format", "jsonl", "--no-cache", "--jobs", jobs, "--verbose"])
            expectExited(result, [0], "--jobs \(jobs)")
            #expect(result.stderr.contains("(packs read first)"), "\(result.stderr)")
            let commits = try result.stdout.split(separator: "\n").map { try jsonObject(String($0))["commit"] as? String }
            #expect(Set(commits.compactMap { $0 }) == Set(expected), "--jobs \(jobs)")
            #expect(commits.count == expected.count)
        }
    }
}

/// Commit objects git accepts (or ignores) but a careless reader trips over.
@Suite(.serialized) struct HostileCommitTests {
    /// Writes a commit object as given (git's checks off) and returns its id.
    static func writeCommit(_ repo: TestRepository, _ text: String) throws -> String {
        try repo.git(["hash-object", "--literally", "-t", "commit", "-w", "--stdin"], input: Array(text.utf8))
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func timesPastTheIntegersLimitsReadAsGitShowsThem() throws {
        let repo = try TestRepository()
        let base = try repo.commit("base")
        let tree = try repo.git(["rev-parse", "HEAD^{tree}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        var parent = base
        var ids: [String: String] = [:]
        for (name, time) in [("2^63", "9223372036854775808"), ("30 digits", String(repeating: "9", count: 30)),
                             ("year 10000", "253402300800"), ("2^62", "4611686018427387904"), ("negative", "-5")] {
            parent = try Self.writeCommit(repo, "tree \(tree)\nparent \(parent)\nauthor A <a@example.com> \(time) +0000\n"
                + "committer C <c@example.com> \(time) +0000\n\n\(name)\n\nAssisted-by: claude-code\n")
            ids[name] = parent
        }
        try repo.git(["update-ref", "refs/heads/main", parent])
        let expected = Set(try repo.git(["rev-list", "HEAD"]).split(separator: "\n").map(String.init))
        for format in ["table", "json", "jsonl", "csv", "markdown", "html"] {
            for jobs in ["1", "2"] {
                let result = try audit(repo, ["--format", format, "--no-cache", "--jobs", jobs])
                expectExited(result, [0], "\(format) --jobs \(jobs)")
                if format == "jsonl" {
                    let lines = try result.stdout.split(separator: "\n").map { try jsonObject(String($0)) }
                    #expect(Set(lines.compactMap { $0["commit"] as? String }) == expected)
                    let overflowing = lines.first { $0["commit"] as? String == ids["2^63"] }
                    #expect(overflowing?["time"] as? String == "1970-01-01T00:00:00Z", "git shows a date that overflows as the epoch")
                }
            }
        }
    }

    @Test func aParentLineAfterTheCommitterIsNotAParent() throws {
        let repo = try TestRepository()
        for index in 0..<4 { try repo.commit("old \(index)") }
        let old = try repo.head()
        let tree = try repo.git(["rev-parse", "HEAD^{tree}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let root = try Self.writeCommit(repo, "tree \(tree)\nauthor A <a@example.com> 1700000000 +0000\n"
            + "committer C <c@example.com> 1700000000 +0000\nparent \(old)\n\nroot with a late parent line\n")
        try repo.git(["update-ref", "refs/heads/main", root])
        let gitCount = Int(try repo.git(["rev-list", "--count", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(gitCount == 1)
        for jobs in ["1", "2"] {
            let result = try audit(repo, ["--format", "json", "--no-cache", "--jobs", jobs])
            expectExited(result, [0], "--jobs \(jobs)")
            let totals = try jsonObject(result.stdout)["totals"] as? [String: Any]
            #expect(totals?["commits"] as? Int == gitCount, "--jobs \(jobs)")
            #expect(totals?["merges"] as? Int == 0)
        }
    }

    /// Every packed commit is read at once with `--jobs 2`: one nobody reaches that cannot be read
    /// must not fail the audit (it does not with `--jobs 1`, nor in git).
    @Test func anUnreachableMalformedPackedCommitDoesNotFailTheAudit() throws {
        let history = try GeneratedHistory(commits: 1100, seed: 4)
        let repo = history.repo
        let tree = try repo.git(["rev-parse", "HEAD^{tree}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let malformed = try Self.writeCommit(repo, "tree \(tree)\nauthor no identity here\n\nmalformed\n")
        try repo.git(["pack-objects", "-q", ".git/objects/pack/pack"], input: Array((malformed + "\n").utf8))
        let expected = Int(try repo.git(["rev-list", "--count", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines))
        for jobs in ["1", "2"] {
            let result = try audit(repo, ["--format", "json", "--no-cache", "--jobs", jobs, "--verbose"])
            expectExited(result, [0], "--jobs \(jobs)")
            #expect((try? jsonObject(result.stdout))?["totals"].flatMap { ($0 as? [String: Any])?["commits"] as? Int } == expected)
            #expect(result.stderr.contains("(packs read first)"), "\(result.stderr)")
        }
    }
}

/// `eval attach` with hostile reports, through the binary: an error, never a crash or a hang.
@Suite(.serialized) struct HostileReportTests {
    @Test func overflowingCountsFifosAndDevicesAreErrors() throws {
        let repo = try TestRepository()
        try repo.commit("base")
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try #"<testsuites><testsuite tests="9223372036854775807" failures="0"/><testsuite tests="9223372036854775807"/></testsuites>"#
            .write(toFile: folder + "/sum.xml", atomically: true, encoding: .utf8)
        let summed = try aitrail(["eval", "attach", "--kind", "junit", folder + "/sum.xml"], in: repo)
        expectExited(summed, [2], "counts overflowing when summed")
        #expect(summed.stderr.contains("too large"), "\(summed.stderr)")
        #expect(mkfifo(folder + "/fifo.xml", 0o600) == 0)
        let fifo = try aitrail(["eval", "attach", "--kind", "junit", folder + "/fifo.xml"], in: repo)
        expectExited(fifo, [2], "a FIFO")
        #expect(fifo.stderr.contains("FIFO"), "\(fifo.stderr)")
        let zero = try aitrail(["eval", "attach", "--kind", "json", "/dev/zero"], in: repo)
        expectExited(zero, [2], "/dev/zero")
        #expect(zero.stderr.contains("device"), "\(zero.stderr)")
        #expect(try repo.gitResult(["notes", "--ref", "aitrail", "list"]).stdout.isEmpty, "nothing recorded")
    }
}

/// A policy's `[include] path` is an unknown key, ignored without the file being opened: a FIFO
/// would hang every command, and the error would tell whether a private file exists.
@Suite(.serialized) struct PolicyIncludeTests {
    @Test func includesAreNeverOpened() throws {
        let repo = try TestRepository()
        try repo.commit("base")
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(mkfifo(folder + "/fifo", 0o600) == 0)
        var messages: [String] = []
        for target in [folder + "/fifo", folder + "/missing", "/etc/hostname"] {
            for header in ["[include]", "[includeIf \"gitdir:/\"]", "[INCLUDE]"] {
                try repo.write(".aitrail", "\(header)\n\tpath = \(target)\n[tag]\n\ttrailer = Assisted-by\n")
                // An unknown section: a notice (a newer aitrail's keys never break an older one), not an error.
                let result = try audit(repo, ["--format", "json", "--no-cache"])
                expectExited(result, [0], "\(header) \(target)")
                #expect(result.stderr.lowercased().contains("include"), "\(result.stderr)")
                messages.append(result.stderr.replacingOccurrences(of: target, with: "<path>"))
            }
        }
        // The same words whether the file is a FIFO, missing or readable: nothing told about it.
        #expect(Set(messages).count == 2, "\(Set(messages))")
    }
}

/// Notes are read and rewritten as bytes, and notes trees as git reads them.
@Suite(.serialized) struct NoteBytesTests {
    static func noteBytes(_ repo: TestRepository, _ commit: String) throws -> [UInt8] {
        let blob = try repo.git(["notes", "--ref", "aitrail", "list", commit]).trimmingCharacters(in: .whitespacesAndNewlines)
        return try repo.gitResult(["cat-file", "blob", blob]).stdoutBytes
    }

    static func addNote(_ repo: TestRepository, _ bytes: [UInt8], on commit: String) throws -> String {
        let blob = try repo.git(["hash-object", "-w", "--stdin"], input: bytes).trimmingCharacters(in: .whitespacesAndNewlines)
        try repo.git(["notes", "--ref", "aitrail", "add", "-f", "-C", blob, commit])
        return blob
    }

    @Test(arguments: [[UInt8]("{\"a\":1}\n".utf8) + [0, 0x41, 0x0A] + Array("{\"b\":2}\n".utf8),
                      [UInt8]("{\"a\":1}\n".utf8) + [0xFF, 0xFE, 0x80, 0x0A] + Array("{\"n\":\"caf\u{e9}\"}\n".utf8)])
    func aNoteWithANulOrNonUTF8BytesKeepsEveryByte(original: [UInt8]) throws {
        let repo = try TestRepository()
        let head = try repo.commit("base")
        _ = try Self.addNote(repo, original, on: head)
        let approved = try aitrail(["review", "approve", "HEAD"], in: repo)
        expectExited(approved, [0], "review approve")
        let after = try Self.noteBytes(repo, head)
        #expect(Array(after.prefix(original.count)) == original, "the note was rewritten: \(after)")
        #expect(after.count > original.count && String(decoding: after[original.count...], as: UTF8.self).contains("\"kind\":\"review\""))
    }

    @Test func aMissingNoteBlobIsNamedAndNotOverwritten() throws {
        let repo = try TestRepository()
        let head = try repo.commit("base")
        let blob = try Self.addNote(repo, Array("{\"type\":\"usage\"}\n".utf8), on: head)
        let tip = try repo.git(["rev-parse", "refs/notes/aitrail"])
        try FileManager.default.removeItem(atPath: repo.path + "/.git/objects/" + blob.prefix(2) + "/" + blob.dropFirst(2))
        let approved = try aitrail(["review", "approve", "HEAD"], in: repo)
        expectExited(approved, [2], "review approve over a missing note blob")
        #expect(approved.stderr.contains(blob) && approved.stderr.contains(head), "\(approved.stderr)")
        #expect(try repo.git(["rev-parse", "refs/notes/aitrail"]) == tip, "the note was overwritten")
    }

    @Test func gitlinksAndSymlinksInANotesTreeAreNotNotes() throws {
        let repo = try TestRepository()
        let first = try repo.commit("first"), second = try repo.commit("second"), third = try repo.commit("third")
        expectExited(try aitrail(["review", "approve", first], in: repo), [0], "review approve")
        let listing = try repo.git(["ls-tree", "refs/notes/aitrail"])
        let record = try repo.git(["hash-object", "-w", "--stdin"], input: Array("{\"type\":\"usage\"}\n".utf8))
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let tree = try repo.git(["mktree"], input: Array(
            (listing + "160000 commit \(second)\t\(second)\n120000 blob \(record)\t\(third)\n").utf8))
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let notes = try repo.git(["commit-tree", tree, "-p", "refs/notes/aitrail", "-m", "notes"]).trimmingCharacters(in: .whitespacesAndNewlines)
        try repo.git(["update-ref", "refs/notes/aitrail", notes])
        let gitList = try repo.git(["notes", "--ref", "aitrail", "list"]).split(separator: "\n")
        #expect(gitList.count == 1)
        let log = try aitrail(["log", "--format", "json"], in: repo)
        expectExited(log, [0], "log")
        #expect(log.stdout.contains(first) && !log.stdout.contains(second) && !log.stdout.contains(third), "\(log.stdout)")
        expectExited(try audit(repo, ["--format", "jsonl", "--no-cache"]), [0], "audit")
        let approved = try aitrail(["review", "approve", second], in: repo)
        expectExited(approved, [0], "review approve on a commit whose entry is a gitlink")
        #expect(try repo.git(["notes", "--ref", "aitrail", "list"]).split(separator: "\n").count == 2)
    }

    @Test func aStaleNotesLockIsNamedWithTheFix() throws {
        let repo = try TestRepository()
        try repo.commit("base")
        let lock = repo.path + "/.git/refs/notes/aitrail.lock"
        try FileManager.default.createDirectory(atPath: repo.path + "/.git/refs/notes", withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: lock, contents: Data()))
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -120)], ofItemAtPath: lock)
        let approved = try aitrail(["review", "approve", "HEAD"], in: repo)
        expectExited(approved, [2], "review approve with a stale lock")
        #expect(approved.stderr.contains(lock) && approved.stderr.contains("rm "), "\(approved.stderr)")
    }
}

/// Repository states git handles that the walks must handle as git does.
@Suite(.serialized) struct OddRepositoryStateTests {
    static func commits(_ result: ProcessResult) throws -> Set<String> {
        Set(try result.stdout.split(separator: "\n").compactMap { try jsonObject(String($0))["commit"] as? String })
    }

    @Test func allIncludesEveryWorktreesHeadAndPerWorktreeRefs() throws {
        let repo = try TestRepository()
        for index in 0..<3 { try repo.commit("main \(index)") }
        let worktree = try makeTemporaryDirectory(prefix: "aitrail-wt") + "/wt"
        defer { try? FileManager.default.removeItem(atPath: worktree) }
        try repo.git(["worktree", "add", "-q", "--detach", worktree, "HEAD~1"])
        let other = TestRepository(existing: worktree)
        _ = other
        try repo.git(["-C", worktree, "commit", "-q", "--allow-empty", "-m", "detached in the worktree"])
        try repo.git(["-C", worktree, "commit", "-q", "--allow-empty", "-m", "bisect only"])
        try repo.git(["-C", worktree, "update-ref", "refs/bisect/bad", "HEAD"])
        try repo.git(["-C", worktree, "update-ref", "refs/worktree/mine", "HEAD"])
        try repo.git(["-C", worktree, "reset", "-q", "--hard", "HEAD~1"])
        try repo.git(["commit", "-q", "--allow-empty", "-m", "per-worktree ref in main"])
        try repo.git(["update-ref", "refs/worktree/main-only", "HEAD"])
        try repo.git(["reset", "-q", "--hard", "HEAD~1"])
        for directory in [repo.path, worktree] {
            let expected = Set(try runProcess("/usr/bin/git", ["-C", directory, "rev-list", "--all"]).stdout.split(separator: "\n").map(String.init))
            for jobs in ["1", "2"] {
                let result = try runProcess(aitrailBinary, ["audit", "--all", "--format", "jsonl", "--no-cache", "--jobs", jobs],
                                            in: directory, removing: agentEnvironment)
                expectExited(result, [0], "--all from \(directory) --jobs \(jobs)")
                #expect(try Self.commits(result) == expected, "--all from \(directory == repo.path ? "main" : "the worktree") --jobs \(jobs)")
            }
        }
    }

    @Test(arguments: ["GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES"])
    func objectFoldersFromTheEnvironmentReachEveryWorker(variable: String) throws {
        let repo = try TestRepository()
        for index in 0..<150 { try repo.commit("commit \(index)\n\nAssisted-by: claude-code\n") }
        try repo.git(["repack", "-adq"])
        let elsewhere = try makeTemporaryDirectory(prefix: "aitrail-objects") + "/objects"
        defer { try? FileManager.default.removeItem(atPath: elsewhere) }
        try FileManager.default.moveItem(atPath: repo.path + "/.git/objects", toPath: elsewhere)
        try FileManager.default.createDirectory(atPath: repo.path + "/.git/objects/pack", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: repo.path + "/.git/objects/info", withIntermediateDirectories: true)
        let environment = [variable: elsewhere]
        let expected = Set(try repo.gitResult(["rev-list", "HEAD"], environment: environment).stdout.split(separator: "\n").map(String.init))
        #expect(expected.count == 150)
        for jobs in ["1", "2"] {
            let result = try runProcess(aitrailBinary, ["audit", "--format", "jsonl", "--no-cache", "--lines", "--jobs", jobs], in: repo.path,
                                        environment: environment, removing: agentEnvironment)
            expectExited(result, [0], "\(variable) --jobs \(jobs)")
            #expect(try Self.commits(result) == expected, "\(variable) --jobs \(jobs)")
        }
    }

    @Test func replaceRefsAndGraftsAreNamedInANotice() throws {
        let repo = try TestRepository()
        for index in 0..<4 { try repo.commit("commit \(index)") }
        let plain = try audit(repo, ["--format", "json", "--no-cache"])
        #expect(!plain.stderr.contains("notice"))
        try repo.git(["replace", "--graft", "HEAD~1"])
        let replaced = try audit(repo, ["--format", "json", "--no-cache"])
        expectExited(replaced, [0], "replace refs")
        #expect(replaced.stderr.contains("replace ref") && replaced.stderr.contains("--no-replace-objects"), "\(replaced.stderr)")
        let counted = try jsonObject(replaced.stdout)["totals"] as? [String: Any]
        #expect(counted?["commits"] as? Int == Int(try repo.git(["--no-replace-objects", "rev-list", "--count", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)))
        try repo.git(["replace", "-d", try repo.git(["rev-parse", "HEAD~1"]).trimmingCharacters(in: .whitespacesAndNewlines)])
        try repo.write(".git/info/grafts", try repo.git(["rev-parse", "HEAD~1"]))
        let grafted = try audit(repo, ["--format", "json", "--no-cache"])
        #expect(grafted.stderr.contains("grafts"), "\(grafted.stderr)")
    }

    @Test func aFifoInTheAuditCachesPlaceDoesNotHang() throws {
        let repo = try TestRepository()
        for index in 0..<3 { try repo.commit("commit \(index)") }
        try FileManager.default.createDirectory(atPath: repo.path + "/.git/aitrail/cache", withIntermediateDirectories: true)
        #expect(mkfifo(repo.path + "/.git/aitrail/cache/audit", 0o600) == 0)
        let result = try audit(repo, ["--format", "json"])
        expectExited(result, [0], "a FIFO as the cache")
        #expect((try jsonObject(result.stdout)["totals"] as? [String: Any])?["commits"] as? Int == 3)
    }

    @Test func aDanglingRefIsAnErrorAsInGit() throws {
        let repo = try TestRepository()
        try repo.commit("base")
        try repo.write(".git/refs/heads/dangling", String(repeating: "ab", count: 20) + "\n")
        #expect(try repo.gitResult(["rev-list", "--all"]).status != 0)
        let result = try audit(repo, ["--all", "--format", "json", "--no-cache"])
        expectExited(result, [2], "a dangling ref")
        #expect(result.stderr.contains("refs/heads/dangling") && result.stderr.contains("update-ref -d"), "\(result.stderr)")
    }

    @Test func aShallowCloneAuditedFromALinkedWorktreeStopsAtTheCut() throws {
        let history = try GeneratedHistory(commits: 300, seed: 2)
        let clone = try makeTemporaryDirectory(prefix: "aitrail-shallow") + "/clone"
        defer { try? FileManager.default.removeItem(atPath: clone) }
        try runProcess("/usr/bin/git", ["clone", "-q", "--depth", "13", "file://" + history.repo.path, clone])
        let worktree = clone + "-wt"
        defer { try? FileManager.default.removeItem(atPath: worktree) }
        try runProcess("/usr/bin/git", ["-C", clone, "worktree", "add", "-q", "--detach", worktree, "HEAD"])
        let expected = Set(try runProcess("/usr/bin/git", ["-C", worktree, "rev-list", "HEAD"]).stdout.split(separator: "\n").map(String.init))
        #expect(expected.count <= 13 + 13)
        for jobs in ["1", "2"] {
            let result = try runProcess(aitrailBinary, ["audit", "--format", "jsonl", "--no-cache", "--jobs", jobs], in: worktree, removing: agentEnvironment)
            expectExited(result, [0], "--jobs \(jobs)")
            #expect(try Self.commits(result) == expected, "--jobs \(jobs)")
        }
    }
}
