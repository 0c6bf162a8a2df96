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

    /// Reads a git-ai authorship note (`refs/notes/ai`, read by `GitAIAuthorship`): an agent per
    /// prompt with a `tool`. Anything unreadable is skipped.
    mutating func addGitAINote(_ text: String, registry: AgentRegistry) {
        guard let note = GitAIAuthorship(text) else { return }
        for key in note.prompts.keys.sorted() {
            guard let prompt = note.prompts[key], let tool = prompt.tool, !tool.isEmpty else { continue }
            let agent = registry.canonicalID(for: tool) ?? tool.lowercased()
            attributions.append(Attribution(
                agent: agent, model: prompt.model.flatMap(ModelName.normalise), source: .note,
                marker: "refs/notes/ai prompt \(key) (\(tool))"))
        }
    }
}
