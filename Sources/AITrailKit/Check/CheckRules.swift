import Git

/// What the gate knows about one commit of the range, read from the repository by `Gate`.
public struct CommitFacts: Sendable, Hashable {
    public var id: String
    public var subject: String
    public var tree: String
    public var isMerge: Bool
    public var author: Identity
    public var classification: Classification
    public var trailers: [Trailer]
    /// Evidence records in the commit's note.
    public var evidence: [EvidenceRecord]
    /// Paths the commit changed against its first parent; filled only when the policy has review paths.
    public var changedPaths: [String]

    public init(id: String, subject: String, tree: String, isMerge: Bool = false, author: Identity,
                classification: Classification, trailers: [Trailer] = [], evidence: [EvidenceRecord] = [],
                changedPaths: [String] = []) {
        self.id = id
        self.subject = subject
        self.tree = tree
        self.isMerge = isMerge
        self.author = author
        self.classification = classification
        self.trailers = trailers
        self.evidence = evidence
        self.changedPaths = changedPaths
    }

    public var short: String { String(id.prefix(7)) }
}

/// How a tree's evidence stands.
public enum EvidenceStanding: String, Sendable, Hashable, Codable {
    case passed, failed, stale, missing
    case kindNotAccepted = "kind-not-accepted"
    case tooOld = "too-old"
    /// The policy does not ask this commit for evidence.
    case notRequired = "not-required"
}

/// The rules of SPEC §8 as a pure function of the range's facts and the base's policy.
///
/// Evidence counts for a commit when its `tree` equals the commit's tree, wherever in the range it
/// was recorded: a commit rebased or cherry-picked without changes keeps the evidence of its
/// twin, since the code under review is the same. Among the records for a tree, the latest of each
/// kind and name decides (a re-run replaces a flaky run); any such latest failure fails.
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
            if commit.isMerge && !policy.evidence.merges {
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
            findings += missingReview(commit, head: commits.last!, byTree: byTree)
        }

        let needing = judged.filter(needsEvidence)
        switch policy.evidence.scope {
        case .each:
            for commit in needing {
                let (standing, finding) = judge(tree: commit.tree, for: commit, others: commit.evidence, byTree: byTree, needing: [commit])
                standings[commit.id] = standing
                if let finding { findings.append(finding) }
            }
        case .head:
            if let head = commits.last, !needing.isEmpty {
                let (standing, finding) = judge(tree: head.tree, for: head, others: allEvidence, byTree: byTree, needing: needing)
                for commit in needing { standings[commit.id] = standing }
                standings[head.id] = standing
                if let finding { findings.append(finding) }
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
        let rerun = "\(checkout(commit))aitrail eval run -- <your test command> && aitrail sync"
        let matching = byTree[tree] ?? []
        if matching.isEmpty {
            let elsewhere = others.filter { $0.tree != tree }.max { $0.at < $1.at }
            if let elsewhere {
                return (.stale, Finding(
                    commit: commit.id, rule: .evidenceStale,
                    message: "\(what) has evidence for tree \(elsewhere.tree.prefix(7)), not for \(short)'s tree \(treeShort): the code changed after it was evaluated",
                    fix: rerun))
            }
            return (.missing, Finding(
                commit: commit.id, rule: .evidenceMissing,
                message: "\(what) has no eval evidence for tree \(treeShort)", fix: rerun))
        }
        let accepted = policy.evidence.kinds.isEmpty ? matching : matching.filter { policy.evidence.kinds.contains($0.kind) }
        if accepted.isEmpty {
            let found = Set(matching.map(\.kind.rawValue)).sorted().joined(separator: ", ")
            let wanted = policy.evidence.kinds.map(\.rawValue).joined(separator: ", ")
            return (.kindNotAccepted, Finding(
                commit: commit.id, rule: .evidenceKind,
                message: "\(what) has only \(found) evidence; the policy accepts \(wanted)",
                fix: "\(checkout(commit))\(command(forKinds: policy.evidence.kinds)) && aitrail sync"))
        }
        let fresh = accepted.filter { record in
            guard let maxAge = policy.evidence.maxAge else { return true }
            guard let at = Timestamp.parse(record.at) else { return false }
            return now - at <= maxAge
        }
        if fresh.isEmpty {
            let latest = accepted.max { $0.at < $1.at }!
            return (.tooOld, Finding(
                commit: commit.id, rule: .evidenceTooOld,
                message: "\(what) was last evaluated at \(latest.at), older than the policy's max-age \(Self.describeAge(policy.evidence.maxAge ?? 0))",
                fix: rerun))
        }
        var latestByGroup: [String: EvidenceRecord] = [:]
        for record in fresh {
            let group = "\(record.kind.rawValue)\u{0}\(record.name ?? "")"
            if let current = latestByGroup[group], current.at > record.at { continue }
            latestByGroup[group] = record
        }
        if let failed = latestByGroup.values.filter({ !$0.passed }).max(by: { $0.at < $1.at }) {
            return (.failed, Finding(
                commit: commit.id, rule: .evidenceFailed,
                message: "\(what): \(Self.describe(failed)) failed on tree \(treeShort)",
                fix: "fix the failures, then \(rerun)"))
        }
        return (.passed, nil)
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

    private func missingReview(_ commit: CommitFacts, head: CommitFacts, byTree: [String: [EvidenceRecord]]) -> [Finding] {
        guard !policy.reviewPaths.isEmpty, commit.classification.isAI else { return [] }
        let patterns = policy.reviewPaths.map(GlobPattern.init)
        let touched = commit.changedPaths.filter { path in patterns.contains { $0.matches(path) } }
        guard let first = touched.first else { return [] }
        if hasHumanReviewer(commit) { return [] }
        let reviews = (byTree[commit.tree] ?? []) + (commit.tree == head.tree ? [] : byTree[head.tree] ?? [])
        if reviews.contains(where: { $0.kind == .review && $0.passed }) { return [] }
        let more = touched.count > 1 ? " and \(touched.count - 1) more" : ""
        return [Finding(
            commit: commit.id, rule: .reviewRequired,
            message: "AI-assisted commit \(commit.short) changes \(first)\(more) (review.path \(policy.reviewPaths.joined(separator: ", "))) without a review",
            fix: "a human reviewer runs: aitrail review approve \(head.short) && aitrail sync",
            path: first)]
    }

    private func hasHumanReviewer(_ commit: CommitFacts) -> Bool {
        let classifier = policy.classifier
        return commit.trailers.contains { trailer in
            guard trailer.key.lowercased() == "reviewed-by" else { return false }
            let identity = Identity(parsing: trailer.value)
            guard !identity.name.isEmpty || !identity.email.isEmpty, !identity.isBot else { return false }
            return classifier.trailerFindings([Trailer(key: "Co-authored-by", value: trailer.value)]).isEmpty
                && classifier.registry.canonicalID(for: identity.name) == nil
        }
    }
}
