import Git

/// `aitrail check`: resolves the range, reads the base's policy and every commit's facts, applies
/// the rules and returns the report. Reading only; the one write is fetching absent notes.
public struct Gate {
    public let repository: Repository
    public let environment: [String: String]
    public var now: Int64
    /// Fetch `refs/notes/aitrail` from `remote` when the ref is absent.
    public var fetchNotes: Bool
    public var remote: String

    public init(repository: Repository, environment: [String: String], now: Int64 = Timestamp.now(),
                fetchNotes: Bool = true, remote: String = "origin") {
        self.repository = repository
        self.environment = environment
        self.now = now
        self.fetchNotes = fetchNotes
        self.remote = remote
    }

    public func run(range argument: String?) throws(CheckError) -> CheckReport {
        let range = try RangeResolver.resolve(argument: argument, environment: environment, in: repository)
        var notices: [String] = []
        if fetchNotes, let notice = fetchNotesIfAbsent() { notices.append(notice) }

        let policy: Policy
        do { policy = try PolicyLoader.load(commit: range.mergeBase, in: repository) } catch {
            throw CheckError("the policy at the merge base \(range.mergeBase.short) cannot be used: \(error.message)",
                             fix: "fix .aitrail on the base branch; the gate reads the base's policy, never the change's")
        }
        notices += policy.warnings.map { "policy: \($0)" }
        let basePolicy = try? repository.fileContents(PolicyLoader.fileName, in: range.mergeBase)
        let headPolicy = try? repository.fileContents(PolicyLoader.fileName, in: range.head)
        if basePolicy != headPolicy {
            notices.append("this range changes .aitrail; it was judged by the base's policy (\(policy.origin ?? "defaults")), and the change applies once merged")
        }

        let facts: [CommitFacts]
        do { facts = try gather(range: range, policy: policy, notices: &notices) } catch {
            throw CheckError("cannot read the commits of \(range.spelled): \(error.message)", fix: RangeResolver.historyFix)
        }
        let outcome = CheckRules(policy: policy, now: now).evaluate(facts)
        let commits = facts.map { fact in
            CheckReport.CommitResult(
                commit: fact.id, subject: fact.subject, author: "\(fact.author.name) <\(fact.author.email)>",
                ai: fact.classification.isAI, agents: fact.classification.agents,
                evidence: outcome.standings[fact.id], skipped: outcome.skipped[fact.id])
        }
        return CheckReport(
            aitrail: AITrailVersion.number,
            range: .init(spelled: range.spelled, source: range.source, base: range.base.hex, head: range.head.hex,
                         mergeBase: range.mergeBase.hex),
            policy: policy.origin ?? "defaults", scope: policy.evidence.scope.rawValue, commits: commits,
            findings: outcome.findings, notices: notices)
    }

    private func gather(range: CheckRange, policy: Policy, notices: inout [String]) throws(GitError) -> [CommitFacts] {
        let walk = try RevisionWalk(repository, options: WalkOptions(
            revisions: [range.head.hex, "^" + range.base.hex], order: .topological, reverse: true))
        let classifier = policy.classifier
        // One pass over the notes tree: git_note_read per commit would re-read a large notes tree
        // (bigger than libgit2's object cache keeps) for every commit.
        var noteBlobs: [ObjectID: ObjectID] = [:]
        for entry in try repository.notes(ref: Ledger.ref) { noteBlobs[entry.target] = entry.blob }
        var facts: [CommitFacts] = []
        for id in try walk.ids() {
            let commit = try repository.commit(id)
            let message = commit.message
            let trailers = Trailers.parse(message)
            let author = Identity(name: commit.author.name, email: commit.author.email)
            let committer = Identity(name: commit.committer.name, email: commit.committer.email)
            var classification = classifier.classify(message: message, trailers: trailers, author: author, committer: committer)
            let (records, malformed) = try noteBlobs[id].map { (blob) throws(GitError) in
                CanonicalJSON.parseNote(try repository.noteText(blob: blob))
            } ?? ([], [])
            for line in malformed {
                notices.append("the note on \(id.short) has a line that is not an aitrail record (line \(line.line): \(line.problem)); it was ignored; fix: git notes --ref=aitrail edit \(id.short)")
            }
            for usage in records.compactMap(\.usage) {
                classification.attributions.append(Attribution(
                    agent: usage.agent, model: usage.model, tools: usage.tools, source: .note, marker: "usage note (\(usage.source))"))
            }
            var paths: [String] = []
            if !policy.reviewPaths.isEmpty && classification.isAI {
                let parentTree = try commit.parentIDs.first.map { (parent) throws(GitError) -> ObjectID in try repository.commit(parent).treeID }
                paths = try repository.changedPaths(from: parentTree, to: commit.treeID)
            }
            facts.append(CommitFacts(
                id: id.hex, subject: commit.summary, tree: commit.treeID.hex, isMerge: commit.isMerge, author: author,
                classification: classification, trailers: trailers, evidence: records.compactMap(\.evidence),
                changedPaths: paths))
        }
        return facts
    }

    /// CI checkouts rarely fetch notes: fetch them once when the ref is absent. A failure is a notice.
    private func fetchNotesIfAbsent() -> String? {
        guard (try? repository.referenceTarget(Ledger.ref)) == nil else { return nil }
        // A repository without that remote (a local check) has nowhere to fetch from.
        let config = try? ConfigFile(path: repository.commonDirectory + "/config")
        guard let url = try? config?.string("remote.\(remote).url"), !url.isEmpty else { return nil }
        let arguments = ["git", "--git-dir=\(repository.commonDirectory)", "fetch", "--quiet", "--no-tags", remote,
                         "+\(Ledger.ref):\(Ledger.ref)"]
        guard let output = try? Subprocess.capture(arguments, environment: environment) else {
            return "\(Ledger.ref) is absent and git could not be run to fetch it; evidence recorded elsewhere is not seen"
        }
        if output.status == 0 { return nil }
        let reason = output.stderrText.split(separator: "\n").first.map { String($0).trimmingSpaces } ?? "exit \(output.status)"
        return "\(Ledger.ref) is absent here and could not be fetched from \(remote) (\(reason)); evidence recorded elsewhere is not seen; fix: git fetch \(remote) \(Ledger.ref):\(Ledger.ref)"
    }
}
