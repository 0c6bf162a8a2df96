import Foundation
import Testing
import TestSupport

/// Commit dates past the year 9999, at the epoch and with the extreme time zones (+1400, -1200), in
/// every audit format: the date `git log` shows (in UTC), never a four-digit `0000-01-01`, never a crash.
@Suite(.serialized) struct ExtremeDateReportTests {
    static let dates = ["1700000000 +1400", "1700000000 -1200", "43200 -1200", "0 +0000", "253402300799 +1400",
                        "253402300800 +0000", "99999999999 -1200", "3156641884800 +0000"]

    @Test func everyFormatPrintsTheDateGitShows() throws {
        let repo = try TestRepository()
        try repo.commit("base")
        let tree = try repo.revParse("HEAD^{tree}")
        var parent = try repo.head()
        for date in Self.dates {
            parent = try HostileCommitTests.writeCommit(repo, "tree \(tree)\nparent \(parent)\nauthor A <a@example.com> \(date)\n"
                + "committer C <c@example.com> \(date)\n\ndated \(date)\n\nAssisted-by: claude-code\n")
        }
        try repo.git(["update-ref", "refs/heads/main", parent])
        // git's own reading of each author date, in UTC.
        let fromGit = try repo.git(["log", "--date=iso-strict-local", "--format=%H %ad"], environment: ["TZ": "UTC"])
            .split(separator: "\n").map { line -> (String, String) in
                let parts = line.split(separator: " ")
                return (String(parts[0]), parts[1].replacingOccurrences(of: "+00:00", with: "Z"))
            }
        let base = try repo.revParse("HEAD~\(Self.dates.count)")
        let days = fromGit.filter { $0.0 != base }.map { String($0.1.prefix { $0 != "T" }) }
        #expect(days.contains("10000-01-01") && days.contains("102000-01-01"), "\(days)")
        let firstDay = "1970-01-01", lastDay = "102000-01-01"
        let fourDigitYearZero = try Regex("(^|[^0-9])0000-01-01")

        for format in ["jsonl", "json", "csv", "table", "markdown", "html"] {
            for jobs in ["1", "2"] {
                let result = try audit(repo, ["--format", format, "--no-cache", "--jobs", jobs])
                expectExited(result, [0], "\(format) --jobs \(jobs)")
                #expect(!result.stdout.contains(fourDigitYearZero), "\(format)")
                switch format {
                case "jsonl":
                    let times = try result.stdout.split(separator: "\n").map { line -> (String, String) in
                        let object = try jsonObject(String(line))
                        return (object["commit"] as? String ?? "", object["time"] as? String ?? "")
                    }
                    #expect(times.sorted { $0.0 < $1.0 }.map(\.1) == fromGit.sorted { $0.0 < $1.0 }.map(\.1))
                case "json":
                    let object = try jsonObject(result.stdout)
                    #expect(object["first"] as? String == "1970-01-01T00:00:00Z")
                    #expect(object["last"] as? String == "102000-01-01T00:00:00Z")
                case "csv":
                    #expect(result.stdout.contains("\n10000-01,") && result.stdout.contains("\n102000-01"), "\(result.stdout)")
                default:
                    #expect(result.stdout.contains("\(firstDay) – \(lastDay)"), "\(format)")
                }
            }
        }
        // By week: the ISO week of 10000-01-01 (a Saturday) is 9999's last.
        let weeks = try audit(repo, ["--format", "csv", "--no-cache", "--by", "period", "--period", "week"])
        expectExited(weeks, [0], "--period week")
        #expect(weeks.stdout.contains("\n9999-W52,") && weeks.stdout.contains("\n2023-W46,"), "\(weeks.stdout)")
    }
}
