import AITrailKit
import ArgumentParser
import Git

struct DetectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Show what the hooks would decide for a commit made now, and why.")

    func run() throws {
        let repository = try Console.repository()
        let policy = Console.hookPolicy(repository)
        let session: Session?
        do { session = try Session.load(commonDirectory: repository.commonDirectory) } catch { throw Console.fail(error.message) }
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
            print("why: no marker set among \(detector.markerVariables.joined(separator: ", "))")
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
        print("hooks: " + HookInstaller(repository: repository, binary: HookInstaller.currentBinary(argument0: CommandLine.arguments[0])).tagLine(policy: policy))
        if FileSystem.environment("AITRAIL") == "0" { print("AITRAIL=0: the hooks are skipped") }
    }
}
