import AITrailKit
import ArgumentParser
import Git

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Record eval evidence bound to the exact tree it evaluated.",
        subcommands: [EvalRunCommand.self, EvalAttachCommand.self, EvalListCommand.self])
}

struct EvalRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a command on the work tree and record its outcome as evidence.",
        discussion: """
        The evidence is bound to the tree the command ran on: HEAD's tree when tracked files are clean, \
        else the tree of the working files. It attaches to HEAD, or waits until you commit that tree. \
        Exits with the command's status.
        """)

    @Option(help: "A name for this evaluation (e.g. unit, evals).")
    var name: String?

    @Option(help: ArgumentHelp("A JUnit XML report the command writes; its counts are recorded.", valueName: "path"))
    var junit: String?

    @Argument(parsing: .postTerminator, help: ArgumentHelp("The command, after `--`.", valueName: "command"))
    var command: [String] = []

    func validate() throws {
        if command.isEmpty { throw ValidationError("give the command after `--`, e.g. aitrail eval run -- swift test") }
    }

    func run() throws {
        let repository = try Console.repository(verifyingPacks: true)
        let outcome: EvalRun.Outcome
        do {
            outcome = try EvalRun(command: command, name: name, junitPath: junit, environment: Subprocess.currentEnvironment)
                .run(in: repository)
        } catch {
            throw Console.fail(error)
        }
        if let problem = outcome.reportProblem { Console.printError("aitrail: \(problem)") }
        Console.printError("aitrail: " + outcome.summary)
        if outcome.status != 0 { throw ExitCode(outcome.status) }
    }
}

struct EvalAttachCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach",
        abstract: "Import results from any harness (JUnit XML, SARIF, or JSON) as evidence for a commit.",
        discussion: """
        JSON form: {"passed": true|false, "summary": {"tests": N, "failures": N, "errors": N, "skipped": N}, "name": "…"}. \
        SARIF: results with level error are failures.
        """)

    @Option(help: "junit, sarif or json.")
    var kind: EvidenceKind

    @Argument(help: ArgumentHelp("The report file.", valueName: "file"))
    var file: String

    @Option(help: ArgumentHelp("The commit whose tree was evaluated.", valueName: "rev"))
    var commit: String = "HEAD"

    func validate() throws {
        guard [.junit, .sarif, .json].contains(kind) else {
            throw ValidationError("--kind must be junit, sarif or json (use `aitrail eval run` for commands, `aitrail review approve` for reviews)")
        }
    }

    func run() throws {
        let repository = try Console.repository(verifyingPacks: true)
        let target = try Console.resolve(commit, in: repository)
        do {
            let record = try EvidenceImport.attach(
                kind: kind, file: file, to: target, in: repository, environment: Subprocess.currentEnvironment)
            Console.write("attached to \(target.short): \(record.summaryLine)\n")
        } catch {
            throw Console.fail(error.message)
        }
    }
}

struct EvalListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Show a commit's evidence and whether each record is current for its tree.")

    @Argument(help: ArgumentHelp("The commit (default HEAD).", valueName: "rev"))
    var revision: String = "HEAD"

    func run() throws {
        let repository = try Console.repository(verifyingPacks: true)
        let target = try Console.resolve(revision, in: repository)
        let policy: Policy
        do { policy = try PolicyLoader.load(workTreeOf: repository) } catch { throw Console.fail(error.message) }
        let listing: CommitEvidence
        do {
            listing = try CommitEvidence.read(target, in: repository, policy: policy, environment: Subprocess.currentEnvironment)
        } catch {
            throw Console.fail(error.message)
        }
        let malformed = listing.malformed
        let out = listing.listing(of: target, pending: PendingEvidence.records(in: repository).map(\.record))
        Console.write(out)
        if !malformed.isEmpty {
            for line in malformed {
                Console.printError("aitrail: error: the note on \(target.short) line \(line.line) is not an aitrail record (\(line.problem)): \(line.text.prefix(80))")
            }
            throw Console.fail("fix or remove those lines: git notes --ref=aitrail edit \(target.short)")
        }
    }
}

struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Record human reviews as evidence.",
        subcommands: [ReviewApproveCommand.self])
}

struct ReviewApproveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve",
        abstract: "Record that you reviewed a commit's tree (your git identity is the reviewer).")

    @Argument(help: ArgumentHelp("The commit reviewed (default HEAD).", valueName: "rev"))
    var revision: String = "HEAD"

    @Option(help: "A note to keep with the review.")
    var note: String?

    func run() throws {
        let repository = try Console.repository(verifyingPacks: true)
        let target = try Console.resolve(revision, in: repository)
        do {
            let record = try EvidenceImport.approve(commit: target, note: note, in: repository, environment: Subprocess.currentEnvironment)
            Console.write("review of \(target.short) (tree \(record.tree.prefix(7))) recorded by \(record.by ?? "")\n")
        } catch {
            throw Console.fail(error.message)
        }
    }
}
