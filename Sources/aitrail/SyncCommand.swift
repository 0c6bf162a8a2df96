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
        let repository = try Console.repository()
        do {
            let name: String
            if let remote { name = remote } else { name = try NotesSync.defaultRemote(in: repository) }
            print(try NotesSync(repository: repository, remote: name).run().describe(remote: name))
        } catch { throw Console.fail(error.message) }
    }
}
