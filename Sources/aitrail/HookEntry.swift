#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
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
                report: HooksCLI.printError)
            HooksCLI.terminate(status)
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

/// Output and exit helpers shared by the hook, install, status, session, log and sync commands.
enum HooksCLI {
    static func printError(_ message: String) {
        let line = Array((message.hasSuffix("\n") ? message : message + "\n").utf8)
        _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }

    static func terminate(_ status: Int32) -> Never { exit(status) }

    /// Prints `aitrail: <message>` and exits with `code` (2: cannot decide).
    static func fail(_ message: String, code: Int32 = 2) -> ExitCode {
        printError("aitrail: \(message)")
        return ExitCode(code)
    }

    /// The repository around the current directory, or exit 2 with the fix.
    static func repository() throws -> Repository {
        do { return try Repository(discovering: nil) } catch { throw fail(error.message) }
    }

    /// The work tree's policy as the hooks read it (`PolicyLoader.loadForHooks`): what cannot be
    /// read is printed as a warning, and its section takes the defaults.
    static func hookPolicy(_ repository: Repository) -> Policy {
        guard let root = repository.workDirectory, FileSystem.exists(root + "/" + PolicyLoader.fileName) else { return .defaults }
        let policy = PolicyLoader.loadForHooks(path: root + "/" + PolicyLoader.fileName)
        for warning in policy.warnings { printError("aitrail: warning: \(warning)") }
        return policy
    }
}
