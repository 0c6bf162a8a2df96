import Foundation
import Testing
import TestSupport

/// Runs `aitrail <command>` in `repository`.
private func aitrail(_ repository: TestRepository, _ arguments: [String]) throws -> ProcessResult {
    try runProcess(aitrailBinary, arguments, in: repository.path, removing: agentEnvironment)
}

/// The commit of every line, read from `git blame --porcelain` by a parser of its own (a header
/// line is `<40 hex> <original> <final>[ <count>]`; content lines start with a tab).
private func gitBlameCommits(_ repository: TestRepository, revision: String, path: String) throws -> [String] {
    let output = try repository.git(["blame", "--porcelain", revision, "--", path])
    var byLine: [Int: String] = [:]
    // By bytes: in a String, "\r\n" is one Character that a split on "\n" would not cut.
    for bytes in Array(output.utf8).split(separator: 10, omittingEmptySubsequences: false) where bytes.first != 9 {
        let fields = String(decoding: bytes, as: UTF8.self).split(separator: " ")
        guard fields.count >= 3, fields[0].count == 40, fields[0].allSatisfy(\.isHexDigit), let final = Int(fields[2]) else { continue }
        byLine[final] = String(fields[0])
    }
    return (1..<(byLine.count + 1)).map { byLine[$0] ?? "missing" }
}

private func jsonLines(_ text: String) throws -> [[String: Any]] {
    try text.split(separator: "\n").map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
}

private let aiTrailer = "\n\nAssisted-by: claude-code:claude-opus-4.6\n"

/// A history with what makes blame hard: renames with edits, a move, a merge touching one file on
/// both sides, CRLF, a binary file, a file deleted and re-added, a path with a space.
private func awkwardHistory() throws -> TestRepository {
    let repo = try TestRepository()
    let base = (1...30).map { "line \($0) of the parser" }.joined(separator: "\n") + "\n"
    try repo.commit("Add the parser", file: "src/parser.txt", contents: base)
    try repo.write("docs/guide.md", (1...12).map { "guide \($0)" }.joined(separator: "\n") + "\n")
    try repo.write("crlf.txt", "one\r\ntwo\r\nthree\r\n")
    try repo.write("data.bin", bytes: [0, 1, 2, 10, 0, 255, 10, 7])
    try repo.write("größe \"quoted\".txt", "x\ny\n")
    try repo.commit("Docs, CRLF and binary" + aiTrailer, file: "with space.txt", contents: "a\nb\nc\n")
    var lines = base.split(separator: "\n").map(String.init)
    lines[4] = "line 5 rewritten by the agent"
    lines.insert("an inserted line", at: 10)
    try repo.commit("Edit the parser" + aiTrailer, file: "src/parser.txt", contents: lines.joined(separator: "\n") + "\n")
    // Rename with a small edit (git's rename detection still pairs them), and a pure move.
    try FileManager.default.createDirectory(atPath: repo.path + "/lib", withIntermediateDirectories: true)
    try repo.git(["mv", "src/parser.txt", "lib/parser.txt"])
    lines[0] = "line 1 after the rename"
    try repo.write("lib/parser.txt", lines.joined(separator: "\n") + "\n")
    try repo.git(["mv", "docs/guide.md", "guide.md"])
    try repo.git(["commit", "-q", "-m", "Move things"])
    // A merge: both sides edit the parser in different places, the side adds a file.
    try repo.git(["checkout", "-q", "-b", "side"])
    var side = lines
    side[25] = "line 26 from the side branch"
    try repo.commit("Side edit" + aiTrailer, file: "lib/parser.txt", contents: side.joined(separator: "\n") + "\n")
    try repo.commit("Side file", file: "side.txt", contents: "s1\ns2\n")
    try repo.git(["checkout", "-q", "main"])
    lines[2] = "line 3 from main"
    try repo.commit("Main edit", file: "lib/parser.txt", contents: lines.joined(separator: "\n") + "\n")
    try repo.git(["merge", "-q", "--no-edit", "side"])
    // CRLF edited, a file deleted and re-added with part of its old content.
    try repo.write("crlf.txt", "one\r\nTWO\r\nthree\r\n")
    try repo.git(["rm", "-q", "with space.txt"])
    try repo.git(["add", "-A"])
    try repo.git(["commit", "-q", "-m", "Delete a file, edit CRLF"])
    try repo.commit("Re-add the file" + aiTrailer, file: "with space.txt", contents: "a\nnew\nc\n")
    return repo
}

