import Foundation
import Testing
import TestSupport

/// A small history with fixed identities, dates and notes, so its commit ids and reports never change.
func auditFixture() throws -> TestRepository {
    let repo = try TestRepository()
    try repo.write(".mailmap", "Jane Doe <jane@corp.example> <jdoe@old.example>\n")
    // The report names the repository by its origin, without the credentials in the URL.
    try repo.git(["remote", "add", "origin", "https://ci:secret-token@GitHub.com/acme/parser.git"])
    // An AI review bot, declared as a team would for one the registry does not know.
    try repo.write(".aitrail", "[agent \"gemini-code-assist\"]\n\tkind = review-bot\n\temail = gemini-code-assist[bot]@users.noreply.github.com\n")
    var day = 0
    func commit(_ message: String, _ author: (String, String), file: String) throws {
        day += 9
        let date = "\(1_736_150_400 + day * 86_400) +0100"
        try repo.commit(message, file: file, contents: "\(message)\n", environment: [
            "GIT_AUTHOR_NAME": author.0, "GIT_AUTHOR_EMAIL": author.1, "GIT_AUTHOR_DATE": date,
            "GIT_COMMITTER_NAME": author.0, "GIT_COMMITTER_EMAIL": author.1, "GIT_COMMITTER_DATE": date,
        ])
    }
    let jane = ("Jane Doe", "jane@corp.example"), oldJane = ("jdoe", "jdoe@old.example"), sam = ("Sam O'Brien", "sam@corp.example")
    try commit("Initial commit", oldJane, file: "README.md")
    try commit("Add the parser\n\nCo-authored-by: Claude Opus 4.6 <noreply@anthropic.com>", jane, file: "parser.swift")
    try commit("aider: fix a typo in the parser", ("Sam O'Brien (aider)", "sam@corp.example"), file: "parser.swift")
    try commit("Mention Co-authored-by: in the docs", sam, file: "docs.md")
    try commit("Add the lexer\n\nCo-authored-by: Codex <noreply@openai.com>", sam, file: "lexer.swift")
    try commit("Speed up the lexer\n\nAssisted-by: cursor:gpt-5", jane, file: "lexer.swift")
    try commit("Tidy up", jane, file: "tidy.txt")
    try commit("Wire the CLI\n\nAssisted-by: claude-code:claude-sonnet-4.5\nAssisted-by: codex", sam, file: "cli.swift")
    try commit("Bump swift-argument-parser from 1.5.0 to 1.6.1", ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com"), file: "Package.swift")
    try commit("Apply the review's suggestion\n\nCo-authored-by: gemini-code-assist[bot] <gemini-code-assist[bot]@users.noreply.github.com>", jane, file: "cli.swift")
    func addNote(_ revision: String, ref: String, _ text: String) throws {
        try repo.git(["notes", "--ref", ref, "add", "-m", text, revision], environment: ["GIT_COMMITTER_DATE": "1767225600 +0000"])
    }
    let evidence = { (tree: String, passed: Bool) in
        #"{"at":"2026-01-01T00:00:00Z","kind":"command","passed":\#(passed),"tree":"\#(tree)","type":"evidence","v":1}"#
    }
    try addNote("HEAD~5", ref: "aitrail", evidence(try repo.revParse("HEAD~5^{tree}"), true))
    try addNote("HEAD~4", ref: "aitrail", evidence(try repo.revParse("HEAD~5^{tree}"), true))
    try addNote("HEAD~2", ref: "aitrail", evidence(try repo.revParse("HEAD~2^{tree}"), false))
    try addNote("HEAD~3", ref: "ai", "tidy.txt\n  p1 1-1\n---\n{\"prompts\":{\"p1\":{\"agent_id\":{\"tool\":\"claude\",\"model\":\"claude-opus-4-6\"}}}}\n")
    return repo
}

@Suite struct AuditGoldenTests {
    static let golden = packageRoot + "/Tests/aitrailTests/Golden"

    @Test(arguments: [
        ("table", [String](), "audit.table.txt"),
        ("csv", ["--by", "author"], "audit.by-author.csv"),
        ("csv", [], "audit.csv"),
        ("markdown", [], "audit.md"),
        ("json", ["--lines"], "audit.json"),
        ("jsonl", ["--lines"], "audit.jsonl"),
        ("table", ["--by", "period", "--period", "week"], "audit.by-week.txt"),
    ])
    func matchesGoldenFile(format: String, arguments: [String], file: String) throws {
        let repo = try auditFixture()
        let result = try audit(repo, ["--format", format, "--no-cache"] + arguments)
        #expect(result.status == 0, "\(result.stderr)")
        let path = AuditGoldenTests.golden + "/" + file
        if ProcessInfo.processInfo.environment["AITRAIL_UPDATE_GOLDEN"] == "1" {
            try result.stdout.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOfFile: path, encoding: .utf8)
        #expect(result.stdout == expected, "regenerate with AITRAIL_UPDATE_GOLDEN=1 if the change is intended")
        // The cached path renders the same bytes.
        _ = try audit(repo, ["--format", format] + arguments)
        #expect(try audit(repo, ["--format", format] + arguments).stdout == expected)
    }

    @Test func tableFitsIn80Columns() throws {
        let repo = try auditFixture()
        for arguments in [[], ["--by", "author"], ["--lines"]] {
            let table = try audit(repo, arguments).stdout
            for line in table.split(separator: "\n") { #expect(line.count <= 80, "\(line)") }
        }
    }
}

@Suite struct AuditHTMLBrowserTests {
    /// Debian's chromium, installed by scripts/test; nil when it is not installed.
    static var chromium: String? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    @Test(.enabled(if: chromium != nil, "chromium is not installed (scripts/test installs it)"))
    func chartsAreDrawnInARealBrowser() throws {
        let repo = try auditFixture()
        let output = repo.path + "/report.html"
        let result = try audit(repo, ["--format", "html", "--output", output, "--no-cache"])
        #expect(result.status == 0, "\(result.stderr)")
        let html = try String(contentsOfFile: output, encoding: .utf8)
        #expect(!html.contains("http://") && !html.contains("https://"), "the page must not load anything")
        let profile = try makeTemporaryDirectory(prefix: "aitrail-chromium")
        let dom = try runProcess(AuditHTMLBrowserTests.chromium!, [
            "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile)", "--virtual-time-budget=2000",
            "--dump-dom", "file://\(output)",
        ])
        #expect(dom.status == 0, "\(dom.stderr)")
        #expect(dom.stdout.contains("data-ready=\"1\""), "the page's script did not run")
        for chart in ["trend", "evidence"] {
            let pattern = try NSRegularExpression(pattern: "id=\"\(chart)\"[^>]*data-drawn=\"(\\d+)x(\\d+) bars=(\\d+)\"")
            let match = try #require(pattern.firstMatch(in: dom.stdout, range: NSRange(dom.stdout.startIndex..., in: dom.stdout)), "\(chart) not drawn")
            let numbers = (1...3).map { Int((dom.stdout as NSString).substring(with: match.range(at: $0)))! }
            #expect(numbers[0] > 100 && numbers[1] > 20 && numbers[2] > 0, "\(chart): \(numbers)")
        }
        let shot = repo.path + "/report.png"
        let screenshot = try runProcess(AuditHTMLBrowserTests.chromium!, [
            "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile)", "--hide-scrollbars",
            "--window-size=1200,1400", "--screenshot=\(shot)", "file://\(output)",
        ])
        #expect(screenshot.status == 0)
        let size = (try? FileManager.default.attributesOfItem(atPath: shot)[.size] as? Int) ?? 0
        #expect(size > 20_000, "the screenshot is blank")
        try? FileManager.default.removeItem(atPath: profile)
    }
}
