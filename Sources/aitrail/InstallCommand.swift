import AITrailKit
import ArgumentParser
import Git

struct InstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Install aitrail's git hooks in this repository (existing hooks are kept and chained).")

    @Flag(help: "Install even when core.hooksPath is set (the shims go into that folder).")
    var force = false

    func run() throws {
        let repository = try Console.repository()
        let policy = Console.hookPolicy(repository)
        let installer = HookInstaller(repository: repository, binary: HookInstaller.currentBinary(argument0: CommandLine.arguments[0]))
        do {
            for line in try installer.install(policy: policy, force: force) { print(line) }
        } catch { throw Console.fail(error.message) }
    }
}

struct UninstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "uninstall",
        abstract: "Remove aitrail's git hooks and restore the hooks that were there before.")

    func run() throws {
        let repository = try Console.repository()
        let installer = HookInstaller(repository: repository, binary: HookInstaller.currentBinary(argument0: CommandLine.arguments[0]))
        do {
            let done = try installer.uninstall()
            for line in done { print(line) }
            if done.isEmpty { print("no aitrail hooks were installed") }
        } catch { throw Console.fail(error.message) }
    }
}
