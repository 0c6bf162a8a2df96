import AITrailKit
import ArgumentParser
import Git

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "The review gate: AI-assisted changes need current, passing eval evidence.",
        discussion: """
        The range is the argument, else the CI's pull request (GitHub Actions, GitLab, Buildkite), else \
        AITRAIL_BASE..HEAD, else @{upstream}..HEAD. The policy is read from the merge base. \
        Exit 0: passed; 1: findings; 2: cannot decide (missing history, bad policy); 64: bad usage.
        """)

    @Argument(help: ArgumentHelp("The commits to check, e.g. origin/main..HEAD.", valueName: "range"))
    var range: String?

    @Option(help: "text, json, sarif, junit, github, gitlab or markdown.")
    var format: CheckFormat = .text

    @Option(help: "Write the report to this file instead of standard output.")
    var output: String?

    @Option(help: "The remote to fetch refs/notes/aitrail from when it is absent.")
    var remote: String = "origin"

    @Flag(help: "Do not fetch refs/notes/aitrail when it is absent.")
    var noFetch = false

    func run() throws {
        let repository = try EvidenceCLI.openRepository()
        let environment = Subprocess.currentEnvironment
        let report: CheckReport
        do {
            report = try Gate(repository: repository, environment: environment, fetchNotes: !noFetch, remote: remote)
                .run(range: range)
        } catch {
            EvidenceCLI.printError("cannot decide: \(error.message)")
            throw EvidenceCLI.fail("fix: \(error.fix)", code: 2)
        }
        let text = format.renderer.render(report)
        if let output {
            do { try FileSystem.writeAtomically(Array(text.utf8), to: output) } catch {
                throw EvidenceCLI.fail(error.message, code: 2)
            }
        } else {
            EvidenceCLI.write(text)
        }
        if format == .github, let summary = environment["GITHUB_STEP_SUMMARY"], !summary.isEmpty {
            appendSummary(CheckMarkdownRenderer().render(report), to: summary)
        }
        if !report.passed { throw ExitCode(1) }
    }

    private func appendSummary(_ text: String, to path: String) {
        let existing = (try? FileSystem.read(path)) ?? []
        do { try FileSystem.write(existing + Array(text.utf8), to: path) } catch {
            EvidenceCLI.printError("cannot write the job summary: \(error.message)")
        }
    }
}
