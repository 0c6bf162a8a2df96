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
    /// The note on `target` under `ref` (`refs/notes/aitrail`), or nil when there is none. Read as
    /// bytes (a NUL or non-UTF-8 byte does not cut it short) and decoded for reading only.
    public func note(on target: ObjectID, ref: String) throws(GitError) -> String? {
        guard let tip = try referenceTarget(ref) else { return nil }
        guard let bytes = try noteBytes(on: target, notesCommit: tip, ref: ref) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Every note on `ref`; empty when the ref does not exist. Read as git's notes.c reads a notes
    /// tree: regular-file entries whose path (fanout folders included) is an object id; gitlinks,
    /// symbolic links and other names are not notes and are skipped.
    public func notes(ref: String) throws(GitError) -> [NoteEntry] {
        guard let tip = try referenceTarget(ref) else { return [] }
        var entries: [NoteEntry] = []
        try withTree(of: tip, ref: ref) { (tree) throws(GitError) in try collectNotes(tree, prefix: "", into: &entries) }
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

    private func collectNotes(_ tree: OpaquePointer, prefix: String, into entries: inout [NoteEntry]) throws(GitError) {
        for index in 0..<git_tree_entrycount(tree) {
            guard let entry = git_tree_entry_byindex(tree, index) else { continue }
            let name = String(cString: git_tree_entry_name(entry))
            let mode = git_tree_entry_filemode(entry)
            let path = prefix + name
            if mode == GIT_FILEMODE_TREE, name.utf8.count == 2, path.utf8.count < 40, Repository.isHex(name) {
                var subtree: OpaquePointer?
                try check(git_tree_lookup(&subtree, pointer, git_tree_entry_id(entry)))
                defer { git_tree_free(subtree) }
                try collectNotes(subtree!, prefix: path, into: &entries)
            } else if mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE, path.utf8.count == 40, let target = ObjectID(hex: path) {
                entries.append(NoteEntry(target: target, blob: ObjectID(git_tree_entry_id(entry)!.pointee)))
            }
        }
    }

    static func isHex(_ text: String) -> Bool {
        text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// The value of a lowercase hex digit (`isHex` holds).
    static func hexValue(_ digit: UInt8) -> Int { Int(digit <= 0x39 ? digit - 0x30 : digit - 0x61 + 10) }

    /// Runs `body` with the tree of notes commit `tip`.
    private func withTree<T>(of tip: ObjectID, ref: String, _ body: (OpaquePointer) throws(GitError) -> T) throws(GitError) -> T {
        let tree: ObjectID
        do { tree = try commit(tip).treeID } catch {
            throw GitError("the notes ref \(ref) points at \(tip.hex), which cannot be read as a commit: \(error.message) "
                + "(fix: `git fsck`, then `git update-ref \(ref) <a good notes commit>` or fetch the notes again)")
        }
        var object: OpaquePointer?
        var oid = tree.raw
        try check(git_tree_lookup(&object, pointer, &oid))
        defer { git_tree_free(object) }
        return try body(object!)
    }

    /// Where `target`'s note lies in a notes tree, and its blob: the path as git's fanout puts it
    /// (`ab/cdef…`), or where a new one goes (the deepest fanout folder that matches). A note entry
    /// that is not a regular file is not a note (as for git).
    private func notePath(of target: ObjectID, in tree: OpaquePointer) throws(GitError) -> (path: String, blob: ObjectID?, occupied: Bool) {
        let hex = target.hex
        var current = tree
        var owned: [OpaquePointer] = []
        defer { for tree in owned { git_tree_free(tree) } }
        var prefix = ""
        var rest = Substring(hex)
        while true {
            let entry = git_tree_entry_byname(current, String(rest))
            if let entry {
                let mode = git_tree_entry_filemode(entry)
                if mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE {
                    return (prefix + rest, ObjectID(git_tree_entry_id(entry)!.pointee), true)
                }
            }
            guard rest.count > 2, let folder = git_tree_entry_byname(current, String(rest.prefix(2))),
                  git_tree_entry_filemode(folder) == GIT_FILEMODE_TREE else { return (prefix + rest, nil, entry != nil) }
            var subtree: OpaquePointer?
            try check(git_tree_lookup(&subtree, pointer, git_tree_entry_id(folder)))
            owned.append(subtree!)
            current = subtree!
            prefix += rest.prefix(2) + "/"
            rest = rest.dropFirst(2)
        }
    }

    /// The bytes of `target`'s note in notes commit `tip`; nil when it has none. A note whose blob
    /// is missing is an error naming it: read as empty, the next write would replace it.
    private func noteBytes(on target: ObjectID, notesCommit tip: ObjectID, ref: String) throws(GitError) -> [UInt8]? {
        let found = try withTree(of: tip, ref: ref) { (tree) throws(GitError) in try notePath(of: target, in: tree) }
        guard let blob = found.blob else { return nil }
        do { return try self.blob(blob) } catch {
            throw GitError("the note on \(target.hex) in \(ref) (blob \(blob.hex)) cannot be read: \(error.message); fix: fetch the "
                + "notes again (`git fetch origin \(ref):\(ref)` or `aitrail sync`), or remove that note with `git notes --ref \(ref) remove \(target.hex)`")
        }
    }

    /// The text of a note blob (lossy UTF-8, never cut at a NUL).
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
        FileSystem.removeAbandonedObjectFiles(in: objectsDirectory)
        var attempt = 0
        while true {
            attempt += 1
            do {
                // Objects and the ref written whole, or not at all, when a signal comes.
                return try TemporaryFiles.deferringSignals { () throws(GitError) in
                    try appendNoteOnce(lines: lines, on: target, ref: ref, signature: signature, message: message)
                }
            } catch where error.isConflict && attempt < maxAttempts {
                // A lock nobody has touched for seconds is not another writer's (they hold it for
                // milliseconds): say so now rather than after every retry.
                if let stale = staleLockError(ref, olderThan: 10) { throw stale }
                // Another process holds the ref's lock or moved it: back off briefly with jitter.
                usleep(UInt32.random(in: 1_000...(5_000 + UInt32(min(attempt, 20)) * 1_000)))
            } catch where error.isConflict {
                throw staleLockError(ref, olderThan: 0) ?? error
            }
        }
    }

    /// When `<ref>.lock` exists: an error naming it and the fix (a killed writer leaves it behind,
    /// and then every write fails). Nil without one.
    func staleLockError(_ ref: String, olderThan seconds: Int) -> GitError? {
        let lock = commonDirectory + "/" + ref + ".lock"
        var info = stat()
        guard lstat(lock, &info) == 0, Int(time(nil)) - Int(info.st_mtim.tv_sec) >= seconds else { return nil }
        return GitError("\(lock) exists, so \(ref) cannot be updated: a git or aitrail process holds it, or one was killed while "
            + "writing and left it behind; fix: if no git or aitrail command is running, delete it (`rm \(lock)`)", code: GIT_ELOCKED.rawValue)
    }

    private func appendNoteOnce(
        lines: [String], on target: ObjectID, ref: String, signature: Signature, message: String
    ) throws(GitError) -> Bool {
        let tip = try referenceTarget(ref)
        let existing = try tip.flatMap { (tip) throws(GitError) in try noteBytes(on: target, notesCommit: tip, ref: ref) } ?? []
        let merged = NoteText.union(bytes: existing, lines.map { Array($0.utf8) })
        if merged == existing { return false }
        let blob = try writeBlob(merged)
        let tree = try notesTree(base: tip, ref: ref, updates: [(target, blob)])
        let commit = try createCommit(
            tree: tree, parents: tip.map { [$0] } ?? [], author: signature, committer: signature,
            message: message.hasSuffix("\n") ? message : message + "\n")
        try updateReference(ref, to: commit, expected: tip, message: message)
        return true
    }

    /// The tree of notes commit `base` (empty without one) with the notes of `updates` set to their
    /// blobs, each where git's fanout puts it: one tree write for any number of notes. A folder that
    /// new notes fill up is fanned out one level, as git would (`fanOut`).
    private func notesTree(base: ObjectID?, ref: String, updates: [(target: ObjectID, blob: ObjectID)]) throws(GitError) -> ObjectID {
        var baseline: OpaquePointer?
        if let base {
            var oid = try commit(base).treeID.raw
            try check(git_tree_lookup(&baseline, pointer, &oid))
        } else {
            var builder: OpaquePointer?
            try check(git_treebuilder_new(&builder, pointer, nil))
            var empty = git_oid()
            let result = git_treebuilder_write(&empty, builder)
            git_treebuilder_free(builder)
            try check(result)
            try check(git_tree_lookup(&baseline, pointer, &empty))
        }
        defer { git_tree_free(baseline) }
        var paths: [String] = []
        var added: [Int] = []         // updates that are new notes (no note on that target yet)
        var removed: [String] = []    // entries in a note's place that are not notes (a gitlink, a symlink)
        paths.reserveCapacity(updates.count)
        for (index, update) in updates.enumerated() {
            let found = try notePath(of: update.target, in: baseline!)
            paths.append(found.path)
            if found.blob == nil { added.append(index) }
            if found.occupied && found.blob == nil { removed.append(found.path) }
        }
        let moves = try fanOut(&paths, added: added, in: baseline!)
        removed += moves.map(\.from)
        var base = baseline!
        var cleared: OpaquePointer?
        defer { git_tree_free(cleared) }
        if !removed.isEmpty {
            let cRemoved = removed.map { strdup($0) }
            defer { for path in cRemoved { free(path) } }
            var removals = cRemoved.map { git_tree_update(action: GIT_TREE_UPDATE_REMOVE, id: git_oid(), filemode: GIT_FILEMODE_BLOB, path: $0) }
            var id = git_oid()
            try check(git_tree_create_updated(&id, pointer, base, removals.count, &removals))
            try check(git_tree_lookup(&cleared, pointer, &id))
            base = cleared!
        }
        let moved = moves.filter { $0.to != nil }
        let cPaths = paths.map { strdup($0) }
        let cMoved = moved.map { strdup($0.to!) }
        defer { for path in cPaths + cMoved { free(path) } }
        var changes = updates.indices.map { index in
            git_tree_update(action: GIT_TREE_UPDATE_UPSERT, id: updates[index].blob.raw, filemode: GIT_FILEMODE_BLOB, path: cPaths[index])
        }
        changes += moved.indices.map { index in
            git_tree_update(action: GIT_TREE_UPDATE_UPSERT, id: moved[index].blob, filemode: moved[index].mode, path: cMoved[index])
        }
        var out = git_oid()
        try check(git_tree_create_updated(&out, pointer, base, changes.count, &changes))
        return ObjectID(out)
    }

    /// A note that moves one fanout level down (`abcd…` to `ab/cd…`); `to` is nil for a note the
    /// write sets anew, whose upsert already goes to the new place.
    private struct NoteMove {
        let from: String
        let to: String?
        let blob: git_oid
        let mode: git_filemode_t
    }

    /// git's notes.c (`determine_fanout`) writes a notes folder one fanout level deeper once each of
    /// the 16 hex digits starts at least two of its notes (or one of its fanout folders): about a
    /// hundred notes. aitrail does the same for each folder new notes go into: their `paths` go one
    /// level down, and the folder's notes are moved there with them. Without it every note write
    /// would read and rewrite one flat tree of all notes (1.3 MB for 20,000 of them) on every commit.
    /// A folder is left as it is when a move would land on an entry already there (git reads both
    /// as one note; moving would replace one) or on a non-folder entry with a fanout folder's name.
    private func fanOut(_ paths: inout [String], added: [Int], in root: OpaquePointer) throws(GitError) -> [NoteMove] {
        func parent(_ path: String) -> String { path.lastIndex(of: "/").map { String(path[...$0]) } ?? "" }
        var byFolder: [String: [Int]] = [:]
        for index in added { byFolder[parent(paths[index]), default: []].append(index) }
        var moves: [NoteMove] = []
        for (folder, indices) in byFolder {
            let nameLength = 40 - folder.utf8.count / 3 * 2
            guard nameLength > 2 else { continue }
            var folderTree: OpaquePointer? = root
            var owned: OpaquePointer?
            defer { git_tree_free(owned) }
            if !folder.isEmpty {
                var entry: OpaquePointer?
                guard git_tree_entry_bypath(&entry, root, String(folder.dropLast())) == 0 else { continue }
                defer { git_tree_entry_free(entry) }
                guard git_tree_entry_filemode(entry) == GIT_FILEMODE_TREE else { continue }
                try check(git_tree_lookup(&owned, pointer, git_tree_entry_id(entry)))
                folderTree = owned
            }
            guard let tree = folderTree else { continue }
            var uses = [Int](repeating: 0, count: 16)
            var notes: [(name: String, blob: git_oid, mode: git_filemode_t)] = []
            var blocked = false
            for index in 0..<git_tree_entrycount(tree) {
                guard let entry = git_tree_entry_byindex(tree, index) else { continue }
                let name = String(cString: git_tree_entry_name(entry))
                let mode = git_tree_entry_filemode(entry)
                guard Repository.isHex(name), let digit = name.utf8.first.map(Repository.hexValue) else { continue }
                if name.utf8.count == 2 {
                    if mode == GIT_FILEMODE_TREE { uses[digit] += 2 } else { blocked = true }
                } else if name.utf8.count == nameLength, mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE {
                    uses[digit] += 1
                    notes.append((name, git_tree_entry_id(entry)!.pointee, mode))
                }
            }
            for index in indices {
                if let digit = paths[index].utf8.dropFirst(folder.utf8.count).first.map(Repository.hexValue) { uses[digit] += 1 }
            }
            guard !blocked, uses.allSatisfy({ $0 >= 2 }) else { continue }
            func lower(_ name: Substring) -> String { String(name.prefix(2)) + "/" + String(name.dropFirst(2)) }
            var taken = false
            for note in notes {
                var existing: OpaquePointer?
                if git_tree_entry_bypath(&existing, tree, lower(Substring(note.name))) == 0 {
                    git_tree_entry_free(existing)
                    taken = true
                    break
                }
            }
            if taken { continue }
            // Notes this write sets (new, or changed by a merge) go down with the folder at their new
            // blob; the folder's other notes are moved at theirs.
            var updated = Set<Substring>()
            for index in paths.indices where parent(paths[index]) == folder {
                updated.insert(paths[index].dropFirst(folder.count))
                paths[index] = folder + lower(paths[index].dropFirst(folder.count))
            }
            for note in notes {
                let from = folder + note.name
                // A note this write sets leaves its old place; its new blob goes to the new one.
                moves.append(NoteMove(from: from, to: updated.contains(Substring(note.name)) ? nil : folder + lower(Substring(note.name)),
                                      blob: note.blob, mode: note.mode))
            }
        }
        return moves
    }

    /// A notes commit whose notes are the line-wise union of two notes commits, with both as parents,
    /// so it fast-forwards from either side. Lines already on `ours` keep their order; new ones follow.
    /// Every note that differs goes into one tree and one commit, however many there are.
    public func mergeNotes(ours: ObjectID, theirs: ObjectID, signature: Signature, message: String) throws(GitError) -> ObjectID {
        FileSystem.removeAbandonedObjectFiles(in: objectsDirectory)
        // Thousands of objects may be written: a signal waits rather than leave half-written ones.
        return try TemporaryFiles.deferringSignals { () throws(GitError) in
            try mergeNotesNow(ours: ours, theirs: theirs, signature: signature, message: message)
        }
    }

    private func mergeNotesNow(ours: ObjectID, theirs: ObjectID, signature: Signature, message: String) throws(GitError) -> ObjectID {
        if try isAncestor(theirs, of: ours) { return ours }
        if try isAncestor(ours, of: theirs) { return theirs }
        var ourBlobs: [ObjectID: ObjectID] = [:]
        var collected: [NoteEntry] = []
        try withTree(of: ours, ref: "ours") { (tree) throws(GitError) in try collectNotes(tree, prefix: "", into: &collected) }
        for entry in collected { ourBlobs[entry.target] = entry.blob }
        collected.removeAll()
        try withTree(of: theirs, ref: "theirs") { (tree) throws(GitError) in try collectNotes(tree, prefix: "", into: &collected) }
        var updates: [(target: ObjectID, blob: ObjectID)] = []
        for entry in collected where ourBlobs[entry.target] != entry.blob {
            let theirBytes = try blob(entry.blob)
            let ourBytes = try ourBlobs[entry.target].map { (blob) throws(GitError) in try self.blob(blob) } ?? []
            let merged = NoteText.union(bytes: ourBytes, NoteText.lines(bytes: theirBytes))
            if merged == ourBytes { continue }
            updates.append((entry.target, try writeBlob(merged)))
        }
        let tree = updates.isEmpty ? try commit(ours).treeID : try notesTree(base: ours, ref: "ours", updates: updates)
        return try createCommit(
            tree: tree, parents: [ours, theirs], author: signature, committer: signature,
            message: message.hasSuffix("\n") ? message : message + "\n")
    }
}

/// Notes as sets of lines: the union git's `cat_sort_uniq` strategy would keep, in a stable order.
public enum NoteText {
    /// The lines of a note's bytes, as stored (NUL and non-UTF-8 bytes kept).
    public static func lines(bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        bytes.split(separator: 0x0A, omittingEmptySubsequences: true)
    }

    /// `existing` bytes, untouched, with each of `added` appended unless already a line of it;
    /// newline-terminated when anything is added. Bytes that are not UTF-8, or a NUL, stay as they
    /// were: the records after them are never lost to a decoding.
    public static func union<Line: Collection<UInt8>>(bytes existing: [UInt8], _ added: [Line]) -> [UInt8] {
        var present = Set(lines(bytes: existing).map { Array($0) })
        var out = existing
        var terminated = out.isEmpty || out.last == 0x0A
        for line in added where !line.isEmpty {
            let bytes = Array(line)
            guard present.insert(bytes).inserted else { continue }
            if !terminated {
                out.append(0x0A)
                terminated = true
            }
            out += bytes
            out.append(0x0A)
        }
        return out
    }
}
