#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Git

/// `aitrail install | uninstall` and the hook part of `aitrail status` (SPEC §10).
public struct HookInstaller {
    public enum State: String, Sendable {
        /// No hook of that name.
        case missing
        /// aitrail's shim, as `install` would write it now.
        case current
        /// aitrail's shim, written for another binary, registry or policy: re-run `aitrail install`.
        case stale
        /// Some other program's hook.
        case foreign
    }

    public struct HookStatus: Sendable {
        public let name: String
        public let path: String
        public let state: State
        /// A pre-existing hook kept as `<hook>.pre-aitrail` and run first.
        public let chained: Bool

        /// `aitrail status`'s line for the hook: its name, whose it is, and what runs before it.
        public var statusLine: String {
            let owner: String
            switch state {
            case .current: owner = "aitrail (current)"
            case .stale: owner = "aitrail (stale: run `aitrail install` to refresh it)"
            case .foreign: owner = "another program's hook (not aitrail)"
            case .missing: owner = "not installed"
            }
            let padded = name + String(repeating: " ", count: max(1, 20 - name.count))
            return padded + owner + (chained ? ", then-chained: \(name).pre-aitrail runs first" : "")
        }
    }

    /// `aitrail detect`'s word on the installed hooks: whether a commit made now goes through them.
    public func tagLine(policy: Policy) -> String {
        guard let hooks = try? status(policy: policy) else { return "cannot read the hooks folder" }
        let tagging = hooks.filter { $0.name == "prepare-commit-msg" || $0.name == "post-commit" }
        if tagging.allSatisfy({ $0.state == .missing || $0.state == .foreign }) {
            return "aitrail's hooks are not installed here, so nothing is tagged (run `aitrail install`, or call `aitrail hook` from your hook manager)"
        }
        if hooks.contains(where: { $0.state == .stale }) {
            return "installed for another policy or binary: aitrail reads .aitrail itself whenever it changed, so the above holds (`aitrail install` refreshes them)"
        }
        return "installed and current: a commit made now is handled as above"
    }

    public let repository: Repository
    /// The aitrail binary the shims run.
    public let binary: String

    public init(repository: Repository, binary: String) {
        self.repository = repository
        self.binary = binary
    }

    /// The value `install` adds to `notes.rewriteRef`, so amend and rebase carry the notes.
    public static let rewriteRef = Ledger.ref

    /// `core.hooksPath`, when set.
    public func configuredHooksPath() throws(GitError) -> String? {
        guard let value = try repository.config().string("core.hooksPath"), !value.isEmpty else { return nil }
        return value
    }

    /// Where the hooks go: `core.hooksPath` (relative to the work tree) or `<git-common-dir>/hooks`.
    public func hooksDirectory() throws(GitError) -> (path: String, inCommonDirectory: Bool) {
        guard let configured = try configuredHooksPath() else { return (repository.commonDirectory + "/hooks", true) }
        var path = configured
        if path.hasPrefix("~/"), let home = FileSystem.environment("HOME") { path = home + path.dropFirst() }
        if !path.hasPrefix("/") { path = (repository.workDirectory ?? repository.commonDirectory) + "/" + path }
        return (path, false)
    }

    func shim(policy: Policy, inCommonDirectory: Bool) -> HookShim {
        HookShim(policy: policy, binary: binary, inCommonDirectory: inCommonDirectory)
    }

    /// Installs the shims. Refuses when `core.hooksPath` is set unless `force`. Returns what it did, one line each.
    public func install(policy: Policy, force: Bool) throws(AITrailError) -> [String] {
        guard !repository.isBare else { throw AITrailError.hook("\(repository.gitDirectory) is a bare repository: nobody commits there (run `aitrail install` in a clone)") }
        let directory: (path: String, inCommonDirectory: Bool)
        do {
            if !force, let configured = try configuredHooksPath() {
                throw AITrailError.hook(HookManager.detect(workTree: repository.workDirectory ?? "", hooksPath: configured).refusal(hooksPath: configured))
            }
            directory = try hooksDirectory()
            try FileSystem.makeDirectories(directory.path)
        } catch let error as AITrailError { throw error } catch { throw AITrailError.hook(HookRunner.describe(error)) }

        let shim = shim(policy: policy, inCommonDirectory: directory.inCommonDirectory)
        var done: [String] = []
        for name in HookShim.hookNames {
            let path = directory.path + "/" + name
            let chained = path + HookShim.chainedSuffix
            let content = shim.render(hook: name)
            switch state(of: path, expected: content) {
            case .current:
                done.append("\(name): up to date")
                continue
            case .stale, .missing:
                break
            case .foreign:
                if FileSystem.exists(chained) {
                    throw AITrailError.hook("\(path) is not aitrail's and \(chained) exists already: move one of them away, then run `aitrail install` again")
                }
                do { try FileSystem.move(path, to: chained) } catch { throw AITrailError.hook(error.message) }
            }
            do {
                try FileSystem.writeAtomically(Array(content.utf8), to: path)
                try FileSystem.setMode(path, 0o755)
            } catch { throw AITrailError.hook(error.message) }
            done.append("\(name): installed" + (FileSystem.exists(chained) ? " (runs the previous hook first: \(name)\(HookShim.chainedSuffix))" : ""))
        }
        // The shims test what this policy declares: it has been seen (see the shim's policy test).
        let seen = repository.commonDirectory + "/aitrail/policy-seen"
        do {
            try FileSystem.makeDirectories(repository.commonDirectory + "/aitrail")
            try FileSystem.writeAtomically(Array("\(shim.digest)\n".utf8), to: seen)
        } catch { throw AITrailError.hook("cannot write \(seen): \(error.message)") }
        done += try HookInstaller.configureNotes(repository)
        return done
    }

