import Foundation
@testable import Git
import Testing
import TestSupport

/// Loose objects read straight from their files, against `git cat-file`.
@Suite struct LooseObjectTests {
    @Test func everyLooseObjectEqualsGit() throws {
        let repo = try TestRepository()
        try repo.commit("first\n\nwith a body\n")
        try repo.write("big.txt", String(repeating: "a line that compresses well\n", count: 5000))
        try repo.commit("second")
        let directory = repo.path + "/.git/objects"
        let listing = try repo.git(["cat-file", "--batch-all-objects", "--batch-check=%(objectname) %(objecttype)"])
        var kinds = Set<String>()
        for line in listing.split(separator: "\n") {
            let fields = line.split(separator: " ")
            let id = try #require(ObjectID(hex: String(fields[0])))
            let read = try #require(LooseObject.read(id, in: directory))
            let type = String(fields[1])
            kinds.insert(type)
            #expect(read.type == ["commit": 1, "tree": 2, "blob": 3, "tag": 4][type])
            let stored = try runProcess("/usr/bin/git", ["-C", repo.path, "cat-file", type, id.hex]).stdoutBytes
            #expect(read.bytes == stored, "\(id.hex)")
        }
        #expect(kinds == ["commit", "tree", "blob"])
    }

    @Test func missingOrDamagedFilesReadAsNothing() throws {
        let repo = try TestRepository()
        let head = try repo.commit("only")
        let directory = repo.path + "/.git/objects"
        let id = try #require(ObjectID(hex: head))
        #expect(LooseObject.read(try #require(ObjectID(hex: String(repeating: "1", count: 40))), in: directory) == nil)
        let path = directory + "/" + head.prefix(2) + "/" + head.dropFirst(2)
        let bytes = try FileSystem.read(path)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        try Data(bytes.dropLast(6)).write(to: URL(fileURLWithPath: path))   // truncated stream
        #expect(LooseObject.read(id, in: directory) == nil)
        try Data("not zlib".utf8).write(to: URL(fileURLWithPath: path))
        #expect(LooseObject.read(id, in: directory) == nil)
        // The commit read then goes to libgit2, which names the problem.
        let repository = try Repository(discovering: repo.path)
        #expect(throws: GitError.self) { try repository.rawCommit(id) }
    }
}
