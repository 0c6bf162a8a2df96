import Git

/// What the gate knows about one commit of the range, read from the repository by `Gate`.
public struct CommitFacts: Sendable, Hashable {
    public var id: String
    public var subject: String
    public var tree: String
    public var isMerge: Bool
    public var author: Identity
    public var committer: Identity
    public var classification: Classification
    public var trailers: [Trailer]
    /// Evidence records in the commit's note.
    public var evidence: [EvidenceRecord]
    /// Paths the commit changed against its first parent; filled only when the policy has review paths.
    public var changedPaths: [String]

    /// A merge whose tree differs from its parents' merge result in a review path (an "evil merge"):
    /// judged like a commit, `changedPaths` holding those paths.
    public var isEvilMerge: Bool

    public init(id: String, subject: String, tree: String, isMerge: Bool = false, author: Identity, committer: Identity? = nil,
                classification: Classification, trailers: [Trailer] = [], evidence: [EvidenceRecord] = [],
                changedPaths: [String] = [], isEvilMerge: Bool = false) {
        self.id = id
        self.subject = subject
        self.tree = tree
        self.isMerge = isMerge
        self.author = author
        self.committer = committer ?? author
        self.isEvilMerge = isEvilMerge
        self.classification = classification
        self.trailers = trailers
        self.evidence = evidence
        self.changedPaths = changedPaths
    }

    public var short: String { String(id.prefix(7)) }
}

/// The rules of SPEC §8 as a pure function of the range's facts and the base's policy.
///
/// Evidence counts for a commit when its `tree` equals the commit's tree, wherever in the range it
/// was recorded: a commit rebased or cherry-picked without changes keeps the evidence of its
/// twin, since the code under review is the same. Whether a tree's evidence passes is
/// `EvidenceVerdict`'s one definition.
public struct CheckRules: Sendable {
    public let policy: Policy
    /// Seconds since the epoch, for `evidence.max-age`.
    public let now: Int64

    public init(policy: Policy, now: Int64) {
        self.policy = policy
        self.now = now
    }

    public struct Outcome: Sendable {
        public var findings: [Finding]
        /// Per commit, oldest first: its evidence standing, or why it was skipped.
        public var standings: [String: EvidenceStanding]
        public var skipped: [String: String]
    }

    /// `commits` oldest first; the last one is the range's head.
    public func evaluate(_ commits: [CommitFacts]) -> Outcome {
        var findings: [Finding] = []
        var standings: [String: EvidenceStanding] = [:]
        var skipped: [String: String] = [:]
        var byTree: [String: [EvidenceRecord]] = [:]
        for commit in commits { for record in commit.evidence { byTree[record.tree, default: []].append(record) } }
        let allEvidence = commits.flatMap(\.evidence)

        var judged: [CommitFacts] = []
        for commit in commits {
            if commit.isMerge && !policy.evidence.merges && !commit.isEvilMerge {
                skipped[commit.id] = "merge commit"
            } else if commit.author.isBot && !commit.classification.isAI && !policy.evidence.bots {
                skipped[commit.id] = "bot author"
            } else {
                judged.append(commit)
            }
        }

        for commit in judged {
            findings += malformedTrailers(commit)
            findings += disallowedAgents(commit)
            findings += missingReview(commit, head: commits.last!, byTree: byTree, range: commits)
        }

        let needing = judged.filter(needsEvidence)
        var signaturesReported: Set<String> = []
        func reportSignatures(of tree: String, on commit: CommitFacts) {
            guard signaturesReported.insert(tree).inserted else { return }
            findings += signatureFindings(byTree[tree] ?? [], commit: commit)
        }
        switch policy.evidence.scope {
        case .each:
            for commit in needing {
                let (standing, finding) = judge(tree: commit.tree, for: commit, others: commit.evidence, byTree: byTree, needing: [commit])
                standings[commit.id] = standing
                if let finding { findings.append(finding) }
                reportSignatures(of: commit.tree, on: commit)
            }
        case .head:
            if let head = commits.last, !needing.isEmpty {
                let (standing, finding) = judge(tree: head.tree, for: head, others: allEvidence, byTree: byTree, needing: needing)
                for commit in needing { standings[commit.id] = standing }
                standings[head.id] = standing
                if let finding { findings.append(finding) }
                reportSignatures(of: head.tree, on: head)
            }
        }
        for commit in judged where standings[commit.id] == nil { standings[commit.id] = .notRequired }
        return Outcome(findings: findings, standings: standings, skipped: skipped)
    }

