import AITrailKit
import ArgumentParser
import Git

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "The review gate: AI-assisted changes need current, passing eval evidence.",
        discussion: """
        The range is the argument (A..B, or A...B for the symmetric difference), else the CI's event \
        (GitHub pull request, merge queue or push; GitLab merge request; Buildkite), else AITRAIL_BASE..HEAD, \
        else the default branch: origin/HEAD..HEAD. An empty range is exit 2 unless --allow-empty. \
        The policy is read from the target branch's tip. \
        Exit 0: passed; 1: findings; 2: cannot decide (missing history, bad policy, empty range); 64: bad usage.
        """)

    @Argument(help: ArgumentHelp("The commits to check, e.g. origin/main..HEAD.", valueName: "range"))
    var range: String?

    @OptionGroup var format: FormatOption<CheckFormat>

    @OptionGroup var output: OutputOption

    @Option(help: "The remote to fetch refs/notes/aitrail from when it is absent.")
    var remote: String = "origin"

    @Flag(help: "Do not fetch refs/notes/aitrail when it is absent.")
    var noFetch = false

    @Flag(help: "Pass a range without commits (by default it cannot be judged: exit 2).")
    var allowEmpty = false

    @Flag(help: ArgumentHelp("When the head's tree lacks acceptable evidence, run the command after `--` on it, count its result and record it.", valueName: "eval"))
    var eval = false

    @Option(help: "The name of the evidence --eval records (e.g. unit).")
    var evalName: String?

    @Argument(parsing: .postTerminator, help: ArgumentHelp("With --eval: the test command, after `--`.", valueName: "command"))
    var command: [String] = []

    func validate() throws {
        if eval && command.isEmpty { throw ValidationError("--eval needs the command after `--`, e.g. aitrail check --eval -- swift test") }
        if !eval && !command.isEmpty { throw ValidationError("a command after `--` runs only with --eval: aitrail check --eval -- \(command.joined(separator: " "))") }
    }

    func run() throws {
        let repository = try Console.repository(verifyingPacks: true)
        let environment = Subprocess.currentEnvironment
        let report: CheckReport
        do {
            report = try Gate(repository: repository, environment: environment, fetchNotes: !noFetch, remote: remote,
                              allowEmpty: allowEmpty, evalCommand: eval ? command : nil, evalName: evalName)
                .run(range: range)
        } catch {
            throw Console.fail(error)
        }
        try output.write(Array(format.format.renderer.render(report).utf8))
        if format.format == .github {
            do { try CheckGitHubRenderer.appendSummary(report, environment: environment) } catch {
                Console.printError("aitrail: cannot write the job summary: \(error.message)")
            }
        }
        if !report.passed { throw ExitCode(1) }
    }
}
