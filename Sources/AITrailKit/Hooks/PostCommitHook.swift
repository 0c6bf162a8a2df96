import Git
#if canImport(Glibc)
import Glibc
#endif

/// `post-commit`: writes the usage record of an AI-assisted commit into `refs/notes/aitrail` (SPEC §5).
/// Each step fails open on its own: the commit is made already, and one step's failure must not
/// keep the others from running.
struct PostCommitHook {
    let context: HookContext

    func run(_ arguments: [String]) -> Int32 {
        step("usage not recorded", recordUsage)
        step("the remote's notes not taken in yet", takeInFetchedNotes)
        step("evidence not attached", attachPendingEvidence)
        return 0
    }

    private func step(_ consequence: String, _ body: () throws -> Void) {
        do { try body() } catch {
            context.report("aitrail: \(HookRunner.describe(error)) (\(consequence))")
        }
    }

    func recordUsage() throws {
        let marker = try context.aiCommitMarker()
        let marked = FileSystem.exists(marker)
        defer { if marked { FileSystem.remove(marker) } }
        let decision = try context.decision()
        if decision.attribution == nil && !marked { return }
        if try context.isRebasing() { return }

        let policy = context.policy()
        let repository = try context.repository()
        guard let head = try context.head() else { return }
        let commit = try repository.commit(head)
        if commit.isMerge && !policy.tag.merges { return }
        let classifier = context.classifier()
        let found = classifier.trailerFindings(
            Trailers.parse(commit.messageBytes, commentCharacter: repository.commentCharacter()))
        guard let attribution = UsageAttribution.choose(decision: decision.attribution, trailers: found, tagKeys: classifier.assistedByKeys) else { return }
        if try amendCarriesUsage(of: attribution.agent, to: head, repository: repository) { return }
        // An amend in the same second with nothing changed makes the very same commit again: it
        // has its record already, and one commit gets one usage record per agent.
        let ledger = Ledger(repository: repository)
        if try ledger.records(on: head).records.contains(where: { $0.usage?.agent == attribution.agent }) { return }

        let stats = try repository.diffStats(of: commit)
        let record = UsageRecord(
            agent: attribution.agent, model: attribution.model, tools: attribution.tools,
            source: attribution.source.rawValue, at: Timestamp.format(Timestamp.now()),
            files: stats.files, insertions: stats.insertions, deletions: stats.deletions)
        try ledger.append([.usage(record)], to: head, message: "aitrail: usage for \(head.short)")
    }
}

extension PostCommitHook {
    /// True when `head` was made by `git commit --amend` of a commit whose note already holds a usage
    /// record of `agent`, and git will copy that note onto `head` (notes.rewriteRef, which `install`
    /// sets) once this hook is done: a record written now would make two for one commit.
    func amendCarriesUsage(of agent: String, to head: ObjectID, repository: Repository) throws -> Bool {
        guard let entry = repository.lastHeadReflogEntry(), entry.new == head, entry.message.hasPrefix("commit (amend)") else {
            return false
        }
        guard gitCopiesNotesOnAmend(repository) else { return false }
        return try Ledger(repository: repository).records(on: entry.old).records.contains { $0.usage?.agent == agent }
    }

    /// Whether git copies `refs/notes/aitrail` to the new commit of an amend: the ref is among
    /// `notes.rewriteRef` (or `GIT_NOTES_REWRITE_REF`), `notes.rewrite.amend` is not false, and the
    /// rewrite mode does not ignore notes.
    func gitCopiesNotesOnAmend(_ repository: Repository) -> Bool {
        guard let config = try? repository.config() else { return false }
        let patterns: [String]
        if let variable = context.environment["GIT_NOTES_REWRITE_REF"] {
            patterns = variable.split(separator: ":").map(String.init)
        } else {
            patterns = (try? config.strings("notes.rewriteRef")) ?? []
        }
        guard patterns.contains(where: { fnmatch($0, Ledger.ref, 0) == 0 }) else { return false }
        if config.bool("notes.rewrite.amend") == false { return false }
        let mode = context.environment["GIT_NOTES_REWRITE_MODE"] ?? ((try? config.string("notes.rewriteMode")) ?? nil)
        return mode != "ignore"
    }

    /// Notes that `git fetch` brought into a tracking ref since: merged line-wise into the local ref.
    func takeInFetchedNotes() throws {
        _ = try NotesFlow.takeIn(repository: context.repository())
    }

    /// Evidence recorded by `aitrail eval run` on a dirty work tree waits in `<git-dir>/aitrail/pending/`
    /// until a commit with the tree it evaluated exists: this one, perhaps.
    func attachPendingEvidence() throws {
        let repository = try context.repository()
        guard let head = try context.head() else { return }
        _ = try PendingEvidence.attach(toCommit: head, repository: repository)
    }
}

enum UsageAttribution {
    /// What a usage record says: the commit-time decision (its model completed from the message's tag
    /// for the same agent), else the message's own tag, else any other trailer naming an agent.
    static func choose(decision: Attribution?, trailers: [Attribution], tagKeys: Set<String>) -> Attribution? {
        func isTag(_ finding: Attribution) -> Bool {
            guard let colon = finding.marker.firstIndex(of: ":") else { return false }
            return tagKeys.contains(finding.marker[..<colon].lowercased())
        }
        if var decided = decision {
            if let tagged = trailers.first(where: { $0.agent == decided.agent && isTag($0) }) {
                decided.model = decided.model ?? tagged.model
                if decided.tools.isEmpty { decided.tools = tagged.tools }
            }
            return decided
        }
        return trailers.first(where: isTag) ?? trailers.first
    }
}