    func needsEvidence(_ commit: CommitFacts) -> Bool {
        switch policy.evidence.require {
        case .none: return false
        case .all: return true
        case .ai: return commit.classification.isAI
        }
    }

    // MARK: evidence

    private func judge(
        tree: String, for commit: CommitFacts, others: [EvidenceRecord], byTree: [String: [EvidenceRecord]], needing: [CommitFacts]
    ) -> (EvidenceStanding, Finding?) {
        let short = commit.short, treeShort = String(tree.prefix(7))
        let what = describe(needing, head: commit)
        let rerun = "\(checkout(commit))aitrail eval run\(policy.evidence.names.count == 1 ? " --name \(policy.evidence.names[0])" : "") -- <your test command> && aitrail sync"
        let judgement = EvidenceVerdict.judge((byTree[tree] ?? []) + others.filter { $0.tree != tree }, tree: tree,
                                              rules: EvidenceVerdict.Rules(policy: policy, now: now))
        let signedFix = "\(checkout(commit))aitrail eval run -- <your test command> && aitrail sync, with a signing key listed in \(policy.evidence.signers ?? "evidence.signers") (git config gpg.format ssh; git config user.signingKey ~/.ssh/id_ed25519.pub)"
        switch judgement.standing {
        case .passed, .notRequired:
            return (.passed, nil)
        case .stale:
            return (.stale, Finding(
                commit: commit.id, rule: .evidenceStale,
                message: "\(what) has evidence for tree \(judgement.record?.tree.prefix(7) ?? ""), not for \(short)'s tree \(treeShort): the code changed after it was evaluated",
                fix: rerun))
        case .missing:
            if !judgement.missingNames.isEmpty {
                let names = judgement.missingNames.map { "'\($0)'" }.joined(separator: ", ")
                return (.missing, Finding(
                    commit: commit.id, rule: .evidenceMissing,
                    message: "\(what) has no passing evidence named \(names) for tree \(treeShort) (evidence.name)",
                    fix: "\(checkout(commit))aitrail eval run --name \(judgement.missingNames[0]) -- <that eval's command> && aitrail sync"))
            }
            return (.missing, Finding(
                commit: commit.id, rule: .evidenceMissing,
                message: "\(what) has no eval evidence for tree \(treeShort)", fix: rerun))
        case .unsigned:
            return (.unsigned, Finding(
                commit: commit.id, rule: .evidenceUnsigned,
                message: "\(what) has only unsigned evidence for tree \(treeShort), and the policy requires signed evidence (evidence.require-signed)",
                fix: signedFix))
        case .badSignature:
            // The finding for each badly signed record is added by `signatureFindings`.
            return (.badSignature, nil)
        case .kindNotAccepted:
            let found = judgement.kindsFound.map(\.rawValue).joined(separator: ", ")
            let wanted = policy.evidence.kinds.map(\.rawValue).joined(separator: ", ")
            return (.kindNotAccepted, Finding(
                commit: commit.id, rule: .evidenceKind,
                message: "\(what) has only \(found) evidence; the policy accepts \(wanted)",
                fix: "\(checkout(commit))\(command(forKinds: policy.evidence.kinds)) && aitrail sync"))
        case .tooOld:
            let when = judgement.record.flatMap { EvidenceVerdict.time(of: $0, now: now) }.map(Timestamp.format) ?? "an unknown or future time"
            return (.tooOld, Finding(
                commit: commit.id, rule: .evidenceTooOld,
                message: "\(what) was last evaluated at \(when), older than the policy's max-age \(Self.describeAge(policy.evidence.maxAge ?? 0))",
                fix: rerun))
        case .failed:
            return (.failed, Finding(
                commit: commit.id, rule: .evidenceFailed,
                message: "\(what): \(judgement.record.map(Self.describe) ?? "evidence") failed on tree \(treeShort)",
                fix: "fix the failures, then \(rerun)"))
        }
    }

