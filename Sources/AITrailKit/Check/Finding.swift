/// The gate's rules (SPEC §8). The raw values are the ids reports and SARIF use.
public enum CheckRule: String, Sendable, Hashable, Codable, CaseIterable {
    case evidenceMissing = "evidence-missing"
    case evidenceFailed = "evidence-failed"
    case evidenceStale = "evidence-stale"
    case evidenceKind = "evidence-kind"
    case evidenceTooOld = "evidence-too-old"
    case agentNotAllowed = "agent-not-allowed"
    case reviewRequired = "review-required"
    case malformedTrailer = "malformed-trailer"
    case evidenceUnsigned = "evidence-unsigned"
    case evidenceBadSignature = "evidence-bad-signature"

    public var title: String {
        switch self {
        case .evidenceMissing: return "AI-assisted change without eval evidence"
        case .evidenceFailed: return "Eval evidence failed"
        case .evidenceStale: return "Eval evidence is stale"
        case .evidenceKind: return "Evidence kind not accepted"
        case .evidenceTooOld: return "Evidence too old"
        case .agentNotAllowed: return "Agent not allowed"
        case .reviewRequired: return "Review path changed without review"
        case .malformedTrailer: return "Malformed AI trailer"
        case .evidenceUnsigned: return "Evidence not signed"
        case .evidenceBadSignature: return "Evidence signature does not verify"
        }
    }

    public var explanation: String {
        switch self {
        case .evidenceMissing: return "An AI-assisted commit needs evidence (tests, evals, a review) recorded for the exact tree under review."
        case .evidenceFailed: return "The latest evidence recorded for the tree under review did not pass."
        case .evidenceStale: return "Evidence exists, but for another tree: the code changed after it was evaluated."
        case .evidenceKind: return "The evidence recorded is of a kind the policy's evidence.kind does not accept."
        case .evidenceTooOld: return "The evidence is older than the policy's evidence.max-age."
        case .agentNotAllowed: return "The commit was assisted by an agent that the policy's agents.allow does not list."
        case .reviewRequired: return "An AI-assisted commit touches a review.path and has no review by someone other than its author and committer."
        case .malformedTrailer: return "The AI trailer's value is not of the form <agent>[:<model>] [<tool> …]."
        case .evidenceUnsigned: return "The policy's evidence.require-signed counts only evidence signed by a key of evidence.signers; the tree's evidence is unsigned."
        case .evidenceBadSignature: return "An evidence record's signature does not verify for a principal of evidence.signers: it was altered, or signed by a key the policy does not list."
        }
    }
}

/// One problem the gate found: which commit, which rule, why in one line, and the command that fixes it.
public struct Finding: Sendable, Hashable, Codable {
    /// The full commit id.
    public var commit: String
    public var rule: CheckRule
    public var message: String
    public var fix: String
    /// The file concerned, when there is one (a review path).
    public var path: String?
    /// A file to show the finding on where a format needs one (SARIF for code scanning): `path`, else
    /// the first file the commit changed, else the policy file.
    public var file: String?

    public init(commit: String, rule: CheckRule, message: String, fix: String, path: String? = nil, file: String? = nil) {
        self.commit = commit
        self.rule = rule
        self.message = message
        self.fix = fix
        self.path = path
        self.file = file
    }

    public var shortCommit: String { String(commit.prefix(7)) }
}
