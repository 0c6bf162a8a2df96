#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A usage record: an agent assisted with this commit (SPEC §5). Written by the post-commit hook.
public struct UsageRecord: Codable, Sendable, Hashable {
    public var type = "usage"
    public var v = 1
    public var agent: String
    public var model: String?
    public var tools: [String]
    /// `env`, `session` or `trailer`: how the hook knew.
    public var source: String
    public var at: String
    public var files: Int
    public var insertions: Int
    public var deletions: Int
    public var aitrail: String

    public init(agent: String, model: String?, tools: [String], source: String, at: String,
                files: Int, insertions: Int, deletions: Int, aitrail: String = AITrailVersion.number) {
        self.agent = agent
        self.model = model
        self.tools = tools
        self.source = source
        self.at = at
        self.files = files
        self.insertions = insertions
        self.deletions = deletions
        self.aitrail = aitrail
    }
}

/// Test counts from a report (JUnit, SARIF, JSON).
public struct EvidenceSummary: Codable, Sendable, Hashable {
    public var tests: Int
    public var failures: Int
    public var errors: Int
    public var skipped: Int
    public init(tests: Int = 0, failures: Int = 0, errors: Int = 0, skipped: Int = 0) {
        self.tests = tests
        self.failures = failures
        self.errors = errors
        self.skipped = skipped
    }
}

/// Where a CI run can be seen.
public struct CIReference: Codable, Sendable, Hashable {
    public var provider: String
    public var url: String?
    public init(provider: String, url: String?) {
        self.provider = provider
        self.url = url
    }
}

/// An evidence record: this exact tree was evaluated, with this result (SPEC §5).
public struct EvidenceRecord: Codable, Sendable, Hashable {
    public var type = "evidence"
    public var v = 1
    public var kind: EvidenceKind
    /// The tree the evaluation ran on: evidence counts only for commits with this tree.
    public var tree: String
    public var passed: Bool
    public var name: String?
    public var summary: EvidenceSummary?
    public var command: [String]?
    public var exit: Int?
    public var durationMs: Int?
    /// `sha256:…` of the imported report, so the same file attached twice is one record.
    public var digest: String?
    public var at: String
    public var by: String?
    public var note: String?
    public var ci: CIReference?

    enum CodingKeys: String, CodingKey {
        case type, v, kind, tree, passed, name, summary, command, exit, digest, at, by, note, ci
        case durationMs = "duration_ms"
    }

    public init(kind: EvidenceKind, tree: String, passed: Bool, at: String, name: String? = nil,
                summary: EvidenceSummary? = nil, command: [String]? = nil, exit: Int? = nil, durationMs: Int? = nil,
                digest: String? = nil, by: String? = nil, note: String? = nil, ci: CIReference? = nil) {
        self.kind = kind
        self.tree = tree
        self.passed = passed
        self.at = at
        self.name = name
        self.summary = summary
        self.command = command
        self.exit = exit
        self.durationMs = durationMs
        self.digest = digest
        self.by = by
        self.note = note
        self.ci = ci
    }
}

/// One line of a note.
public enum LedgerRecord: Sendable, Hashable {
    case usage(UsageRecord)
    case evidence(EvidenceRecord)
    /// A record of a type or version this aitrail does not know: kept, not interpreted.
    case other(type: String, line: String)

    public var usage: UsageRecord? { if case .usage(let record) = self { return record } else { return nil } }
    public var evidence: EvidenceRecord? { if case .evidence(let record) = self { return record } else { return nil } }
}

/// A line of a note that is not a record, with why.
public struct MalformedLine: Sendable, Hashable {
    public let line: Int
    public let text: String
    public let problem: String
}

/// JSON Lines in canonical form: sorted keys, no spaces, so git's `cat_sort_uniq` merge drops
/// exact repeats and byte-equal records are equal records.
public enum CanonicalJSON {
    public static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding our own records cannot fail: they hold only strings, numbers, booleans.
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    public static func line(_ record: LedgerRecord) -> String {
        switch record {
        case .usage(let usage): return encode(usage)
        case .evidence(let evidence): return encode(evidence)
        case .other(_, let line): return line
        }
    }

    private struct Header: Decodable {
        let type: String?
        let v: Int?
    }

    /// Parses a note's text into records; lines that are not records are returned separately.
    public static func parseNote(_ text: String) -> (records: [LedgerRecord], malformed: [MalformedLine]) {
        var records: [LedgerRecord] = []
        var malformed: [MalformedLine] = []
        let decoder = JSONDecoder()
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingSpaces
            if line.isEmpty { continue }
            let data = Data(line.utf8)
            guard let header = try? decoder.decode(Header.self, from: data) else {
                malformed.append(MalformedLine(line: index + 1, text: line, problem: "not a JSON object"))
                continue
            }
            do {
                switch (header.type, header.v) {
                case ("usage", 1): records.append(.usage(try decoder.decode(UsageRecord.self, from: data)))
                case ("evidence", 1): records.append(.evidence(try decoder.decode(EvidenceRecord.self, from: data)))
                case (let type?, _): records.append(.other(type: type, line: line))
                case (nil, _): malformed.append(MalformedLine(line: index + 1, text: line, problem: "no \"type\" field"))
                }
            } catch {
                malformed.append(MalformedLine(line: index + 1, text: line, problem: "a \(header.type ?? "") record with missing or wrong fields"))
            }
        }
        return (records, malformed)
    }
}
