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

extension CommitEvidence {
    /// `aitrail eval list`'s report on `commit`: each record, whether it is current for the commit's
    /// tree and who signed it, the verdict, and the records still waiting for a commit of their tree.
    public func listing(of commit: ObjectID, pending: [EvidenceRecord]) -> String {
        var out = "\(commit.short) (tree \(tree.prefix(7))): \(records.count) evidence record\(records.count == 1 ? "" : "s")\n"
        for record in records {
            var state = record.tree == tree ? "current" : "stale (tree \(record.tree.prefix(7)))"
            switch record.signature {
            case .verified(let principal)?: state += ", signed by \(principal)"
            case .bad(let reason)?: state += ", BAD SIGNATURE (\(reason))"
            case .unsigned?, .gate?, nil: break
            }
            out += "  \(state)  \(record.summaryLine)\n"
        }
        out += "verdict: \(judgement.standing.rawValue)\n"
        if !pending.isEmpty {
            out += "pending (waiting for a commit of their tree):\n"
            for record in pending { out += "  tree \(record.tree.prefix(7))  \(record.summaryLine)\n" }
        }
        return out
    }
}
