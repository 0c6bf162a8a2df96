#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What the notes on one commit say: agents from aitrail usage records and git-ai authorship logs,
/// and the evidence status for the commit's tree.
struct NoteFindings {
    var attributions: [Attribution] = []
    var evidence: EvidenceStatus = .none

    /// Reads an aitrail note (`refs/notes/aitrail`, JSON Lines) and adds its findings; the evidence
    /// status is `EvidenceVerdict`'s, as `aitrail check` and `aitrail eval list` give it.
    /// Lines that are not records are ignored here: `aitrail log` reports them.
    mutating func addAITrailNote(_ text: String, tree: String, registry: AgentRegistry, now: Int64) {
        var evidenceRecords: [EvidenceRecord] = []
        for record in CanonicalJSON.parseNote(text).records {
            switch record {
            case .usage(let usage):
                let agent = registry.canonicalID(for: usage.agent) ?? usage.agent.lowercased()
                // A record `aitrail carry` copied from a replaced commit says so: source `carried`.
                attributions.append(Attribution(
                    agent: agent, model: usage.model.flatMap(ModelName.normalise), tools: usage.tools,
                    source: usage.carried == nil ? .note : .carried,
                    marker: "refs/notes/aitrail usage \(usage.agent)" + (usage.carried.map { " carried from \($0.from.prefix(7))" } ?? "")))
            case .evidence(let evidence):
                evidenceRecords.append(evidence)
            case .other:
                continue
            }
        }
        if !evidenceRecords.isEmpty {
            evidence = EvidenceStatus(EvidenceVerdict.judge(evidenceRecords, tree: tree, rules: EvidenceVerdict.Rules(now: now)).standing)
        }
    }

    /// Reads a git-ai authorship note (`refs/notes/ai`): an attestation section, a `---` line, then
    /// JSON whose `prompts` name an `agent_id` with `tool` and `model`. Anything unreadable is skipped.
    mutating func addGitAINote(_ text: String, registry: AgentRegistry) {
        let json: Substring
        if let separator = text.firstRange(of: "\n---\n") {
            json = text[separator.upperBound...]
        } else if text.hasPrefix("---\n") {
            json = text.dropFirst(4)
        } else {
            json = text[...]
        }
        guard let log = try? JSONDecoder().decode(GitAILog.self, from: Data(json.utf8)) else { return }
        for key in (log.prompts ?? [:]).keys.sorted() {
            guard let agentID = log.prompts?[key]?.agentID, let tool = agentID.tool, !tool.isEmpty else { continue }
            let agent = registry.canonicalID(for: tool) ?? tool.lowercased()
            attributions.append(Attribution(
                agent: agent, model: agentID.model.flatMap(ModelName.normalise), source: .note,
                marker: "refs/notes/ai prompt \(key) (\(tool))"))
        }
    }
}

/// The parts of a git-ai authorship log the audit reads; other fields are ignored.
private struct GitAILog: Decodable {
    struct Prompt: Decodable {
        let agentID: AgentID?
        enum CodingKeys: String, CodingKey { case agentID = "agent_id" }
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            agentID = try? container.decodeIfPresent(AgentID.self, forKey: .agentID)
        }
    }

    struct AgentID: Decodable {
        let tool: String?
        let model: String?
        enum CodingKeys: String, CodingKey { case tool, model }
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            tool = try? container.decodeIfPresent(String.self, forKey: .tool)
            model = try? container.decodeIfPresent(String.self, forKey: .model)
        }
    }

    let prompts: [String: Prompt]?
    enum CodingKeys: String, CodingKey { case prompts }
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        prompts = try? container.decodeIfPresent([String: Prompt].self, forKey: .prompts)
    }
}
