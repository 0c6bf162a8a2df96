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
            // validate() checked --ttl.
            guard let seconds = Duration.parseSeconds(ttl) else { throw ValidationError("--ttl '\(ttl)' is not a duration") }
            let session = Session.start(agent: agent, model: model, seconds: seconds, registry: policy.registry)
            do { try session.save(commonDirectory: repository.commonDirectory) } catch { throw Console.fail(error.message) }
            for line in session.startedLines(policy: policy) { print(line) }
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
