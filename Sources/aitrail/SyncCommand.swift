import AITrailKit
import ArgumentParser
import Git

struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Merge the remote's aitrail notes into yours and push the union (never a forced update).")

    @Argument(help: "The remote (default: origin, or the only remote).")
    var remote: String?

    func run() throws {
        let repository = try HooksCLI.repository()
        do {
            let name: String
            if let remote { name = remote } else { name = try NotesSync.defaultRemote(in: repository) }
            let outcome = try NotesSync(repository: repository, remote: name).run()
            switch (outcome.merged, outcome.pushed) {
            case (false, false): print("notes already in sync with \(name)")
            case (true, false): print("took in the notes from \(name)")
            case (false, true): print("pushed the notes to \(name)")
            case (true, true): print("merged the notes from \(name) and pushed the union")
            }
        } catch { throw HooksCLI.fail(error.message) }
    }
}
