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
    /// Set when `aitrail carry` copied this record from a commit a squash or rebase merge replaced.
    public var carried: CarriedFrom?

    public init(agent: String, model: String?, tools: [String], source: String, at: String,
                files: Int, insertions: Int, deletions: Int, aitrail: String = AITrailVersion.number,
                carried: CarriedFrom? = nil) {
        self.agent = agent
        self.model = model
        self.tools = tools
        self.source = source
        self.at = at
        self.files = files
        self.insertions = insertions
        self.deletions = deletions
        self.aitrail = aitrail
        self.carried = carried
    }
}

/// `"carried":{"from":"<commit>"}`: the commit a carried record was first noted on (SPEC §5).
public struct CarriedFrom: Codable, Sendable, Hashable {
    public var from: String
    public init(from: String) { self.from = from }
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
    /// Set when `aitrail carry` copied this record; `tree` still names the tree that was evaluated.
    public var carried: CarriedFrom?
    /// An SSH (`-----BEGIN SSH SIGNATURE-----`) or OpenPGP armored signature over `signedPayload`.
    public var sig: String?
    /// Who signed: the principal (e-mail) an allowed-signers file lists for the key, or the OpenPGP key.
    public var signer: String?

    /// When the record reached the notes (the notes commit that added it), as readers that walk the
    /// notes history find it; never written. Nil when unknown: then `at` stands in, unless it lies in the future.
    public var reachedNotesAt: Int64? = nil
    /// What the signature check found; never written. Nil when not checked.
    public var signature: SignatureCheck? = nil

    enum CodingKeys: String, CodingKey {
        case type, v, kind, tree, passed, name, summary, command, exit, digest, at, by, note, ci, carried, sig, signer
        case durationMs = "duration_ms"
    }

    public init(kind: EvidenceKind, tree: String, passed: Bool, at: String, name: String? = nil,
                summary: EvidenceSummary? = nil, command: [String]? = nil, exit: Int? = nil, durationMs: Int? = nil,
                digest: String? = nil, by: String? = nil, note: String? = nil, ci: CIReference? = nil,
                carried: CarriedFrom? = nil) {
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
        self.carried = carried
    }
}

/// The outcome of checking an evidence record's signature against the policy's allowed signers.
public enum SignatureCheck: Sendable, Hashable {
    /// The record carries no signature.
    case unsigned
    /// The signature verifies for this principal of the allowed signers.
    case verified(principal: String)
    /// Signed, but the signature does not verify for a listed principal: tampered, or a foreign key.
    case bad(reason: String)
    /// Made by the gate itself in this run (`aitrail check --eval`): trusted without a signature.
    case gate
}

extension EvidenceRecord {
    /// The bytes a signature covers: the canonical record without `sig` (and without reader-side facts).
    public var signedPayload: [UInt8] {
        var unsigned = self
        unsigned.sig = nil
        // A carried copy verifies as the record that was signed: the mark is added after signing.
        unsigned.carried = nil
        unsigned.reachedNotesAt = nil
        unsigned.signature = nil
        return Array(CanonicalJSON.encode(unsigned).utf8)
    }

