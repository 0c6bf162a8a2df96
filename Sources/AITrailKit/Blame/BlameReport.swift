import Git

/// `aitrail blame`: every line of a file at a revision with the commit git blame gives, its author
/// and its AI attribution.
public struct BlameReport: Sendable {
    public struct Line: Sendable, Hashable {
        public var number: Int
        public var commit: BlamedCommit
        public var originalLine: Int
        public var originalPath: String
        public var origin: LineOrigin
        /// `commit` (the commit's classification) or `git-ai` (a line-level note).
        public var source: String
        public var content: [UInt8]
    }

    public var revision: String
    public var commit: ObjectID
    public var path: String
    public var lines: [Line]

    /// Blames `path` (relative to the current directory, as git reads it) at `revision`, and joins
    /// each line's commit to the audit's classification and git-ai's line notes.
    public static func make(repository: Repository, classifier: Classifier, revision: String, path: String,
                            jobs: Int, useCache: Bool) throws(AITrailError) -> BlameReport {
        let commit: ObjectID
        do { commit = try repository.resolveCommit(revision) } catch {
            throw AITrailError.blame("cannot resolve '\(revision)' to a commit: \(error.message); give a branch, tag or commit id")
        }
        let blame = try GitBlame.blame(revision: commit.hex, path: path)
        let attributions: CommitAttributions
        do {
            attributions = try CommitAttributions(repository: repository, classifier: classifier, commit: commit, lines: false,
                                                  jobs: jobs, useCache: useCache)
        } catch {
            throw AITrailError.blame(error.message)
        }
        defer { attributions.waitForCache() }
        var notes = GitAINotes(repository: repository, registry: classifier.registry)
        let origins = blame.commits.map { CommitAttributions.origin(of: attributions[$0.id]) }
        var lines: [Line] = []
        lines.reserveCapacity(blame.lines.count)
        for (index, line) in blame.lines.enumerated() {
            let blamed = blame.commits[line.commit]
            var origin = origins[line.commit], source = "commit"
            if !notes.isEmpty, let attested = notes.lines(of: blamed.id) {
                origin = attested[line.originalPath]?.first { $0.0.contains(line.originalLine) }?.1 ?? .human
                source = "git-ai"
            }
            lines.append(Line(number: index + 1, commit: blamed, originalLine: line.originalLine, originalPath: line.originalPath,
                              origin: origin, source: source, content: line.content))
        }
        return BlameReport(revision: revision, commit: commit, path: path, lines: lines)
    }
}

/// The formats of `aitrail blame --format`.
public enum BlameFormat: String, Sendable, CaseIterable {
    case text, json, jsonl

    public func render(_ report: BlameReport) -> [UInt8] {
        switch self {
        case .text: return BlameFormat.text(report)
        case .json:
            var out = Array("{\"revision\":\(AuditText.jsonString(report.revision)),\"commit\":\"\(report.commit.hex)\",\"path\":\(AuditText.jsonString(report.path)),\"lines\":[".utf8)
            for (index, line) in report.lines.enumerated() {
                if index > 0 { out.append(44) }
                out += BlameFormat.json(line)
            }
            out += Array("]}\n".utf8)
            return out
        case .jsonl:
            var out: [UInt8] = []
            for line in report.lines {
                out += BlameFormat.json(line)
                out.append(10)
            }
            return out
        }
    }

    /// `{"line":1,"commit":"<40 hex>","original_line":1,"original_path":"a.swift","author":{"name","email"},
    /// "time":"<RFC 3339>","ai":true,"agent":"claude-code","model":"claude-opus-4.6","source":"commit","content":"…"}`
    static func json(_ line: BlameReport.Line) -> [UInt8] {
        func optional(_ text: String?) -> String { text.map(AuditText.jsonString) ?? "null" }
        let text = "{\"line\":\(line.number),\"commit\":\"\(line.commit.id.hex)\",\"original_line\":\(line.originalLine),"
            + "\"original_path\":\(AuditText.jsonString(line.originalPath)),\"author\":{\"name\":\(AuditText.jsonString(line.commit.author)),"
            + "\"email\":\(AuditText.jsonString(email(line.commit.authorMail)))},\"time\":\"\(Timestamp.format(line.commit.authorTime))\","
            + "\"ai\":\(line.origin.isAI),\"agent\":\(optional(line.origin.agent)),\"model\":\(optional(line.origin.model)),"
            + "\"source\":\"\(line.source)\",\"content\":\(AuditText.jsonString(String(decoding: line.content, as: UTF8.self)))}"
        return Array(text.utf8)
    }

    static func email(_ mail: String) -> String {
        mail.hasPrefix("<") && mail.hasSuffix(">") && mail.count >= 2 ? String(mail.dropFirst().dropLast()) : mail
    }

    /// Like `git blame`: `1a2b3c4d (Ann Lee   2026-03-01 claude-code/claude-opus-4.6  12) content`,
    /// a boundary commit marked `^`; names and origins padded to the widest, the content as it is
    /// (an escape character shown as `\e`, so a file cannot drive the terminal).
    static func text(_ report: BlameReport) -> [UInt8] {
        let authors = report.lines.map { AuditText.printable($0.commit.author) }
        let origins = report.lines.map { AuditText.printable($0.origin.label) }
        let authorWidth = authors.map(\.count).max() ?? 0, originWidth = origins.map(\.count).max() ?? 0
        let numberWidth = String(report.lines.count).count
        var out: [UInt8] = []
        for (index, line) in report.lines.enumerated() {
            let id = (line.commit.boundary ? "^" : "") + String(line.commit.id.hex.prefix(line.commit.boundary ? 7 : 8))
            let number = String(line.number)
            let head = "\(id) (\(pad(authors[index], authorWidth)) \(AuditText.day(line.commit.authorTime)) "
                + "\(pad(origins[index], originWidth)) \(String(repeating: " ", count: numberWidth - number.count))\(number)) "
            out += head.utf8
            for byte in line.content {
                if byte == 0x1B { out += "\\e".utf8 } else { out.append(byte) }
            }
            out.append(10)
        }
        return out
    }

    private static func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }
}
