import Foundation
import Testing
import TestSupport

/// Commits an author and message as the given environment says, on a fixed date.
private func commit(_ repo: TestRepository, _ message: String, author: (String, String), date: String = "1736150400 +0000",
                    file: String? = nil) throws {
    try repo.commit(message, file: file, environment: [
        "GIT_AUTHOR_NAME": author.0, "GIT_AUTHOR_EMAIL": author.1, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date,
    ])
}

private func jsonLines(_ text: String) throws -> [[String: Any]] {
    try text.split(separator: "\n").map { try jsonObject(String($0)) }
}

/// The `by_<grouping>` rows of a JSON report, as key → commits.
private func rows(_ report: [String: Any], _ grouping: String) -> [String: Int] {
    var out: [String: Int] = [:]
    for row in report["by_\(grouping)"] as? [[String: Any]] ?? [] { out[row[grouping] as! String] = row["commits"] as? Int }
    return out
}

@Suite struct AuditReviewBotTests {
    /// A review bot declared in `.aitrail`, as the registry's own review bots are classified.
    static func repository() throws -> TestRepository {
        let repo = try TestRepository()
        try repo.write(".aitrail", "[agent \"gemini-code-assist\"]\n\tkind = review-bot\n\temail = gemini-code-assist[bot]@users.noreply.github.com\n")
        let jane = ("Jane Doe", "jane@corp.example")
        try commit(repo, "Start", author: jane)
        try commit(repo, "Apply a suggestion\n\nCo-authored-by: gemini-code-assist[bot] <gemini-code-assist[bot]@users.noreply.github.com>", author: jane)
        try commit(repo, "Agent and reviewer\n\nAssisted-by: claude-code:claude-opus-4.6\nCo-authored-by: gemini-code-assist[bot] <gemini-code-assist[bot]@users.noreply.github.com>", author: jane)
        return repo
    }

    @Test func aReviewBotIsAClassOfItsOwnNotAI() throws {
        let repo = try AuditReviewBotTests.repository()
        let lines = try jsonLines(try audit(repo, ["--format", "jsonl", "--no-cache"]).stdout)
        #expect(lines.count == 3)
        let applied = try #require(lines.first { ($0["agents"] as? [String])?.isEmpty == true && ($0["review_bots"] as? [String])?.isEmpty == false })
        #expect(applied["ai"] as? Bool == false)
        #expect(applied["review_bots"] as? [String] == ["gemini-code-assist"])
        #expect(applied["sources"] as? [String] == [])
        let both = try #require(lines.first { $0["ai"] as? Bool == true })
        #expect(both["agents"] as? [String] == ["claude-code"])
        #expect(both["review_bots"] as? [String] == ["gemini-code-assist"])

        let report = try jsonObject(try audit(repo, ["--format", "json", "--no-cache"]).stdout)
        let totals = try #require(report["totals"] as? [String: Any])
        #expect(totals["ai"] as? Int == 1)
        #expect(totals["review_bot"] as? Int == 1)
        #expect(rows(report, "class") == ["ai": 1, "review-bot": 1, "bot": 0, "human": 1])
        // Not an agent, so not in the agent or model breakdowns.
        #expect(rows(report, "agent") == ["claude-code": 1])

        let table = try audit(repo, ["--no-cache"]).stdout
        #expect(table.contains("Review bots  1 commit by people applied an AI review bot's suggestions"), "\(table)")
        #expect(table.contains("  review-bot  "), "\(table)")
        let csv = try audit(repo, ["--format", "csv", "--by", "class", "--no-cache"]).stdout
        #expect(csv.contains("\r\nreview-bot,1,0,0.3333,"), "\(csv)")
        #expect(try audit(repo, ["--format", "markdown", "--no-cache"]).stdout.contains("| review-bot | 1 | 33.3% |"))
        let html = try audit(repo, ["--format", "html", "--no-cache"]).stdout
        #expect(html.contains("<td>review-bot</td>"))
        #expect(html.contains("1 of 3 commits · 1 review-bot"))
    }

    /// The review bots survive the cache: a warm run (records read from the cache file) says the same.
    @Test func theCacheKeepsReviewBots() throws {
        let repo = try AuditReviewBotTests.repository()
        let cold = try audit(repo, ["--format", "jsonl", "--verbose"])
        #expect(cold.stderr.contains("cache cold"), "\(cold.stderr)")
        let warm = try audit(repo, ["--format", "jsonl", "--verbose"])
        #expect(warm.stderr.contains("cache warm") && warm.stderr.contains("0 classified"), "\(warm.stderr)")
        #expect(warm.stdout == cold.stdout)
        #expect(warm.stdout.contains(#""review_bots":["gemini-code-assist"]"#))
    }

