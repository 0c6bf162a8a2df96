import Dispatch
import Git

extension AuditScanner {
    /// True when reading every packed commit on all workers before walking beats walking first: a
    /// cold audit (no cached records) on several workers of a walk that reaches most of the history
    /// (HEAD or `--all`, all parents, no `--since` to stop it early).
    func readsAllPacked(cache: AuditCache) -> Bool {
        let walk = options.walk
        return options.jobs > 1 && cache.table.count == 0 && walk.since == nil && !walk.firstParent
            && (walk.revisions.isEmpty || walk.all)
    }

    /// Reads and classifies every packed commit, spread over the workers in pack order, then walks
    /// the tips through them; commits the packs did not give (loose ones, deltas) are read and
    /// classified by the walk. Nil when the repository has no packs.
    func readPackedAndWalk(tips: [ObjectID], notes: NoteIndex)
        throws(AuditError) -> (walked: Int, order: [Int32], pendingSlots: [Int], pendingRecords: [Int32], scanned: [Scanned])?
    {
        guard let packed = PackedCommits(repository) else { return nil }
        let count = packed.count
        let results = SliceResults<Scanned?>(count: count, initial: nil)
        let jobs = options.jobs
        let failures = SliceResults<String?>(count: jobs, initial: nil)
        let gitDirectory = repository.gitDirectory
        let classifier = self.classifier, lines = options.lines, progress = self.progress
        let blockSize = 512
        let blocks = (count + blockSize - 1) / blockSize
        DispatchQueue.concurrentPerform(iterations: jobs) { worker in
            do {
                // One repository per worker: libgit2 objects never cross threads.
                let own = try Repository(at: gitDirectory)
                var block = worker
                while block < blocks {
                    for number in (block * blockSize)..<min(count, (block + 1) * blockSize) {
                        try packed.read(number) { (id, bytes) throws(GitError) in
                            results[number] = try AuditScanner.scanCommit(
                                AuditScanner.fields(id, bytes), repository: own, classifier: classifier, notes: notes, lines: lines)
                        }
                    }
                    if worker == 0, let progress { progress(min(count, (block + 1) * blockSize), count) }
                    block += jobs
                }
            } catch {
                failures[worker] = (error as? GitError)?.message ?? "\(error)"
            }
        }
        if let message = failures.values.compactMap({ $0 }).first { throw AuditError(message) }

        let nodes = try gitCall { () throws(GitError) in try packed.walk(repository, tips: tips) }
        var scanned: [Scanned] = []
        scanned.reserveCapacity(nodes.count)
        for node in nodes {
            switch node {
            case .packed(let number):
                scanned.append(results[number]!)
            case .other(let commit):
                let fields = try gitCall { () throws(GitError) in
                    try commit.bytes.withUnsafeBufferPointer { (bytes) throws(GitError) in try AuditScanner.fields(commit.id, bytes) }
                }
                scanned.append(try gitCall { () throws(GitError) in
                    try AuditScanner.scanCommit(fields, repository: repository, classifier: classifier, notes: notes, lines: lines)
                })
            }
        }
        progress?(nodes.count, nodes.count)
        let walked = nodes.count
        return (walked, [Int32](repeating: -1, count: walked), Array(0..<walked), [Int32](repeating: -1, count: walked), scanned)
    }

    /// A raw commit's fields, or the error that names it.
    static func fields(_ id: ObjectID, _ bytes: UnsafeBufferPointer<UInt8>) throws(GitError) -> CommitFields {
        guard let fields = CommitFields.parse(id: id, bytes: bytes) else {
            throw GitError("commit \(id.hex) is malformed (its header cannot be read)")
        }
        return fields
    }
}
