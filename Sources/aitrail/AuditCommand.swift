#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import AITrailKit
import ArgumentParser
import Git
import Synchronization

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Report AI adoption over history: who, which agent and model, how much, was it evaluated.",
        discussion: """
        Classifies every commit the revisions reach (default HEAD) from its trailers, footers, subject, \
        identities and notes (refs/notes/aitrail, git-ai's refs/notes/ai). Results are cached under \
        <git-common-dir>/aitrail/cache, so a repeat audit reads only new commits. See docs/audit.md.
        """)

    @Argument(help: ArgumentHelp("Revisions as git takes them: HEAD, main, A..B, A...B, ^A.", valueName: "revs"))
    var revisions: [String] = []

    @Flag(help: "Every branch, tag and remote (not notes or the stash), as git rev-list --all.")
    var all = false

    @Option(help: ArgumentHelp("Only commits committed at or after this date (YYYY-MM-DD, RFC 3339, @UNIX or 'N days ago').", valueName: "date"))
    var since: String?

    @Option(help: ArgumentHelp("Only commits committed at or before this date.", valueName: "date"))
    var until: String?

    @Flag(help: "Follow only the first parent of merges.")
    var firstParent = false

    @Flag(help: "Leave out commits by bot accounts ([bot] names, github-actions, release bots) that no agent marker makes AI.")
    var noBots = false

    @Flag(help: "Leave out merge commits.")
    var noMerges = false

    @OptionGroup var formatOption: FormatOption<AuditFormat>

    @Option(help: "Show one breakdown: author, agent, model, period or class (default: all; csv: period).")
    var by: AuditGrouping?

    @Option(help: "The trend's period: week, month or quarter.")
    var period: AuditPeriod = .month

    @Flag(help: "Count insertions and deletions by AI and by humans (a diff per commit: slower).")
    var lines = false

    @Option(help: "Worker threads (default: the number of cores).")
    var jobs: Int = AuditOptions.defaultJobs

    @Flag(help: "Neither read nor write the cache.")
    var noCache = false

    @OptionGroup var output: OutputOption

    @Flag(help: "Print what the scan did (commits walked, classified, cache state) on standard error.")
    var verbose = false

    @Flag(help: "Code share: the lines of the revision's tree (default HEAD) by origin, AI per agent and model or human (git blame per file).")
    var code = false

    @Option(help: "With --code: directory rows group paths by this many leading folders.")
    var depth = 1

    @Flag(help: "With --code: also the survival of the lines AI and human commits added (a diff per commit).")
    var survival = false

    func validate() throws {
        if jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if let since, Timestamp.parseDate(since) == nil { throw ValidationError("cannot read --since '\(since)': use YYYY-MM-DD, RFC 3339, @UNIX or 'N days ago'") }
        if let until, Timestamp.parseDate(until) == nil { throw ValidationError("cannot read --until '\(until)': use YYYY-MM-DD, RFC 3339, @UNIX or 'N days ago'") }
        if code || survival { try BlameCLI.validateCode(self) }
    }

    func run() throws {
        if code || survival { return try BlameCLI.codeShare(self) }
        let format = formatOption.format
        let repository = try Console.repository(verifyingPacks: true, prefix: "aitrail audit")
        let rewrites = repository.historyRewrites()
        if !rewrites.isEmpty {
            Console.printError("aitrail audit: notice: this repository has \(rewrites.joined(separator: " and ")), which `git log` "
                + "follows; the audit counts commits as stored, as `git --no-replace-objects log` does (without grafts)")
        }
        if let damage = repository.commitGraphDamage { Console.printError("aitrail audit: notice: \(damage)") }
        let policy: Policy
        do { policy = try PolicyLoader.load(workTreeOf: repository) } catch {
            throw Console.fail("\(error.message)", prefix: "aitrail audit")
        }
        // Unknown keys (a newer aitrail's, a typo, an `[include]`, never opened) are said, not fatal.
        for warning in policy.warnings { Console.printError("aitrail audit: notice: policy: \(warning)") }
        AuditRun.tuneLibgit2()
        let walk = WalkOptions(
            revisions: revisions, all: all, firstParent: firstParent,
            since: since.flatMap { Timestamp.parseDate($0) }, until: until.flatMap { Timestamp.parseDate($0) })
        let options = AuditOptions(walk: walk, lines: lines, jobs: jobs, useCache: !noCache, noBots: noBots, noMerges: noMerges)
        let progress = isatty(2) == 1 ? ProgressLine() : nil
        var report: (@Sendable (Int, Int) -> Void)?
        if let progress { report = { done, total in progress.update(done, total) } }
        let scanner = AuditScanner(repository: repository, classifier: policy.classifier, options: options, progress: report)
        let scan: AuditScan
        do { scan = try scanner.scan() } catch {
            progress?.clear()
            throw Console.fail(error.message, prefix: "aitrail audit")
        }
        progress?.clear()
        defer { scan.waitForCache() }
        if verbose { Console.printError("aitrail audit: " + AuditRun.statsLine(scan)) }
        let scope = AuditRun.scope(of: walk, in: repository, noBots: noBots, noMerges: noMerges, since: since, until: until)
        let auditReport = AuditReport(
            commits: scan.commits, repository: RepositoryName.of(repository), scope: scope, period: period,
            groupings: by.map { [$0] } ?? AuditGrouping.allCases, lines: lines, summarise: format.renderer.needsSummary,
            asOf: walk.until)
        if output.output == nil {
            // Streamed: a 100k-commit jsonl report is never held whole.
            format.renderer.render(auditReport) { Console.write($0, to: 1) }
        } else {
            try output.write(format.renderer.render(auditReport), prefix: "aitrail audit")
        }
    }
}


/// The audit's progress, redrawn in place on a terminal (`AuditProgress` says what).
final class ProgressLine: Sendable {
    private struct State {
        let started = ProgressLine.now()
        var lastDrawn = 0.0
        var drawn = false
    }

    private let state = Mutex(State())

    func update(_ done: Int, _ total: Int) {
        let now = ProgressLine.now()
        let line: String? = state.withLock { state in
            guard now - state.lastDrawn > 0.1 else { return nil }
            state.lastDrawn = now
            state.drawn = true
            return AuditProgress.line(done: done, total: total, elapsed: now - state.started)
        }
        if let line { Console.write(Array("\r\(line)   ".utf8), to: 2) }
    }

    func clear() {
        if state.withLock({ $0.drawn }) { Console.write(Array("\r\u{1B}[K".utf8), to: 2) }
    }

    private static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
