import Foundation
import Git
import Testing
import TestSupport

/// The one commit-header parser (`CommitLayout`, through `CommitFields`) against git 2.39 itself, on
/// commit objects git accepts but does not write (`hash-object --literally`): the identities as
/// `git log` shows them, the parents and the date the walk orders by as `git rev-list` reads them.
@Suite struct CommitHeaderTests {
    /// Header lines after `tree`, each making a commit git reads in its own way.
    static let headers: [(String, String)] = [
        ("two author lines: git log shows the last",
         "author A One <a1@example.com> 1700000000 +0100\nauthor B Two <b2@example.com> 1700000001 +0200\ncommitter C <c@example.com> 1700000002 +0000\n"),
        ("two committer lines: the last is shown, the first dates the walk",
         "author A <a@example.com> 1700000000 +0100\ncommitter C <c@example.com> 1700000002 +0000\ncommitter D <d@example.com> 1700000005 +0000\n"),
        ("< and > inside the ident: the email runs from the first < to the first > after it",
         "author Na<me <e>ma<il> > 1700000000 +0100\ncommitter C > x <c<@example.com>> 1700000002 +0000\n"),
        ("white space around the name and the email",
         "author   Lead  Sp  <  e@example.com  > 1700000000 +0100\ncommitter C\t<c@example.com>\t1700000002\t+0000\n"),
        ("no name, no space before the date",
         "author <e@example.com>1700000000 +0100\ncommitter C <c@example.com>1700000002 +0000\n"),
        ("a stray > after the email",
         "author A <a@example.com>> 1700000000 +0100\ncommitter C <c@example.com> > 1700000002 +0000\n"),
        ("no date", "author A <a@example.com>\ncommitter C <c@example.com>\n"),
        ("the committer before the author: the walk's date is 0",
         "committer C <c@example.com> 1700000002 +0000\nauthor A <a@example.com> 1700000000 +0100\n"),
        ("a parent line after the committer is not a parent",
         "author A <a@example.com> 1700000000 +0100\ncommitter C <c@example.com> 1700000002 +0000\nparent PARENT\n"),
        ("two parents and an encoding header",
         "parent PARENT\nparent PARENT\nauthor A <a@example.com> 1700000000 +0100\ncommitter C <c@example.com> 1700000002 +0000\nencoding UTF-8\n"),
    ]

    @Test(arguments: headers.map(\.0))
    func fieldsEqualGitLog(_ name: String) throws {
        let repo = try TestRepository()
        let parent = try repo.commit("base")
        let tree = try repo.git(["rev-parse", "HEAD^{tree}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let header = try #require(Self.headers.first { $0.0 == name }).1.replacingOccurrences(of: "PARENT", with: parent)
        let text = "tree \(tree)\n" + header + "\nSubject\n\nBody\n"
        let id = try repo.git(["hash-object", "--literally", "-t", "commit", "-w", "--stdin"], input: Array(text.utf8))
            .trimmingCharacters(in: .whitespacesAndNewlines)

        let shown = try repo.git(["log", "-1", "--no-mailmap", "--format=%an%x00%ae%x00%at%x00%cn%x00%ce%x00%ct%x00%P%x00%T%x00%B", id])
            .split(separator: "\0", omittingEmptySubsequences: false).map(String.init)
        let walked = try repo.git(["rev-list", "--no-walk", "--timestamp", id]).split(separator: " ")
        let repository = try Repository(discovering: repo.path)
        let fields = try repository.commitFields(try #require(ObjectID(hex: id)))
        let raw = try repository.rawCommit(try #require(ObjectID(hex: id)))
        // git prints nothing for a date it cannot read; the audit reads it as the epoch.
        func seconds(_ text: String) -> Int64 { Int64(text) ?? 0 }
        #expect(fields.author.name == shown[0], "\(name)")
        #expect(fields.author.email == shown[1], "\(name)")
        #expect(fields.author.time == seconds(shown[2]), "\(name)")
        #expect(fields.committer.name == shown[3], "\(name)")
        #expect(fields.committer.email == shown[4], "\(name)")
        #expect(fields.committer.time == seconds(shown[5]), "\(name)")
        #expect(raw.parents.map(\.hex) == shown[6].split(separator: " ").map(String.init), "\(name)")
        #expect(fields.parentCount == raw.parents.count && fields.firstParentID == raw.parents.first)
        #expect(fields.treeID.hex == shown[7])
        #expect(fields.message + "\n" == shown[8], "\(name)")
        #expect(raw.committerTime == Int64(walked[0]), "\(name): the walk's date")
    }

    /// What git's `parse_commit_buffer` rejects is rejected, with the commit named.
    @Test func bogusHeadersAreErrors() throws {
        let repo = try TestRepository()
        try repo.commit("base")
        let tree = try repo.git(["rev-parse", "HEAD^{tree}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let repository = try Repository(discovering: repo.path)
        for text in ["author A <a@example.com> 1 +0000\ntree \(tree)\n\nno tree first\n",
                     "tree \(tree)\nparent 123\nauthor A <a@example.com> 1 +0000\n\nbad parent\n"] {
            let id = try repo.git(["hash-object", "--literally", "-t", "commit", "-w", "--stdin"], input: Array(text.utf8))
                .trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(try repo.gitResult(["log", "-1", id]).status != 0, "git rejects it too")
            #expect(throws: GitError.self) { try repository.rawCommit(try #require(ObjectID(hex: id))) }
            #expect(throws: GitError.self) { try repository.commitFields(try #require(ObjectID(hex: id))) }
        }
    }
}
