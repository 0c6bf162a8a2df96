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
            let repository = try Console.repository()
            let session: Session?
            do { session = try Session.load(commonDirectory: repository.commonDirectory) } catch { throw Console.fail(error.message) }
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

        @Option(help: "How long the session lasts: a whole number and s, m, h, d or w (90m, 8h, 2d).")
        var ttl: String = "8h"

        func validate() throws {
            if case .failure(let problem) = Duration.parse(ttl) { throw ValidationError("--ttl: \(problem.message)") }
            guard SafeID.agent(agent, registry: .builtin) != nil else {
                throw ValidationError("--agent '\(SafeID.shown(agent))' is not an agent id (letters, digits, '-', '.', '_', such as claude-code)")
            }
            if let model, SafeID.model(model) == nil {
                throw ValidationError("--model '\(SafeID.shown(model))' is not a model name (letters, digits, '.', '-', '_', '+', such as claude-opus-4.6)")
            }
        }

        func run() throws {
            let repository = try Console.repository()
            let policy = Console.hookPolicy(repository)
            let id = SafeID.agent(agent, registry: policy.registry) ?? agent.lowercased()
            let now = Timestamp.now()
            let session = Session(
                agent: id, model: model.flatMap(SafeID.model), started: Timestamp.format(now),
                expires: Timestamp.format(now + Duration.parseSeconds(ttl)!))
            do { try session.save(commonDirectory: repository.commonDirectory) } catch { throw Console.fail(error.message) }
            print("session started: commits are tagged \(policy.tag.trailer): \(AssistedBy(agent: id, model: session.model).value) until \(session.expires)")
            if policy.registry[id] == nil { print("note: '\(id)' is not a known agent; declare it with [agent \"\(id)\"] in .aitrail if that is intended") }
        }
    }

    struct End: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "end", abstract: "End the session.")
        func run() throws {
            let repository = try Console.repository()
            print(Session.end(commonDirectory: repository.commonDirectory) ? "session ended" : "no session to end")
        }
    }
}