    @Test func policyRejectsAnUnknownKind() throws {
        let repo = try TestRepository()
        try repo.write(".aitrail", "[agent \"x\"]\n\tkind = robot\n")
        try commit(repo, "Start", author: ("Jane", "jane@x"))
        let result = try audit(repo, ["--no-cache"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("agent or review-bot"), "\(result.stderr)")
    }
}

@Suite struct AuditIdentityTests {
    /// A commit written with an `encoding` header in Latin-1: names and message in that encoding.
    private func latin1Commit(_ repo: TestRepository, message: String) throws -> String {
        let tree = try repo.revParse("HEAD^{tree}"), parent = try repo.head()
        var bytes = Array("tree \(tree)\nparent \(parent)\n".utf8)
        bytes += Array("author ".utf8) + Array("José Álvarez".unicodeScalars.map { UInt8($0.value) }) + Array(" <jose@corp.example> 1736236800 +0000\n".utf8)
        bytes += Array("committer José <jose@corp.example> 1736236800 +0000\nencoding ISO-8859-1\n\n".unicodeScalars.map { UInt8($0.value) })
        bytes += message.unicodeScalars.map { UInt8($0.value) }
        let id = try repo.git(["hash-object", "-t", "commit", "-w", "--stdin"], input: bytes).trimmingCharacters(in: .whitespacesAndNewlines)
        try repo.git(["update-ref", "HEAD", id])
        return id
    }

    @Test func aLatin1AuthorIsTheSamePersonAsTheUTF8One() throws {
        let repo = try TestRepository()
        try commit(repo, "Start", author: ("José Álvarez", "jose@corp.example"))
        let id = try latin1Commit(repo, message: "Corrige la façon de compter\n\nCo-authored-by: Claude <noreply@anthropic.com>\n")
        // git log shows it in UTF-8: the audit says what git says.
        #expect(try repo.git(["log", "-1", "--format=%an", id]) == "José Álvarez\n")
        let report = try jsonObject(try audit(repo, ["--format", "json", "--no-cache"]).stdout)
        #expect(rows(report, "author") == ["José Álvarez <jose@corp.example>": 2])
        let lines = try jsonLines(try audit(repo, ["--format", "jsonl", "--no-cache"]).stdout)
        let converted = try #require(lines.first { $0["commit"] as? String == id })
        #expect((converted["author"] as? [String: String])?["name"] == "José Álvarez")
        #expect(converted["ai"] as? Bool == true)
        // Cached records say the same.
        _ = try audit(repo, ["--format", "jsonl"])
        #expect(try audit(repo, ["--format", "jsonl"]).stdout == (try audit(repo, ["--format", "jsonl", "--no-cache"]).stdout))
    }

