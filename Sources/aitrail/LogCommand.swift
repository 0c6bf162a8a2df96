import AITrailKit
import ArgumentParser
import Git

struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "List the usage and evidence records noted on commits.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Argument(help: "Revisions or a range, as git takes them (default: HEAD).")
    var revisions: [String] = []

    @Option(help: "text or json.")
    var format: Format = .text

    func run() throws {
        let repository = try HooksCLI.repository()
        // Notes `git fetch` brought since are merged in first (NotesFlow), so the log shows them.
        do { try NotesFlow.takeIn(repository: repository) } catch {
            HooksCLI.printError("aitrail: warning: the fetched notes were not merged: \(error.message) (run `aitrail sync`)")
        }
        let entries: [LedgerEntry]
        do { entries = try Ledger(repository: repository).entries(revisions: revisions) } catch { throw HooksCLI.fail(error.message) }
        for entry in entries {
            for line in entry.malformed {
                HooksCLI.printError("aitrail: note on \(entry.commit.short), line \(line.line): \(line.problem) (kept as is)")
            }
        }
        switch format {
        case .json:
            let lines = entries.flatMap { entry in
                entry.records.map { "{\"commit\":\"\(entry.commit.hex)\",\"record\":\(CanonicalJSON.line($0))}" }
            }
            print(lines.isEmpty ? "[]" : "[\n" + lines.joined(separator: ",\n") + "\n]")
        case .text:
            for entry in entries {
                for record in entry.records { print("\(entry.commit.short) \(Self.describe(record))") }
            }
        }
    }

    static func describe(_ record: LedgerRecord) -> String {
        switch record {
        case .usage(let usage):
            let agent = AssistedBy(agent: usage.agent, model: usage.model, tools: usage.tools).value
            return "usage     \(agent) (\(usage.source)) \(usage.files) files +\(usage.insertions) -\(usage.deletions) at \(usage.at)"
                + carried(usage.carried)
        case .evidence(let evidence):
            return "evidence  \(evidence.kind.rawValue) \(evidence.passed ? "passed" : "failed") tree \(evidence.tree.prefix(7))"
                + (evidence.name.map { " \($0)" } ?? "") + " at \(evidence.at)" + (evidence.by.map { " by \($0)" } ?? "")
                + carried(evidence.carried)
        case .other(let type, _):
            return "\(type) (a record type this aitrail does not know)"
        }
    }

    private static func carried(_ mark: CarriedFrom?) -> String { mark.map { ", carried from \($0.from.prefix(7))" } ?? "" }
}
