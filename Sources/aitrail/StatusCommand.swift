import AITrailKit
import ArgumentParser
import Git

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the installed hooks, the policy, the agent detected now and the notes.")

    func run() throws {
        let repository = try HooksCLI.repository()
        // The policy as the hooks read it; what they cannot read is said here, loudly.
        let policyPath = repository.workDirectory.map { $0 + "/" + PolicyLoader.fileName }
        let policy = policyPath.flatMap { FileSystem.exists($0) ? PolicyLoader.loadForHooks(path: $0) : nil } ?? .defaults
        var policyLine = policy.origin.map { "\($0) (valid)" } ?? "defaults (no .aitrail)"
        if !policy.warnings.isEmpty {
            policyLine = "\(PolicyLoader.fileName): \(policy.warnings.count) problem\(policy.warnings.count == 1 ? "" : "s") (the hooks ignore unknown keys and use the defaults of a section with a bad value; `aitrail check` refuses a bad value):"
            policyLine += policy.warnings.map { "\n  \($0)" }.joined()
        }
        let installer = HookInstaller(repository: repository, binary: HookInstaller.currentBinary(argument0: CommandLine.arguments[0]))
        do {
            let directory = try installer.hooksDirectory()
            print("hooks: \(directory.path)" + (directory.inCommonDirectory ? "" : " (core.hooksPath)"))
            for hook in try installer.status(policy: policy) {
                let state: String
                switch hook.state {
                case .current: state = "aitrail (current)"
                case .stale: state = "aitrail (stale: run `aitrail install` to refresh it)"
                case .foreign: state = "another program's hook (not aitrail)"
                case .missing: state = "not installed"
                }
                let padded = hook.name + String(repeating: " ", count: max(1, 20 - hook.name.count))
                print("  \(padded)\(state)" + (hook.chained ? ", then-chained: \(hook.name).pre-aitrail runs first" : ""))
            }
            let rewrite = try repository.config().strings("notes.rewriteRef").contains(Ledger.ref)
            print("notes.rewriteRef: " + (rewrite ? "\(Ledger.ref) (amend and rebase carry the notes)" : "not set for \(Ledger.ref) (run `aitrail install`)"))
        } catch { throw HooksCLI.fail(error.message) }
        print("policy: \(policyLine)")

        var session: Session?
        do { session = try Session.load(commonDirectory: repository.commonDirectory) } catch { print("session: error: \(error.message)") }
        let decision = CommitTimeDetector(registry: policy.registry).decide(environment: Subprocess.currentEnvironment, session: session)
        print("session: " + (session.map { "\($0.agent)\($0.model.map { ":\($0)" } ?? "") until \($0.expires)" + (decision.sessionExpired ? " (expired)" : "") } ?? "none"))
        print("agent now: " + (decision.attribution.map { "\($0.agent)\($0.model.map { ":\($0)" } ?? "") (\($0.source.rawValue): \($0.marker))" } ?? "none"))

        do {
            let ledger = Ledger(repository: repository)
            var usage = 0, evidence = 0, other = 0, malformed = 0
            let notes = try ledger.notes()
            for note in notes {
                let parsed = CanonicalJSON.parseNote(try repository.noteText(blob: note.blob))
                malformed += parsed.malformed.count
                for record in parsed.records {
                    switch record {
                    case .usage: usage += 1
                    case .evidence: evidence += 1
                    case .other: other += 1
                    }
                }
            }
            var line = "notes: \(notes.count) commits in \(Ledger.ref) (\(usage) usage, \(evidence) evidence records"
            if other > 0 { line += ", \(other) of other types" }
            if malformed > 0 { line += ", \(malformed) malformed lines" }
            print(line + ")")
            for behind in try NotesFlow.behind(in: repository) {
                print("  \(behind.remote) has notes you lack (fetched into \(behind.ref)): the next agent commit, `aitrail log` or `aitrail sync \(behind.remote)` merges them")
            }
            let unfetched = try NotesFlow.remotesWithoutFetch(in: repository)
            if !unfetched.isEmpty {
                print("  `git fetch` does not bring the notes of \(unfetched.joined(separator: ", ")) (run `aitrail install`, or `aitrail sync`)")
            }
        } catch { throw HooksCLI.fail("cannot read \(Ledger.ref): \(error.message)") }
    }
}