    @Test func anUnknownEncodingKeepsTheBytesAsTheyAre() throws {
        let repo = try TestRepository()
        try commit(repo, "Start", author: ("Jane", "jane@x"))
        let tree = try repo.revParse("HEAD^{tree}"), parent = try repo.head()
        let raw = "tree \(tree)\nparent \(parent)\nauthor Jane <jane@x> 1736236800 +0000\ncommitter Jane <jane@x> 1736236800 +0000\nencoding no-such-encoding\n\nMessage\n"
        let id = try repo.git(["hash-object", "-t", "commit", "-w", "--stdin"], input: Array(raw.utf8)).trimmingCharacters(in: .whitespacesAndNewlines)
        try repo.git(["update-ref", "HEAD", id])
        let result = try audit(repo, ["--format", "json", "--no-cache"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(rows(try jsonObject(result.stdout), "author") == ["Jane <jane@x>": 2])
    }

    @Test func aiderAndMailmapFoldIntoThePerson() throws {
        let repo = try TestRepository()
        try repo.write(".mailmap", "Paul Gauthier <paul@corp.example> <paul@old.example>\n")
        try commit(repo, "Start", author: ("Paul Gauthier", "paul@corp.example"))
        try commit(repo, "aider: fix the parser", author: ("Paul Gauthier (aider)", "paul@corp.example"))
        try commit(repo, "Old address", author: ("paul", "paul@old.example"))
        let report = try jsonObject(try audit(repo, ["--format", "json", "--no-cache"]).stdout)
        #expect(rows(report, "author") == ["Paul Gauthier <paul@corp.example>": 3])
        let totals = try #require(report["totals"] as? [String: Any])
        #expect(totals["ai"] as? Int == 1)
        #expect(totals["authors"] as? Int == 1)
    }
}

@Suite struct AuditBotsAndMergesTests {
    static func repository() throws -> TestRepository {
        let repo = try TestRepository()
        let jane = ("Jane Doe", "jane@corp.example")
        try commit(repo, "Start", author: jane)
        try commit(repo, "Bump a dependency", author: ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com"))
        try commit(repo, "chore(release): 1.2.0", author: ("semantic-release-bot", "semantic-release-bot@martynus.net"))
        try commit(repo, "Update the changelog", author: ("github-actions", "41898282+github-actions[bot]@users.noreply.github.com"))
        try commit(repo, "Fix the build\n\nCo-authored-by: Claude <noreply@anthropic.com>", author: ("claude[bot]", "209825114+claude[bot]@users.noreply.github.com"))
        try repo.git(["checkout", "-q", "-b", "feature"])
        try commit(repo, "Add a feature\n\nAssisted-by: claude-code", author: jane)
        try repo.git(["checkout", "-q", "main"])
        try commit(repo, "Meanwhile", author: ("Talbot Smith", "talbot@corp.example"))
        try repo.git(["merge", "-q", "--no-ff", "-m", "Merge feature", "feature"])
        return repo
    }

    @Test func botsHaveTheirOwnRowAndCanBeLeftOut() throws {
        let repo = try AuditBotsAndMergesTests.repository()
        let all = try jsonObject(try audit(repo, ["--format", "json", "--no-cache"]).stdout)
        #expect(rows(all, "author") == ["Jane Doe <jane@corp.example>": 2, "Talbot Smith <talbot@corp.example>": 1,
                                        "Test User <test@example.com>": 1, "(bots)": 4])
        #expect((all["totals"] as? [String: Any])?["bot"] as? Int == 3)
        #expect((all["totals"] as? [String: Any])?["authors"] as? Int == 3)
        #expect(rows(all, "class") == ["ai": 2, "review-bot": 0, "bot": 3, "human": 3])

        // The agent's own account committing AI work stays: it is AI, not automation.
        let noBots = try jsonObject(try audit(repo, ["--format", "json", "--no-bots"]).stdout)
        #expect((noBots["totals"] as? [String: Any])?["commits"] as? Int == 5)
        #expect((noBots["totals"] as? [String: Any])?["ai"] as? Int == 2)
        #expect((noBots["scope"] as? String)?.hasSuffix("without bots") == true, "\(noBots["scope"] ?? "")")
        #expect(try audit(repo, ["--no-bots"]).stdout.contains("HEAD (main), without bots"))
    }

    /// The summary shows the first 15 people: the bots row is shown after them all the same.
    @Test func theBotsRowIsShownWhenPeopleAreCut() throws {
        let repo = try TestRepository()
        try commit(repo, "Release", author: ("release-bot", "release-bot@corp.example"))
        for number in 1...17 { try commit(repo, "Change \(number)", author: ("Person \(number)", "p\(number)@corp.example")) }
        for arguments in [["--format", "table"], ["--format", "markdown"]] {
            let out = try audit(repo, arguments).stdout
            #expect(out.contains("(bots)"), "\(out)")
            #expect(out.contains("2 more"), "\(out)")
        }
    }

    @Test func noMergesLeavesOutWhatGitLogNoMergesLeavesOut() throws {
        let repo = try AuditBotsAndMergesTests.repository()
        let lines = try jsonLines(try audit(repo, ["--format", "jsonl", "--no-merges"]).stdout)
        let expected = try repo.git(["log", "--no-merges", "--format=%H"]).split(separator: "\n").map(String.init)
        #expect(Set(lines.compactMap { $0["commit"] as? String }) == Set(expected))
        #expect(lines.count == 7)
        let both = try jsonObject(try audit(repo, ["--format", "json", "--no-merges", "--no-bots"]).stdout)
        #expect(both["scope"] as? String == "HEAD (main), without bots, without merges")
        #expect((both["totals"] as? [String: Any])?["merges"] as? Int == 0)
    }
}

@Suite struct AuditScopeCLITests {
    @Test func allLeavesOutTheStash() throws {
        let repo = try TestRepository()
        try commit(repo, "Start", author: ("Jane", "jane@x"), file: "a.txt")
        try repo.write("a.txt", "changed\n")
        try repo.git(["stash", "-q"])
        #expect(try repo.git(["rev-list", "--all"]).split(separator: "\n").count == 3)  // the stash's two commits
        let result = try audit(repo, ["--all", "--format", "json", "--no-cache"])
        let report = try jsonObject(result.stdout)
        #expect((report["totals"] as? [String: Any])?["commits"] as? Int == 1)
        #expect(report["scope"] as? String == "all branches and tags")
    }

