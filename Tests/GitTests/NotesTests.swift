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

    /// Object ids to annotate: notes may sit on any id, as for git (`git notes list` shows them all).
    private func targets(_ count: Int, seed: UInt64 = 1) throws -> [ObjectID] {
        var generator = SeededGenerator(seed: seed)
        return try (0..<count).map { _ in
            let hex = (0..<20).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
            return try #require(ObjectID(hex: hex))
        }
    }

    /// Makes notes ref `ref` one commit whose tree holds exactly `notes` (path → text), as git's
    /// fast-import writes it: a layout of the test's choosing (flat, or a note in two places).
    private func importNotes(_ repo: TestRepository, ref: String, _ notes: [(path: String, text: String)]) throws {
        var marks: [String: Int] = [:]
        var stream = ""
        for text in notes.map(\.text) where marks[text] == nil {
            marks[text] = marks.count + 1
            stream += "blob\nmark :\(marks.count)\ndata \(text.utf8.count)\n\(text)\n"
        }
        stream += "commit \(ref)\ncommitter a <a@example.com> 1700000000 +0000\ndata 5\nnotes\n"
        for note in notes { stream += "M 100644 :\(marks[note.text]!) \(note.path)\n" }
        try repo.git(["fast-import", "--quiet"], input: Array((stream + "\n").utf8))
    }

    /// `git notes list` of `ref`: target → note blob, as git reads the tree.
    private func gitNotes(_ repo: TestRepository, _ ref: String) throws -> [String: String] {
        var notes: [String: String] = [:]
        for line in try repo.git(["notes", "--ref", ref, "list"]).split(separator: "\n") {
            let parts = line.split(separator: " ")
            notes[String(parts[1])] = String(parts[0])
        }
        return notes
    }

    /// The root folder of a notes ref: (names of folders, names of files).
    private func rootEntries(_ repo: TestRepository, _ ref: String) throws -> (folders: [String], files: [String]) {
        let lines = try repo.git(["ls-tree", ref]).split(separator: "\n")
        let folders = lines.filter { $0.contains(" tree ") }.map { String($0.split(separator: "\t")[1]) }
        let files = lines.filter { $0.contains(" blob ") }.map { String($0.split(separator: "\t")[1]) }
        return (folders, files)
    }

    @Test func notesWrittenOneByOneFanOutAsGitsDo() throws {
        let repo = try TestRepository()
        try repo.commit("one")
        let opened = try Repository(discovering: repo.path)
        let ref = "refs/notes/aitrail"
        let annotated = try targets(300)
        for (index, target) in annotated.enumerated() {
            try opened.appendNote(lines: ["{\"n\":\(index)}"], on: target, ref: ref, signature: signature, message: "m")
        }
        // git's notes.c writes ab/cdef… once each hex digit starts two notes of a folder (about a
        // hundred notes): so does aitrail, and the notes written flat before were moved down with them.
        let root = try rootEntries(repo, "refs/notes/aitrail")
        #expect(root.files.isEmpty, "\(root.files.count) notes left flat")
        #expect(root.folders.count > 16 && root.folders.allSatisfy { $0.utf8.count == 2 })
        // git reads every note, each with its text; so does aitrail.
        let listed = try gitNotes(repo, "aitrail")
        #expect(Set(listed.keys) == Set(annotated.map(\.hex)))
        for index in [0, 1, 99, 150, 299] {
            #expect(try repo.git(["notes", "--ref", "aitrail", "show", annotated[index].hex]) == "{\"n\":\(index)}\n")
            #expect(try opened.note(on: annotated[index], ref: ref) == "{\"n\":\(index)}\n")
        }
        #expect(try opened.notes(ref: ref).count == 300)
        // A note git adds to the fanned-out tree, and one aitrail adds after git: both read by both.
        let commitID = try repo.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
        try repo.git(["notes", "--ref", "aitrail", "add", "-m", "by git", commitID])
        let head = try #require(ObjectID(hex: commitID))
        #expect(try opened.note(on: head, ref: ref) == "by git\n")
        try opened.appendNote(lines: ["by aitrail"], on: head, ref: ref, signature: signature, message: "m")
        #expect(try repo.git(["notes", "--ref", "aitrail", "show", commitID]) == "by git\nby aitrail\n")
        #expect(try gitNotes(repo, "aitrail").count == 301)
        #expect(try repo.gitResult(["fsck", "--no-dangling"]).status == 0)
    }

    /// A flat tree of many notes (what aitrail wrote before it fanned out) is fanned out by the next
    /// write: every note keeps its blob, and the tree read and rewritten per commit becomes small.
    @Test func aFlatTreeOfManyNotesIsFannedOutByTheNextWrite() throws {
        let repo = try TestRepository()
        let annotated = try targets(2_000)
        try importNotes(repo, ref: "refs/notes/aitrail", annotated.map { ($0.hex, "{\"n\":42}\n") })
        let before = try gitNotes(repo, "aitrail")
        let flatRoot = try rootEntries(repo, "refs/notes/aitrail")
        #expect(before.count == 2_000 && flatRoot.folders.isEmpty)
        let flatSize = Int(try repo.git(["cat-file", "-s", "refs/notes/aitrail^{tree}"]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0

        let opened = try Repository(discovering: repo.path)
        let added = try targets(1, seed: 2)[0]
        try opened.appendNote(lines: ["{\"n\":1}"], on: added, ref: "refs/notes/aitrail", signature: signature, message: "m")

        let after = try gitNotes(repo, "aitrail")
        #expect(after.count == 2_001)
        #expect(before.allSatisfy { after[$0.key] == $0.value }, "a note lost or changed")
        #expect(try repo.git(["notes", "--ref", "aitrail", "show", added.hex]) == "{\"n\":1}\n")
        let root = try rootEntries(repo, "refs/notes/aitrail")
        #expect(root.files.isEmpty && root.folders.count > 200)
        let fannedSize = Int(try repo.git(["cat-file", "-s", "refs/notes/aitrail^{tree}"]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? .max
        #expect(fannedSize * 10 < flatSize, "root tree \(fannedSize) bytes, flat \(flatSize)")
    }

    /// A merge that both changes notes of a flat folder and adds enough to fan it out: the changed
    /// notes go down with their merged text, once each, and the others keep theirs.
    @Test func aMergeThatFansAFolderOutKeepsEachNoteOnce() throws {
        let repo = try TestRepository()
        let annotated = try targets(150)
        try importNotes(repo, ref: "refs/notes/ours", annotated.map { ($0.hex, "ours\n") })
        let opened = try Repository(discovering: repo.path)
        let ours = try #require(try opened.referenceTarget("refs/notes/ours"))
        try opened.updateReference("refs/notes/theirs", to: ours, expected: nil, message: "branch")
        let added = try targets(30, seed: 4)
        for target in [annotated[0], annotated[1]] + added {
            try opened.appendNote(lines: ["theirs"], on: target, ref: "refs/notes/theirs", signature: signature, message: "m")
        }
        let theirs = try #require(try opened.referenceTarget("refs/notes/theirs"))
        // Ours moves on too (a note it had: the folder stays flat), so the merge is no fast-forward.
        try opened.appendNote(lines: ["ours too"], on: annotated[2], ref: "refs/notes/ours", signature: signature, message: "m")
        #expect(try repo.git(["ls-tree", "--name-only", "refs/notes/ours"]).split(separator: "\n").count == 150)
        let oursNow = try #require(try opened.referenceTarget("refs/notes/ours"))
        let merged = try opened.mergeNotes(ours: oursNow, theirs: theirs, signature: signature, message: "merge")
        #expect(merged != theirs && merged != oursNow)
        try opened.updateReference("refs/notes/ours", to: merged, expected: oursNow, message: "merge")

        let paths = try repo.git(["ls-tree", "-r", "--name-only", "refs/notes/ours"]).split(separator: "\n")
        let targetsListed = paths.map { $0.replacingOccurrences(of: "/", with: "") }
        #expect(targetsListed.count == 180 && Set(targetsListed).count == 180, "\(targetsListed.count) entries, \(Set(targetsListed).count) targets, flat: \(paths.filter { !$0.contains("/") }.prefix(5))")
        #expect(paths.allSatisfy { $0.contains("/") }, "a note left flat")
        for target in [annotated[0], annotated[1]] {
            #expect(try repo.git(["notes", "--ref", "ours", "show", target.hex]) == "ours\ntheirs\n")
        }
        #expect(try repo.git(["notes", "--ref", "ours", "show", annotated[2].hex]) == "ours\nours too\n")
        #expect(try repo.git(["notes", "--ref", "ours", "show", annotated[3].hex]) == "ours\n")
        #expect(try repo.git(["notes", "--ref", "ours", "show", added[0].hex]) == "theirs\n")
        #expect(try opened.notes(ref: "refs/notes/ours").count == 180)
    }

    /// A note both flat and in a fanout folder (git reads the two as one note): moving the flat one
    /// down would replace the other, so that folder stays flat and both stay.
    @Test func aFolderWhoseMoveWouldReplaceANoteStaysFlat() throws {
        let repo = try TestRepository()
        let annotated = try targets(200)
        let twice = annotated[0].hex
        let folder = String(twice.prefix(2)), rest = String(twice.dropFirst(2))
        try importNotes(repo, ref: "refs/notes/aitrail", annotated.map { ($0.hex, "flat\n") } + [("\(folder)/\(rest)", "folder\n")])
        let opened = try Repository(discovering: repo.path)
        let added = try #require(try targets(40, seed: 3).first { !$0.hex.hasPrefix(folder) })
        try opened.appendNote(lines: ["new"], on: added, ref: "refs/notes/aitrail", signature: signature, message: "m")
        let files = try repo.git(["ls-tree", "-r", "--name-only", "refs/notes/aitrail"]).split(separator: "\n").map(String.init)
        #expect(files.contains(twice) && files.contains("\(folder)/\(rest)"))
        #expect(files.count == 202)
        #expect(try repo.git(["notes", "--ref", "aitrail", "show", added.hex]) == "new\n")
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
