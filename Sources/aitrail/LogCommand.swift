import AITrailKit
import ArgumentParser
import Git

struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "List the usage and evidence records noted on commits.")

    enum Format: String, ReportFormat { case text, json }

    @Argument(help: "Revisions or a range, as git takes them (default: HEAD).")
    var revisions: [String] = []

    @OptionGroup var format: FormatOption<Format>

    func run() throws {
        let repository = try Console.repository()
        // Notes `git fetch` brought since are merged in first (NotesFlow), so the log shows them.
        do { try NotesFlow.takeIn(repository: repository) } catch {
            Console.printError("aitrail: warning: the fetched notes were not merged: \(error.message) (run `aitrail sync`)")
        }
        let entries: [LedgerEntry]
        do { entries = try Ledger(repository: repository).entries(revisions: revisions) } catch { throw Console.fail(error.message) }
        for entry in entries {
            for line in entry.malformed {
                Console.printError("aitrail: note on \(entry.commit.short), line \(line.line): \(line.problem) (kept as is)")
            }
        }
        switch format.format {
        case .json: print(LedgerEntry.json(entries))
        case .text:
            for entry in entries {
                for record in entry.records { print("\(entry.commit.short) \(record.logLine)") }
            }
        }
    }
}
