#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import AITrailKit
import AITrailStore
import ArgumentParser
import Foundation

/// The organisation store's commands. A separate executable from `aitrail`, which execs it for
/// `aitrail publish` and `aitrail report`: the hooks never load the database client libraries.
@main
struct AITrailStoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aitrail",
        abstract: "aitrail's organisation store (aitrail-store): publish audit records to a database, report over all of them.",
        version: AITrailVersion.string,
        subcommands: [PublishCommand.self, ReportCommand.self]
    )
}

/// `--db`: where the store is.
struct DatabaseOption: ParsableArguments {
    @Option(help: ArgumentHelp(
        "sqlite:<path> or postgres://user@host/database (default: $AITRAIL_DB, else sqlite:~/.local/share/aitrail/store.db).",
        valueName: "url"))
    var db: String?

    func url() throws(StoreError) -> StoreURL {
        if let db { return try StoreURL(db) }
        if let fromEnvironment = ProcessInfo.processInfo.environment[StoreURL.environmentVariable], !fromEnvironment.isEmpty {
            return try StoreURL(fromEnvironment)
        }
        let environment = ProcessInfo.processInfo.environment
        let data = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (environment["HOME"] ?? ".") + "/.local/share"
        let folder = data + "/aitrail"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return .sqlite(path: folder + "/store.db")
    }
}

enum StoreCLI {
    static func printError(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    static func fail(_ command: String, _ error: StoreError) -> ExitCode {
        printError("aitrail \(command): \(error.message)")
        return ExitCode(error.exitCode)
    }
}

struct PublishCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Store this repository's per-commit audit records in a database (SQLite or PostgreSQL).",
        discussion: """
        Idempotent and incremental: records are keyed by repository and commit, and only commits not \
        published yet are classified and sent. Commits a force push removed from the branch are kept and \
        marked unreachable. See docs/store.md.
        """)

    @OptionGroup var database: DatabaseOption

    @Argument(help: ArgumentHelp("The revision to publish (default HEAD: the branch checked out).", valueName: "rev"))
    var revision: String = "HEAD"

    @Option(name: .customLong("repo-id"), help: ArgumentHelp(
        "The repository's name in the store (default: the origin remote's URL, normalised: host/owner/name).", valueName: "name"))
    var repoID: String?

    @Option(help: ArgumentHelp("Publish many clones: a folder of clones, or a file listing their paths.", valueName: "folder|file"))
    var repos: String?

    @Option(help: "Repositories published at once with --repos (default: the number of cores).")
    var jobs: Int = AuditOptions.defaultJobs

    @Flag(help: "Print only errors and notices.")
    var quiet = false

    func validate() throws {
        if jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if repos != nil && repoID != nil { throw ValidationError("--repo-id names one repository: it cannot go with --repos") }
        if repos != nil && revision != "HEAD" { throw ValidationError("--repos publishes each clone's HEAD: give no revision") }
    }

    func run() throws {
        do throws(StoreError) {
            let url = try database.url()
            if let repos {
                try publishMany(repos, url: url)
                return
            }
            let connection = try DatabaseConnector.open(url)
            let result = try Publisher(repositoryPath: FileManager.default.currentDirectoryPath, repositoryID: repoID,
                                       revision: revision, jobs: jobs).publish(into: connection)
            for notice in result.notices { StoreCLI.printError("aitrail publish: notice: \(notice)") }
            if !quiet { print("aitrail publish: \(result.summary) → \(url.display)") }
        } catch {
            throw StoreCLI.fail("publish", error)
        }
    }

    private func publishMany(_ argument: String, url: StoreURL) throws(StoreError) {
        let paths = try RepositorySet.paths(argument)
        // Created or migrated once, before the workers start.
        try Schema.prepare(DatabaseConnector.open(url))
        let terminal = isatty(2) == 1
        var progress: (@Sendable (Int, Int) -> Void)?
        if terminal {
            progress = { done, total in FileHandle.standardError.write(Data("\rpublish: \(done) of \(total) repositories   ".utf8)) }
        }
        let results = RepositorySet.publish(paths, into: url, jobs: jobs, progress: progress)
        if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        var failed = 0, stored = 0
        for (path, result) in zip(paths, results) {
            switch result {
            case .success(let published):
                stored += published.stored
                for notice in published.notices { StoreCLI.printError("aitrail publish: notice: \(path): \(notice)") }
                if !quiet { print("aitrail publish: \(published.summary)") }
            case .failure(let error):
                failed += 1
                StoreCLI.printError("aitrail publish: \(path): \(error.message)")
            }
        }
        if !quiet { print("aitrail publish: \(paths.count - failed) of \(paths.count) repositories published, \(stored) new commits → \(url.display)") }
        if failed > 0 {
            throw StoreError("\(failed) of \(paths.count) repositories failed (above); the others are stored: fix them and run again")
        }
    }
}

