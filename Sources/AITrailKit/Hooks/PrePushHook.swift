#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Git

/// `pre-push <remote> <url>`: when local notes changed since the last sync with this remote, syncs
/// them (SPEC §5), so usage reaches the remote with a plain `git push`. Never blocks the push, and
/// pushes nothing for `git push --dry-run`.
struct PrePushHook {
    let context: HookContext

    func run(_ arguments: [String]) -> Int32 {
        // The pre-commit framework passes the remote in its environment instead. When pushing to a
        // URL or path rather than a named remote, git passes that as the remote.
        guard let remote = arguments.first ?? context.environment["PRE_COMMIT_REMOTE_NAME"], !remote.isEmpty else { return 0 }
        if PushCommand.isDryRun() { return 0 }
        do {
            let repository = try context.repository()
            guard let local = try repository.referenceTarget(Ledger.ref) else { return 0 }
            if try repository.referenceTarget(NotesSync.trackingRef(remote)) == local { return 0 }
            _ = try NotesSync(repository: repository, remote: remote).run()
        } catch {
            context.report("aitrail: notes not synced with \(remote): \(HookRunner.describe(error)) (the push goes on; run `aitrail sync \(remote)` later)")
        }
        return 0
    }
}

/// The `git push` this hook runs for. git runs pre-push for `git push --dry-run` too and does not
/// tell the hook, so the command line of the `git push` process is read among the hook's
/// ancestors (the shim, a hook manager's dispatcher, then git). Linux only (`/proc`); elsewhere a
/// dry run is not recognised.
enum PushCommand {
    static func isDryRun() -> Bool {
        var pid = getppid()
        for _ in 0..<8 where pid > 1 {
            guard let arguments = commandLine(of: pid) else { return false }
            if let push = pushArguments(arguments) { return isDryRun(push) }
            guard let parent = parent(of: pid) else { return false }
            pid = parent
        }
        return false
    }

    /// The arguments after `push` when `arguments` is a `git push` command line.
    static func pushArguments(_ arguments: [String]) -> [String]? {
        guard let program = arguments.first, program == "git" || program.hasSuffix("/git") else { return nil }
        var index = 1
        while index < arguments.count {
            let argument = arguments[index]
            if ["-c", "-C", "--git-dir", "--work-tree", "--namespace", "--config-env", "--super-prefix"].contains(argument) {
                index += 2
                continue
            }
            if argument.hasPrefix("-") {
                index += 1
                continue
            }
            return argument == "push" ? Array(arguments[(index + 1)...]) : nil
        }
        return nil
    }

    /// `--dry-run`, or `-n` alone or among short options (`-fn`), before `--`.
    static func isDryRun(_ pushArguments: [String]) -> Bool {
        for argument in pushArguments {
            if argument == "--" { return false }
            if argument == "--dry-run" { return true }
            guard argument.hasPrefix("-"), !argument.hasPrefix("--") else { continue }
            for option in argument.dropFirst() {
                if option == "n" { return true }
                if option == "o" { break }  // -o<push-option>: the rest is its value
            }
        }
        return false
    }

    private static func commandLine(of pid: pid_t) -> [String]? {
        guard let bytes = try? FileSystem.read("/proc/\(pid)/cmdline"), !bytes.isEmpty else { return nil }
        return bytes.split(separator: 0, omittingEmptySubsequences: false).dropLast().map { String(decoding: $0, as: UTF8.self) }
    }

    private static func parent(of pid: pid_t) -> pid_t? {
        guard let bytes = try? FileSystem.read("/proc/\(pid)/stat"), let close = bytes.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        // "<pid> (<comm>) <state> <ppid> …": the name may hold spaces and parentheses, so read after the last ')'.
        let fields = bytes[(close + 1)...].split(separator: UInt8(ascii: " "))
        guard fields.count > 1 else { return nil }
        return pid_t(String(decoding: fields[1], as: UTF8.self))
    }
}
