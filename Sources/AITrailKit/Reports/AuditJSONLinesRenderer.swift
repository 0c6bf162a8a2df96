#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Git

/// One JSON object per commit, the stable schema of SPEC §9 (docs/audit.md):
/// `{"commit","time","author":{"name","email"},"ai","agents","models","sources","evidence","review_bots"}`,
/// plus `insertions` and `deletions` with `--lines`. It is the format that streams whole histories,
/// so it is written in chunks straight from the commit table: every author, list of agents or models
/// and set of sources is encoded once, and a line is those pieces copied around the id and the time.
public struct AuditJSONLinesRenderer: AuditRenderer {
    public init() {}

    public var needsSummary: Bool { false }

    public func render(_ report: AuditReport) -> [UInt8] {
        var out: [UInt8] = []
        render(report) { out.append(contentsOf: $0) }
        return out
    }

    public func render(_ report: AuditReport, to output: (UnsafeRawBufferPointer) -> Void) {
        JSONLines(report).render(0..<report.commits.rows.count, to: output)
    }
}

/// The pieces every line is made of, encoded once; then any range of the report's rows, written in
/// chunks. (Rendering halves on two threads was measured: slower, with the cache being written on
/// the second core at the same time.)
private struct JSONLines {
    let commits: AuditedCommits
    let withLines: Bool
    var pieces = Pieces()
    var authors: [Range<Int>] = [], lists: [Range<Int>] = [], sources: [Range<Int>] = [], evidence: [Range<Int>] = []
    var start = 0..<0, time = 0..<0, author = 0..<0, ai = 0..<0, human = 0..<0, models = 0..<0, reviewBots = 0..<0
    var sourcesStart = 0..<0, evidenceStart = 0..<0, insertions = 0..<0, deletions = 0..<0, end = 0..<0
    /// The longest line: the fixed text, the longest of each kind of piece, the id, the time, two numbers.
    var longest = 0

