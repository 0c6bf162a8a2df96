import Git

/// `aitrail eval attach` and `aitrail review approve`: evidence produced elsewhere, bound to a commit's tree.
public enum EvidenceImport {
    /// Reads `file` as `kind` and attaches the result to `commit`.
    public static func attach(
        kind: EvidenceKind, file: String, to commit: ObjectID, in repository: Repository, environment: [String: String]
    ) throws(AITrailError) -> EvidenceRecord {
        let bytes = try ReportImporter.readFile(file)
        let result = try ReportImporter.read(kind: kind, bytes: bytes, file: file)
        let record = try EvidenceSigning.signIfConfigured(EvidenceRecord(
            kind: kind, tree: try treeHex(of: commit, in: repository), passed: result.passed,
            at: Timestamp.format(Timestamp.now()), name: result.name, summary: result.summary,
            digest: "sha256:" + SHA256.hex(bytes), by: EvidenceStore.identity(of: repository),
            ci: EvidenceStore.ciReference(environment)), in: repository, environment: environment)
        try EvidenceStore.attach(record, to: commit, in: repository)
        return record
    }

    /// A human review of `commit`'s tree by the configured git identity. Refused where an AI
    /// agent's markers are in the environment: a review is a person's word.
    public static func approve(
        commit: ObjectID, note: String?, in repository: Repository, environment: [String: String]
    ) throws(AITrailError) -> EvidenceRecord {
        let registry = (try? PolicyLoader.load(workTreeOf: repository))?.registry ?? AgentRegistry.builtin
        if let agent = EnvironmentDetector(registry: registry).detect(environment) {
            throw AITrailError.evidence("refused: this environment runs an AI agent (\(agent.agent), \(agent.marker)), and a review must be a person's; the reviewer runs `aitrail review approve \(commit.short)` in their own terminal")
        }
        guard let reviewer = EvidenceStore.identity(of: repository) else {
            throw AITrailError.evidence("a review needs the reviewer's identity: set it with `git config user.name \"Your Name\"` and `git config user.email you@example.com`")
        }
        let record = try EvidenceSigning.signIfConfigured(EvidenceRecord(
            kind: .review, tree: try treeHex(of: commit, in: repository), passed: true,
            at: Timestamp.format(Timestamp.now()), by: reviewer, note: note), in: repository, environment: environment)
        try EvidenceStore.attach(record, to: commit, in: repository)
        return record
    }

    static func treeHex(of commit: ObjectID, in repository: Repository) throws(AITrailError) -> String {
        do { return try repository.commit(commit).treeID.hex } catch { throw AITrailError.evidence(error.message) }
    }
}