    /// What install sets besides the hooks, one line each: `notes.rewriteRef`, so amend and rebase
    /// carry the notes, and a fetch refspec per remote, so `git fetch` brings the remote's notes
    /// (`NotesFlow`).
    public static func configureNotes(_ repository: Repository) throws(AITrailError) -> [String] {
        var done: [String] = []
        do {
            let config = try repository.config()
            if try !config.strings("notes.rewriteRef").contains(HookInstaller.rewriteRef) {
                try config.add("notes.rewriteRef", value: HookInstaller.rewriteRef)
            }
        } catch { throw AITrailError.hook("cannot set notes.rewriteRef: \(error.message)") }
        done.append("notes.rewriteRef = \(HookInstaller.rewriteRef): amend and rebase carry the notes")
        do {
            _ = try NotesFlow.configureFetch(in: repository)
            let remotes = try NotesFlow.remotes(of: repository)
            if remotes.isEmpty {
                done.append("notes fetch: no remote yet (run `aitrail install` again after `git remote add`, so `git fetch` brings the notes)")
            }
            for remote in remotes {
                done.append("remote.\(remote).fetch += \(NotesFlow.fetchRefspec(remote: remote)): `git fetch` brings the notes, the next hook or command merges them")
            }
        } catch { throw AITrailError.hook("cannot set the notes fetch refspec: \(error.message)") }
        return done
    }

    /// Removes the shims and puts back what install kept. Returns what it did, one line each.
    public func uninstall() throws(AITrailError) -> [String] {
        let directory: String
        do { directory = try hooksDirectory().path } catch { throw AITrailError.hook(error.message) }
        var done: [String] = []
        for name in HookShim.hookNames {
            let path = directory + "/" + name
            let chained = path + HookShim.chainedSuffix
            let isShim = HookInstaller.isShim(path)
            if !isShim {
                if FileSystem.exists(path) && FileSystem.exists(chained) {
                    done.append("\(name): left alone (not aitrail's); the hook aitrail kept is still \(chained)")
                }
                continue
            }
            FileSystem.remove(path)
            if FileSystem.exists(chained) {
                do { try FileSystem.move(chained, to: path) } catch { throw AITrailError.hook(error.message) }
                done.append("\(name): removed, previous hook restored")
            } else {
                done.append("\(name): removed")
            }
        }
        do { try repository.config().remove("notes.rewriteRef", value: HookInstaller.rewriteRef) } catch {
            throw AITrailError.hook("cannot unset notes.rewriteRef: \(error.message)")
        }
        do {
            for remote in try NotesFlow.remotes(of: repository) {
                try repository.config().remove("remote.\(remote).fetch", value: NotesFlow.fetchRefspec(remote: remote))
            }
        } catch { throw AITrailError.hook("cannot remove the notes fetch refspec: \(error.message)") }
        let state = repository.commonDirectory + "/aitrail/"
        for name in HookShim.hookNames { FileSystem.remove(state + "chained/" + name) }
        FileSystem.remove(state + "policy-seen")
        FileSystem.remove(state + "notes-taken-in")
        return done
    }

    public func status(policy: Policy) throws(GitError) -> [HookStatus] {
        let directory = try hooksDirectory()
        let shim = shim(policy: policy, inCommonDirectory: directory.inCommonDirectory)
        return HookShim.hookNames.map { name in
            let path = directory.path + "/" + name
            return HookStatus(name: name, path: path, state: state(of: path, expected: shim.render(hook: name)),
                              chained: FileSystem.exists(path + HookShim.chainedSuffix))
        }
    }

    func state(of path: String, expected: String) -> State {
        guard FileSystem.exists(path) || FileSystem.isSymbolicLink(path) else { return .missing }
        guard HookInstaller.isShim(path) else { return .foreign }
        return (try? FileSystem.read(path)) == Array(expected.utf8) ? .current : .stale
    }

    /// True for a file whose header names it an aitrail shim.
    static func isShim(_ path: String) -> Bool {
        guard !FileSystem.isSymbolicLink(path), let bytes = try? FileSystem.read(path) else { return false }
        return String(decoding: bytes.prefix(200), as: UTF8.self).contains(HookShim.signature)
    }

    /// The absolute path of the running aitrail binary, for the shims; `aitrail` (on PATH) when unknown.
    public static func currentBinary(argument0: String) -> String {
        #if os(Linux)
        if let resolved = FileSystem.realPath("/proc/self/exe") { return resolved }
        #endif
        if argument0.contains("/"), let resolved = FileSystem.realPath(argument0) { return resolved }
        return "aitrail"
    }
}

