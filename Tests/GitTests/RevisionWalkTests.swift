import Foundation
import Git
import Testing
import TestSupport

/// A small history with branches, a merge and a tag, compared against `git rev-list`.
private func branchyRepository() throws -> TestRepository {
    let repo = try TestRepository()
    var day = 0
    func next() -> [String: String] {
        day += 1
        let date = "2024-01-\(String(format: "%02d", day))T12:00:00+00:00"
        return ["GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date]
    }
    for index in 1...3 { try repo.commit("main \(index)", environment: next()) }
    try repo.git(["checkout", "-q", "-b", "feature"])
    for index in 1...4 { try repo.commit("feature \(index)", environment: next()) }
    try repo.git(["checkout", "-q", "main"])
    for index in 4...5 { try repo.commit("main \(index)", environment: next()) }
    try repo.git(["merge", "-q", "--no-ff", "-m", "merge feature", "feature"], environment: next())
    try repo.commit("main 6", environment: next())
    try repo.git(["checkout", "-q", "-b", "other", "HEAD~3"])
    try repo.commit("other 1", environment: next())
    try repo.git(["tag", "v1", "main~1"])
    try repo.git(["checkout", "-q", "main"])
    // Notes commits are not project commits: --all leaves them out.
    try repo.git(["notes", "add", "-m", "a note", "HEAD"])
    return repo
}

@Suite struct RevisionWalkTests {
    @Test(arguments: [
        ([], [], false),
        (["main"], [], false),
        (["feature..main"], ["feature..main"], false),
        (["main...other"], ["main...other"], false),
        (["main", "^feature"], ["main", "^feature"], false),
        (["main", "other"], ["main", "other"], false),
        (["main~2..main^"], ["main~2..main^"], false),
        (["..other"], ["..other"], false),
        (["feature.."], ["feature.."], false),
        (["main..."], ["main..."], false),
        (["main@{2}..main"], ["main@{2}..main"], false),
        (["main^!"], ["main^!"], false),
        (["main~1^@"], ["main~1^@"], false),
        (["main~1^-"], ["main~1^-"], false),
        (["main~1^-2"], ["main~1^-2"], false),
        (["other", "--not", "feature", "v1"], ["other", "--not", "feature", "v1"], false),
        (["--not", "main...other", "--not", "main", "other"], ["--not", "main...other", "--not", "main", "other"], false),
    ] as [([String], [String], Bool)])
    func countsEqualGitRevList(revisions: [String], gitArguments: [String], _ unused: Bool) throws {
        let repo = try branchyRepository()
        let opened = try Repository(discovering: repo.path)
        let walked = try RevisionWalk(opened, options: WalkOptions(revisions: revisions)).ids().map(\.hex)
        let expected = try repo.git(["rev-list"] + (gitArguments.isEmpty ? (revisions.isEmpty ? ["HEAD"] : revisions) : gitArguments))
            .split(separator: "\n").map(String.init)
        #expect(Set(walked) == Set(expected))
        #expect(walked.count == expected.count)
    }

    @Test func timeOrderEqualsGitLog() throws {
        let repo = try branchyRepository()
        let opened = try Repository(discovering: repo.path)
        let walked = try RevisionWalk(opened, options: WalkOptions(revisions: ["main"])).ids().map(\.hex)
        let expected = try repo.git(["rev-list", "--date-order", "main"]).split(separator: "\n").map(String.init)
        #expect(walked == expected)
    }

    @Test func allExcludesNotes() throws {
        let repo = try branchyRepository()
        let opened = try Repository(discovering: repo.path)
        let walked = try RevisionWalk(opened, options: WalkOptions(all: true)).ids()
        let expected = try repo.git(["rev-list", "--count", "--exclude=refs/notes/*", "--all"])
        #expect("\(walked.count)\n" == expected)
        let withNotes = try repo.git(["rev-list", "--count", "--all"])
        #expect(Int(withNotes.trimmingCharacters(in: .newlines))! == walked.count + 1)
    }

    @Test func firstParentEqualsGit() throws {
        let repo = try branchyRepository()
        let opened = try Repository(discovering: repo.path)
        let walked = try RevisionWalk(opened, options: WalkOptions(revisions: ["main"], firstParent: true)).ids().map(\.hex)
        let expected = try repo.git(["rev-list", "--first-parent", "main"]).split(separator: "\n").map(String.init)
        #expect(walked == expected)
    }

    @Test func sinceAndUntilEqualGit() throws {
        let repo = try branchyRepository()
        let opened = try Repository(discovering: repo.path)
        let since: Int64 = 1_704_110_400 + 3 * 86_400   // 2024-01-04T12:00Z
        let until: Int64 = 1_704_110_400 + 9 * 86_400
        let walked = try RevisionWalk(opened, options: WalkOptions(all: true, since: since, until: until)).ids().map(\.hex)
        let expected = try repo.git(["rev-list", "--exclude=refs/notes/*", "--all", "--since=\(since)", "--until=\(until)"])
            .split(separator: "\n").map(String.init)
        #expect(Set(walked) == Set(expected))
        #expect(!walked.isEmpty)
    }

    @Test func topologicalOrderPutsChildrenFirst() throws {
        let repo = try branchyRepository()
        let opened = try Repository(discovering: repo.path)
        let walked = try RevisionWalk(opened, options: WalkOptions(all: true, order: .topological)).ids()
        var seen = Set<ObjectID>()
        for id in walked {
            for parent in try opened.commit(id).parentIDs { #expect(!seen.contains(parent)) }
            seen.insert(id)
        }
    }

    /// A missing object is an error, not the end of the walk: a walk cut short in silence would
    /// let the gate pass commits it never saw.
    @Test func aMissingObjectIsAnErrorNotTheEnd() throws {
        let repo = try TestRepository()
        for index in 1...4 { try repo.commit("commit \(index)") }
        let middle = try repo.revParse("HEAD~2")
        try FileManager.default.removeItem(atPath: repo.path + "/.git/objects/" + middle.prefix(2) + "/" + middle.dropFirst(2))
        let opened = try Repository(discovering: repo.path)
        #expect(throws: GitError.self) { try RevisionWalk(opened, options: WalkOptions(revisions: ["HEAD"])).ids() }
    }
}

/// The one range parser: each spelling split as git's `handle_revision_arg` splits it.
@Suite struct RevisionsTests {
    @Test(arguments: [
        ("main", Revisions.Term.include("main")),
        ("HEAD~2", .include("HEAD~2")),
        ("main@{1}", .include("main@{1}")),
        ("^main", .exclude("main")),
        ("A..B", .range(from: "A", to: "B")),
        ("..B", .range(from: "HEAD", to: "B")),
        ("A..", .range(from: "A", to: "HEAD")),
        ("main@{1}..main~2", .range(from: "main@{1}", to: "main~2")),
        ("A...B", .symmetric("A", "B")),
        ("A...", .symmetric("A", "HEAD")),
        ("v1^!", .commitOnly("v1")),
        ("v1^@", .parentsOf("v1")),
        ("v1^-", .withoutParent("v1", 1)),
        ("v1^-2", .withoutParent("v1", 2)),
        ("v1^", .include("v1^")),
    ])
    func splitsAsGit(_ revision: String, _ term: Revisions.Term) {
        #expect(Revisions.parse(revision) == term, "\(revision)")
    }

    @Test func notTurnsTheRevisionsAfterItAround() throws {
        let revisions = Revisions(["a", "--not", "b", "c..d", "--not", "e"])
        #expect(revisions.terms.map(\.negated) == [false, true, true, false])
        #expect(Revisions(["a", "b~2", "c@{1}"]).terms.allSatisfy { $0.term.isPlain && !$0.negated })
    }

    @Test func aMissingParentIsAnErrorNamingIt() throws {
        let repo = try TestRepository()
        try repo.commit("root")
        let opened = try Repository(discovering: repo.path)
        #expect(throws: GitError.self) { try opened.resolve(Revisions(["HEAD^-1"])) }
        do {
            _ = try opened.resolve(Revisions(["HEAD^-1"]))
        } catch {
            #expect(error.message.contains("has 0 parent(s)"), "\(error.message)")
        }
    }
}