    /// The record as written, without what readers learnt about it.
    public var asWritten: EvidenceRecord {
        var record = self
        record.reachedNotesAt = nil
        record.signature = nil
        return record
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
/// The one JSON writer for Codable values: records in one line, reports (`pretty`) indented.
public enum CanonicalJSON {
    public static func encode<T: Encodable>(_ value: T, pretty: Bool = false) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        // Encoding our own values cannot fail: they hold only strings, numbers, booleans and lists of them.
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    public static func line(_ record: LedgerRecord) -> String {
        switch record {
        case .usage(let usage): return FlatJSON.line(usage) ?? encode(usage)
        case .evidence(let evidence): return encode(evidence)
        case .other(_, let line): return line
        }
    }

    private struct Header: Decodable {
        let type: String?
        let v: Int?
    }

    /// One line, parsed once: the header, then the record its type names, from the same parse.
    private struct ParsedLine: Decodable {
        enum Content {
            case record(LedgerRecord)
            case otherType(String)
            case noType
            /// A usage or evidence record with missing or wrong fields.
            case invalid(type: String)
        }
        let content: Content

        init(from decoder: Decoder) throws {
            let header = try Header(from: decoder)   // throws when the line is not a JSON object
            do {
                switch (header.type, header.v) {
                case ("usage", 1): content = .record(.usage(try UsageRecord(from: decoder)))
                case ("evidence", 1): content = .record(.evidence(try EvidenceRecord(from: decoder)))
                case (let type?, _): content = .otherType(type)
                case (nil, _): content = .noType
                }
            } catch {
                content = .invalid(type: header.type ?? "")
            }
        }
    }

    /// Parses a note's text into records; lines that are not records are returned separately.
    public static func parseNote(_ text: String) -> (records: [LedgerRecord], malformed: [MalformedLine]) {
        parseNote(text, fastPath: true)
    }

    /// `fastPath: false` reads every line through JSONDecoder (for the tests that hold the two equal).
    static func parseNote(_ text: String, fastPath: Bool) -> (records: [LedgerRecord], malformed: [MalformedLine]) {
        var records: [LedgerRecord] = []
        var malformed: [MalformedLine] = []
        let decoder = JSONDecoder()
        for (index, rawLine) in text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            let line = Substring(rawLine).trimmingSpaces
            if line.isEmpty { continue }
            if fastPath, let usage = FlatJSON.usageRecord(line) {
                records.append(.usage(usage))
                continue
            }
            guard let parsed = try? decoder.decode(ParsedLine.self, from: Data(line.utf8)) else {
                malformed.append(MalformedLine(line: index + 1, text: line, problem: "not a JSON object"))
                continue
            }
            switch parsed.content {
            case .record(let record): records.append(record)
            case .otherType(let type): records.append(.other(type: type, line: line))
            case .noType: malformed.append(MalformedLine(line: index + 1, text: line, problem: "no \"type\" field"))
            case .invalid(let type): malformed.append(MalformedLine(line: index + 1, text: line, problem: "a \(type) record with missing or wrong fields"))
            }
        }
        return (records, malformed)
    }
}

/// A usage record read without JSONDecoder when its line is in exactly the form aitrail writes
/// (one flat object, no spaces, no escapes): an audit of a history where aitrail has run reads tens
/// of thousands of them, and JSONDecoder takes ~8 µs a line. Anything else — escapes, spaces,
/// nested values, repeated keys, a missing or mistyped field — gives nil, and JSONDecoder reads
/// the line (and says what is wrong with it). A test holds the two equal.
enum FlatJSON {
    enum Value: Equatable {
        case string(String), int(Int), bool(Bool), null, strings([String])
        /// A nested object of string values only (`"carried":{"from":"…"}`).
        case object([String: String])
    }

    static func usageRecord(_ line: String) -> UsageRecord? {
        guard let fields = object(line), fields["type"] == .string("usage"), fields["v"] == .int(1),
              case .string(let agent)? = fields["agent"], case .strings(let tools)? = fields["tools"],
              case .string(let source)? = fields["source"], case .string(let at)? = fields["at"],
              case .int(let files)? = fields["files"], case .int(let insertions)? = fields["insertions"],
              case .int(let deletions)? = fields["deletions"], case .string(let aitrail)? = fields["aitrail"] else { return nil }
        let model: String?
        switch fields["model"] {
        case nil, .null?: model = nil
        case .string(let value)?: model = value
        default: return nil
        }
        let carried: CarriedFrom?
        switch fields["carried"] {
        case nil: carried = nil
        case .object(let object)? where object.count == 1: guard let from = object["from"] else { return nil }; carried = CarriedFrom(from: from)
        default: return nil
        }
        return UsageRecord(agent: agent, model: model, tools: tools, source: source, at: at,
                           files: files, insertions: insertions, deletions: deletions, aitrail: aitrail, carried: carried)
    }

