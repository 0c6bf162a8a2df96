#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A git-ai authorship note (`refs/notes/ai`, format `authorship/3.x`), the one reader of it: the
/// audit takes its agents, `aitrail blame` and `audit --code` its attested lines.
///
/// The note is an attestation section, a `---` line, then JSON. The attestation names a file on
/// its own line (quoted when it has spaces), then indented `<id> <ranges>` lines (`1-10,15`, in the
/// commit's version of the file). The JSON's `prompts` map a prompt id to an `agent_id` with `tool`
/// and `model`; `humans` (git-ai 1.7 and later) maps `h_…` ids to people whose lines git-ai saw
/// typed. An id `<session>::<turn>` resolves through its session's entry when the whole id is not
/// a prompt. Fields this does not know are ignored; a prompt whose fields are malformed is skipped
/// alone, not the note.
public struct GitAIAuthorship: Sendable {
    public struct Prompt: Sendable, Equatable {
        public var tool: String?
        public var model: String?
    }
    /// One attested range of a file.
    public struct Attestation: Sendable, Equatable {
        public var path: String
        public var id: String
        public var lines: ClosedRange<Int>
    }

    public var schemaVersion: String?
    public var prompts: [String: Prompt]
    public var humans: Set<String>
    public var attestations: [Attestation]
    /// Whether the note had the `---` line (a bare JSON note has no attestation).
    public var hasAttestation: Bool

    /// Nil when the JSON part cannot be read at all.
    public init?(_ text: String) {
        let attestationText: Substring, json: Substring
        if let separator = text.firstRange(of: "\n---\n") {
            (attestationText, json, hasAttestation) = (text[..<separator.lowerBound], text[separator.upperBound...], true)
        } else if text.hasPrefix("---\n") {
            (attestationText, json, hasAttestation) = ("", text.dropFirst(4), true)
        } else {
            (attestationText, json, hasAttestation) = ("", text[...], false)
        }
        guard let log = try? JSONDecoder().decode(Log.self, from: Data(json.utf8)) else { return nil }
        schemaVersion = log.schemaVersion
        prompts = log.prompts
        // A session's entry stands for its turns (`s_…::t_…`) unless a turn has its own.
        for (session, entry) in log.sessions where prompts[session] == nil { prompts[session] = entry }
        humans = log.humans
        attestations = []
        var path: String?
        for line in attestationText.split(separator: "\n", omittingEmptySubsequences: true) {
            guard line.first == " " || line.first == "\t" else {
                var name = String(line)
                if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") { name = GitBlame.unquote(name) }
                path = name
                continue
            }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let path, fields.count >= 2 else { continue }
            for part in fields[1].split(separator: ",") {
                let bounds = part.split(separator: "-").compactMap { Int($0) }
                guard let low = bounds.first, let high = bounds.last, low >= 1, low <= high else { continue }
                attestations.append(Attestation(path: path, id: String(fields[0]), lines: low...high))
            }
        }
    }

    /// Whether `schemaVersion` is one this reads line by line (`authorship/3.x`).
    public var isVersion3: Bool { schemaVersion?.hasPrefix("authorship/3.") == true }

    /// The prompt an attested id stands for; nil for a person's lines (`humans`, or an `h_` id no
    /// prompt claims) and for ids nothing names.
    public func prompt(for id: String) -> Prompt? {
        if let prompt = prompts[id] { return prompt }
        if let session = id.firstRange(of: "::").map({ String(id[..<$0.lowerBound]) }), let prompt = prompts[session] { return prompt }
        return nil
    }

    /// Whether an attested id names a person: listed in `humans`, or an `h_` id no prompt claims.
    public func isHuman(_ id: String) -> Bool {
        humans.contains(id) || (id.hasPrefix("h_") && prompt(for: id) == nil)
    }

    /// The JSON fields read, each leniently: a malformed one reads as absent.
    private struct Log: Decodable {
        var schemaVersion: String?
        var prompts: [String: Prompt] = [:]
        var sessions: [String: Prompt] = [:]
        var humans: Set<String> = []
        enum CodingKeys: String, CodingKey {
            case schemaVersion = "schema_version"
            case prompts, sessions, humans
        }
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            schemaVersion = try? container.decodeIfPresent(String.self, forKey: .schemaVersion)
            prompts = Log.entries(container, .prompts)
            sessions = Log.entries(container, .sessions)
            if let people = try? container.decodeIfPresent([String: Lenient].self, forKey: .humans) { humans = Set(people.keys) }
        }
        private static func entries(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) -> [String: Prompt] {
            guard let entries = try? container.decodeIfPresent([String: Lenient].self, forKey: key) else { return [:] }
            return entries.compactMapValues(\.prompt)
        }
    }

    /// One entry of `prompts`, `sessions` or `humans`: any JSON value; `prompt` when it is an
    /// object whose `agent_id` has string `tool`/`model`.
    private struct Lenient: Decodable {
        var prompt: Prompt?
        private struct AgentID: Decodable {
            var tool: String?
            var model: String?
            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: Keys.self)
                tool = try? container.decodeIfPresent(String.self, forKey: .tool)
                model = try? container.decodeIfPresent(String.self, forKey: .model)
            }
            enum Keys: String, CodingKey { case tool, model }
        }
        private enum Keys: String, CodingKey { case agentID = "agent_id" }
        init(from decoder: any Decoder) throws {
            guard let container = try? decoder.container(keyedBy: Keys.self),
                  let agent = try? container.decodeIfPresent(AgentID.self, forKey: .agentID) else { return }
            prompt = Prompt(tool: agent.tool, model: agent.model)
        }
    }
}
