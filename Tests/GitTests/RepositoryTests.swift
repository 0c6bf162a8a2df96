import Foundation
import Git
import Testing
import TestSupport

@Suite struct RepositoryTests {
    /// The refs under a prefix, read from the loose files and packed-refs directly: the same names
    /// as `git for-each-ref`, packed or loose or both, peeled lines and lock files left out.
    @Test func referenceNamesUnderAPrefixAreGitsForEachRef() throws {
        let repo = try TestRepository()
        let head = try repo.commit("one")
        try repo.git(["tag", "-a", "-m", "annotated", "v1"])
        for name in ["refs/notes/remotes/origin/aitrail", "refs/notes/remotes/up/stream/aitrail", "refs/notes/remotesX/a",
                     "refs/notes/remotes/packed-only", "refs/replace/" + String(repeating: "1", count: 40)] {
            try repo.git(["update-ref", name, head])
        }
        try repo.git(["pack-refs", "--all"])
        // Loose again after packing (both), loose only, and a lock file nobody holds.
        try repo.git(["update-ref", "refs/notes/remotes/origin/aitrail", head])
        try repo.git(["update-ref", "refs/notes/remotes/loose/aitrail", head])
        FileManager.default.createFile(atPath: repo.path + "/.git/refs/notes/remotes/loose/stale.lock", contents: Data())
        let opened = try Repository(discovering: repo.path)
        for prefix in ["refs/notes/remotes/", "refs/replace/", "refs/tags/", "refs/nothing/"] {
            let expected = try repo.git(["for-each-ref", "--format=%(refname)", prefix]).split(separator: "\n").map(String.init)
            #expect(try opened.referenceNames(under: prefix) == expected.sorted(), "\(prefix)")
        }
        #expect(try opened.referenceNames(under: "refs/notes/remotes/").count == 4)
    }

    @Test func opensFromASubfolderAndReportsPaths() throws {
        let repo = try TestRepository()
        try repo.commit("first", file: "src/deep/a.txt")
        let opened = try Repository(discovering: repo.path + "/src/deep")
        #expect(opened.workDirectory == repo.path)
        #expect(opened.gitDirectory == repo.path + "/.git")
        #expect(opened.commonDirectory == repo.path + "/.git")
        #expect(!opened.isBare)
        #expect(try opened.head()?.hex == repo.head())
    }