    init(_ report: AuditReport) {
        commits = report.commits
        withLines = report.lines
        authors = commits.authors.map { author in
            pieces.add(Array(("{\"name\":" + AuditText.jsonString(author.name) + ",\"email\":" + AuditText.jsonString(author.email) + "}").utf8))
        }
        lists = commits.lists.map { pieces.add(JSONLines.encode($0)) }
        sources = CommitTable.sourceSets.map { pieces.add(JSONLines.encode($0.map(\.rawValue))) }
        evidence = EvidenceStatus.allCases.map { pieces.add(Array($0.rawValue.utf8) + [0x22]) }
        let fixedStart = pieces.bytes.count
        start = pieces.add(#"{"commit":""#)
        time = pieces.add(#"","time":""#)
        author = pieces.add(#"","author":"#)
        ai = pieces.add(#","ai":true,"agents":["#)
        human = pieces.add(#","ai":false,"agents":["#)
        models = pieces.add(#"],"models":["#)
        sourcesStart = pieces.add(#"],"sources":["#)
        evidenceStart = pieces.add(#"],"evidence":""#)
        reviewBots = pieces.add(#","review_bots":["#)
        // The review bots' list is closed by what follows it.
        insertions = pieces.add(#"],"insertions":"#)
        deletions = pieces.add(#","deletions":"#)
        end = pieces.add(withLines ? "}\n" : "]}\n")
        longest = (pieces.bytes.count - fixedStart) + 40 + Line.longestTime + 2 * 21
            + (authors.map(\.count).max() ?? 0) + 3 * (lists.map(\.count).max() ?? 0)
            + (sources.map(\.count).max() ?? 0) + (evidence.map(\.count).max() ?? 0)
    }

    /// `"a","b"`: the inside of a JSON array of strings.
    private static func encode(_ values: [String]) -> [UInt8] {
        Array(values.map(AuditText.jsonString).joined(separator: ",").utf8)
    }

    func render(_ range: Range<Int>, to output: (UnsafeRawBufferPointer) -> Void) {
        let chunkSize = max(1 << 18, 4 * longest)
        let chunk = UnsafeMutableRawPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { chunk.deallocate() }
        var used = 0
        var dates = DateCache()
        let counted = commits.lines
        pieces.bytes.withUnsafeBytes { piecesBuffer in
            commits.table.withRecords { records in
                var line = Line(pieces: piecesBuffer.baseAddress!, at: chunk)
                for row in commits.rows[range] {
                    if used + longest > chunkSize {
                        output(UnsafeRawBufferPointer(start: chunk, count: used))
                        used = 0
                    }
                    line.out = chunk + used
                    let record = records[row]
                    line.copy(start)
                    line.hex(record.idBytes)
                    line.copy(time)
                    dates.write(record.authorTime, to: &line)
                    line.copy(author)
                    line.copy(authors[record.identity])
                    let agentList = record.agentList
                    line.copy(agentList == 0 ? human : ai)
                    line.copy(lists[agentList])
                    line.copy(models)
                    line.copy(lists[record.modelList])
                    line.copy(sourcesStart)
                    line.copy(sources[record.sourceBits])
                    line.copy(evidenceStart)
                    line.copy(evidence[record.evidenceIndex])
                    line.copy(reviewBots)
                    line.copy(lists[record.reviewBotList])
                    if withLines {
                        line.copy(insertions)
                        line.number(counted ? record.insertions ?? 0 : 0)
                        line.copy(deletions)
                        line.number(counted ? record.deletions ?? 0 : 0)
                    }
                    line.copy(end)
                    used = line.out - chunk
                }
            }
        }
        if used > 0 { output(UnsafeRawBufferPointer(start: chunk, count: used)) }
    }
}

/// Encoded pieces in one buffer, each known by its place.
private struct Pieces {
    var bytes: [UInt8] = []

    mutating func add(_ piece: [UInt8]) -> Range<Int> {
        let start = bytes.count
        bytes += piece
        return start..<bytes.count
    }

    mutating func add(_ text: String) -> Range<Int> { add(Array(text.utf8)) }
}

/// Writes one line into the current chunk.
private struct Line {
    let pieces: UnsafeRawPointer
    var out: UnsafeMutableRawPointer

    init(pieces: UnsafeRawPointer, at out: UnsafeMutableRawPointer) {
        self.pieces = pieces
        self.out = out
    }

    private static let hexPairs: [UInt16] = (0..<256).map { byte in
        let digits = Array("0123456789abcdef".utf8)
        return UInt16(digits[byte >> 4]) | UInt16(digits[byte & 0xF]) << 8
    }

    /// The longest time `Timestamp.format` writes: `-292277022657-01-27T08:29:52Z`.
    static let longestTime = 30

    /// Text that is not one of the pieces (rare: no faster path needed).
    mutating func text(_ value: String) {
        for byte in value.utf8 { self.byte(byte) }
    }

    /// Two digits for each of 0 to 99.
    static let decimalPairs: [UInt16] = (0..<100).map { UInt16(0x30 + $0 / 10) | UInt16(0x30 + $0 % 10) << 8 }

    /// Most pieces are a few dozen bytes: overlapping 16-byte loads and stores beat a call to memmove.
    @inline(__always)
    mutating func copy(_ piece: Range<Int>) {
        let from = pieces + piece.lowerBound, count = piece.count
        if count >= 16 && count <= 64 {
            Line.copy16(from, out)
            Line.copy16(from + count - 16, out + count - 16)
            if count > 32 {
                Line.copy16(from + 16, out + 16)
                Line.copy16(from + count - 32, out + count - 32)
            }
        } else if count >= 8 && count < 16 {
            out.storeBytes(of: from.loadUnaligned(as: UInt64.self), as: UInt64.self)
            (out + count - 8).storeBytes(of: (from + count - 8).loadUnaligned(as: UInt64.self), as: UInt64.self)
        } else {
            out.copyMemory(from: from, byteCount: count)
        }
        out += count
    }

    @inline(__always)
    private static func copy16(_ from: UnsafeRawPointer, _ to: UnsafeMutableRawPointer) {
        to.storeBytes(of: from.loadUnaligned(as: SIMD16<UInt8>.self), as: SIMD16<UInt8>.self)
    }

    @inline(__always)
    mutating func byte(_ value: UInt8) {
        out.storeBytes(of: value, as: UInt8.self)
        out += 1
    }

    /// An id's 40 lower-case hex digits.
    @inline(__always)
    mutating func hex(_ id: UnsafeRawPointer) {
        Line.hexPairs.withUnsafeBufferPointer { pairs in
            for index in 0..<20 {
                out.storeBytes(of: pairs[Int(id.load(fromByteOffset: index, as: UInt8.self))], toByteOffset: 2 * index, as: UInt16.self)
            }
        }
        out += 40
    }

    /// Two decimal digits (0 to 99).
    @inline(__always)
    mutating func twoDigits(_ value: Int64) {
        out.storeBytes(of: Line.decimalPairs[Int(value)], as: UInt16.self)
        out += 2
    }

    mutating func number(_ value: Int) {
        if value < 0 { byte(0x2D) }
        var digits: (UInt64, UInt64) = (0, 0)
        let count = withUnsafeMutableBytes(of: &digits) { buffer -> Int in
            var rest = value.magnitude, count = 0
            repeat {
                buffer[15 - count] = UInt8(0x30 + rest % 10)
                rest /= 10
                count += 1
            } while rest > 0
            out.copyMemory(from: buffer.baseAddress! + 16 - count, byteCount: count)
            return count
        }
        out += count
    }
}

/// RFC 3339 in UTC, as `Timestamp.format` writes it; the date part is kept from the line before,
/// which in a history is most often the same day.
private struct DateCache {
    // Direct-mapped by day: author dates of commits in walk (commit date) order jump back and forth
    // between a few days, so one remembered day would miss half the time.
    private var days = [Int64](repeating: .min, count: 256)
    private var dates = [(UInt64, UInt16)](repeating: (0, 0), count: 256)  // `YYYY-MM-DD`
    /// 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z.
    static let yearZero: Int64 = -62_167_219_200, year10000: Int64 = 253_402_300_800

    @inline(__always)
    mutating func write(_ time: Int64, to line: inout Line) {
        // The cache holds four-digit years; other years (a hostile or mistyped date) take the long way.
        guard time >= DateCache.yearZero, time < DateCache.year10000 else {
            line.text(Timestamp.format(time))
            return
        }
        let days = time >= 0 ? time / 86_400 : (time - 86_399) / 86_400
        let slot = Int(UInt64(bitPattern: days) & 255)
        if self.days[slot] != days {
            self.days[slot] = days
            dates[slot] = DateCache.civil(days)
        }
        line.out.storeBytes(of: dates[slot].0, as: UInt64.self)
        (line.out + 8).storeBytes(of: dates[slot].1, as: UInt16.self)
        line.out += 10
        line.byte(0x54)
        var seconds = time - days * 86_400
        line.twoDigits(seconds / 3600)
        seconds %= 3600
        line.byte(0x3A)
        line.twoDigits(seconds / 60)
        line.byte(0x3A)
        line.twoDigits(seconds % 60)
        line.byte(0x5A)
    }

    /// `YYYY-MM-DD` from days since 1970-01-01, for years 0000 to 9999.
    private static func civil(_ daysSinceEpoch: Int64) -> (UInt64, UInt16) {
        let (year, month, day) = Timestamp.civil(days: daysSinceEpoch)
        var text: (UInt64, UInt16) = (0, 0)
        withUnsafeMutableBytes(of: &text) { out in
            var rest = year
            for index in (0..<4).reversed() {
                out[index] = UInt8(0x30 + rest % 10)
                rest /= 10
            }
            out[4] = 0x2D
            out[5] = UInt8(0x30 + month / 10)
            out[6] = UInt8(0x30 + month % 10)
            out[7] = 0x2D
            out[8] = UInt8(0x30 + day / 10)
            out[9] = UInt8(0x30 + day % 10)
        }
        return text
    }
}
