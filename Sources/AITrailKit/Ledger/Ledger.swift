import Git

/// The usage and evidence records kept in git notes under `refs/notes/aitrail` (SPEC §5).
public struct Ledger {
    public static let ref = "refs/notes/aitrail"
    public let repository: Repository
    public let ref: String

    public init(repository: Repository, ref: String = Ledger.ref) {
        self.repository = repository
        self.ref = ref
    }

    /// The records on a commit, and any lines that are not records.
    public func records(on commit: ObjectID) throws(GitError) -> (records: [LedgerRecord], malformed: [MalformedLine]) {
        guard let text = try repository.note(on: commit, ref: ref) else { return ([], []) }
        return CanonicalJSON.parseNote(text)
    }

    /// Adds records to a commit's note (exact repeats are dropped); safe against concurrent writers.
    @discardableResult
    public func append(_ records: [LedgerRecord], to commit: ObjectID, message: String) throws(GitError) -> Bool {
        try repository.appendNote(
            lines: records.map(CanonicalJSON.line), on: commit, ref: ref, signature: Ledger.signature(for: repository),
            message: message)
    }

    /// Every annotated commit and the blob of its note.
    public func notes() throws(GitError) -> [NoteEntry] { try repository.notes(ref: ref) }

    /// The identity notes commits carry: the user's, else `aitrail <aitrail@localhost>`.
    public static func signature(for repository: Repository) -> Signature {
        var signature = repository.defaultSignature()
            ?? Signature(name: "aitrail", email: "aitrail@localhost", time: Timestamp.now())
        signature.time = Timestamp.now()
        signature.offsetMinutes = 0
        return signature
    }
}
