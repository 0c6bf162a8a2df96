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
            let read = try #require(try LooseObject.read(id, in: directory))
            let type = String(fields[1])
            kinds.insert(type)
            #expect(read.type == ["commit": 1, "tree": 2, "blob": 3, "tag": 4][type])
            let stored = try runProcess("/usr/bin/git", ["-C", repo.path, "cat-file", type, id.hex]).stdoutBytes
            #expect(read.bytes == stored, "\(id.hex)")
        }
        #expect(kinds == ["commit", "tree", "blob"])
    }

    @Test func aMissingFileReadsAsNothingAndADamagedOneIsNamed() throws {
        let repo = try TestRepository()
        let head = try repo.commit("only")
        let directory = repo.path + "/.git/objects"
        let id = try #require(ObjectID(hex: head))
        #expect(try LooseObject.read(try #require(ObjectID(hex: String(repeating: "1", count: 40))), in: directory) == nil)
        let path = directory + "/" + head.prefix(2) + "/" + head.dropFirst(2)
        let bytes = try FileSystem.read(path)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        let repository = try Repository(discovering: repo.path)
        // Truncated streams (libgit2 1.5 loops for ever on some), garbage, a wrong header: each an
        // error naming the file, and libgit2 is not asked.
        for damaged in [Array(bytes.dropLast(6)), Array(bytes.prefix(bytes.count / 2)), Array("not zlib".utf8), []] {
            try Data(damaged).write(to: URL(fileURLWithPath: path))
            do {
                _ = try repository.rawCommit(id)
                Issue.record("a damaged loose object was read")
            } catch {
                #expect(error.description.contains(path) && error.description.contains("git fsck"), "\(error)")
            }
        }
    }
}