    /// A record on a judged tree whose signature does not verify is a finding whatever else passes:
    /// someone wrote evidence in a signer's name.
    private func signatureFindings(_ records: [EvidenceRecord], commit: CommitFacts) -> [Finding] {
        records.compactMap { record in
            guard case .bad(let reason)? = record.signature else { return nil }
            return Finding(
                commit: commit.id, rule: .evidenceBadSignature,
                message: "\(Self.describe(record)) evidence for tree \(record.tree.prefix(7)) signed as \(record.signer ?? "nobody") does not verify: \(reason)",
                fix: "remove the record (git notes --ref=aitrail edit \(commit.short)) and record the evidence again with a key listed in \(policy.evidence.signers ?? "evidence.signers")")
        }
    }

    private func describe(_ needing: [CommitFacts], head: CommitFacts) -> String {
        let noun = policy.evidence.require == .all ? "commit" : "AI-assisted commit"
        if needing.count == 1 && needing[0].id == head.id {
            let agents = head.classification.agents
            return agents.isEmpty ? "\(noun) \(head.short)" : "\(noun) \(head.short) (\(agents.joined(separator: ", ")))"
        }
        let agents = Set(needing.flatMap(\.classification.agents)).sorted()
        let list = agents.isEmpty ? "" : " (\(agents.joined(separator: ", ")))"
        return "the range's head \(head.short), with \(needing.count) \(noun)\(needing.count == 1 ? "" : "s")\(list),"
    }

    private func checkout(_ commit: CommitFacts) -> String { "git checkout \(commit.short) && " }

    private func command(forKinds kinds: [EvidenceKind]) -> String {
        if kinds.contains(.command) { return "aitrail eval run -- <your test command>" }
        if kinds.contains(.junit) { return "aitrail eval run --junit <report.xml> -- <your test command>" }
        if let kind = kinds.first(where: { $0 == .sarif || $0 == .json }) {
            return "aitrail eval attach --kind \(kind.rawValue) <\(kind.rawValue) file>"
        }
        return "aitrail review approve"
    }

    static func describe(_ record: EvidenceRecord) -> String {
        var text = record.kind.rawValue
        if let name = record.name { text += " '\(name)'" }
        if let command = record.command, record.kind == .command { text += " `\(command.joined(separator: " "))`" }
        if let summary = record.summary, summary.failures + summary.errors > 0 {
            text += " (\(summary.failures) failures, \(summary.errors) errors of \(summary.tests) tests)"
        } else if let exit = record.exit, exit != 0 {
            text += " (exit \(exit))"
        }
        return text
    }

    static func describeAge(_ seconds: Int64) -> String {
        if seconds % 604_800 == 0 { return "\(seconds / 604_800)w" }
        if seconds % 86_400 == 0 { return "\(seconds / 86_400)d" }
        if seconds % 3_600 == 0 { return "\(seconds / 3_600)h" }
        if seconds % 60 == 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }

    // MARK: per-commit rules

    private func malformedTrailers(_ commit: CommitFacts) -> [Finding] {
        let key = policy.tag.trailer.lowercased()
        return commit.trailers.filter { $0.key.lowercased() == key }.compactMap { trailer in
            guard case .failure(let problem) = AssistedBy.parse(trailer.value) else { return nil }
            return Finding(
                commit: commit.id, rule: .malformedTrailer,
                message: "\(trailer.key): \(problem.description)",
                fix: "git rebase -i \(commit.short)^ (mark it `reword`) and write `\(policy.tag.trailer): <agent>[:<model>]`, e.g. `\(policy.tag.trailer): claude-code:claude-opus-4.6`")
        }
    }

