import Git

/// When evidence records reached the notes: the committer time of the notes commit that added
/// each record to its commit's note, found by walking `refs/notes/aitrail` back from its tip along
/// first parents (a record brought in by a merge of notes reached this ref at that merge). A
/// writer chooses `at`; the notes history is what the remote accepted, in order.
///
/// Cheap by construction: one tree diff per notes commit says which notes it changed, a note is
/// read only when it is one of the records' and it changed, and the walk stops as soon as every
/// record's arrival is known.
public enum NotesArrival {
    /// Sets `reachedNotesAt` on the records of `evidence` (by annotated commit).
    public static func stamp(
        _ evidence: inout [ObjectID: [EvidenceRecord]], ref: String, in repository: Repository, limit: Int = 100_000
    ) throws(GitError) {
        guard let tip = try repository.referenceTarget(ref) else { return }
        var open: [ObjectID: Set<Int>] = [:]
        for (target, records) in evidence where !records.isEmpty { open[target] = Set(records.indices) }
        var current = try repository.commit(tip)
        var walked = 0
        while !open.isEmpty {
            let time = current.committer.time
            walked += 1
            guard let parentID = current.parentIDs.first, walked < limit else {
                // The root (or as far as the walk goes): what is still open arrived here.
                for (target, indices) in open { for index in indices { evidence[target]![index].reachedNotesAt = time } }
                return
            }
            let parent = try repository.commit(parentID)
            for path in try repository.changedPaths(from: parent.treeID, to: current.treeID) {
                // Notes trees name each note by its commit's id, fanned out or not (`ab/cdef…`).
                guard let target = ObjectID(hex: path.replacing("/", with: "")), let indices = open[target] else { continue }
                let before: Set<EvidenceRecord> = try repository.noteBlob(on: target, inNotesCommit: parent).map { (blob) throws(GitError) in
                    Set(CanonicalJSON.parseNote(try repository.noteText(blob: blob)).records.compactMap(\.evidence))
                } ?? []
                let arrived = indices.filter { !before.contains(evidence[target]![$0].asWritten) }
                for index in arrived { evidence[target]![index].reachedNotesAt = time }
                let still = indices.subtracting(arrived)
                open[target] = still.isEmpty ? nil : still
            }
            current = parent
        }
    }
}
