#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Git

/// What a hook run knows about where it runs. Everything is read on first use, so a hook that
/// decides early never opens the repository or reads the policy.
public final class HookContext {
    public let environment: [String: String]
    /// Where messages go (stderr in the CLI; a buffer in tests).
    public let report: (String) -> Void

    public init(environment: [String: String], report: @escaping (String) -> Void) {
        self.environment = environment
        self.report = report
    }

    private var openedRepository: Repository?
    /// The repository, opened the way git's environment for a hook describes it.
    public func repository() throws(GitError) -> Repository {
        if let openedRepository { return openedRepository }
        let repository = try Repository(discovering: nil)
        openedRepository = repository
        return repository
    }

    private var headCommit: ObjectID??
    /// HEAD's commit (nil when unborn), read once per hook run: the hooks never move HEAD.
    func head() throws(GitError) -> ObjectID? {
        if let headCommit { return headCommit }
        let head = try repository().head()
        headCommit = .some(head)
        return head
    }

    /// The work tree root: hooks run there; `GIT_WORK_TREE` when git says otherwise.
    public var workTree: String {
        environment["GIT_WORK_TREE"] ?? FileSystem.currentDirectory()
    }

    private var loadedPolicy: Policy?
    /// The policy in the work tree (`.aitrail`), or the defaults. Read from disk, no repository needed.
    /// Never an error: what cannot be read is in its `warnings` and its section takes the defaults
    /// (`PolicyLoader.loadForHooks`), so a broken policy never stops tagging.
    public func policy() -> Policy {
        if let loadedPolicy { return loadedPolicy }
        let path = policyPath
        let policy = FileSystem.exists(path) ? PolicyLoader.loadForHooks(path: path) : .defaults
        loadedPolicy = policy
        return policy
    }

    var policyPath: String { workTree + "/" + PolicyLoader.fileName }

    private var builtClassifier: Classifier?
    /// The policy's classifier, built once per hook run (building one costs more than reading a message).
    func classifier() -> Classifier {
        if let builtClassifier { return builtClassifier }
        let classifier = policy().classifier
        builtClassifier = classifier
        return classifier
    }

    /// Says, one line each, what of the policy and the environment was ignored. prepare-commit-msg
    /// calls it, so each is said once per commit rather than once per hook.
    func reportIgnored(_ decision: CommitTimeDecision) {
        for line in policy().warnings + decision.ignored { report("aitrail: warning: \(line)") }
    }

    /// `<common-dir>/aitrail/policy-seen`: the shim starts aitrail whenever `.aitrail` is newer (a
    /// changed policy may declare agents or a trailer key the shim does not test).
    func policySeenPath() throws(GitError) -> String { try commonDirectory() + "/aitrail/policy-seen" }

    /// After a hook run started by a shim whose tests are `shimDigest`: when the policy asks the shim
    /// for nothing new, notes that the policy was seen, so the shim decides human commits alone again.
    /// When it does ask for more, the note is not written: aitrail keeps deciding until `aitrail
    /// install` rewrites the shims (`aitrail status` calls them stale).
    func notePolicySeen(shimDigest: String) {
        let policyPath = self.policyPath
        guard let policyTime = FileSystem.modificationTime(policyPath), let seen = try? policySeenPath() else { return }
        // Whole seconds, as a shell whose `test -nt` reads seconds sees them.
        if let seenTime = FileSystem.modificationTime(seen), seenTime > policyTime { return }
        guard HookShim(policy: policy(), binary: "").digest == shimDigest else { return }
        try? FileSystem.makeDirectories(seen.dropLastPathComponent)
        try? FileSystem.writeAtomically(Array("\(shimDigest)\n".utf8), to: seen)
    }

    /// `<git-common-dir>`, as the shim passed it, else from the repository.
    public func commonDirectory() throws(GitError) -> String {
        if let passed = environment["AITRAIL_COMMON_DIR"], !passed.isEmpty { return passed }
        return try repository().commonDirectory
    }

    /// This worktree's git dir, as the shim passed it, else from the repository.
    public func gitDirectory() throws(GitError) -> String {
        if let passed = environment["AITRAIL_GIT_DIR"], !passed.isEmpty { return passed }
        return try repository().gitDirectory
    }

