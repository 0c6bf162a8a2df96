import AITrailKit
import ArgumentParser
import Git

extension AITrail {
    /// `aitrail hook <name> …` runs on every commit an agent makes, so it skips argument parsing;
    /// everything else goes through ArgumentParser.
    static func main() {
        let arguments = CommandLine.arguments
        if arguments.count >= 3, arguments[1] == "hook", HookShim.hookNames.contains(arguments[2]) {
            let status = HookRunner.run(
                arguments[2], arguments: Array(arguments.dropFirst(3)), environment: Subprocess.currentEnvironment,
                report: Console.printError)
            Console.terminate(status)
        }
        main(nil)
    }
}

/// `aitrail hook`: documented here for `--help`; the shims' calls are dispatched before parsing.
struct HookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hook",
        abstract: "Run one of aitrail's git hooks (the installed shims call this).",
        discussion: "Hooks: \(HookShim.hookNames.joined(separator: ", ")). AITRAIL=0 skips them all.")

    @Argument(help: "The hook: prepare-commit-msg, commit-msg, post-commit or pre-push.")
    var name: String

    @Argument(parsing: .captureForPassthrough, help: "The arguments git gave the hook.")
    var arguments: [String] = []

    func run() throws {
        throw ValidationError("unknown hook '\(name)' (known: \(HookShim.hookNames.joined(separator: ", ")))")
    }
}
