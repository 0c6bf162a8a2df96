import Foundation
import Git
import Testing
import TestSupport

/// The time-ordered walk against `git rev-list`: same commits, same order, with and without a commit-graph.
@Suite(.serialized) struct HistoryWalkTests {
    static let history: String = {
        let dir = try! makeTemporaryDirectory(prefix: "aitrail-scan")
        let result = try! runProcess(packageRoot + "/scripts/make-history", ["1500", dir + "/repo", "--seed", "7"])
        precondition(result.status == 0, result.stderr)
        return dir + "/repo"
    }()

    private func gitList(_ repo: String, _ arguments: [String]) throws -> [String] {
        try runProcess("/usr/bin/git", ["-C", repo, "rev-list"] + arguments).stdout.split(separator: "\n").map(String.init)
    }

    /// The walk over the objects alone (every commit read, and handed out whole), and the one that may
    /// use the commit-graph (nil when it did not).
    private func scan(_ repo: String, tips: [String], firstParent: Bool = false) throws -> (scan: [String], graph: [String]?) {
        let repository = try Repository(discovering: repo)
        let ids = try tips.map { try repository.resolveCommit($0) }
        let scan = try HistoryWalk(repository, tips: ids, firstParent: firstParent)
        let scanned = try scan.commits().map { commit -> String in
            guard case .read(let read) = commit else { return "not read" }
            return read.id.hex
        }
        let graph = try HistoryWalk(repository, tips: ids, source: .commitGraph, firstParent: firstParent)
        let graphed = try graph.ids().map(\.hex)
        return (scanned, graph.usesCommitGraph ? graphed : nil)
    }

    @Test(arguments: [false, true])
    func sameCommitsInSameOrderAsRevList(withGraph: Bool) throws {
        let repo = Self.history
        if withGraph {
            try runProcess("/usr/bin/git", ["-C", repo, "commit-graph", "write", "--reachable"])
        } else {
            try? FileManager.default.removeItem(atPath: repo + "/.git/objects/info/commit-graph")
        }
        let tips = try runProcess("/usr/bin/git", ["-C", repo, "for-each-ref", "--format=%(objectname)", "refs/heads", "refs/tags"])
            .stdout.split(separator: "\n").map(String.init)
        let cases: [([String], Bool, [String])] = [
            (["HEAD"], false, ["HEAD"]),
            (tips, false, tips),
            (["HEAD"], true, ["--first-parent", "HEAD"]),
        ]
        for (revisions, firstParent, gitArguments) in cases {
            let expected = try gitList(repo, gitArguments)
            let (scanned, graph) = try scan(repo, tips: revisions, firstParent: firstParent)
            #expect(scanned == expected, "\(gitArguments)")
            if withGraph {
                #expect(graph == expected, "\(gitArguments)")
            } else {
                #expect(graph == nil)
            }
        }
    }

    @Test func graphWalkReadsCommitsNewerThanTheGraph() throws {
        let repo = try TestRepository()
        for index in 1...5 { try repo.commit("old \(index)") }
        try repo.git(["commit-graph", "write", "--reachable"])
        for index in 1...3 { try repo.commit("new \(index)") }
        let repository = try Repository(discovering: repo.path)
        let head = try #require(try repository.head())
        let graph = try HistoryWalk(repository, tips: [head], source: .commitGraph)
        #expect(graph.usesCommitGraph)
        #expect(try graph.ids().map(\.hex) == (try gitList(repo.path, ["HEAD"])))
    }

    @Test func rawCommitFieldsEqualGit() throws {
        let repo = try TestRepository()
        try repo.commit("Subject\n\nBody\n", environment: ["GIT_AUTHOR_NAME": "Ann", "GIT_AUTHOR_EMAIL": "ann@example.com",
                                                        "GIT_AUTHOR_DATE": "2024-03-05T10:20:30-07:00"])
        let repository = try Repository(discovering: repo.path)
        let head = try #require(try repository.head())
        let raw = try repository.rawCommit(head)
        #expect(String(decoding: raw.bytes[raw.layout.message], as: UTF8.self) == "Subject\n\nBody\n")
        #expect(raw.parents.isEmpty)
        let fields = try #require(raw.bytes.withUnsafeBufferPointer { CommitFields.parse(id: head, bytes: $0) })
        let commit = try repository.commit(head)
        #expect(fields.author == commit.author)
        #expect(fields.committer == commit.committer)
        #expect(fields.author.offsetMinutes == -420)
        #expect(fields.message == commit.message)
        #expect(fields.treeID == commit.treeID)
        #expect(try repository.withCommitBytes(head) { Array($0) } == raw.bytes)
        let layout = try #require(raw.bytes.withUnsafeBufferPointer { CommitLayout($0) })
        #expect(Array(raw.bytes[try #require(layout.author).name]) == Array("Ann".utf8))
        #expect(Array(raw.bytes[try #require(layout.author).email]) == Array("ann@example.com".utf8))
        #expect(Array(raw.bytes[layout.message]) == Array("Subject\n\nBody\n".utf8))
        #expect(layout.parentCount == 0 && layout.firstParentID == nil)
    }
}