    /// The commit-time decision: environment markers, then the declared session.
    public func decision() throws -> CommitTimeDecision {
        if let decided { return decided }
        // A session file that cannot be read is ignored with a warning: it never stops the
        // environment's agent from being tagged.
        var unreadable: String?
        let session: Session?
        do { session = try Session.load(commonDirectory: commonDirectory()) } catch let error as AITrailError {
            session = nil
            unreadable = error.message
        }
        var decision = CommitTimeDetector(registry: policy().registry).decide(environment: environment, session: session)
        if let unreadable { decision.ignored.append(unreadable) }
        decided = decision
        return decision
    }
    private var decided: CommitTimeDecision?

    /// The marker a commit hook leaves for post-commit: "this commit had AI assistance".
    func aiCommitMarker() throws(GitError) -> String { try gitDirectory() + "/aitrail/ai-commit" }

    /// The message prepare-commit-msg checked and found valid (see PrepareCommitMsgHook).
    func validatedMessagePath() throws(GitError) -> String { try gitDirectory() + "/aitrail/validated-message" }

    /// The trailer value prepare-commit-msg wrote: commit-msg validates what people and agents
    /// typed, never what aitrail wrote itself.
    func writtenTagPath() throws(GitError) -> String { try gitDirectory() + "/aitrail/written-tag" }

    /// Writes a file prepare-commit-msg hands to the next hooks of the same commit (`nil`: nothing to
    /// hand). Its first line is the id of the git process whose hooks these are (`AITRAIL_GIT_PID`, the
    /// shim's `$PPID`), so what an earlier commit left is nothing to this one's readers: the file is
    /// overwritten in place by each commit, never removed (a file made and removed per commit cost
    /// ~0.1 ms each of ext4's inode allocation), and git's `index.lock` keeps two commits of one
    /// worktree from running these hooks at once.
    func handOff(_ bytes: [UInt8]?, at path: String) throws(GitError) {
        let content = Array(((environment["AITRAIL_GIT_PID"] ?? "") + "\n").utf8) + (bytes ?? [])
        if !FileSystem.exists(path) { try FileSystem.makeDirectories(path.dropLastPathComponent) }
        try FileSystem.overwrite(content, at: path)
    }

    /// What this commit's prepare-commit-msg handed off at `path`; nil when it handed nothing, or the
    /// file is another git process's (or the hook runs without a shim to say which git process it serves).
    func handedOff(_ path: String) -> [UInt8]? {
        guard let owner = environment["AITRAIL_GIT_PID"], !owner.isEmpty, let bytes = try? FileSystem.read(path),
              let newline = bytes.firstIndex(of: 0x0A), bytes[..<newline].elementsEqual(owner.utf8), newline + 1 < bytes.count else {
            return nil
        }
        return Array(bytes[(newline + 1)...])
    }

    /// Whether post-commit needs the `ai-commit` marker to know this commit had AI assistance: not when
    /// the environment says so, which post-commit reads the same (git runs all hooks of a commit in
    /// one environment); when only the message's trailers say so, or a session (which may end meanwhile).
    func needsAICommitMarker(_ decision: CommitTimeDecision, found: [Attribution]) -> Bool {
        guard let attribution = decision.attribution else { return !found.isEmpty }
        return attribution.source != .env
    }

    func leaveAICommitMarker() throws(GitError) {
        let marker = try aiCommitMarker()
        if FileSystem.exists(marker) { return }
        try FileSystem.makeDirectories(try gitDirectory() + "/aitrail")
        try FileSystem.write(Array("1\n".utf8), to: marker)
    }

    /// True while `git rebase` replays commits: git carries their notes itself (notes.rewriteRef).
    func isRebasing() throws(GitError) -> Bool {
        let gitDirectory = try gitDirectory()
        return FileSystem.isDirectory(gitDirectory + "/rebase-merge") || FileSystem.isDirectory(gitDirectory + "/rebase-apply")
    }
}

extension String {
    var dropLastPathComponent: String {
        guard let slash = lastIndex(of: "/") else { return "." }
        return String(self[..<slash])
    }
}
