import Git

/// When evidence records reached the notes: the committer time of the oldest notes commit, going
/// back from the ref's tip, whose note on the record's commit still holds the record. A writer
/// chooses `at`; the notes history is what the remote accepted, in order.
///
/// Cheap by construction: the walk goes back from the tip only while some record of interest is
/// still present, reading one note per commit of interest per notes commit, and re-parsing a note
/// only when its blob changed.
public enum NotesArrival {
    /// Sets `reachedNotesAt` on the records of `evidence` (by annotated commit).
    public static func stamp(
        _ evidence: inout [ObjectID: [EvidenceRecord]], ref: String, in repository: Repository, limit: Int = 20_000
    ) throws(GitError) {
        guard try repository.referenceTarget(ref) != nil else { return }
        var open: [ObjectID: Set<Int>] = [:]
        for (target, records) in evidence where !records.isEmpty { open[target] = Set(records.indices) }
        var lastBlob: [ObjectID: ObjectID] = [:]
        let walk = try RevisionWalk(repository, options: WalkOptions(revisions: [ref], order: .time))
        var walked = 0
        while !open.isEmpty, walked < limit, let id = walk.next() {
            walked += 1
            let notesCommit = try repository.commit(id)
            let time = notesCommit.committer.time
            for (target, indices) in open {
                guard let blob = try repository.noteBlob(on: target, inNotesCommit: notesCommit) else {
                    open[target] = nil
                    continue
                }
                var still = indices
                if lastBlob[target] != blob {
                    let present = Set(CanonicalJSON.parseNote(try repository.noteText(blob: blob)).records.compactMap(\.evidence))
                    still = indices.filter { present.contains(evidence[target]![$0].asWritten) }
                    lastBlob[target] = blob
                }
                for index in still { evidence[target]![index].reachedNotesAt = time }
                open[target] = still.isEmpty ? nil : still
            }
        }
        if let error = walk.error { throw error }
    }
}
