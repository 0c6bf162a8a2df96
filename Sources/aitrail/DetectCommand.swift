import AITrailKit
import ArgumentParser
import Git

struct DetectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Show what the hooks would decide for a commit made now, and why.")

    func run() throws {
        let repository = try HooksCLI.repository()
        let policy = try HooksCLI.policy(repository)
        let session: Session?
        do { session = try Session.load(commonDirectory: repository.commonDirectory) } catch { throw HooksCLI.fail(error.message) }
        let detector = CommitTimeDetector(registry: policy.registry)
        let decision = detector.decide(environment: Subprocess.currentEnvironment, session: session)
        if let found = decision.attribution {
            print("agent: \(found.agent)" + (found.model.map { " (model \($0))" } ?? ""))
            print("why: \(found.source.rawValue) marker \(found.marker)")
            print("trailer: \(policy.tag.trailer): \(AssistedBy(agent: found.agent, model: found.model, tools: found.tools).value)")
            if !policy.allows(agent: found.agent) {
                print("note: \(found.agent) is not in agents.allow of \(policy.origin ?? ".aitrail"): commit-msg would reject the commit")
            }
        } else {
            print("agent: none (a commit made now is not tagged)")
            let names = detector.markers.map(\.variable)
            var unique: [String] = []
            for name in names where !unique.contains(name) { unique.append(name) }
            print("why: no marker set among \(unique.joined(separator: ", "))")
        }
        if let session {
            print("session: \(session.agent)\(session.model.map { ":\($0)" } ?? "") until \(session.expires)"
                  + (decision.sessionExpired ? " (expired: `aitrail session end` removes it)" : ""))
        } else {
            print("session: none (declare one with `aitrail session start --agent <id>`)")
        }
        if FileSystem.environment("AITRAIL") == "0" { print("AITRAIL=0: the hooks are skipped") }
    }
}
