import AITrailKit
import ArgumentParser
import Git

struct DetectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Show what the hooks would decide for a commit made now, and why.")

    func run() throws {
        let repository = try HooksCLI.repository()
        let policy = HooksCLI.hookPolicy(repository)
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
            for variable in CommitTimeDetector.genericVariables {
                if let value = FileSystem.environment(variable), !value.isEmpty {
                    print("note: \(variable)='\(SafeID.shown(value))' names no agent aitrail knows, so it is not one (declare it with [agent \"<id>\"] and env = \(variable)=<value> in .aitrail if it is)")
                }
            }
        }
        if let session {
            print("session: \(session.agent)\(session.model.map { ":\($0)" } ?? "") until \(session.expires)"
                  + (decision.sessionExpired ? " (expired: `aitrail session end` removes it)" : ""))
        } else {
            print("session: none (declare one with `aitrail session start --agent <id>`)")
        }
        for line in decision.ignored { print("ignored: \(line)") }
        print("hooks: " + Self.hooksLine(repository: repository, policy: policy))
        if FileSystem.environment("AITRAIL") == "0" { print("AITRAIL=0: the hooks are skipped") }
    }

    /// What the installed hooks will do with the decision above.
    static func hooksLine(repository: Repository, policy: Policy) -> String {
        let installer = HookInstaller(repository: repository, binary: HookInstaller.currentBinary(argument0: CommandLine.arguments[0]))
        guard let hooks = try? installer.status(policy: policy) else { return "cannot read the hooks folder" }
        let tagging = hooks.filter { $0.name == "prepare-commit-msg" || $0.name == "post-commit" }
        if tagging.allSatisfy({ $0.state == .missing || $0.state == .foreign }) {
            return "aitrail's hooks are not installed here, so nothing is tagged (run `aitrail install`, or call `aitrail hook` from your hook manager)"
        }
        if hooks.contains(where: { $0.state == .stale }) {
            return "installed for another policy or binary: aitrail reads .aitrail itself whenever it changed, so the above holds (`aitrail install` refreshes them)"
        }
        return "installed and current: a commit made now is handled as above"
    }
}