extension OrgFormat: ExpressibleByArgument {}
extension OrgGrouping: ExpressibleByArgument {}
extension AuditPeriod: ExpressibleByArgument {}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Report AI adoption over every repository in the store.",
        discussion: "Reachable commits only (force-pushed ones left out). Teams come from --teams (PATTERN = TEAM lines). See docs/store.md.")

    @OptionGroup var database: DatabaseOption

    @Option(help: "table, json, csv, markdown or html.")
    var format: OrgFormat = .table

    @Option(help: "Show one breakdown: repo, team, agent, model, author or period (default: repo, team with --teams, agent, model, period).")
    var by: OrgGrouping?

    @Option(help: ArgumentHelp("Only commits authored at or after this date (YYYY-MM-DD, RFC 3339, @UNIX or 'N days ago').", valueName: "date"))
    var since: String?

    @Option(help: "The trend's period: week, month or quarter.")
    var period: AuditPeriod = .month

    @Option(help: ArgumentHelp("A team map: lines of PATTERN = TEAM (docs/store.md).", valueName: "file"))
    var teams: String?

    @Option(help: ArgumentHelp("Write the report to this file instead of standard output.", valueName: "file"))
    var output: String?

    func validate() throws {
        if let since, Timestamp.parseDate(since) == nil { throw ValidationError("cannot read --since '\(since)': use YYYY-MM-DD, RFC 3339, @UNIX or 'N days ago'") }
        if by == .team && teams == nil { throw ValidationError("--by team needs --teams FILE (lines of PATTERN = TEAM, docs/store.md)") }
    }

    func run() throws {
        do throws(StoreError) {
            let url = try database.url()
            if case .sqlite(let path) = url, !FileManager.default.fileExists(atPath: path) {
                throw StoreError("no store at '\(path)': publish into it first (aitrail publish --db \(url.display))")
            }
            let teamMap = try teams.map { path throws(StoreError) in try TeamMap(path: path) }
            let connection = try DatabaseConnector.open(url)
            // A report creates nothing (its user may only read): an empty database is an error.
            if try Schema.version(of: connection) == 0 {
                throw StoreError("no aitrail records in \(url.display): publish into it first (aitrail publish --db …)")
            }
            try Schema.prepare(connection)
            let sinceTime = since.flatMap { Timestamp.parseDate($0) }
            let commits = try CommitStore(database: connection).commits(since: sinceTime)
            let groupings: [OrgGrouping] = by.map { [$0] } ?? OrgGrouping.allCases.filter { $0 != .author && ($0 != .team || teamMap != nil) }
            let report = OrgReport(commits: commits, teams: teamMap, groupings: groupings, period: period, since: sinceTime)
            let text = format.renderer.render(report)
            if let output {
                do { try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic) } catch {
                    throw StoreError("cannot write '\(output)': \(error.localizedDescription)")
                }
            } else {
                FileHandle.standardOutput.write(Data(text.utf8))
            }
        } catch {
            throw StoreCLI.fail("report", error)
        }
    }
}
