import Git

/// One commit's evidence as `aitrail eval list` shows it: the records, stamped with when they
/// reached the notes and (with the work tree's `evidence.signers`) whether their signatures verify,
/// and `EvidenceVerdict`'s judgement for the commit's tree.
public struct CommitEvidence: Sendable {
    public var tree: String
    public var records: [EvidenceRecord]
    public var malformed: [MalformedLine]
    public var judgement: EvidenceVerdict.Judgement

    public static func read(
        _ commit: ObjectID, in repository: Repository, policy: Policy, environment: [String: String], now: Int64 = Timestamp.now()
    ) throws(GitError) -> CommitEvidence {
        let tree = try repository.commit(commit).treeID.hex
        let (all, malformed) = try Ledger(repository: repository).records(on: commit)
        var byCommit = [commit: all.compactMap(\.evidence)]
        try NotesArrival.stamp(&byCommit, ref: Ledger.ref, in: repository)
        var records = byCommit[commit] ?? []
        let signers = policy.evidence.signers.flatMap { path in repository.workDirectory.map { $0 + "/" + path } }
        for index in records.indices {
            if records[index].sig == nil {
                records[index].signature = .unsigned
            } else if let signers, FileSystem.exists(signers), records[index].tree == tree {
                records[index].signature = EvidenceSigning.verify(records[index], allowedSigners: signers, environment: environment)
            }
        }
        let judgement = EvidenceVerdict.judge(records, tree: tree, rules: EvidenceVerdict.Rules(policy: policy, now: now))
        return CommitEvidence(tree: tree, records: records, malformed: malformed, judgement: judgement)
    }
}
