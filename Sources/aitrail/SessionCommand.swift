import AITrailKit
import ArgumentParser
import Git

struct SessionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "session",
        abstract: "Declare that an agent without markers assists commits here (start, end, or show).",
        subcommands: [Show.self, Start.self, End.self],
        defaultSubcommand: Show.self)

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show the declared session.")
        func run() throws {
            let repository = try HooksCLI.repository()
            let session: Session?
            do { session = try Session.load(commonDirectory: repository.commonDirectory) } catch { throw HooksCLI.fail(error.message) }
            guard let session else {
                print("no session (declare one with `aitrail session start --agent <id> [--model <m>] [--ttl 8h]`)")
                return
            }
            print("agent: \(session.agent)" + (session.model.map { " (model \($0))" } ?? ""))
            print("started: \(session.started)")
            print("expires: \(session.expires)" + (session.isExpired() ? " (expired: commits are no longer tagged by it)" : ""))
        }
    }

    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "start", abstract: "Start a session: commits are tagged with this agent until it ends.")

        @Option(help: "The agent id (claude-code, codex, or a policy's custom agent).")
        var agent: String

        @Option(help: "The model, if known.")
        var model: String?

        @Option(help: "How long the session lasts: 90m, 8h, 2d.")
        var ttl: String = "8h"

        func validate() throws {
            guard Duration.parseSeconds(ttl) != nil else { throw ValidationError("--ttl '\(ttl)' is not a duration such as 90m, 8h or 2d") }
            if case .failure(let problem) = AssistedBy.parse(agent + (model.map { ":\($0)" } ?? "")) {
                throw ValidationError("--agent/--model: \(problem.problem)")
            }
        }

        func run() throws {
            let repository = try HooksCLI.repository()
            let policy = try HooksCLI.policy(repository)
            let id = policy.registry.canonicalID(for: agent) ?? agent.lowercased()
            let now = Timestamp.now()
            let session = Session(
                agent: id, model: model.flatMap(ModelName.normalise), started: Timestamp.format(now),
                expires: Timestamp.format(now + Duration.parseSeconds(ttl)!))
            do { try session.save(commonDirectory: repository.commonDirectory) } catch { throw HooksCLI.fail(error.message) }
            print("session started: commits are tagged \(policy.tag.trailer): \(AssistedBy(agent: id, model: session.model).value) until \(session.expires)")
            if policy.registry[id] == nil { print("note: '\(id)' is not a known agent; declare it with [agent \"\(id)\"] in .aitrail if that is intended") }
        }
    }

    struct End: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "end", abstract: "End the session.")
        func run() throws {
            let repository = try HooksCLI.repository()
            print(Session.end(commonDirectory: repository.commonDirectory) ? "session ended" : "no session to end")
        }
    }
}
