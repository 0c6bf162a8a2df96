import AITrailKit
import ArgumentParser
import Git

struct BlameCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blame",
        abstract: "Show every line of a file with the commit git blame gives, its author and its AI attribution.",
        discussion: """
        The commit of each line is git's own (git blame --porcelain, default options, renames followed); \
        its attribution is the audit's classification of that commit, refined line by line where git-ai's \
        notes (refs/notes/ai) attest lines. The revision defaults to HEAD. See docs/audit.md.
        """)

    @Argument(help: ArgumentHelp("[<rev>] <path>: the revision (default HEAD) and the file, relative to this directory.", valueName: "rev-and-path"))
    var arguments: [String] = []

    @OptionGroup var formatOption: FormatOption<BlameFormat>

    @Option(help: "Worker threads classifying history (default: the number of cores).")
    var jobs: Int = AuditOptions.defaultJobs

    @Flag(help: "Neither read nor write the audit cache.")
    var noCache = false

    func validate() throws {
        if arguments.isEmpty { throw ValidationError("give the file to blame: aitrail blame [<rev>] [--] <path>") }
        if arguments.count > 2 { throw ValidationError("give one revision and one path: aitrail blame [<rev>] [--] <path>") }
        if jobs < 1 { throw ValidationError("--jobs must be at least 1") }
    }

    func run() throws {
        let repository = try Console.repository(prefix: "aitrail blame")
        let policy: Policy
        do { policy = try PolicyLoader.load(workTreeOf: repository) } catch {
            throw Console.fail(error.message, prefix: "aitrail blame")
        }
        let revision = arguments.count == 2 ? arguments[0] : "HEAD"
        let report: BlameReport
        do {
            report = try BlameReport.make(repository: repository, classifier: policy.classifier, revision: revision,
                                          path: arguments.last!, jobs: jobs, useCache: !noCache)
        } catch {
            throw Console.fail(error.message, prefix: "aitrail blame")
        }
        Console.write(formatOption.format.render(report), to: 1)
    }
}

extension BlameFormat: ReportFormat {}

/// `aitrail audit --code`: the code share of a revision's tree (and, with `--survival`, survival).
enum BlameCLI {
    static func codeShare(_ audit: AuditCommand) throws {
        let repository = try Console.repository(prefix: "aitrail audit")
        let policy: Policy
        do { policy = try PolicyLoader.load(workTreeOf: repository) } catch {
            throw Console.fail(error.message, prefix: "aitrail audit")
        }
        let options = CodeShareOptions(revision: audit.revisions.first ?? "HEAD", depth: audit.depth, jobs: audit.jobs,
                                       useCache: !audit.noCache, survival: audit.survival, period: audit.period)
        let report: CodeShareReport
        do { report = try CodeShareScanner(repository: repository, classifier: policy.classifier, options: options).scan() } catch {
            throw Console.fail(error.message, prefix: "aitrail audit")
        }
        if audit.verbose {
            Console.printError("aitrail audit: \(report.stats.blamed) files blamed, \(report.stats.reused) from the cache, cache \(report.stats.cache)"
                + (report.stats.attributesFromCache ? ", attributes from the cache" : ""))
        }
        try audit.output.write(audit.formatOption.format.renderCodeShare(report), prefix: "aitrail audit")
    }

    /// Options of the commit audit that mean nothing for a tree's lines.
    static func validateCode(_ audit: AuditCommand) throws {
        if audit.revisions.count > 1 || audit.revisions.first.map({ $0.contains("..") || $0.hasPrefix("^") }) == true {
            throw ValidationError("--code measures one revision's tree: give one revision (default HEAD), not a range")
        }
        let unsupported = [("--all", audit.all), ("--since", audit.since != nil), ("--until", audit.until != nil),
                           ("--first-parent", audit.firstParent), ("--by", audit.by != nil), ("--lines", audit.lines),
                           ("--no-bots", audit.noBots), ("--no-merges", audit.noMerges)].filter(\.1).map(\.0)
        if !unsupported.isEmpty {
            throw ValidationError("\(unsupported.joined(separator: ", ")) cannot be used with --code (it measures one tree); drop \(unsupported.count == 1 ? "it" : "them")")
        }
        if audit.depth < 1 { throw ValidationError("--depth must be at least 1") }
    }
}
