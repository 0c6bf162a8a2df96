import Foundation
import Git
import Testing
import TestSupport

@Suite struct NotesTests {
    let signature = Signature(name: "Note Writer", email: "notes@example.com", time: 1_700_000_000)

    @Test func appendReadAndIterate() throws {
        let repo = try TestRepository()
        let first = try #require(ObjectID(hex: repo.commit("one")))
        let second = try #require(ObjectID(hex: repo.commit("two")))
        let opened = try Repository(discovering: repo.path)
        let ref = "refs/notes/aitrail"
        #expect(try opened.note(on: first, ref: ref) == nil)
        #expect(try opened.notes(ref: ref).isEmpty)

        #expect(try opened.appendNote(lines: ["{\"a\":1}"], on: first, ref: ref, signature: signature, message: "aitrail: usage for \(first.short)"))
        #expect(try opened.appendNote(lines: ["{\"b\":2}", "{\"a\":1}"], on: first, ref: ref, signature: signature, message: "m"))
        #expect(try !opened.appendNote(lines: ["{\"a\":1}"], on: first, ref: ref, signature: signature, message: "m"))
        try opened.appendNote(lines: ["{\"c\":3}"], on: second, ref: ref, signature: signature, message: "m")

        #expect(try opened.note(on: first, ref: ref) == "{\"a\":1}\n{\"b\":2}\n")
        #expect(try repo.git(["notes", "--ref", "aitrail", "show", first.hex]) == "{\"a\":1}\n{\"b\":2}\n")
        let entries = try opened.notes(ref: ref)
        #expect(Set(entries.map(\.target)) == [first, second])
        // The notes commit has a real identity and our message, so server hooks accept it.
        #expect(try repo.git(["log", "-1", "--format=%an <%ae>%n%s", ref]) == "Note Writer <notes@example.com>\nm\n")
        #expect(try repo.git(["log", "--format=%s", ref]).contains("aitrail: usage for \(first.short)"))
    }

    @Test func concurrentWritersLoseNothing() async throws {
        let repo = try TestRepository()
        let target = try #require(ObjectID(hex: repo.commit("one")))
        let path = repo.path
        let sig = signature
        let writers = 6, perWriter = 8
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    // One repository handle per writer, as separate processes would have.
                    let opened = try Repository(discovering: path)
                    for record in 0..<perWriter {
                        try opened.appendNote(lines: ["{\"writer\":\(writer),\"record\":\(record)}"], on: target,
                                              ref: "refs/notes/aitrail", signature: sig, message: "w\(writer)")
                    }
                }
            }
            try await group.waitForAll()
        }
        let text = try repo.git(["notes", "--ref", "aitrail", "show", target.hex])
        let lines = Set(text.split(separator: "\n").map(String.init))
        #expect(lines.count == writers * perWriter)
        for writer in 0..<writers {
            for record in 0..<perWriter { #expect(lines.contains("{\"writer\":\(writer),\"record\":\(record)}")) }
        }
    }

    @Test func mergeUnionsLinesAndFastForwardsBothSides() throws {
        let repo = try TestRepository()
        let a = try #require(ObjectID(hex: repo.commit("a")))
        let b = try #require(ObjectID(hex: repo.commit("b")))
        let opened = try Repository(discovering: repo.path)
        try opened.appendNote(lines: ["base"], on: a, ref: "refs/notes/ours", signature: signature, message: "m")
        let base = try #require(try opened.referenceTarget("refs/notes/ours"))
        try opened.updateReference("refs/notes/theirs", to: base, expected: nil, message: "branch")
        try opened.appendNote(lines: ["ours-a"], on: a, ref: "refs/notes/ours", signature: signature, message: "m")
        try opened.appendNote(lines: ["theirs-a"], on: a, ref: "refs/notes/theirs", signature: signature, message: "m")
        try opened.appendNote(lines: ["theirs-b"], on: b, ref: "refs/notes/theirs", signature: signature, message: "m")
        let ours = try #require(try opened.referenceTarget("refs/notes/ours"))
        let theirs = try #require(try opened.referenceTarget("refs/notes/theirs"))
        let merged = try opened.mergeNotes(ours: ours, theirs: theirs, signature: signature, message: "merge")
        try opened.updateReference("refs/notes/ours", to: merged, expected: ours, message: "merge")
        #expect(try opened.note(on: a, ref: "refs/notes/ours") == "base\nours-a\ntheirs-a\n")
        #expect(try opened.note(on: b, ref: "refs/notes/ours") == "theirs-b\n")
        #expect(try opened.isAncestor(theirs, of: merged))
        #expect(try opened.isAncestor(ours, of: merged))
        // Already contained: nothing new to make.
        #expect(try opened.mergeNotes(ours: merged, theirs: theirs, signature: signature, message: "m") == merged)
    }

    @Test func compareAndSwapRefusesAStaleExpectation() throws {
        let repo = try TestRepository()
        let a = try #require(ObjectID(hex: repo.commit("a")))
        let b = try #require(ObjectID(hex: repo.commit("b")))
        let opened = try Repository(discovering: repo.path)
        try opened.updateReference("refs/test/x", to: a, expected: nil, message: "create")
        let error = #expect(throws: GitError.self) { try opened.updateReference("refs/test/x", to: b, expected: b, message: "m") }
        #expect(error?.isConflict == true)
        let exists = #expect(throws: GitError.self) { try opened.updateReference("refs/test/x", to: b, expected: nil, message: "m") }
        #expect(exists?.isConflict == true)
        try opened.updateReference("refs/test/x", to: b, expected: a, message: "move")
        #expect(try opened.referenceTarget("refs/test/x") == b)
    }
}
