import CGit2
#if canImport(Glibc)
import Glibc
#endif

/// One note on a ref: the object it annotates and the blob holding its text.
public struct NoteEntry: Sendable, Hashable {
    public let target: ObjectID
    public let blob: ObjectID
}

extension Repository {
    /// The note on `target` under `ref` (`refs/notes/aitrail`), or nil when there is none.
    public func note(on target: ObjectID, ref: String) throws(GitError) -> String? {
        var note: OpaquePointer?
        var oid = target.raw
        guard try checkFound(git_note_read(&note, pointer, ref, &oid)) else { return nil }
        defer { git_note_free(note) }
        return git_note_message(note).map { String(cString: $0) } ?? ""
    }

    /// Every note on `ref`; empty when the ref does not exist.
    public func notes(ref: String) throws(GitError) -> [NoteEntry] {
        var iterator: OpaquePointer?
        guard try checkFound(git_note_iterator_new(&iterator, pointer, ref)) else { return [] }
        defer { git_note_iterator_free(iterator) }
        var entries: [NoteEntry] = []
        var blob = git_oid(), target = git_oid()
        while true {
            let result = git_note_next(&blob, &target, iterator)
            if result == GIT_ITEROVER.rawValue { break }
            try check(result)
            entries.append(NoteEntry(target: ObjectID(target), blob: ObjectID(blob)))
        }
        return entries
    }

    /// The blob of the note on `target` as it stood in `notesCommit`, one commit of a notes ref's
    /// history; nil when that commit has no note on `target`.
    public func noteBlob(on target: ObjectID, inNotesCommit notesCommit: Commit) throws(GitError) -> ObjectID? {
        var note: OpaquePointer?
        var oid = target.raw
        guard try checkFound(git_note_commit_read(&note, pointer, notesCommit.pointer, &oid)) else { return nil }
        defer { git_note_free(note) }
        return ObjectID(git_note_id(note)!.pointee)
    }

    /// The text of a note blob (lossy UTF-8).
    public func noteText(blob: ObjectID) throws(GitError) -> String {
        String(decoding: try self.blob(blob), as: UTF8.self)
    }

    /// Adds `lines` to the note on `target` under `ref`, keeping what is there and skipping lines
    /// already present. The ref moves by compare-and-swap and the whole step is retried when another
    /// writer moved it first, so concurrent writers lose nothing. Returns false when nothing was new.
    @discardableResult
    public func appendNote(
        lines: [String], on target: ObjectID, ref: String, signature: Signature, message: String,
        maxAttempts: Int = 200
    ) throws(GitError) -> Bool {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try appendNoteOnce(lines: lines, on: target, ref: ref, signature: signature, message: message)
            } catch where error.isConflict && attempt < maxAttempts {
                // Another process holds the ref's lock or moved it: back off briefly with jitter.
                usleep(UInt32.random(in: 1_000...(5_000 + UInt32(min(attempt, 20)) * 1_000)))
            }
        }
    }

    private func appendNoteOnce(
        lines: [String], on target: ObjectID, ref: String, signature: Signature, message: String
    ) throws(GitError) -> Bool {
        let tip = try referenceTarget(ref)
        var parent: Commit?
        var existing = ""
        var oid = target.raw
        if let tip {
            parent = try commit(tip)
            var note: OpaquePointer?
            if try checkFound(git_note_commit_read(&note, pointer, parent!.pointer, &oid)) {
                existing = git_note_message(note).map { String(cString: $0) } ?? ""
                git_note_free(note)
            }
        }
        let merged = NoteText.union(existing, lines)
        if merged == existing { return false }

        let sig = try signature.makeGitSignature()
        defer { git_signature_free(sig) }
        var newCommit = git_oid(), newBlob = git_oid()
        try check(git_note_commit_create(&newCommit, &newBlob, pointer, parent?.pointer, sig, sig, &oid, merged, 1))
        // The notes commit message names what was added, so server-side hooks and humans can read it.
        let withMessage = try rewordCommit(ObjectID(newCommit), message: message, signature: signature)
        try updateReference(ref, to: withMessage, expected: tip, message: message)
        return true
    }

    /// git_note_commit_create writes a fixed message; rewrite the commit with ours (same tree and parents).
    private func rewordCommit(_ id: ObjectID, message: String, signature: Signature) throws(GitError) -> ObjectID {
        let original = try commit(id)
        return try createCommit(
            tree: original.treeID, parents: original.parentIDs, author: signature, committer: signature,
            message: message.hasSuffix("\n") ? message : message + "\n")
    }

    /// A notes commit whose notes are the line-wise union of two notes commits, with both as parents,
    /// so it fast-forwards from either side. Lines already on `ours` keep their order; new ones follow.
    public func mergeNotes(ours: ObjectID, theirs: ObjectID, signature: Signature, message: String) throws(GitError) -> ObjectID {
        if try isAncestor(theirs, of: ours) { return ours }
        if try isAncestor(ours, of: theirs) { return theirs }
        let oursCommit = try commit(ours)
        let theirsCommit = try commit(theirs)
        let sig = try signature.makeGitSignature()
        defer { git_signature_free(sig) }

        var current: Commit = oursCommit
        var iterator: OpaquePointer?
        try check(git_note_commit_iterator_new(&iterator, theirsCommit.pointer))
        defer { git_note_iterator_free(iterator) }
        var blob = git_oid(), target = git_oid()
        while true {
            let result = git_note_next(&blob, &target, iterator)
            if result == GIT_ITEROVER.rawValue { break }
            try check(result)
            let theirText = try noteText(blob: ObjectID(blob))
            var ourText = ""
            var note: OpaquePointer?
            if try checkFound(git_note_commit_read(&note, pointer, current.pointer, &target)) {
                ourText = git_note_message(note).map { String(cString: $0) } ?? ""
                git_note_free(note)
            }
            let merged = NoteText.union(ourText, NoteText.lines(theirText))
            if merged == ourText { continue }
            var next = git_oid(), newBlob = git_oid()
            try check(git_note_commit_create(&next, &newBlob, pointer, current.pointer, sig, sig, &target, merged, 1))
            current = try commit(ObjectID(next))
        }
        return try createCommit(
            tree: current.treeID, parents: [ours, theirs], author: signature, committer: signature,
            message: message.hasSuffix("\n") ? message : message + "\n")
    }
}

/// Notes as sets of lines: the union git's `cat_sort_uniq` strategy would keep, in a stable order.
public enum NoteText {
    public static func lines(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    /// `existing` with each of `added` appended unless already present; always newline-terminated.
    public static func union(_ existing: String, _ added: [String]) -> String {
        var present = Set(lines(existing))
        var out = existing
        if !out.isEmpty && !out.hasSuffix("\n") { out += "\n" }
        for line in added where !line.isEmpty && !present.contains(line) {
            present.insert(line)
            out += line + "\n"
        }
        return out
    }
}