    @Test func theReportNamesTheRepositoryAndWhatItCovered() throws {
        let repo = try TestRepository()
        try commit(repo, "Start", author: ("Jane", "jane@x"))
        try repo.git(["branch", "feature"])
        let folder = URL(fileURLWithPath: repo.path).lastPathComponent
        var report = try jsonObject(try audit(repo, ["--format", "json", "--no-cache"]).stdout)
        #expect(report["repository"] as? String == folder)
        #expect(report["scope"] as? String == "HEAD (main)")
        try repo.git(["remote", "add", "origin", "git@github.com:acme/shop.git"])
        report = try jsonObject(try audit(repo, ["--format", "json", "main..feature", "--since", "2020-01-01"]).stdout)
        #expect(report["repository"] as? String == "github.com/acme/shop")
        #expect(report["scope"] as? String == "commits in feature not in main, since 2020-01-01")
        try repo.git(["checkout", "-q", "--detach"])
        let short = String(try repo.head().prefix(7))
        #expect(try audit(repo, ["--no-cache"]).stdout.contains("HEAD (detached at \(short))"))
    }

    @Test func aPeriodNotOverYetIsMarkedPartial() throws {
        let repo = try TestRepository()
        try commit(repo, "Old", author: ("Jane", "jane@x"), date: "1736150400 +0000")
        try repo.commit("Now", environment: ["GIT_AUTHOR_NAME": "Jane", "GIT_AUTHOR_EMAIL": "jane@x"])
        let report = try jsonObject(try audit(repo, ["--format", "json", "--no-cache"]).stdout)
        let periods = try #require(report["by_period"] as? [[String: Any]])
        #expect(periods.last?["partial"] as? Bool == true)
        #expect(periods.first?["partial"] == nil)
        let month = try #require(periods.last?["period"] as? String)
        #expect(try audit(repo, ["--by", "period"]).stdout.contains("\(month) (partial)"))
        #expect(try audit(repo, ["--format", "csv"]).stdout.contains("\r\n\(month) (partial),"))
        // A report that stops at the end of a month has no partial period.
        let closed = try jsonObject(try audit(repo, ["--format", "json", "--until", "2025-01-31T23:59:59Z"]).stdout)
        #expect((closed["by_period"] as? [[String: Any]])?.last?["partial"] == nil)
    }
}

@Suite struct AuditReportSafetyTests {
    @Test func csvCellsThatASpreadsheetWouldRunAreNeutralised() throws {
        let repo = try TestRepository()
        for (index, name) in ["=cmd|' /C calc'!A0", "+SUM(A1)", "-2+3", "@SUM(A1)", "Plain"].enumerated() {
            try commit(repo, "Commit \(index)", author: (name, "p\(index)@x"))
        }
        let csv = try audit(repo, ["--format", "csv", "--by", "author", "--no-cache"]).stdout
        let cells = csv.split(separator: "\r\n").dropFirst().map { line -> String in
            // The first cell: quoted when it holds a comma or quote.
            if line.hasPrefix("\"") {
                var cell = "", rest = line.dropFirst()
                while let quote = rest.firstIndex(of: "\"") {
                    cell += rest[..<quote]
                    rest = rest[rest.index(after: quote)...]
                    if rest.first == "\"" { cell += "\""; rest = rest.dropFirst() } else { break }
                }
                return cell
            }
            return String(line.prefix { $0 != "," })
        }
        // (git trims a leading tab from a name: the unit test covers tab and CR.)
        #expect(cells.count == 5)
        for cell in cells where !cell.hasPrefix("Plain") {
            #expect(cell.hasPrefix("'"), "\(cell)")
        }
        #expect(cells.contains("'=cmd|' /C calc'!A0 <p0@x>"))
        #expect(cells.contains("Plain <p4@x>"))
    }

