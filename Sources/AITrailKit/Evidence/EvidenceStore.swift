import Git

/// Where a new evidence record went.
public enum EvidencePlacement: Sendable, Hashable {
    /// Appended to this commit's note.
    case attached(ObjectID)
    /// Waiting in `<git-dir>/aitrail/pending/` for the commit whose tree it evaluated.
    case pending(path: String)
}

/// Writes evidence records into the ledger, or into the pending folder until their commit exists.
public enum EvidenceStore {
    /// Adds `record` to `commit`'s note.
    public static func attach(_ record: EvidenceRecord, to commit: ObjectID, in repository: Repository) throws(AITrailError) {
        do {
            try Ledger(repository: repository).append(
                [.evidence(record)], to: commit, message: "aitrail: \(record.kind.rawValue) evidence for \(commit.short)")
        } catch {
            throw AITrailError.evidence("cannot write the evidence note on \(commit.short): \(error.message)")
        }
    }

    /// Attaches `record` to HEAD when HEAD's tree is the one evaluated, else keeps it pending.
    public static func store(_ record: EvidenceRecord, in repository: Repository) throws(AITrailError) -> EvidencePlacement {
        if let head = try? repository.head(), let commit = try? repository.commit(head), commit.treeID.hex == record.tree {
            try attach(record, to: head, in: repository)
            return .attached(head)
        }
        return .pending(path: try PendingEvidence.save(record, in: repository))
    }

    /// The identity evidence is recorded by: git's user.name and user.email.
    public static func identity(of repository: Repository) -> String? {
        repository.defaultSignature()?.identity
    }

    /// The CI run the evidence comes from, when run inside one.
    public static func ciReference(_ environment: [String: String]) -> CIReference? {
        if environment["GITHUB_ACTIONS"] == "true" {
            var url: String?
            if let server = environment["GITHUB_SERVER_URL"], let repo = environment["GITHUB_REPOSITORY"], let run = environment["GITHUB_RUN_ID"] {
                url = "\(server)/\(repo)/actions/runs/\(run)"
            }
            return CIReference(provider: "github", url: url)
        }
        if environment["GITLAB_CI"] == "true" { return CIReference(provider: "gitlab", url: environment["CI_JOB_URL"]) }
        if environment["BUILDKITE"] == "true" { return CIReference(provider: "buildkite", url: environment["BUILDKITE_BUILD_URL"]) }
        if let url = environment["CI_BUILD_URL"] ?? environment["BUILD_URL"], environment["CI"] != nil {
            return CIReference(provider: "ci", url: url)
        }
        return nil
    }
}