    private func disallowedAgents(_ commit: CommitFacts) -> [Finding] {
        guard !policy.allowedAgents.isEmpty else { return [] }
        return commit.classification.agents.filter { !policy.allows(agent: $0) }.map { agent in
            let why = commit.classification.attributions.first { $0.agent == agent }.map { " (\($0.marker))" } ?? ""
            return Finding(
                commit: commit.id, rule: .agentNotAllowed,
                message: "assisted by \(agent)\(why), which agents.allow (\(policy.allowedAgents.joined(separator: ", "))) does not list",
                fix: "redo the change with an allowed agent, or allow it on the base branch first: git config -f .aitrail --add agents.allow \(agent)")
        }
    }

    private func missingReview(_ commit: CommitFacts, head: CommitFacts, byTree: [String: [EvidenceRecord]], range: [CommitFacts]) -> [Finding] {
        guard !policy.reviewPaths.isEmpty, commit.classification.isAI else { return [] }
        let patterns = policy.reviewPaths.map(GlobPattern.init)
        let touched = commit.changedPaths.filter { path in patterns.contains { $0.matches(path) } }
        guard let first = touched.first else { return [] }
        if hasHumanReviewer(commit, in: range) { return [] }
        let reviews = (byTree[commit.tree] ?? []) + (commit.tree == head.tree ? [] : byTree[head.tree] ?? [])
        let rules = EvidenceVerdict.Rules(policy: policy, now: now)
        if reviews.contains(where: { isCountingReview($0, of: commit, rules: rules) }) { return [] }
        let more = touched.count > 1 ? " and \(touched.count - 1) more" : ""
        let what = commit.isEvilMerge
            ? "AI-assisted merge \(commit.short) changes \(first)\(more) beyond its parents' merge result"
            : "AI-assisted commit \(commit.short) changes \(first)\(more)"
        return [Finding(
            commit: commit.id, rule: .reviewRequired,
            message: "\(what) (review.path \(policy.reviewPaths.joined(separator: ", "))) without a review",
            fix: "a human reviewer other than its author and committer runs: aitrail review approve \(head.short) && aitrail sync",
            path: first)]
    }

    /// A review record counts when it passed, is trusted as the verdict trusts evidence, and is not
    /// by the commit's own author or committer.
    private func isCountingReview(_ record: EvidenceRecord, of commit: CommitFacts, rules: EvidenceVerdict.Rules) -> Bool {
        guard record.kind == .review, record.passed else { return false }
        switch record.signature {
        case .bad?: return false
        case .unsigned?, nil: if rules.requireSigned { return false }
        case .verified?, .gate?: break
        }
        guard let by = record.by else { return false }
        if case .verified(let principal)? = record.signature,
           Self.isSamePerson(Identity(name: "", email: principal), as: [commit.author, commit.committer]) {
            return false
        }
        return !Self.isSamePerson(Identity(parsing: by), as: [commit.author, commit.committer])
    }

    static func isSamePerson(_ identity: Identity, as others: [Identity]) -> Bool {
        others.contains { other in
            (!identity.email.isEmpty && identity.email.lowercased() == other.email.lowercased())
                || (identity.email.isEmpty && !identity.name.isEmpty && identity.name.lowercased() == other.name.lowercased())
        }
    }

    /// A `Reviewed-by:` counts when a human wrote it into a commit of the range that is not
    /// AI-assisted (a maintainer's merge or follow-up), naming a person who is neither the
    /// commit's author nor its committer, nor an agent. One in an AI-assisted commit's own message
    /// is the agent's word, not a person's.
    private func hasHumanReviewer(_ commit: CommitFacts, in range: [CommitFacts]) -> Bool {
        let classifier = policy.classifier
        let authors = [commit.author, commit.committer]
        return range.contains { other in
            other.id != commit.id && !other.classification.isAI && other.trailers.contains { trailer in
                guard trailer.key.lowercased() == "reviewed-by" else { return false }
                let identity = Identity(parsing: trailer.value)
                guard !identity.name.isEmpty || !identity.email.isEmpty, !identity.isBot,
                      !Self.isSamePerson(identity, as: authors) else { return false }
                return classifier.trailerFindings([Trailer(key: "Co-authored-by", value: trailer.value)]).isEmpty
                    && classifier.registry.canonicalID(for: identity.name) == nil
            }
        }
    }
}