    @Test func opensABareRepository() throws {
        let source = try TestRepository()
        try source.commit("first")
        let bareDir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: bareDir) }
        try runProcess("git", ["clone", "-q", "--bare", source.path, bareDir + "/b.git"])
        let bare = try Repository(discovering: bareDir + "/b.git")
        #expect(bare.isBare)
        #expect(bare.workDirectory == nil)
        #expect(try bare.head()?.hex == source.head())
    }

    @Test func worktreesShareOneCommonDirectory() throws {
        let repo = try TestRepository()
        try repo.commit("first")
        let worktree = repo.path + "-wt"
        defer { try? FileManager.default.removeItem(atPath: worktree) }
        try repo.git(["worktree", "add", "-q", "-b", "side", worktree])
        let opened = try Repository(discovering: worktree)
        #expect(opened.commonDirectory == repo.path + "/.git")
        #expect(opened.gitDirectory == repo.path + "/.git/worktrees/" + URL(fileURLWithPath: worktree).lastPathComponent)
        #expect(opened.workDirectory == worktree)
    }

    @Test func notARepositoryIsAClearError() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let error = #expect(throws: GitError.self) { try Repository(at: dir) }
        #expect(error?.message.contains("not a git repository") == true)
    }

    @Test func emptyRepositoryHasUnbornHead() throws {
        let repo = try TestRepository()
        let opened = try Repository(discovering: repo.path)
        #expect(opened.isHeadUnborn)
        #expect(try opened.head() == nil)
        #expect(opened.headReferenceName() == "refs/heads/main")
        let walk = try RevisionWalk(opened, options: WalkOptions(all: true))
        #expect(try walk.ids().isEmpty)
    }

    @Test func unknownRevisionIsAClearError() throws {
        let repo = try TestRepository()
        try repo.commit("first")
        let opened = try Repository(discovering: repo.path)
        let error = #expect(throws: GitError.self) { try opened.resolveCommit("no-such-branch") }
        #expect(error?.message == "unknown revision 'no-such-branch'")
    }

    @Test func readsCommitFieldsLikeGit() throws {
        let repo = try TestRepository()
        try repo.commit("base")
        let message = "Subject line\n\nBody text.\n\nSigned-off-by: A <a@example.com>\n"
        try repo.commit(message, environment: [
            "GIT_AUTHOR_NAME": "Ann Author", "GIT_AUTHOR_EMAIL": "ann@example.com",
            "GIT_AUTHOR_DATE": "2024-03-05T10:20:30+05:30",
        ])
        let opened = try Repository(discovering: repo.path)
        let commit = try opened.commit(#require(try opened.head()))
        #expect(commit.message == message)
        #expect(commit.summary == "Subject line")
        #expect(commit.author.name == "Ann Author")
        #expect(commit.author.email == "ann@example.com")
        #expect(commit.author.offsetMinutes == 330)
        #expect(commit.author.time == 1_709_614_230)
        #expect(commit.parentIDs.map(\.hex) == [try repo.revParse("HEAD~1")])
        #expect(commit.treeID.hex == (try repo.revParse("HEAD^{tree}")))
        #expect(commit.messageEncoding == nil)
    }

    @Test func nonUTF8MessageIsReadWithoutCrashing() throws {
        let repo = try TestRepository()
        try repo.write("a.txt", "a")
        try repo.git(["add", "a.txt"])
        let bytes: [UInt8] = Array("Caf".utf8) + [0xE9] + Array(" latin-1\n".utf8)
        try repo.write(".msg", bytes: bytes)
        try repo.git(["-c", "i18n.commitEncoding=ISO-8859-1", "commit", "-q", "-F", ".msg"])
        let opened = try Repository(discovering: repo.path)
        let commit = try opened.commit(#require(try opened.head()))
        #expect(commit.messageBytes == bytes)
        #expect(commit.message == "Caf\u{FFFD} latin-1\n")
        #expect(commit.messageEncoding == "ISO-8859-1")
    }

    @Test func tenMegabyteMessageIsRead() throws {
        let repo = try TestRepository()
        let body = String(repeating: "0123456789abcdef line of a very long message\n", count: 230_000)
        try repo.write(".msg", "Huge\n\n" + body)
        try repo.write("a.txt", "a")
        try repo.git(["add", "a.txt"])
        try repo.git(["commit", "-q", "--cleanup=verbatim", "-F", ".msg"])
        let opened = try Repository(discovering: repo.path)
        let commit = try opened.commit(#require(try opened.head()))
        #expect(commit.message.utf8.count == 6 + body.utf8.count)
        #expect(commit.message.utf8.count > 10_000_000)
    }

    @Test func corruptObjectIsAnErrorNotACrash() throws {
        let repo = try TestRepository()
        let id = try repo.commit("first")
        let object = repo.path + "/.git/objects/" + id.prefix(2) + "/" + id.dropFirst(2)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: object)
        try Data("this is not zlib data".utf8).write(to: URL(fileURLWithPath: object))
        let opened = try Repository(discovering: repo.path)
        #expect(throws: GitError.self) { try opened.commit(#require(ObjectID(hex: id))) }
    }

    @Test func mailmapIsApplied() throws {
        let repo = try TestRepository()
        try repo.write(".mailmap", "Jane Doe <jane@corp.example> <jdoe@old.example>\n")
        try repo.commit("one", environment: ["GIT_AUTHOR_NAME": "jdoe", "GIT_AUTHOR_EMAIL": "jdoe@old.example"])
        let opened = try Repository(discovering: repo.path)
        let mailmap = try Mailmap(repository: opened)
        let commit = try opened.commit(#require(try opened.head()))
        #expect(commit.author.identity == "jdoe <jdoe@old.example>")
        #expect(commit.author(using: mailmap).identity == "Jane Doe <jane@corp.example>")
        let expected = try repo.git(["log", "-1", "--format=%aN <%aE>"]).trimmingCharacters(in: .newlines)
        #expect(commit.author(using: mailmap).identity == expected)
    }

    @Test func mergeBaseAndAncestry() throws {
        let repo = try TestRepository()
        let base = try repo.commit("base")
        try repo.git(["checkout", "-q", "-b", "side"])
        let side = try repo.commit("side")
        try repo.git(["checkout", "-q", "main"])
        let main = try repo.commit("main")
        let opened = try Repository(discovering: repo.path)
        let a = try #require(ObjectID(hex: side)), b = try #require(ObjectID(hex: main))
        #expect(try opened.mergeBase(a, b)?.hex == base)
        #expect(try opened.isAncestor(#require(ObjectID(hex: base)), of: a))
        #expect(try !opened.isAncestor(a, of: b))
    }

    @Test func workingTreeIDMatchesWhatGitWouldCommit() throws {
        let repo = try TestRepository()
        try repo.commit("first", file: "a.txt", contents: "one\n")
        let opened = try Repository(discovering: repo.path)
        #expect(try opened.workingTreeID().hex == repo.revParse("HEAD^{tree}"))
        try repo.write("a.txt", "two\n")
        let indexBefore = try Data(contentsOf: URL(fileURLWithPath: repo.path + "/.git/index"))
        let dirty = try opened.workingTreeID()
        let indexAfter = try Data(contentsOf: URL(fileURLWithPath: repo.path + "/.git/index"))
        #expect(indexBefore == indexAfter)
        #expect(try repo.git(["status", "--porcelain"]) == " M a.txt\n")
        try repo.git(["commit", "-q", "-am", "second"])
        #expect(dirty.hex == (try repo.revParse("HEAD^{tree}")))
    }

    @Test func fileContentsFromACommit() throws {
        let repo = try TestRepository()
        let id = try repo.commit("first", file: ".aitrail", contents: "[tag]\n\trequire = true\n")
        let opened = try Repository(discovering: repo.path)
        let commit = try #require(ObjectID(hex: id))
        #expect(try opened.fileContents(".aitrail", in: commit) == Array("[tag]\n\trequire = true\n".utf8))
        #expect(try opened.fileContents("missing", in: commit) == nil)
    }

    @Test func diffStatsEqualGitShortstat() throws {
        let repo = try TestRepository()
        try repo.write("a.txt", (1...50).map { "line \($0)" }.joined(separator: "\n") + "\n")
        try repo.write("b.txt", "b\n")
        try repo.commit("first")
        try repo.write("a.txt", (1...50).map { $0 % 7 == 0 ? "changed \($0)" : "line \($0)" }.joined(separator: "\n") + "\nnew\n")
        try repo.git(["rm", "-q", "b.txt"])
        try repo.write("c/d.txt", "x\ny\n")
        try repo.commit("second")
        let opened = try Repository(discovering: repo.path)
        for revision in ["HEAD", "HEAD~1"] {
            let commit = try opened.commit(opened.resolveCommit(revision))
            let stats = try opened.diffStats(of: commit)
            let numstat = try repo.git(["show", "--no-renames", "--format=", "--numstat", revision])
            let rows = numstat.split(separator: "\n").map { $0.split(separator: "\t") }
            #expect(stats.files == rows.count)
            #expect(stats.insertions == rows.reduce(0) { $0 + Int($1[0])! })
            #expect(stats.deletions == rows.reduce(0) { $0 + Int($1[1])! })
        }
    }
}
