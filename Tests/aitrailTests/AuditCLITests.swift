import Foundation
import Testing
import TestSupport

/// Runs `aitrail audit` in `repository`.
func audit(_ repository: TestRepository, _ arguments: [String]) throws -> ProcessResult {
    try runProcess(aitrailBinary, ["audit"] + arguments, in: repository.path, removing: agentEnvironment)
}

func jsonObject(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}

struct HistoryFailed: Error { let stderr: String }

/// A history from scripts/make-history, with the generator's true counts.
struct GeneratedHistory {
    let repository: TestRepository
    let truth: [String: Any]

    init(commits: Int, seed: Int) throws {
        let directory = try makeTemporaryDirectory(prefix: "aitrail-history")
        let result = try runProcess(packageRoot + "/scripts/make-history", [String(commits), directory, "--seed", String(seed)])
        guard result.status == 0 else { throw HistoryFailed(stderr: result.stderr) }
        repository = TestRepository(existing: directory)
        truth = try jsonObject(result.stdout)
    }

    var repo: TestRepository { repository }
}

@Suite(.serialized) struct AuditHistoryTests {
    @Test(arguments: [(150, 1), (1200, 7), (2500, 42)])
    func countsEqualTheGeneratorsTruth(commits: Int, seed: Int) throws {
        let history = try GeneratedHistory(commits: commits, seed: seed)
        let result = try audit(history.repo, ["--format", "json", "--no-cache"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try jsonObject(result.stdout)
        let totals = try #require(report["totals"] as? [String: Any])
        let truth = history.truth
        #expect(totals["commits"] as? Int == truth["commits"] as? Int)
        #expect(totals["ai"] as? Int == truth["ai"] as? Int)
        #expect(totals["merges"] as? Int == truth["merges"] as? Int)

        func counts(_ key: String, _ field: String) -> [String: Int] {
            var out: [String: Int] = [:]
            for row in report[key] as? [[String: Any]] ?? [] { out[row[field] as! String] = row["commits"] as? Int }
            return out
        }
        #expect(counts("by_agent", "agent") == truth["agents"] as? [String: Int])
        #expect(counts("by_model", "model") == truth["models"] as? [String: Int])
        var authors: [String: [String: Int]] = [:]
        for row in report["by_author"] as? [[String: Any]] ?? [] {
            authors[row["author"] as! String] = ["commits": row["commits"] as! Int, "ai": row["ai"] as! Int]
        }
        #expect(authors == truth["authors"] as? [String: [String: Int]])

        // Per source, from the per-commit lines.
        let lines = try audit(history.repo, ["--format", "jsonl", "--jobs", "2"])
        var sources: [String: Int] = [:]
        for line in lines.stdout.split(separator: "\n") {
            let object = try jsonObject(String(line))
            for source in object["sources"] as? [String] ?? [] { sources[source, default: 0] += 1 }
        }
        for (source, count) in truth["sources"] as? [String: Int] ?? [:] {
            #expect(sources[source, default: 0] == count, "source \(source)")
        }
    }

    /// The ways the audit walks (libgit2's walk for ranges, the commit-graph, reading each commit,
    /// every packed commit read first) give the same lines.
    @Test func everyWalkGivesTheSameAnswer() throws {
        // More than `AuditScanner.shortHistory` (1,024) commits: else every packed commit is not read first.
        let history = try GeneratedHistory(commits: 1200, seed: 3)
        // A branch named (not HEAD or --all) keeps the walk from reading every packed commit first.
        let sequential = try audit(history.repo, ["--format", "jsonl", "--no-cache", "--jobs", "1", "--verbose", "main"])
        #expect(sequential.stderr.contains("(object walk)"), "\(sequential.stderr)")
        let packed = try audit(history.repo, ["--format", "jsonl", "--no-cache", "--jobs", "1", "--verbose"])
        #expect(packed.stderr.contains("(packs read first)"), "\(packed.stderr)")
        #expect(packed.stdout == sequential.stdout)
        let walkedFirst = try audit(history.repo, ["--format", "jsonl", "--no-cache", "--jobs", "2", "--verbose", "main"])
        #expect(walkedFirst.stderr.contains("(object walk)"), "\(walkedFirst.stderr)")
        let root = try history.repo.git(["rev-list", "--max-parents=0", "HEAD"]).split(separator: "\n").map(String.init)
        let ranged = try audit(history.repo, ["--format", "jsonl", "--no-cache", "HEAD"] + root.map { "^" + $0 })
        try history.repo.git(["commit-graph", "write", "--reachable"])
        let graphed = try audit(history.repo, ["--format", "jsonl", "--no-cache", "--jobs", "2", "--verbose", "main"])
        #expect(graphed.stderr.contains("(commit-graph)"), "\(graphed.stderr)")
        // A cold audit of HEAD still reads the packs on all workers: faster than the graph's walk.
        let packedWithGraph = try audit(history.repo, ["--format", "jsonl", "--no-cache", "--jobs", "2", "--verbose"])
        #expect(packedWithGraph.stderr.contains("(packs read first)"), "\(packedWithGraph.stderr)")
        #expect(packedWithGraph.stdout == sequential.stdout)
        #expect(sequential.status == 0 && walkedFirst.status == 0 && graphed.status == 0 && ranged.status == 0)
        #expect(sequential.stdout.split(separator: "\n").count == 1200)
        #expect(walkedFirst.stdout == sequential.stdout)
        #expect(graphed.stdout == sequential.stdout)
        // The range leaves out the root commit(s) and nothing else.
        #expect(ranged.stdout.split(separator: "\n").count == 1200 - root.count)
        #expect(Set(ranged.stdout.split(separator: "\n")).isSubset(of: Set(sequential.stdout.split(separator: "\n"))))
    }

    /// A walk of more commits than one batch (4,096) classifies each full batch on threads of its
    /// own while it reads the next: the same rows as the packs-first read of the same commits, with
    /// one job or two, and as many as git counts.
    @Test func aWalkOfManyBatchesReportsWhatThePacksFirstReadDoes() throws {
        let history = try GeneratedHistory(commits: 9_000, seed: 11)
        let repo = history.repo
        let expected = try repo.git(["rev-list", "--count", "main"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let packed = try audit(repo, ["--format", "jsonl", "--no-cache", "--jobs", "2", "--verbose"])
        #expect(packed.status == 0 && packed.stderr.contains("(packs read first)"), "\(packed.stderr)")
        for jobs in ["1", "2"] {
            let walked = try audit(repo, ["main", "--format", "jsonl", "--no-cache", "--jobs", jobs, "--verbose"])
            #expect(walked.status == 0)
            #expect(walked.stderr.contains("\(expected) commits walked (object walk), \(expected) classified"), "\(walked.stderr)")
            #expect(walked.stdout == packed.stdout, "--jobs \(jobs)")
        }
    }

    /// A short HEAD beside a long history on another branch: only HEAD's commits are read.
    @Test func aShortHeadDoesNotReadEveryPackedCommit() throws {
        let history = try GeneratedHistory(commits: 1200, seed: 5)
        let repo = history.repo
        try repo.git(["checkout", "-q", "--orphan", "short"])
        try repo.commit("the only commit on this branch")
        try repo.git(["repack", "-adq"])
        let result = try audit(repo, ["--format", "jsonl", "--no-cache", "--jobs", "2", "--verbose"])
        #expect(result.status == 0)
        #expect(result.stderr.contains("1 commits walked (object walk), 1 classified"), "\(result.stderr)")
        let count = try repo.git(["rev-list", "--all", "--count"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let all = try audit(repo, ["--format", "jsonl", "--no-cache", "--jobs", "2", "--all", "--verbose"])
        #expect(all.stderr.contains("\(count) commits walked (packs read first)"), "\(all.stderr)")
    }

    /// A shallow clone (CI's default): the history ends at the cut, as git shows it; libgit2 1.5's
    /// walk would fail there, so ranges are walked with the cut respected too.
    @Test func aShallowCloneIsAuditedAsGitSeesIt() throws {
        let history = try GeneratedHistory(commits: 1200, seed: 3)
        let clone = try makeTemporaryDirectory() + "/shallow"
        try runProcess("/usr/bin/git", ["clone", "-q", "--depth", "40", "--no-single-branch", "file://" + history.repo.path, clone])
        let repo = TestRepository(existing: clone)
        let cases: [([String], [String])] = [
            ([], ["HEAD"]), (["--all"], ["--all"]), (["--first-parent"], ["--first-parent", "HEAD"]),
            (["HEAD~30..HEAD"], ["HEAD~30..HEAD"]), (["HEAD", "^HEAD~12"], ["HEAD", "^HEAD~12"]),
            (["--jobs", "1"], ["HEAD"]),
        ]
        for (arguments, gitArguments) in cases {
            let expected = try repo.git(["rev-list", "--count"] + gitArguments).trimmingCharacters(in: .whitespacesAndNewlines)
            for cache in [["--no-cache"], [], []] {  // cold without, then cold and warm with the cache
                let result = try audit(repo, ["--format", "jsonl", "--verbose"] + cache + arguments)
                #expect(result.status == 0, "\(arguments): \(result.stderr)")
                #expect(result.stderr.contains("\(expected) reported"), "\(arguments): \(result.stderr)")
            }
        }
    }

    @Test func walkedCommitsEqualGitRevListCount() throws {
        let history = try GeneratedHistory(commits: 400, seed: 3)
        let repo = history.repo
        let middle = try repo.git(["log", "--format=%cI", "--skip=200", "-1"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let cases: [[String]] = [
            [], ["--all"], ["--first-parent"], ["HEAD~60..HEAD"], ["--first-parent", "HEAD~30..HEAD"],
            ["--since", middle], ["--until", middle], ["--all", "--first-parent"], ["main", "^HEAD~10"],
        ]
        for arguments in cases {
            var gitArguments = ["rev-list", "--count"]
            var revisions: [String] = []
            var index = 0
            while index < arguments.count {
                let argument = arguments[index]
                if argument == "--since" || argument == "--until" {
                    gitArguments.append("\(argument)=\(arguments[index + 1])")
                    index += 2
                    continue
                }
                if argument.hasPrefix("--") { gitArguments.append(argument) } else { revisions.append(argument) }
                index += 1
            }
            if revisions.isEmpty && !arguments.contains("--all") { revisions = ["HEAD"] }
            let expected = Int(try repo.git(gitArguments + revisions).trimmingCharacters(in: .whitespacesAndNewlines))
            for cache in [["--no-cache"], []] {
                let result = try audit(repo, ["--format", "jsonl"] + arguments + cache)
                #expect(result.status == 0, "\(arguments): \(result.stderr)")
                #expect(result.stdout.split(separator: "\n").count == expected, "\(arguments) \(cache)")
            }
        }
    }
}

@Suite struct AuditDecoyTests {
    @Test func decoysAreNotCounted() throws {
        let repo = try TestRepository()
        try repo.commit("Explain the Co-authored-by: Claude <noreply@anthropic.com> convention in docs")
        // An indented and a quoted example: not trailers to git, whatever paragraph they are in.
        try repo.commit("Refactor\n\nThe template would add\n    Co-authored-by: Claude <noreply@anthropic.com>\nin the middle of the body.\n\nMore text follows here.")
        try repo.commit("Docs\n\n> Co-authored-by: Claude <noreply@anthropic.com>\n\nis what the guide shows.")
        // Prose that mentions a footer, and a footer naming a tool aitrail does not know (code generators).
        try repo.commit("Docs\n\nThe notes were Generated with Claude Code by a teammate and rewritten by hand.")
        try repo.commit("Regenerate the client\n\nGenerated with [openapi-generator](https://openapi-generator.tech)")
        try repo.commit("Pair programming\n\nCo-authored-by: Alice Smith <alice@example.com>")
        try repo.commit("Docs: Generated with care by the docs team")
        let real = try repo.commit("Real one\n\nCo-authored-by: Claude <noreply@anthropic.com>")
        let result = try audit(repo, ["--format", "jsonl", "--no-cache"])
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 8)
        let ai = try lines.filter { try jsonObject($0)["ai"] as? Bool == true }
        #expect(ai.count == 1 && ai[0].contains(real))
    }
}

@Suite struct AuditCacheCLITests {
    func fixture() throws -> TestRepository {
        let repo = try TestRepository()
        for index in 0..<30 {
            try repo.commit(index % 3 == 0 ? "Change \(index)\n\nAssisted-by: codex:gpt-5" : "Change \(index)")
        }
        return repo
    }

    func stats(_ result: ProcessResult) -> String { result.stderr }

    @Test func repeatGivesIdenticalOutputFromTheCache() throws {
        let repo = try fixture()
        for format in ["jsonl", "json", "table"] {
            let first = try audit(repo, ["--format", format, "--verbose"])
            let second = try audit(repo, ["--format", format, "--verbose"])
            #expect(first.stdout == second.stdout)
            #expect(second.stderr.contains("0 classified"))
        }
        #expect(FileManager.default.fileExists(atPath: repo.path + "/.git/aitrail/cache/audit"))
    }

    @Test func afterANewCommitOnlyItIsClassified() throws {
        let repo = try fixture()
        _ = try audit(repo, ["--format", "jsonl"])
        try repo.commit("One more\n\nCo-authored-by: Claude Sonnet 4.5 <noreply@anthropic.com>")
        let warm = try audit(repo, ["--format", "jsonl", "--verbose"])
        #expect(warm.stderr.contains("31 commits walked (incrementally), 1 classified"), "\(warm.stderr)")
        let cold = try audit(repo, ["--format", "jsonl", "--no-cache"])
        #expect(warm.stdout == cold.stdout)
        #expect(warm.stdout.contains("{\"commit\":\"\(try repo.head())\""))
    }

    @Test func aChangedNoteIsReRead() throws {
        let repo = try fixture()
        _ = try audit(repo, ["--format", "jsonl"])
        let target = try repo.revParse("HEAD~4")
        let tree = try repo.revParse("HEAD~4^{tree}")
        let record = #"{"at":"2026-01-01T00:00:00Z","kind":"command","passed":true,"tree":"\#(tree)","type":"evidence","v":1}"#
        try repo.git(["notes", "--ref", "aitrail", "add", "-m", record, target])
        let first = try audit(repo, ["--format", "jsonl", "--verbose"])
        #expect(first.stderr.contains("1 classified"), "\(first.stderr)")
        #expect(first.stdout.contains(#""commit":"\#(target)","#))
        let line = try #require(first.stdout.split(separator: "\n").first { $0.contains(target) })
        #expect(line.contains(#""evidence":"passed""#))
        let usage = #"{"agent":"claude-code","aitrail":"0.1.0","at":"2026-01-01T00:00:00Z","deletions":0,"files":1,"insertions":1,"model":null,"source":"env","tools":[],"type":"usage","v":1}"#
        try repo.git(["notes", "--ref", "aitrail", "append", "-m", usage, target])
        let second = try audit(repo, ["--format", "jsonl", "--verbose"])
        #expect(second.stderr.contains("1 classified"))
        let changed = try #require(second.stdout.split(separator: "\n").first { $0.contains(target) })
        #expect(changed.contains(#""agents":["claude-code"]"#) && changed.contains(#""sources":["note"]"#))
        #expect(second.stdout == (try audit(repo, ["--format", "jsonl", "--no-cache"])).stdout)
    }

    @Test func aCorruptCacheIsIgnoredAndRebuilt() throws {
        let repo = try fixture()
        let clean = try audit(repo, ["--format", "jsonl"])
        let path = repo.path + "/.git/aitrail/cache/audit"
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        for index in stride(from: 40, to: bytes.count, by: 50) { bytes[index] ^= 0xFF }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let damaged = try audit(repo, ["--format", "jsonl", "--verbose"])
        #expect(damaged.status == 0)
        #expect(damaged.stdout == clean.stdout)
        #expect(damaged.stderr.contains("30 classified") && damaged.stderr.contains("cache cold"))
        let rebuilt = try audit(repo, ["--format", "jsonl", "--verbose"])
        #expect(rebuilt.stderr.contains("0 classified") && rebuilt.stderr.contains("cache warm"))
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: path))
        #expect(try audit(repo, ["--format", "jsonl"]).stdout == clean.stdout)
    }

    @Test func noCacheNeitherReadsNorWrites() throws {
        let repo = try fixture()
        let result = try audit(repo, ["--no-cache", "--verbose"])
        #expect(result.status == 0 && result.stderr.contains("cache off"))
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/.git/aitrail/cache/audit"))
    }
}

@Suite struct AuditEdgeCaseTests {
    @Test func emptyRepository() throws {
        let repo = try TestRepository()
        let table = try audit(repo, [])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.contains("0 of 0 commits"))
        let lines = try audit(repo, ["--format", "jsonl"])
        #expect(lines.status == 0 && lines.stdout.isEmpty)
        for format in ["json", "csv", "markdown", "html"] {
            #expect(try audit(repo, ["--format", format, "--all"]).status == 0)
        }
    }

    @Test func oneCommit() throws {
        let repo = try TestRepository()
        try repo.commit("Only\n\nAssisted-by: claude-code:claude-opus-4.6")
        let result = try audit(repo, ["--format", "json"])
        #expect(result.status == 0)
        let totals = try #require(try jsonObject(result.stdout)["totals"] as? [String: Any])
        #expect(totals["commits"] as? Int == 1 && totals["ai"] as? Int == 1)
    }

    @Test func unbornBranch() throws {
        let repo = try TestRepository()
        try repo.commit("First")
        try repo.git(["checkout", "-q", "--orphan", "fresh"])
        let result = try audit(repo, ["--format", "jsonl"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(try audit(repo, ["--format", "jsonl", "--all"]).stdout.split(separator: "\n").count == 1)
    }

    @Test func badRevisionIsExitTwo() throws {
        let repo = try TestRepository()
        try repo.commit("First")
        for revision in ["no-such-branch", "HEAD..nope", "^nope"] {
            let result = try audit(repo, [revision])
            #expect(result.status == 2, "\(revision)")
            #expect(result.stderr.contains("nope") || result.stderr.contains("no-such-branch"))
        }
        #expect(try audit(repo, ["--since", "yesterday-ish"]).status == 64)
        #expect(try audit(repo, ["--format", "pdf"]).status == 64)
    }

    @Test func outsideARepositoryIsExitTwo() throws {
        let directory = try makeTemporaryDirectory()
        let result = try runProcess(aitrailBinary, ["audit"], in: directory, environment: ["GIT_CEILING_DIRECTORIES": directory])
        #expect(result.status == 2)
        #expect(result.stderr.contains("not a git repository"))
    }

    @Test func linesCountInsertionsAndDeletions() throws {
        let repo = try TestRepository()
        let human = try repo.commit("Human", file: "a.txt", contents: "1\n2\n3\n")
        let ai = try repo.commit("AI\n\nAssisted-by: codex", file: "a.txt", contents: "1\n2\n4\n5\n")
        let result = try audit(repo, ["--format", "jsonl", "--lines"])
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first { $0.contains(ai) }?.hasSuffix(#""insertions":2,"deletions":1}"#) == true)
        #expect(lines.first { $0.contains(human) }?.hasSuffix(#""insertions":3,"deletions":0}"#) == true)
        let json = try jsonObject(try audit(repo, ["--format", "json", "--lines"]).stdout)
        let totals = try #require(json["totals"] as? [String: Any])
        #expect((totals["lines"] as? [String: Int]) == ["ai_insertions": 2, "ai_deletions": 1, "human_insertions": 3, "human_deletions": 0])
    }
}
