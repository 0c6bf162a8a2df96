#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import AITrailKit
import ArgumentParser
import Git

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

    @Option(help: "table, json, jsonl, csv, markdown or html.")
    var format: AuditFormat = .table

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

    @Option(help: ArgumentHelp("Write the report to this file instead of standard output.", valueName: "file"))
    var output: String?

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
        if let since, DateArgument.parse(since) == nil { throw ValidationError("cannot read --since '\(since)': use YYYY-MM-DD, RFC 3339, @UNIX or 'N days ago'") }
        if let until, DateArgument.parse(until) == nil { throw ValidationError("cannot read --until '\(until)': use YYYY-MM-DD, RFC 3339, @UNIX or 'N days ago'") }
        if code || survival { try BlameCLI.validateCode(self) }
    }

    func run() throws {
        if code || survival { return try BlameCLI.codeShare(self) }
        let repository: Repository
        do {
            repository = try Repository(discovering: nil)
            try repository.verifyPackIndexes()
        } catch {
            throw AuditCLI.fail(error.message, code: 2)
        }
        let rewrites = repository.historyRewrites()
        if !rewrites.isEmpty {
            AuditCLI.printError("aitrail audit: notice: this repository has \(rewrites.joined(separator: " and ")), which `git log` "
                + "follows; the audit counts commits as stored, as `git --no-replace-objects log` does (without grafts)")
        }
        if let damage = GraphWalk.damageNotice(in: repository) { AuditCLI.printError("aitrail audit: notice: \(damage)") }
        let policy: Policy
        do { policy = try PolicyLoader.load(workTreeOf: repository) } catch {
            throw AuditCLI.fail("\(error.message)", code: 2)
        }
        // Unknown keys (a newer aitrail's, a typo, an `[include]`, never opened) are said, not fatal.
        for warning in policy.warnings { AuditCLI.printError("aitrail audit: notice: policy: \(warning)") }
        // Each commit is read once: a worker's object cache would only hold memory.
        Libgit2.setObjectCacheLimit(bytes: 4 << 20)
        Libgit2.setReadVerification(false)
        let walk = WalkOptions(
            revisions: revisions, all: all, firstParent: firstParent,
            since: since.flatMap(DateArgument.parse), until: until.flatMap(DateArgument.parse))
        let options = AuditOptions(walk: walk, lines: lines, jobs: jobs, useCache: !noCache, noBots: noBots, noMerges: noMerges)
        let progress = isatty(2) == 1 ? ProgressLine() : nil
        var report: (@Sendable (Int, Int) -> Void)?
        if let progress { report = { done, total in progress.update(done, total) } }
        let scanner = AuditScanner(repository: repository, classifier: policy.classifier, options: options, progress: report)
        let scan: AuditScan
        do { scan = try scanner.scan() } catch {
            progress?.clear()
            throw AuditCLI.fail(error.description, code: 2)
        }
        progress?.clear()
        defer { scan.waitForCache() }
        if verbose {
            let stats = scan.stats
            AuditCLI.printError("aitrail audit: \(stats.walked) commits walked (\(stats.method)), \(stats.classified) classified, \(scan.commits.count) reported, cache \(stats.cache)")
        }
        let head = repository.headReferenceName()
        let detached = head == nil ? (try? repository.head())?.map { String($0.hex.prefix(7)) } : nil
        let scope = AuditScope.describe(
            walk: walk, head: head.map { $0.hasPrefix("refs/heads/") ? String($0.dropFirst(11)) : $0 }, detachedAt: detached ?? nil,
            noBots: noBots, noMerges: noMerges, since: since, until: until)
        let auditReport = AuditReport(
            commits: scan.commits, repository: RepositoryName.of(repository), scope: scope, period: period,
            groupings: by.map { [$0] } ?? AuditGrouping.allCases, lines: lines, summarise: format.renderer.needsSummary,
            asOf: walk.until)
        if let output {
            do { try FileSystem.writeAtomically(format.renderer.render(auditReport), to: output) } catch {
                throw AuditCLI.fail(error.message, code: 2)
            }
        } else {
            format.renderer.render(auditReport) { AuditCLI.write($0, to: 1) }
        }
    }
}

extension AuditFormat: ExpressibleByArgument {}
extension AuditGrouping: ExpressibleByArgument {}
extension AuditPeriod: ExpressibleByArgument {}

enum AuditCLI {
    static func printError(_ message: String) {
        write(Array((message + "\n").utf8), to: 2)
    }

    /// Writes all of `bytes` to a file descriptor (a closed pipe ends the output quietly).
    static func write(_ bytes: [UInt8], to descriptor: Int32) {
        bytes.withUnsafeBytes { write($0, to: descriptor) }
    }

    static func write(_ buffer: UnsafeRawBufferPointer, to descriptor: Int32) {
        var offset = 0
        while offset < buffer.count {
            let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { return }
            offset += written
        }
    }

    static func fail(_ message: String, code: Int32) -> ExitCode {
        printError("aitrail audit: \(message)")
        return ExitCode(code)
    }
}

/// `--since`/`--until` values: `YYYY-MM-DD` (UTC midnight), RFC 3339, `@<seconds>`, `N <unit>s ago`.
enum DateArgument {
    static func parse(_ text: String) -> Int64? {
        let trimmed = text.trimmingCharacters(in: " ")
        if trimmed.hasPrefix("@") { return Int64(trimmed.dropFirst()) }
        if let exact = Timestamp.parse(trimmed) { return exact }
        if trimmed.utf8.count == 10, let day = Timestamp.parse(trimmed + "T00:00:00Z") { return day }
        let words = trimmed.lowercased().split(separator: " ")
        if words.count == 3, words[2] == "ago", let count = Int64(words[0]) {
            var unit = String(words[1])
            if unit.hasSuffix("s") { unit.removeLast() }
            let seconds: [String: Int64] = ["second": 1, "minute": 60, "hour": 3600, "day": 86_400, "week": 604_800,
                                             "month": 2_592_000, "year": 31_536_000]
            if let size = seconds[unit] { return Timestamp.now() - count * size }
        }
        return nil
    }
}

extension String {
    fileprivate func trimmingCharacters(in character: Character) -> String {
        var slice = self[...]
        while slice.first == character { slice = slice.dropFirst() }
        while slice.last == character { slice = slice.dropLast() }
        return String(slice)
    }
}

/// `audit: 12,000 of 100,000 commits · 45,000/s · 2s left`, redrawn in place on a terminal.
final class ProgressLine: @unchecked Sendable {
    // Updated only from the scan's first worker; cleared from the main thread after the scan.
    private var started = ProgressLine.now()
    private var lastDrawn = 0.0
    private var drawn = false

    func update(_ done: Int, _ total: Int) {
        let now = ProgressLine.now()
        guard now - lastDrawn > 0.1 else { return }
        lastDrawn = now
        let elapsed = max(now - started, 0.001)
        let rate = Double(done) / elapsed
        let left = rate > 0 ? Int((Double(total - done) / rate).rounded(.up)) : 0
        AuditCLI.write(Array("\raudit: \(done) of \(total) commits · \(Int(rate))/s · \(left)s left   ".utf8), to: 2)
        drawn = true
    }

    func clear() {
        if drawn { AuditCLI.write(Array("\r\u{1B}[K".utf8), to: 2) }
    }

    private static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