    /// A usage record's canonical line written directly, when none of its strings needs an escape
    /// (printable ASCII without `"` and `\\`: what the hooks write, agents and models being safe ids):
    /// JSONEncoder's first use costs a post-commit hook more than the rest of the line's work. Nil
    /// otherwise, and `CanonicalJSON.encode` writes it. A test holds the two equal.
    static func line(_ record: UsageRecord) -> String? {
        func plain(_ text: String) -> Bool { text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x5C } }
        let strings = [record.type, record.agent, record.source, record.at, record.aitrail] + record.tools
            + [record.model, record.carried?.from].compactMap { $0 }
        guard strings.allSatisfy(plain) else { return nil }
        // Keys in JSONEncoder's `.sortedKeys` order; nil optionals left out, as Codable encodes them.
        var fields = ["\"agent\":\"\(record.agent)\"", "\"aitrail\":\"\(record.aitrail)\"", "\"at\":\"\(record.at)\""]
        if let carried = record.carried { fields.append("\"carried\":{\"from\":\"\(carried.from)\"}") }
        fields += ["\"deletions\":\(record.deletions)", "\"files\":\(record.files)", "\"insertions\":\(record.insertions)"]
        if let model = record.model { fields.append("\"model\":\"\(model)\"") }
        fields += [
            "\"source\":\"\(record.source)\"", "\"tools\":[" + record.tools.map { "\"\($0)\"" }.joined(separator: ",") + "]",
            "\"type\":\"\(record.type)\"", "\"v\":\(record.v)",
        ]
        return "{" + fields.joined(separator: ",") + "}"
    }

    /// The fields of a flat object `{"key":value,…}` with no spaces and no escapes, or nil.
    static func object(_ line: String) -> [String: Value]? {
        var line = line
        return line.withUTF8 { bytes -> [String: Value]? in
            var position = 0
            func string() -> String? {
                guard position < bytes.count, bytes[position] == 0x22 else { return nil }
                let start = position + 1
                var end = start
                while end < bytes.count, bytes[end] != 0x22 {
                    if bytes[end] == 0x5C || bytes[end] < 0x20 { return nil }  // an escape or a control character
                    end += 1
                }
                guard end < bytes.count else { return nil }
                position = end + 1
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
            }
            func literal(_ text: StaticString) -> Bool {
                let count = text.utf8CodeUnitCount
                guard position + count <= bytes.count else { return false }
                for index in 0..<count where bytes[position + index] != text.utf8Start[index] { return false }
                position += count
                return true
            }
            func value() -> Value? {
                guard position < bytes.count else { return nil }
                switch bytes[position] {
                case 0x22: return string().map(Value.string)
                case 0x5B:
                    position += 1
                    var values: [String] = []
                    if position < bytes.count, bytes[position] == 0x5D {
                        position += 1
                        return .strings(values)
                    }
                    while true {
                        guard let element = string(), position < bytes.count else { return nil }
                        values.append(element)
                        position += 1
                        if bytes[position - 1] == 0x5D { return .strings(values) }
                        guard bytes[position - 1] == 0x2C else { return nil }
                    }
                case 0x7B:
                    position += 1
                    var object: [String: String] = [:]
                    while true {
                        guard let key = string(), position + 1 < bytes.count, bytes[position] == 0x3A else { return nil }
                        position += 1
                        guard let element = string(), object.updateValue(element, forKey: key) == nil,
                              position < bytes.count else { return nil }
                        position += 1
                        if bytes[position - 1] == 0x7D { return .object(object) }
                        guard bytes[position - 1] == 0x2C else { return nil }
                    }
                case 0x74: return literal("true") ? .bool(true) : nil
                case 0x66: return literal("false") ? .bool(false) : nil
                case 0x6E: return literal("null") ? .null : nil
                default:
                    // An integer: -?(0|[1-9][0-9]*), no fraction, no exponent.
                    let start = position
                    if bytes[position] == 0x2D { position += 1 }
                    let digits = position
                    while position < bytes.count, bytes[position] >= 0x30, bytes[position] <= 0x39 { position += 1 }
                    guard position > digits, position - digits <= 18, bytes[digits] != 0x30 || position - digits == 1,
                          position == bytes.count || bytes[position] == 0x2C || bytes[position] == 0x7D else { return nil }
                    return Int(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)).map(Value.int)
                }
            }
            guard bytes.count >= 2, bytes[0] == 0x7B else { return nil }
            position = 1
            var fields: [String: Value] = [:]
            if bytes[position] == 0x7D { return position + 1 == bytes.count ? fields : nil }
            while true {
                guard let key = string(), position < bytes.count, bytes[position] == 0x3A else { return nil }
                position += 1
                guard let value = value(), fields.updateValue(value, forKey: key) == nil, position < bytes.count else { return nil }
                position += 1
                if bytes[position - 1] == 0x7D { return position == bytes.count ? fields : nil }
                guard bytes[position - 1] == 0x2C else { return nil }
            }
        }
    }
}
