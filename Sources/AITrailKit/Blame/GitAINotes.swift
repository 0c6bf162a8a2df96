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

    /// The attestation of a note's text, its ids resolved to origins (`GitAIAuthorship` reads it):
    /// nil without an attestation or the `authorship/3.x` schema. A person's lines (`humans`) stay
    /// out, so they count as human; an id nothing names counts as agent `unknown`.
    public static func parse(_ text: String, registry: AgentRegistry) -> Lines? {
        guard let note = GitAIAuthorship(text), note.hasAttestation, note.isVersion3 else { return nil }
        var lines: Lines = [:]
        for attestation in note.attestations where !note.isHuman(attestation.id) {
            let prompt = note.prompt(for: attestation.id)
            let tool = prompt?.tool ?? "unknown"
            let origin = LineOrigin(agent: registry.canonicalID(for: tool) ?? tool.lowercased(),
                                    model: prompt?.model.flatMap(ModelName.normalise))
            lines[attestation.path, default: []].append((attestation.lines, origin))
        }
        return lines
    }
}