/// Hook managers that own `core.hooksPath`, and how to add aitrail to each.
public enum HookManager: String, Sendable {
    case husky, lefthook, preCommit = "pre-commit", other

    /// The manager `core.hooksPath` belongs to, when it is recognised: husky by its folder
    /// (`.husky/_` since v9, `.husky` before) or its dispatcher files; lefthook and pre-commit by
    /// their configuration. A `.husky` folder elsewhere in the tree does not make `.githooks` husky's.
    public static func detect(workTree: String, hooksPath: String) -> HookManager {
        var path = Substring(hooksPath)
        while path.count > 1 && path.hasSuffix("/") { path = path.dropLast() }
        let directory = hooksPath.hasPrefix("/") ? hooksPath : workTree + "/" + hooksPath
        let huskyFolder = path == ".husky" || path.hasSuffix("/.husky") || path.hasSuffix(".husky/_")
        let huskyDispatcher = (path == "_" || path.hasSuffix("/_")) && FileSystem.exists(directory + "/h")
        if huskyFolder || huskyDispatcher || FileSystem.exists(directory + "/_/husky.sh") { return .husky }
        if hooksPath.contains("lefthook") || ["lefthook.yml", ".lefthook.yml", "lefthook.yaml", ".lefthook.yaml"]
            .contains(where: { FileSystem.exists(workTree + "/" + $0) }) { return .lefthook }
        if FileSystem.exists(workTree + "/.pre-commit-config.yaml") { return .preCommit }
        return .other
    }

    func refusal(hooksPath: String) -> String {
        let head = "core.hooksPath is set (\(hooksPath))"
        switch self {
        case .husky:
            return "\(head), so husky runs the hooks. Add aitrail to husky instead:\n\(HookManager.huskySnippet)\nor run `aitrail install --force` to write aitrail's shims into \(hooksPath)."
        case .lefthook:
            return "\(head), so lefthook runs the hooks. Add this to lefthook.yml:\n\(HookManager.lefthookSnippet)\nor run `aitrail install --force` to write aitrail's shims into \(hooksPath)."
        case .preCommit:
            return "\(head). Add this to .pre-commit-config.yaml:\n\(HookManager.preCommitSnippet)\nor run `aitrail install --force` to write aitrail's shims into \(hooksPath)."
        case .other:
            return "\(head), so another tool owns the hooks. Call aitrail from each of them:\n\(HookManager.genericSnippet)\nor run `aitrail install --force` to write aitrail's shims into \(hooksPath)."
        }
    }

    /// What `aitrail install` would set besides the hooks, for every recipe: without
    /// `notes.rewriteRef` a rebase or an amend loses the notes.
    static let notesSnippet = """
        and once per clone (what `aitrail install` sets besides the hooks):
          git config --add notes.rewriteRef refs/notes/aitrail
          git config --add remote.origin.fetch '+refs/notes/aitrail:refs/notes/remotes/origin/aitrail'
        """

    static let huskySnippet = """
          echo 'aitrail hook prepare-commit-msg "$@"' >> .husky/prepare-commit-msg
          echo 'aitrail hook commit-msg "$@"' >> .husky/commit-msg
          echo 'aitrail hook post-commit "$@"' >> .husky/post-commit
          echo 'aitrail hook pre-push "$@"' >> .husky/pre-push
        \(notesSnippet)
        """

    static let lefthookSnippet = """
          prepare-commit-msg:
            commands:
              aitrail:
                run: aitrail hook prepare-commit-msg {1} {2} {3}
          commit-msg:
            commands:
              aitrail:
                run: aitrail hook commit-msg {1}
          post-commit:
            commands:
              aitrail:
                run: aitrail hook post-commit
          pre-push:
            commands:
              aitrail:
                run: aitrail hook pre-push {1} {2}
        \(notesSnippet)
        """

    static let preCommitSnippet = """
          - repo: local
            hooks:
              - {id: aitrail-prepare-commit-msg, name: aitrail tag, entry: aitrail hook prepare-commit-msg, language: system, stages: [prepare-commit-msg]}
              - {id: aitrail-commit-msg, name: aitrail check message, entry: aitrail hook commit-msg, language: system, stages: [commit-msg]}
              - {id: aitrail-post-commit, name: aitrail usage note, entry: aitrail hook post-commit, language: system, stages: [post-commit], always_run: true, pass_filenames: false}
              - {id: aitrail-pre-push, name: aitrail sync notes, entry: aitrail hook pre-push, language: system, stages: [pre-push], always_run: true, pass_filenames: false}
        then: pre-commit install --hook-type prepare-commit-msg --hook-type commit-msg --hook-type post-commit --hook-type pre-push
        \(notesSnippet)
        """

    static let genericSnippet = """
          prepare-commit-msg:  aitrail hook prepare-commit-msg "$@"
          commit-msg:          aitrail hook commit-msg "$@"
          post-commit:         aitrail hook post-commit
          pre-push:            aitrail hook pre-push "$@"
        \(notesSnippet)
        """
}
