import Foundation
import Git
import Testing
import TestSupport

/// Reading every packed commit first, then walking: the same commits in the same order as
/// `git rev-list`, whatever the packs hold (several packs, loose commits, commits stored as deltas).
@Suite struct PackedCommitsTests {
    private func revList(_ repo: String, _ arguments: [String]) throws -> [String] {
        try runProcess("/usr/bin/git", ["-C", repo, "rev-list"] + arguments).stdout.split(separator: "\n").map(String.init)
    }

    /// Reads every packed commit (from two threads, as the audit does) and walks; returns the walk's
    /// ids and, for each, the bytes it was read with (by `read` or by the walk itself).
    private func readAndWalk(_ repo: String, tips: [String], firstParent: Bool = false) throws -> [(id: String, bytes: [UInt8])] {
        let repository = try Repository(discovering: repo)
        let packed = try #require(PackedCommits(repository))
        let read = SliceResults<[UInt8]?>(count: packed.count, initial: nil)
        DispatchQueue.concurrentPerform(iterations: 2) { worker in
            for number in stride(from: worker, to: packed.count, by: 2) {
                read[number] = packed.read(number) { _, bytes, _ in Array(bytes) }
            }
        }
        let ids = try tips.map { try repository.resolveCommit($0) }
        return try HistoryWalk(repository, tips: ids, source: .packed(packed), firstParent: firstParent).commits().map { node in
            switch node {
            case .indexed(let number): return (packed.id(number).hex, try #require(read[number]))
            case .read(let commit): return (commit.id.hex, commit.bytes)
            }
        }
    }

    @Test func generatedHistoryWalksLikeRevList() throws {
        // make-history writes through fast-import: commits, trees and blobs interleaved in one pack.
        let dir = try makeTemporaryDirectory(prefix: "aitrail-packed")
        let made = try runProcess(packageRoot + "/scripts/make-history", ["600", dir + "/repo", "--seed", "11"])
        try #require(made.status == 0, "\(made.stderr)")
        let repo = dir + "/repo"
        let tips = try runProcess("/usr/bin/git", ["-C", repo, "for-each-ref", "--format=%(objectname)", "refs/heads", "refs/tags"])
            .stdout.split(separator: "\n").map(String.init)
        #expect(try readAndWalk(repo, tips: ["HEAD"]).map(\.id) == (try revList(repo, ["HEAD"])))
        #expect(try readAndWalk(repo, tips: tips).map(\.id) == (try revList(repo, tips)))
        #expect(try readAndWalk(repo, tips: ["HEAD"], firstParent: true).map(\.id) == (try revList(repo, ["--first-parent", "HEAD"])))
    }

    @Test func severalPacksLooseCommitsAndDeltas() throws {
        let repo = try TestRepository()
        // Commits with one long shared body: git stores most of them as deltas of each other.
        let body = (0..<200).map { "line \($0) of a long body that every commit shares" }.joined(separator: "\n")
        for index in 1...12 { try repo.commit("shared \(index)\n\n\(body)\n") }
        try repo.git(["repack", "-adfq", "--window=250", "--depth=50"])
        let kinds = try repo.git(["cat-file", "--batch-all-objects", "--batch-check=%(objecttype) %(deltabase)"])
        let deltaCommits = kinds.split(separator: "\n").filter { $0.hasPrefix("commit ") && !$0.hasSuffix(" " + String(repeating: "0", count: 40)) }
        try #require(deltaCommits.count > 0, "the test needs commits stored as deltas")
        // A second pack, a side branch merged in, then loose commits on top.
        try repo.git(["checkout", "-q", "-b", "side"])
        for index in 1...5 { try repo.commit("side \(index)") }
        try repo.git(["checkout", "-q", "main"])
        for index in 1...5 { try repo.commit("main \(index)") }
        try repo.git(["merge", "-q", "--no-ff", "-m", "merge side", "side"])
        try repo.git(["repack", "-dq"])
        for index in 1...4 { try repo.commit("loose \(index)") }
        let packs = try FileManager.default.contentsOfDirectory(atPath: repo.path + "/.git/objects/pack").filter { $0.hasSuffix(".pack") }
        try #require(packs.count == 2)

        let walked = try readAndWalk(repo.path, tips: ["HEAD", "side"])
        #expect(walked.map(\.id) == (try revList(repo.path, ["HEAD", "side"])))
        #expect(try readAndWalk(repo.path, tips: ["HEAD"], firstParent: true).map(\.id) == (try revList(repo.path, ["--first-parent", "HEAD"])))
        // Every commit came with its object as stored.
        for (id, bytes) in walked {
            let stored = try runProcess("/usr/bin/git", ["-C", repo.path, "cat-file", "commit", id]).stdoutBytes
            #expect(bytes == stored, "\(id)")
        }
    }

    @Test func aShallowCloneEndsWhereGitSaysItDoes() throws {
        let dir = try makeTemporaryDirectory(prefix: "aitrail-shallow")
        let made = try runProcess(packageRoot + "/scripts/make-history", ["600", dir + "/repo", "--seed", "11"])
        try #require(made.status == 0, "\(made.stderr)")
        let clone = dir + "/clone"
        try runProcess("/usr/bin/git", ["clone", "-q", "--depth", "25", "file://" + dir + "/repo", clone])
        #expect(try readAndWalk(clone, tips: ["HEAD"]).map(\.id) == (try revList(clone, ["HEAD"])))
        #expect(try readAndWalk(clone, tips: ["HEAD"], firstParent: true).map(\.id) == (try revList(clone, ["--first-parent", "HEAD"])))
        let repository = try Repository(discovering: clone)
        let scanned = try HistoryWalk(repository, tips: [try repository.resolveCommit("HEAD")]).ids().map(\.hex)
        #expect(scanned == (try revList(clone, ["HEAD"])))
        #expect(repository.shallowCommits().count >= 1)
    }

    @Test func unreadCommitsAreReadByTheWalk() throws {
        // A walk without any `read` reads every commit itself: slower, never wrong.
        let repo = try TestRepository()
        for index in 1...6 { try repo.commit("commit \(index)") }
        try repo.git(["repack", "-adq"])
        let repository = try Repository(discovering: repo.path)
        let packed = try #require(PackedCommits(repository))
        #expect(packed.count == 6)
        let head = try #require(try repository.head())
        let nodes = try HistoryWalk(repository, tips: [head], source: .packed(packed)).commits()
        let ids = nodes.map { node -> String in
            if case .read(let commit) = node { return commit.id.hex }
            return "read by read(_:_:)"
        }
        #expect(ids == (try revList(repo.path, ["HEAD"])))
    }

    @Test func noPacksNoTable() throws {
        let repo = try TestRepository()
        try repo.commit("only loose objects")
        #expect(PackedCommits(try Repository(discovering: repo.path)) == nil)
    }
}
