import AITrailStore
import Foundation
import Testing
import TestSupport

/// The two stores every publish test runs against: a SQLite file, and a real PostgreSQL server.
enum Backend: String, CaseIterable, CustomTestStringConvertible {
    case sqlite, postgres
    var testDescription: String { rawValue }

    /// A new, empty store.
    func makeStore() throws -> String {
        switch self {
        case .sqlite: return "sqlite:" + (try makeTemporaryDirectory(prefix: "aitrail-store")) + "/store.db"
        case .postgres: return try PostgresCluster.shared().makeDatabase()
        }
    }
}

@Suite struct PublishTests {
    @Test(arguments: Backend.allCases)
    func publishingTwiceChangesNothingAndANewCommitIsTheOnlyOneSent(backend: Backend) throws {
        let store = try backend.makeStore()
        let repository = try makeRepository(commits: 6)
        let first = try aitrail(["publish", "--db", store], in: repository.path)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("github.com/acme/api: 6 new commits (2 AI) [first]"), "\(first.stdout)")
        let probe = try StoreProbe(store)
        #expect(try probe.count() == 6)
        #expect(try probe.count("ai") == 2)
        #expect(try probe.repositories() == ["github.com/acme/api": try repository.head()])

        let again = try aitrail(["publish", "--db", store], in: repository.path)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("up to date"), "\(again.stdout)")
        #expect(try probe.count() == 6)

        try addCommits(repository, 1, start: 6)  // change 6: AI
        let next = try aitrail(["publish", "--db", store], in: repository.path)
        #expect(next.status == 0, "\(next.stderr)")
        #expect(next.stdout.contains("1 new commit (1 AI) [incremental]"), "\(next.stdout)")
        #expect(try probe.count() == 7)
        #expect(try probe.count("ai") == 3)
        let head = try repository.head()
        let stored = try probe.database.query(
            "SELECT author_name, author_email, agents, models, sources, evidence, is_merge FROM commits WHERE commit_id = $1", [.text(head)])
        #expect(stored.first?[0].text == "Test User")
        #expect(stored.first?[1].text == "test@example.com")
        #expect(stored.first?[2].text?.replacingOccurrences(of: " ", with: "") == "[\"claude-code\"]")
        #expect(stored.first?[3].text?.replacingOccurrences(of: " ", with: "") == "[\"claude-opus-4.6\"]")
        #expect(stored.first?[4].text?.replacingOccurrences(of: " ", with: "") == "[\"trailer\"]")
        #expect(stored.first?[5].text == "none")
        #expect(stored.first?[6].bool == false)
    }

    @Test(arguments: Backend.allCases)
    func theStoredRecordsAreTheAuditsJSONLines(backend: Backend) throws {
        let store = try backend.makeStore()
        let (repository, truth) = try generatedHistory(commits: 400, seed: 3, origin: "https://github.com/acme/generated.git")
        let result = try aitrail(["publish", "--db", store], in: repository.path)
        #expect(result.status == 0, "\(result.stderr)")
        let probe = try StoreProbe(store)
        #expect(try probe.count() == truth["commits"] as? Int)
        #expect(try probe.count("ai") == truth["ai"] as? Int)
        #expect(try probe.count("is_merge") == truth["merges"] as? Int)
        // Commit by commit, the same fields as `aitrail audit --format jsonl`.
        let lines = try aitrail(["audit", "--format", "jsonl"], in: repository.path)
        var evidence: [String: Int] = [:]
        for line in lines.stdout.split(separator: "\n") {
            let record = try jsonObject(String(line))
            evidence[record["evidence"] as? String ?? "?", default: 0] += 1
        }
        for (status, count) in evidence {
            #expect(try probe.count("evidence = $1", [.text(status)]) == count, "evidence \(status)")
        }
    }

    @Test(arguments: Backend.allCases)
    func aForcePushKeepsTheOldCommitsMarkedUnreachable(backend: Backend) throws {
        let store = try backend.makeStore()
        let repository = try makeRepository(commits: 5)
        #expect(try aitrail(["publish", "--db", store], in: repository.path).status == 0)
        let dropped = [try repository.revParse("HEAD"), try repository.revParse("HEAD~1")]
        try repository.git(["reset", "-q", "--hard", "HEAD~2"])
        try addCommits(repository, 1, start: 99)
        let result = try aitrail(["publish", "--db", store], in: repository.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("1 new commit (1 AI), 2 marked unreachable (history rewritten) [rewritten]"), "\(result.stdout)")
        let probe = try StoreProbe(store)
        #expect(try probe.count() == 6)
        #expect(try probe.count("NOT reachable") == 2)
        for id in dropped { #expect(try probe.count("commit_id = $1 AND NOT reachable", [.text(id)]) == 1) }
        // The report counts what the branch reaches.
        let report = try aitrail(["report", "--db", store, "--format", "json"], in: repository.path)
        #expect(report.status == 0, "\(report.stderr)")
        let totals = try jsonObject(report.stdout)["totals"] as? [String: Any]
        #expect(totals?["commits"] as? Int == 4)

        // The old branch pushed back: its commits are reachable again.
        try repository.git(["reset", "-q", "--hard", dropped[0]])
        let back = try aitrail(["publish", "--db", store], in: repository.path)
        #expect(back.status == 0, "\(back.stderr)")
        #expect(try probe.count("NOT reachable") == 1)
        #expect(try probe.count("reachable") == 5)
    }

    /// A clone older than what is stored (a CI job of an earlier push finishing late) sends nothing
    /// and leaves the stored tip where it is.
    @Test(arguments: Backend.allCases)
    func aCloneBehindTheStoredTipChangesNothing(backend: Backend) throws {
        let store = try backend.makeStore()
        let repository = try makeRepository(origin: nil, commits: 4)
        #expect(try aitrail(["publish", "--db", store], in: repository.path).status == 0)
        let tip = try repository.head()
        try repository.git(["reset", "-q", "--hard", "HEAD~2"])
        let result = try aitrail(["publish", "--db", store], in: repository.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("nothing new (this clone is behind the stored tip)"), "\(result.stdout)")
        #expect(result.stderr.contains("notice: no remote 'origin'"), "\(result.stderr)")
        let probe = try StoreProbe(store)
        #expect(try probe.count("reachable") == 4)
        #expect(try probe.repositories().values.first == tip)
    }

    @Test(arguments: Backend.allCases)
    func anOlderStoreIsMigrated(backend: Backend) throws {
        let store = try backend.makeStore()
        // A version 1 store, as an older aitrail left it, with one commit of another repository.
        let old = try StoreProbe(store)
        try old.database.execute(Schema.version1(old.database.dialect))
        try old.database.execute("""
            INSERT INTO commits (repository, commit_id, time, author_name, author_email, ai, agents, models, sources, evidence)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            """, [.text("github.com/acme/old"), .text(String(repeating: "a", count: 40)), .text("2025-01-02T03:04:05Z"), .text("Old Timer"),
                  .text("old@example.com"), .bool(true), .text("[\"codex\"]"), .text("[]"), .text("[\"trailer\"]"), .text("passed")])
        #expect(try Schema.version(of: old.database) == 1)

        let repository = try makeRepository(commits: 3)
        let result = try aitrail(["publish", "--db", store], in: repository.path)
        #expect(result.status == 0, "\(result.stderr)")
        let probe = try StoreProbe(store)
        #expect(try Schema.version(of: probe.database) == Schema.current)
        #expect(try probe.count() == 4)
        #expect(try probe.count("repository = $1 AND reachable AND ai AND evidence = 'passed'", [.text("github.com/acme/old")]) == 1)
        #expect(try probe.repositories().keys.sorted() == ["github.com/acme/api", "github.com/acme/old"])
        let report = try aitrail(["report", "--db", store, "--format", "json", "--by", "repo"], in: repository.path)
        #expect(report.status == 0, "\(report.stderr)")
        let rows = try jsonObject(report.stdout)["by_repo"] as? [[String: Any]] ?? []
        #expect(rows.map { $0["repo"] as? String } == ["github.com/acme/api", "github.com/acme/old"])
        #expect(rows.last?["ai"] as? Int == 1)
    }

    @Test(arguments: Backend.allCases)
    func tenWritersAtOnceLoseNothingAndDoubleNothing(backend: Backend) throws {
        let store = try backend.makeStore()
        // 8 repositories, and a 9th published by 2 writers at the same time.
        let repositories = try (0..<9).map { index in try makeRepository(origin: "https://github.com/acme/r\(index).git", commits: 4 + index) }
        let paths = repositories.map(\.path)
        let results = concurrently(10) { index in try aitrail(["publish", "--db", store], in: paths[min(index, 8)]) }
        for (index, result) in results.enumerated() {
            #expect(result?.status == 0, "writer \(index): \(result?.stderr ?? "did not run")")
        }
        let probe = try StoreProbe(store)
        for index in 0..<9 {
            #expect(try probe.count("repository = $1", [.text("github.com/acme/r\(index)")]) == 4 + index, "r\(index)")
        }
        #expect(try probe.count() == (0..<9).map { 4 + $0 }.reduce(0, +))
        #expect(try probe.repositories().count == 9)
    }

    @Test(arguments: Backend.allCases)
    func manyClonesArePublishedInParallel(backend: Backend) throws {
        let store = try backend.makeStore()
        let folder = try makeTemporaryDirectory(prefix: "aitrail-clones")
        for index in 0..<4 {
            let repository = try makeRepository(origin: "git@gitlab.example.com:team\(index % 2)/svc\(index).git", commits: 3)
            try FileManager.default.moveItem(atPath: repository.path, toPath: folder + "/svc\(index)")
            try FileManager.default.createDirectory(atPath: repository.path, withIntermediateDirectories: false)
        }
        try FileManager.default.createDirectory(atPath: folder + "/not-a-clone", withIntermediateDirectories: false)
        let result = try aitrail(["publish", "--db", store, "--repos", folder, "--jobs", "3"], in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("4 of 4 repositories published, 12 new commits"), "\(result.stdout)")
        #expect(try StoreProbe(store).repositories().keys.sorted() == (0..<4).map { "gitlab.example.com/team\($0 % 2)/svc\($0)" }.sorted())

        // A list file, with one path that is not a repository: the others are published, exit 2.
        let list = folder + "/clones.txt"
        try "# clones\nsvc0\nsvc1\nmissing\n".write(toFile: list, atomically: true, encoding: .utf8)
        let partial = try aitrail(["publish", "--db", store, "--repos", list], in: folder)
        #expect(partial.status == 2)
        #expect(partial.stderr.contains("missing") && partial.stderr.contains("not a git repository"), "\(partial.stderr)")
        #expect(partial.stdout.contains("2 of 3 repositories published"), "\(partial.stdout)")
        try FileManager.default.removeItem(atPath: folder)
    }

    @Test(arguments: Backend.allCases)
    func oneRepositoryUnderItsURLsEveryFormOrItsGivenName(backend: Backend) throws {
        let store = try backend.makeStore()
        let forms = ["git@github.com:acme/api.git", "https://github.com/acme/api", "ssh://git@github.com:22/acme/api.git/", "https://user@GitHub.com/acme/api.git"]
        for (index, form) in forms.enumerated() {
            let repository = try makeRepository(origin: form, commits: 1, start: index * 10 + 1)
            let result = try aitrail(["publish", "--db", store], in: repository.path)
            #expect(result.status == 0, "\(result.stderr)")
        }
        let named = try makeRepository(origin: nil, commits: 2, start: 50)
        let result = try aitrail(["publish", "--db", store, "--repo-id", "acme/monolith"], in: named.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try StoreProbe(store).repositories().keys.sorted() == ["acme/monolith", "github.com/acme/api"])
        #expect(try StoreProbe(store).count("repository = 'github.com/acme/api'") == 4)
    }
}
