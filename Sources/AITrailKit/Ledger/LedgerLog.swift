import Git

/// The records noted on one commit, for `aitrail log`.
public struct LedgerEntry: Sendable {
    public let commit: ObjectID
    public let records: [LedgerRecord]
    public let malformed: [MalformedLine]
}

extension Ledger {
    /// The noted commits among `revisions` (git's range syntax; HEAD when empty), newest first.
    public func entries(revisions: [String]) throws(GitError) -> [LedgerEntry] {
        var blobs: [ObjectID: ObjectID] = [:]
        for note in try notes() { blobs[note.target] = note.blob }
        if blobs.isEmpty { return [] }
        if revisions.isEmpty && repository.isHeadUnborn { return [] }
        var entries: [LedgerEntry] = []
        for commit in try RevisionWalk(repository, options: WalkOptions(revisions: revisions)).ids() {
            guard let blob = blobs[commit] else { continue }
            let parsed = CanonicalJSON.parseNote(try repository.noteText(blob: blob))
            entries.append(LedgerEntry(commit: commit, records: parsed.records, malformed: parsed.malformed))
        }
        return entries
    }
}

extension LedgerEntry {
    /// `aitrail log --format json`: one array, one `{"commit":…,"record":…}` object per line, each
    /// record in its canonical form (as noted).
    public static func json(_ entries: [LedgerEntry]) -> String {
        let lines = entries.flatMap { entry in
            entry.records.map { "{\"commit\":\"\(entry.commit.hex)\",\"record\":\(CanonicalJSON.line($0))}" }
        }
        return lines.isEmpty ? "[]" : "[\n" + lines.joined(separator: ",\n") + "\n]"
    }
}

extension LedgerRecord {
    /// One line of `aitrail log`'s text: the record's type, what it says, when, and where it came from.
    public var logLine: String {
        switch self {
        case .usage(let usage):
            let agent = AssistedBy(agent: usage.agent, model: usage.model, tools: usage.tools).value
            return "usage     \(agent) (\(usage.source)) \(usage.files) files +\(usage.insertions) -\(usage.deletions) at \(usage.at)"
                + Self.carried(usage.carried)
        case .evidence(let evidence):
            return "evidence  \(evidence.kind.rawValue) \(evidence.passed ? "passed" : "failed") tree \(evidence.tree.prefix(7))"
                + (evidence.name.map { " \($0)" } ?? "") + " at \(evidence.at)" + (evidence.by.map { " by \($0)" } ?? "")
                + Self.carried(evidence.carried)
        case .other(let type, _):
            return "\(type) (a record type this aitrail does not know)"
        }
    }

    private static func carried(_ mark: CarriedFrom?) -> String { mark.map { ", carried from \($0.from.prefix(7))" } ?? "" }
}

extension EvidenceRecord {
    /// The record in one line, for `aitrail eval list` and `eval attach`: outcome, kind, what ran,
    /// its counts, who, and when.
    public var summaryLine: String {
        var parts = [passed ? "passed" : "failed", kind.rawValue]
        if let name { parts.append("'\(name)'") }
        if let command { parts.append("`\(command.joined(separator: " "))`") }
        if let summary {
            parts.append("\(summary.tests) tests, \(summary.failures) failures, \(summary.errors) errors, \(summary.skipped) skipped")
        }
        if let exit { parts.append("exit \(exit)") }
        if let durationMs { parts.append("\(durationMs / 1000).\((durationMs % 1000) / 100)s") }
        if let by { parts.append("by \(by)") }
        if let note { parts.append("note: \(note)") }
        if let carried { parts.append("carried from \(carried.from.prefix(7))") }
        parts.append(at)
        return parts.joined(separator: "  ")
    }
}

/// How many records of each type the notes hold, for `aitrail status`.
public struct NoteTally: Sendable, Hashable {
    public var commits = 0
    public var usage = 0
    public var evidence = 0
    /// Records of types this aitrail does not know (a newer one's).
    public var other = 0
    /// Lines that are not records.
    public var malformed = 0

    public init() {}

    /// Adds the records of one commit's note.
    public mutating func add(note text: String) {
        let parsed = CanonicalJSON.parseNote(text)
        commits += 1
        malformed += parsed.malformed.count
        for record in parsed.records {
            switch record {
            case .usage: usage += 1
            case .evidence: evidence += 1
            case .other: other += 1
            }
        }
    }

    /// `notes: 3 commits in refs/notes/aitrail (2 usage, 1 evidence records)`.
    public var line: String {
        var line = "notes: \(commits) commits in \(Ledger.ref) (\(usage) usage, \(evidence) evidence records"
        if other > 0 { line += ", \(other) of other types" }
        if malformed > 0 { line += ", \(malformed) malformed lines" }
        return line + ")"
    }
}

extension Ledger {
    /// The records of every note, counted by type.
    public func tally() throws(GitError) -> NoteTally {
        var tally = NoteTally()
        for note in try notes() { tally.add(note: try repository.noteText(blob: note.blob)) }
        return tally
    }
}