@Suite struct BlameDifferentialTests {
    @Test func everyLineHasTheCommitGitBlameGives() throws {
        let repo = try awkwardHistory()
        for revision in ["HEAD", "HEAD~1", "HEAD~2", "HEAD~2^2"] {
            let files = try repo.git(["ls-tree", "-r", "--name-only", "-z", revision]).split(separator: "\0").map(String.init)
            #expect(files.count >= 5)
            for path in files {
                let result = try aitrail(repo, ["blame", "--format", "jsonl", "--no-cache", revision, "--", path])
                #expect(result.status == 0, "\(revision) \(path): \(result.stderr)")
                let ours = try jsonLines(result.stdout).map { $0["commit"] as? String ?? "" }
                let gits = try gitBlameCommits(repo, revision: revision, path: path)
                #expect(ours == gits, "\(revision):\(path)")
                #expect(!gits.isEmpty, "\(revision):\(path) has lines")
            }
        }
    }

    @Test func linesCarryTheirCommitsAttributionAndContent() throws {
        let repo = try awkwardHistory()
        let result = try aitrail(repo, ["blame", "--format", "jsonl", "lib/parser.txt"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = try jsonLines(result.stdout)
        #expect(lines.count == 31)
        // Line 5 came from the AI edit before the rename: git followed it, so do we.
        #expect(lines[4]["content"] as? String == "line 5 rewritten by the agent")
        #expect(lines[4]["agent"] as? String == "claude-code")
        #expect(lines[4]["model"] as? String == "claude-opus-4.6")
        #expect(lines[4]["original_path"] as? String == "src/parser.txt")
        #expect(lines[4]["ai"] as? Bool == true)
        #expect(lines[2]["ai"] as? Bool == false)
        #expect(lines[2]["content"] as? String == "line 3 from main")
        // git C-quotes such a path in its output (core.quotePath): read back as it is.
        let quoted = try jsonLines(try aitrail(repo, ["blame", "--format", "jsonl", "größe \"quoted\".txt"]).stdout)
        #expect(quoted.map { $0["original_path"] as? String } == ["größe \"quoted\".txt", "größe \"quoted\".txt"])
        let text = try aitrail(repo, ["blame", "lib/parser.txt"])
        #expect(text.stdout.split(separator: "\n")[4].contains("claude-code/claude-opus-4.6"))
        #expect(text.stdout.split(separator: "\n")[4].hasSuffix(") line 5 rewritten by the agent"))
    }

    @Test func badInputIsAClearError() throws {
        let repo = try awkwardHistory()
        let missing = try aitrail(repo, ["blame", "no/such/file"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no/such/file"))
        let badRevision = try aitrail(repo, ["blame", "nope", "--", "guide.md"])
        #expect(badRevision.status == 2)
        #expect(badRevision.stderr.contains("cannot resolve 'nope'"))
        let noPath = try aitrail(repo, ["blame"])
        #expect(noPath.status == 64)
        let range = try aitrail(repo, ["audit", "--code", "HEAD~2..HEAD"])
        #expect(range.status == 64)
        #expect(range.stderr.contains("not a range"))
        let lines = try aitrail(repo, ["audit", "--code", "--lines"])
        #expect(lines.status == 64)
        #expect(lines.stderr.contains("--lines cannot be used with --code"))
    }
}

/// A small history whose answers are known by hand (see the comments).
private func shareHistory() throws -> TestRepository {
    let repo = try TestRepository()
    // C1, human: h.txt (3 lines) and .gitattributes (1 line): 4 inserted.
    try repo.write(".gitattributes", "gen.txt linguist-generated\n")
    try repo.commit("Start", file: "h.txt", contents: "h1\nh2\nh3\n")
    // C2, AI: src/ai.txt, 5 lines.
    try repo.commit("Agent code" + aiTrailer, file: "src/ai.txt", contents: "a1\na2\na3\na4\na5\n")
    // C3, AI: rewrites h.txt's second line: 1 inserted.
    try repo.commit("Agent fix" + aiTrailer, file: "h.txt", contents: "h1\nH2\nh3\n")
    // C4, human: a generated file (4 lines) and a binary file (0 lines): 4 inserted.
    try repo.write("bin.dat", bytes: [0, 0, 10, 1])
    try repo.commit("Generated", file: "gen.txt", contents: "g1\ng2\ng3\ng4\n")
    // C5, human: deletes two of the agent's lines: 0 inserted.
    try repo.commit("Trim", file: "src/ai.txt", contents: "a1\na2\na3\n")
    return repo
}

@Suite struct CodeShareTests {
    @Test func shareAndSurvivalHaveTheKnownAnswers() throws {
        let repo = try shareHistory()
        let result = try aitrail(repo, ["audit", "--code", "--survival", "--format", "json", "--no-cache"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        // Code: h.txt 3 (1 AI), .gitattributes 1, src/ai.txt 3 (AI).
        #expect(report["lines"] as? Int == 7)
        #expect(report["ai"] as? Int == 4)
        #expect(report["origins"] as? [String: Int] == ["claude-code/claude-opus-4.6": 4, "human": 3])
        let leftOut = try #require(report["left_out"] as? [String: Int])
        #expect(leftOut == ["generated_files": 1, "generated_lines": 4, "binary_files": 1, "links": 0])
        let directories = try #require(report["by_directory"] as? [[String: Any]])
        #expect(directories.map { $0["directory"] as? String } == ["(root)", "src/"])
        #expect(directories.map { $0["lines"] as? Int } == [4, 3])
        #expect(directories.map { $0["ai"] as? Int } == [1, 3])
        // Survival: AI added 5 + 1, 3 + 1 remain; humans added 4 + 4 + 0, 3 + 4 remain (the generated file counts).
        let survival = try #require(report["survival"] as? [[String: Any]]).filter { $0["period"] is NSNull }
        let byOrigin = Dictionary(uniqueKeysWithValues: survival.map { ($0["origin"] as! String, $0) })
        #expect(byOrigin["claude-code"]?["added"] as? Int == 6)
        #expect(byOrigin["claude-code"]?["surviving"] as? Int == 4)
        #expect(byOrigin["claude-code"]?["commits"] as? Int == 2)
        #expect(byOrigin["human"]?["added"] as? Int == 8)
        #expect(byOrigin["human"]?["surviving"] as? Int == 7)
        #expect(byOrigin["human"]?["commits"] as? Int == 3)

        let files = try jsonLines(try aitrail(repo, ["audit", "--code", "--format", "jsonl", "--no-cache"]).stdout)
        let kinds = Dictionary(uniqueKeysWithValues: files.map { ($0["path"] as! String, $0["kind"] as! String) })
        #expect(kinds == [".gitattributes": "code", "bin.dat": "binary", "gen.txt": "generated", "h.txt": "code", "src/ai.txt": "code"])
        #expect(files.first { $0["path"] as? String == "h.txt" }?["ai"] as? Int == 1)

        let text = try aitrail(repo, ["audit", "--code", "--no-cache"])
        #expect(text.stdout.contains("7 lines in 3 files: AI 57.1% (4), human 3"))
        #expect(text.stdout.contains("Left out: 1 generated files (4 lines), 1 binary files, 0 links"))
        let csv = try aitrail(repo, ["audit", "--code", "--format", "csv", "--no-cache"])
        #expect(csv.stdout.hasPrefix("path,kind,lines,ai,human,claude-code/claude-opus-4.6,human\r\n"))
        let markdown = try aitrail(repo, ["audit", "--code", "--format", "markdown", "--no-cache"])
        #expect(markdown.stdout.contains("| src/ | 3 | 3 | 100.0% |"))
    }

    @Test func gitAINotesAttributeLinesWithinACommit() throws {
        let repo = try TestRepository()
        let commit = try repo.commit("Mixed work", file: "f.txt", contents: "one\ntwo\nthree\nfour\n")
        let note = """
        f.txt
          p1a2b3c4 2-3
        ---
        {"schema_version":"authorship/3.0.0","base_commit_sha":"\(commit)","prompts":{"p1a2b3c4":{"agent_id":{"tool":"cursor","id":"x","model":"gpt-5.4"},"human_author":"Test User"}}}
        """
        try repo.git(["notes", "--ref", "refs/notes/ai", "add", "-m", note, commit])
        let lines = try jsonLines(try aitrail(repo, ["blame", "--format", "jsonl", "f.txt"]).stdout)
        #expect(lines.map { $0["agent"] as? String } == [nil, "cursor", "cursor", nil])
        #expect(lines.map { $0["model"] as? String } == [nil, "gpt-5.4", "gpt-5.4", nil])
        #expect(lines.allSatisfy { $0["source"] as? String == "git-ai" })
        let share = try aitrail(repo, ["audit", "--code", "--format", "json", "--no-cache"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(share.stdout.utf8)) as? [String: Any])
        #expect(report["origins"] as? [String: Int] == ["cursor/gpt-5.4": 2, "human": 2])
        #expect(report["lines_from_git_ai_notes"] as? Int == 4)
    }

    @Test func aRepeatBlamesOnlyWhatTheNewCommitTouchedAndAgreesWithAColdRun() throws {
        let repo = try awkwardHistory()
        let cold = try aitrail(repo, ["audit", "--code", "--format", "jsonl", "--verbose"])
        #expect(cold.status == 0, "\(cold.stderr)")
        #expect(cold.stderr.contains("from the cache, cache cold"))
        try repo.commit("One more" + aiTrailer, file: "guide.md", contents: "guide 1\nnew guide line\n")
        let warm = try aitrail(repo, ["audit", "--code", "--format", "jsonl", "--verbose"])
        #expect(warm.stderr.contains("aitrail audit: 1 files blamed"), "\(warm.stderr)")
        #expect(warm.stderr.contains("cache warm"))
        let uncached = try aitrail(repo, ["audit", "--code", "--format", "jsonl", "--no-cache"])
        #expect(warm.stdout == uncached.stdout)
        #expect(warm.stdout != cold.stdout)
        // Every file's lines per commit equal git blame's at the new head.
        for file in try jsonLines(warm.stdout) where file["kind"] as? String != "binary" {
            let path = file["path"] as! String
            #expect(try gitBlameCommits(repo, revision: "HEAD", path: path).count == file["lines"] as? Int, "\(path)")
        }
    }

    @Test func attributesAreReusedOnlyWhileNothingTheyDependOnChanged() throws {
        let repo = try shareHistory()
        _ = try aitrail(repo, ["audit", "--code", "--format", "jsonl"])
        try repo.commit("Mark h.txt generated", file: ".gitattributes", contents: "gen.txt linguist-generated\nh.txt linguist-generated\n")
        let changed = try aitrail(repo, ["audit", "--code", "--format", "jsonl", "--verbose"])
        #expect(changed.stderr.contains("cache warm") && !changed.stderr.contains("attributes from the cache"), "\(changed.stderr)")
        #expect(try jsonLines(changed.stdout).first { $0["path"] as? String == "h.txt" }?["kind"] as? String == "generated")
        #expect(changed.stdout == (try aitrail(repo, ["audit", "--code", "--format", "jsonl", "--no-cache"])).stdout)
        try repo.commit("Edit h.txt", file: "h.txt", contents: "h1\nH2\nh3\nh4\n")
        let same = try aitrail(repo, ["audit", "--code", "--format", "jsonl", "--verbose"])
        #expect(same.stderr.contains("1 files blamed") && same.stderr.contains("attributes from the cache"), "\(same.stderr)")
        #expect(same.stdout == (try aitrail(repo, ["audit", "--code", "--format", "jsonl", "--no-cache"])).stdout)
    }

    @Test func aDamagedCacheIsRebuilt() throws {
        let repo = try shareHistory()
        let first = try aitrail(repo, ["audit", "--code", "--format", "jsonl"])
        let cachePath = repo.path + "/.git/aitrail/cache/blame"
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: cachePath)))
        #expect(bytes.count > 100)
        bytes[bytes.count / 2] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: cachePath))
        let damaged = try aitrail(repo, ["audit", "--code", "--format", "jsonl", "--verbose"])
        #expect(damaged.status == 0)
        #expect(damaged.stderr.contains("cache cold"))
        #expect(damaged.stdout == first.stdout)
        try Data(bytes.prefix(30)).write(to: URL(fileURLWithPath: cachePath))
        let truncated = try aitrail(repo, ["audit", "--code", "--format", "jsonl", "--verbose"])
        #expect(truncated.stdout == first.stdout)
        let again = try aitrail(repo, ["audit", "--code", "--format", "jsonl", "--verbose"])
        #expect(again.stderr.contains("0 files blamed"), "\(again.stderr)")
        #expect(again.stdout == first.stdout)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium"), "chromium is not installed (scripts/test installs it)"))
    func theHTMLPictureIsDrawnInARealBrowser() throws {
        let repo = try shareHistory()
        let output = repo.path + "/share.html"
        let result = try aitrail(repo, ["audit", "--code", "--format", "html", "--output", output, "--no-cache"])
        #expect(result.status == 0, "\(result.stderr)")
        let html = try String(contentsOfFile: output, encoding: .utf8)
        #expect(!html.contains("https://"), "the page must not load anything")
        let profile = try makeTemporaryDirectory(prefix: "aitrail-chromium")
        defer { try? FileManager.default.removeItem(atPath: profile) }
        let dom = try runProcess("/usr/bin/chromium", [
            "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile)", "--virtual-time-budget=2000",
            "--dump-dom", "file://\(output)",
        ])
        #expect(dom.stdout.contains("data-ready=\"1\""), "the page's script did not run")
        let pattern = try NSRegularExpression(pattern: "data-drawn=\"(\\d+)x(\\d+) segments=(\\d+)\"")
        let match = try #require(pattern.firstMatch(in: dom.stdout, range: NSRange(dom.stdout.startIndex..., in: dom.stdout)))
        let numbers = (1...3).map { Int((dom.stdout as NSString).substring(with: match.range(at: $0)))! }
        // Two directories: (root) with AI and human segments, src/ with one.
        #expect(numbers[0] > 400 && numbers[1] > 40 && numbers[2] == 3, "\(numbers)")
    }
}