    @Test func controlCharactersAreShownEscaped() throws {
        let repo = try TestRepository()
        let name = "Eve\u{1B}[2J\u{07}\u{202E}x"
        try commit(repo, "Start", author: (name, "eve@x"))
        for arguments in [[String](), ["--by", "author"], ["--format", "markdown"]] {
            let out = try audit(repo, arguments + ["--no-cache"]).stdout
            #expect(!out.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\r" || $0.value == 0x202E }, "\(arguments)")
        }
        #expect(try audit(repo, ["--by", "author"]).stdout.contains(#"Eve\e[2J\x07\u{202E}x <eve@x>"#))
        // JSON escapes them its own way; the name itself is unchanged there.
        let lines = try jsonLines(try audit(repo, ["--format", "jsonl"]).stdout)
        #expect((lines.first?["author"] as? [String: String])?["name"] == name)
    }
}

@Suite struct CheckTextSafetyTests {
    /// A finding quotes the commit's marker: a terminal escape in it is shown, not obeyed.
    @Test func findingsShowControlCharactersEscaped() throws {
        let repo = try gateRepository(policy: "[agents]\n\tallow = codex\n[evidence]\n\trequire = none\n")
        try repo.commit("Add parser\n\nAssisted-by: claude-code:opus\u{1B}]0;pwned\u{07}")
        let result = try aitrail(["check", "main..feature", "--format", "text"], in: repo)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(!result.stdout.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "\(result.stdout)")
        #expect(result.stdout.contains(#"\e]0;pwned\x07"#), "\(result.stdout)")
    }
}

/// aider's own history (`Tests/Corpus`): thousands of ` (aider)` authors beside the same people.
@Suite struct AuditAiderCorpusTests {
    @Test func everyPersonIsOneRowWithWhatGitCounts() throws {
        let bundle = packageRoot + "/Tests/Corpus/aider.bundle"
        let directory = try makeTemporaryDirectory(prefix: "aitrail-aider")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clone = try runProcess("/usr/bin/git", ["clone", "-q", "--bare", bundle, directory + "/aider.git"])
        #expect(clone.status == 0, "\(clone.stderr)")
        let repo = TestRepository(existing: directory + "/aider.git")
        // What git says, folded by hand: the name without " (aider)", the email as it is (no .mailmap here).
        var expected: [String: Int] = [:]
        for line in try repo.git(["log", "--format=%an%x00%ae"]).split(separator: "\n") {
            let parts = line.split(separator: "\0", omittingEmptySubsequences: false).map(String.init)
            let name = parts[0].hasSuffix(" (aider)") ? String(parts[0].dropLast(8)) : parts[0]
            expected["\(name) <\(parts[1])>", default: 0] += 1
        }
        #expect(expected["Paul Gauthier <aider@paulg.org>"] == 8182)
        let report = try jsonObject(try audit(repo, ["--format", "json", "--by", "author", "--no-cache"]).stdout)
        let rows = rows(report, "author")
        #expect(!rows.keys.contains { $0.contains("(aider)") })
        for (author, commits) in rows where author != "(bots)" {
            #expect(expected[author] == commits, "\(author)")
        }
        #expect(rows.values.reduce(0, +) == 13_138)
    }
}

/// claude-code-action's history (`Tests/Corpus`): a release workflow makes 43% of main's commits.
@Suite struct AuditReleaseBotCorpusTests {
    @Test func theReleaseBotIsARowApartAndNoBotsLeavesItOut() throws {
        let bundle = packageRoot + "/Tests/Corpus/claude-code-action.bundle"
        let directory = try makeTemporaryDirectory(prefix: "aitrail-cca")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clone = try runProcess("/usr/bin/git", ["clone", "-q", "--bare", bundle, directory + "/cca.git"])
        #expect(clone.status == 0, "\(clone.stderr)")
        let repo = TestRepository(existing: directory + "/cca.git")
        let authors = try repo.git(["log", "--format=%an <%ae>"]).split(separator: "\n")
        // Read from the history: the workflow's identity, and every other author a person.
        let releases = authors.filter { $0 == "GitHub Actions <actions@github.com>" }.count
        #expect(releases == 331)
        let all = try jsonObject(try audit(repo, ["--format", "json", "--no-cache"]).stdout)
        #expect(rows(all, "author")["(bots)"] == releases)
        #expect((all["totals"] as? [String: Any])?["bot"] as? Int == releases)
        let people = try jsonObject(try audit(repo, ["--format", "json", "--no-bots"]).stdout)
        let totals = try #require(people["totals"] as? [String: Any])
        #expect(totals["commits"] as? Int == authors.count - releases)
        #expect(totals["ai"] as? Int == (all["totals"] as? [String: Any])?["ai"] as? Int)
        #expect(rows(people, "author")["(bots)"] == nil)
    }
}
