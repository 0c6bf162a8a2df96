#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Git

/// Line-level authorship from git-ai's notes (`refs/notes/ai`, format `authorship/3.x`): an
/// attestation section (a file path on its own line, then indented `<prompt id> <ranges>` lines,
/// ranges like `1-10,15` in the commit's version of the file), a `---` line, then JSON whose
/// `prompts` map each prompt id to an `agent_id` with `tool` and `model`.
///
/// Where a commit has such a note, its lines in an attested range take that prompt's agent and
/// model, and its other lines are human (git-ai watched the commit being made); commits without
/// one keep the audit's whole-commit attribution. A note that cannot be read counts as absent.
public struct GitAINotes {
    /// Per commit: per path, the AI ranges and their origin.
    public typealias Lines = [String: [(ClosedRange<Int>, LineOrigin)]]

    let repository: Repository
    let registry: AgentRegistry
    let noteBlobs: [ObjectID: ObjectID]
    private var parsed: [ObjectID: Lines?] = [:]

    public init(repository: Repository, registry: AgentRegistry) {
        self.repository = repository
        self.registry = registry
        let entries = (try? repository.notes(ref: AuditScanner.gitAINotesRef)) ?? []
        noteBlobs = Dictionary(entries.map { ($0.target, $0.blob) }, uniquingKeysWith: { a, _ in a })
    }

    public var isEmpty: Bool { noteBlobs.isEmpty }

    /// The commit's attested lines, or nil when it has no readable git-ai note with an attestation.
    public mutating func lines(of commit: ObjectID) -> Lines? {
        guard let blob = noteBlobs[commit] else { return nil }
        if let known = parsed[commit] { return known }
        let result = (try? repository.noteText(blob: blob)).flatMap { GitAINotes.parse($0, registry: registry) }
        parsed[commit] = result
        return result
    }

    /// The attestation of a note's text, its prompt ids resolved to origins.
    public static func parse(_ text: String, registry: AgentRegistry) -> Lines? {
        let attestation: Substring, json: Substring
        if let separator = text.firstRange(of: "\n---\n") {
            attestation = text[..<separator.lowerBound]
            json = text[separator.upperBound...]
        } else if text.hasPrefix("---\n") {
            attestation = ""
            json = text.dropFirst(4)
        } else {
            return nil
        }
        guard let log = try? JSONDecoder().decode(Authorship.self, from: Data(json.utf8)),
              log.schemaVersion?.hasPrefix("authorship/3.") == true else { return nil }
        let prompts = log.prompts ?? [:]
        func origin(_ prompt: String) -> LineOrigin {
            let agentID = prompts[prompt]?.agentID
            let tool = agentID?.tool ?? "unknown"
            let agent = registry.canonicalID(for: tool) ?? tool.lowercased()
            return LineOrigin(agent: agent, model: agentID?.model.flatMap(ModelName.normalise))
        }
        var lines: Lines = [:]
        var path: String?
        for line in attestation.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.first == " " || line.first == "\t" {
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                guard let path, fields.count >= 2 else { continue }
                let who = origin(String(fields[0]))
                for part in fields[1].split(separator: ",") {
                    let bounds = part.split(separator: "-").compactMap { Int($0) }
                    guard let low = bounds.first, let high = bounds.last, low >= 1, low <= high else { continue }
                    lines[path, default: []].append((low...high, who))
                }
            } else {
                var name = String(line)
                if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") { name = GitBlame.unquote(name) }
                path = name
            }
        }
        return lines
    }

    /// The fields of the log's JSON part this reads.
    private struct Authorship: Decodable {
        struct AgentID: Decodable {
            var tool: String?
            var model: String?
        }
        struct Prompt: Decodable {
            var agentID: AgentID?
            enum CodingKeys: String, CodingKey { case agentID = "agent_id" }
        }
        var schemaVersion: String?
        var prompts: [String: Prompt]?
        enum CodingKeys: String, CodingKey {
            case schemaVersion = "schema_version"
            case prompts
        }
    }
}
