@testable import AITrailKit
import Foundation
import Git
import Testing
import TestSupport

/// Dates far from now — years past 9999, before 1970, up to the last second a commit date can
/// hold — formatted and grouped by period as GNU `date` (proleptic Gregorian, UTC) gives them.
@Suite struct ExtremeDateTests {
    /// The times to try: the edges of four-digit years, the epoch, the last readable commit time,
    /// and seeded random times from year 1 to that last one.
    static let times: [Int64] = {
        var times: [Int64] = [0, -1, 1, 86_399, 86_400, -86_400, -86_401, 951_782_400, 4_107_542_400,
                              253_402_300_799, 253_402_300_800, 253_402_300_800 + 86_400 * 59, -62_135_596_800, -2_208_988_800,
                              3_155_760_000_000, Signature.latestTime, Signature.latestTime - 86_400 * 400]
        var random = SeededGenerator(seed: 10_000)
        for _ in 0..<200 { times.append(Int64.random(in: -62_135_596_800...Signature.latestTime, using: &random)) }
        for _ in 0..<200 { times.append(Int64.random(in: -62_135_596_800...400_000_000_000, using: &random)) }
        return times
    }()

    /// GNU `date -u` for each time, with `format`, in one run.
    static func gnuDate(_ times: [Int64], format: String) throws -> [String] {
        let result = try runProcess("/usr/bin/date", ["-u", "-f", "-", "+" + format],
                                    input: Array(times.map { "@\($0)\n" }.joined().utf8))
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout.split(separator: "\n").map(String.init)
    }

    @Test func timestampsAgreeWithGNUDate() throws {
        let expected = try Self.gnuDate(Self.times, format: "%Y-%m-%dT%H:%M:%SZ")
        #expect(Self.times.map(Timestamp.format) == expected)
        #expect(Timestamp.format(253_402_300_800) == "10000-01-01T00:00:00Z")
        #expect(Timestamp.format(-62_135_596_800) == "0001-01-01T00:00:00Z")
        // Before year 1, ISO 8601's expanded form (GNU date writes `-001`).
        #expect(Timestamp.format(-62_135_596_801) == "0000-12-31T23:59:59Z")
        #expect(Timestamp.format(-62_167_219_201) == "-0001-12-31T23:59:59Z")
        // The integer's limits: a date, not a trap.
        #expect(Timestamp.format(.max) == "292277026596-12-04T15:30:07Z")
        #expect(Timestamp.format(.min) == "-292277022657-01-27T08:29:52Z")
    }

    @Test func periodsAgreeWithGNUDate() throws {
        let times = Self.times
        let fields = try Self.gnuDate(times, format: "%Y-%m %G-W%V")
        for (time, field) in zip(times, fields) {
            let parts = field.split(separator: " ").map(String.init)
            let month = Int(parts[0].split(separator: "-").last!)!
            let year = String(parts[0].dropLast(3))
            let expected: [(AuditPeriod, String)] = [(.month, parts[0]), (.quarter, "\(year)-Q\((month - 1) / 3 + 1)"), (.week, parts[1])]
            for (period, label) in expected {
                let start = period.start(of: time)
                #expect(period.label(start) == label, "\(time) \(period)")
                #expect(start <= time && time < period.next(after: start), "\(time) \(period)")
            }
        }
    }

    /// A commit dated year 10000 beside this year's: the trend lists the periods that have commits
    /// instead of 96,000 empty months; a span of real length is still filled.
    @Test func aTrendAcrossMillenniaListsOnlyItsPeriods() {
        let author = Identity(name: "A", email: "a@x")
        func commit(_ time: Int64) -> AuditedCommit {
            AuditedCommit(id: ObjectID(hex: String(repeating: "a", count: 40))!, commitTime: 0, authorTime: time,
                          author: author, isMerge: false, agents: [], models: [], sources: [], evidence: .none)
        }
        let report = AuditReport(commits: [commit(1_736_000_000), commit(253_402_300_800), commit(Signature.latestTime)], scope: "HEAD")
        #expect(report.byPeriod.map(\.key) == ["2025-01", "10000-01", "2147485547-12"])
        #expect(report.byPeriod.map(\.commits) == [1, 1, 1])
    }
}
