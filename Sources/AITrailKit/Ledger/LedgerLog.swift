import Git

/// The records noted on one commit, for `aitrail log`.
public struct LedgerEntry: Sendable {
    public let commit: ObjectID
    public let records: [LedgerRecord]
    public let malformed: [MalformedLine]
}

extension Ledger {
    /// The noted commits among `revisions` (git's range syntax; HEAD when empty), newest first.
    public func entries(revisions: [String]) throws(GitError) -> [LedgerEntry] {
        var blobs: [ObjectID: ObjectID] = [:]
        for note in try notes() { blobs[note.target] = note.blob }
        if blobs.isEmpty { return [] }
        if revisions.isEmpty && repository.isHeadUnborn { return [] }
        var entries: [LedgerEntry] = []
        for commit in try RevisionWalk(repository, options: WalkOptions(revisions: revisions)).ids() {
            guard let blob = blobs[commit] else { continue }
            let parsed = CanonicalJSON.parseNote(try repository.noteText(blob: blob))
            entries.append(LedgerEntry(commit: commit, records: parsed.records, malformed: parsed.malformed))
        }
        return entries
    }
}
