/// How a tree's evidence stands.
public enum EvidenceStanding: String, Sendable, Hashable, Codable {
    case passed, failed, stale, missing
    case kindNotAccepted = "kind-not-accepted"
    case tooOld = "too-old"
    /// `evidence.require-signed`: records exist, none signed.
    case unsigned
    /// Records exist, but their signatures do not verify for a listed signer (tampered, or a foreign key).
    case badSignature = "bad-signature"
    /// The policy does not ask this commit for evidence.
    case notRequired = "not-required"
}

/// The one definition of "does this tree's evidence pass?" (SPEC §8), shared by `aitrail check`,
/// `aitrail audit` and `aitrail eval list`: a pure function of the records and the rules.
///
/// Among the acceptable records for the tree, the latest of each kind and name decides (a re-run
/// replaces a flaky run) and any such latest failure fails. "Latest" and the age are when the
/// record reached the notes, never a writer's future `at`; at the same second, the later line of
/// the note (records are given in note order), as aitrail appends a re-run after the run it replaces.
public enum EvidenceVerdict {
    /// Bump when the verdict changes: the audit cache keeps verdicts, and is valid only for the same one.
    static let revision = 2

    /// What the policy asks of evidence; the defaults accept every record.
    public struct Rules: Sendable, Hashable {
        /// Accepted kinds; empty accepts every kind.
        public var kinds: [EvidenceKind]
        public var maxAge: Int64?
        /// Names that must each have a passing record (`evidence.name`).
        public var names: [String]
        /// Only records whose signature verified (or made by the gate) count.
        public var requireSigned: Bool
        /// Seconds since the epoch.
        public var now: Int64

        public init(kinds: [EvidenceKind] = [], maxAge: Int64? = nil, names: [String] = [], requireSigned: Bool = false, now: Int64) {
            self.kinds = kinds
            self.maxAge = maxAge
            self.names = names
            self.requireSigned = requireSigned
            self.now = now
        }

        public init(policy: Policy, now: Int64) {
            self.init(kinds: policy.evidence.kinds, maxAge: policy.evidence.maxAge, names: policy.evidence.names,
                      requireSigned: policy.evidence.requireSigned, now: now)
        }
    }

    public struct Judgement: Sendable, Hashable {
        public var standing: EvidenceStanding
        /// The record the standing is about: the failed one, the newest stale or too-old one.
        public var record: EvidenceRecord?
        /// Required names without a passing record (standing `missing`).
        public var missingNames: [String] = []
        /// Records for the tree whose signature is bad: findings whatever else passes.
        public var badlySigned: [EvidenceRecord] = []
        /// The kinds found on the tree when none is accepted.
        public var kindsFound: [EvidenceKind] = []
    }

    /// A clock skew allowed for `at` and notes commit times ahead of `now`.
    static let allowedSkew: Int64 = 300

    /// When a record counts as made: when it reached the notes, else its `at`; nil when that is in
    /// the future (a chosen date, which neither wins "latest" nor stays young).
    public static func time(of record: EvidenceRecord, now: Int64) -> Int64? {
        guard let time = record.reachedNotesAt ?? Timestamp.parse(record.at), time <= now + allowedSkew else { return nil }
        return time
    }

    /// Judges the evidence for `tree` among `records` (records for other trees make it stale).
    public static func judge(_ records: [EvidenceRecord], tree: String, rules: Rules) -> Judgement {
        let matching = records.filter { $0.tree == tree }
        if matching.isEmpty {
            let elsewhere = records.max { (time(of: $0, now: rules.now) ?? .min) < (time(of: $1, now: rules.now) ?? .min) }
            return Judgement(standing: elsewhere == nil ? .missing : .stale, record: elsewhere)
        }
        let badlySigned = matching.filter { if case .bad? = $0.signature { return true } else { return false } }
        let trusted = matching.filter { record in
            switch record.signature {
            case .bad?: return false
            case .verified?, .gate?: return true
            case .unsigned?, nil: return !rules.requireSigned
            }
        }
        if trusted.isEmpty {
            return Judgement(standing: badlySigned.isEmpty ? .unsigned : .badSignature, record: badlySigned.first ?? matching.last,
                             badlySigned: badlySigned)
        }
        // The gate's own run is accepted whatever the kinds: it is the evidence no note can forge.
        let accepted = rules.kinds.isEmpty ? trusted : trusted.filter { rules.kinds.contains($0.kind) || $0.signature == .gate }
        if accepted.isEmpty {
            return Judgement(standing: .kindNotAccepted, badlySigned: badlySigned,
                             kindsFound: Array(Set(trusted.map(\.kind))).sorted { $0.rawValue < $1.rawValue })
        }
        let dated = accepted.map { ($0, time(of: $0, now: rules.now)) }
        let fresh = dated.filter { _, time in
            guard let maxAge = rules.maxAge else { return true }
            guard let time else { return false }
            return rules.now - time <= maxAge
        }
        if fresh.isEmpty {
            let newest = dated.max { ($0.1 ?? .min) < ($1.1 ?? .min) }!.0
            return Judgement(standing: .tooOld, record: newest, badlySigned: badlySigned)
        }
        var latestByGroup: [String: (record: EvidenceRecord, time: Int64)] = [:]
        for (record, time) in fresh {
            let group = "\(record.kind.rawValue)\u{0}\(record.name ?? "")"
            let moment = time ?? .min
            if let current = latestByGroup[group], current.time > moment { continue }
            latestByGroup[group] = (record, moment)
        }
        if let failed = latestByGroup.values.filter({ !$0.record.passed }).max(by: { $0.time < $1.time }) {
            return Judgement(standing: .failed, record: failed.record, badlySigned: badlySigned)
        }
        let passedNames = Set(latestByGroup.values.compactMap(\.record.name))
        let missing = rules.names.filter { !passedNames.contains($0) }
        if !missing.isEmpty {
            return Judgement(standing: .missing, missingNames: missing, badlySigned: badlySigned)
        }
        return Judgement(standing: .passed, badlySigned: badlySigned)
    }
}
