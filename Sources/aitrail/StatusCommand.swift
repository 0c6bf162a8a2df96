import AITrailKit
import ArgumentParser
import Git

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the installed hooks, the policy, the agent detected now and the notes.")

    func run() throws {
        let repository = try Console.repository()
        // The policy as the hooks read it; what they cannot read is said here, loudly.
        let policy = PolicyLoader.loadForHooks(workTreeOf: repository)
        var policyLine = policy.origin.map { "\($0) (valid)" } ?? "defaults (no .aitrail)"
        if !policy.warnings.isEmpty {
            policyLine = "\(PolicyLoader.fileName): \(policy.warnings.count) problem\(policy.warnings.count == 1 ? "" : "s") (the hooks ignore unknown keys and use the defaults of a section with a bad value; `aitrail check` refuses a bad value):"
            policyLine += policy.warnings.map { "\n  \($0)" }.joined()
        }
        let installer = HookInstaller(repository: repository, binary: HookInstaller.currentBinary(argument0: CommandLine.arguments[0]))
        do {
            let directory = try installer.hooksDirectory()
            print("hooks: \(directory.path)" + (directory.inCommonDirectory ? "" : " (core.hooksPath)"))
            for hook in try installer.status(policy: policy) { print("  " + hook.statusLine) }
            let rewrite = try repository.config().strings("notes.rewriteRef").contains(Ledger.ref)
            print("notes.rewriteRef: " + (rewrite ? "\(Ledger.ref) (amend and rebase carry the notes)" : "not set for \(Ledger.ref) (run `aitrail install`)"))
        } catch { throw Console.fail(error.message) }
        print("policy: \(policyLine)")

        var session: Session?
        do { session = try Session.load(commonDirectory: repository.commonDirectory) } catch { print("session: error: \(error.message)") }
        let decision = CommitTimeDetector(registry: policy.registry).decide(environment: Subprocess.currentEnvironment, session: session)
        print("session: " + (session.map { "\($0.agent)\($0.model.map { ":\($0)" } ?? "") until \($0.expires)" + (decision.sessionExpired ? " (expired)" : "") } ?? "none"))
        print("agent now: " + (decision.attribution.map { "\($0.agent)\($0.model.map { ":\($0)" } ?? "") (\($0.source.rawValue): \($0.marker))" } ?? "none"))

        do {
            print(try Ledger(repository: repository).tally().line)
            for behind in try NotesFlow.behind(in: repository) {
                print("  \(behind.remote) has notes you lack (fetched into \(behind.ref)): the next agent commit, `aitrail log` or `aitrail sync \(behind.remote)` merges them")
            }
            let unfetched = try NotesFlow.remotesWithoutFetch(in: repository)
            if !unfetched.isEmpty {
                print("  `git fetch` does not bring the notes of \(unfetched.joined(separator: ", ")) (run `aitrail install`, or `aitrail sync`)")
            }
        } catch { throw Console.fail("cannot read \(Ledger.ref): \(error.message)") }
    }
}
