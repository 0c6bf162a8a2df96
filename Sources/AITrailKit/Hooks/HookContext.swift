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

    /// The work tree root: hooks run there; `GIT_WORK_TREE` when git says otherwise.
    public var workTree: String {
        environment["GIT_WORK_TREE"] ?? FileSystem.currentDirectory()
    }

    private var loadedPolicy: Policy?
    /// The policy in the work tree (`.aitrail`), or the defaults. Read from disk, no repository needed.
    public func policy() throws(PolicyError) -> Policy {
        if let loadedPolicy { return loadedPolicy }
        let path = workTree + "/" + PolicyLoader.fileName
        let policy = FileSystem.exists(path) ? try PolicyLoader.load(path: path, displayName: PolicyLoader.fileName) : .defaults
        loadedPolicy = policy
        return policy
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
        let session = try Session.load(commonDirectory: commonDirectory())
        return CommitTimeDetector(registry: try policy().registry).decide(environment: environment, session: session)
    }

    /// The marker a commit hook leaves for post-commit: "this commit had AI assistance".
    func aiCommitMarker() throws(GitError) -> String { try gitDirectory() + "/aitrail/ai-commit" }

    /// The message prepare-commit-msg checked and found valid (see PrepareCommitMsgHook).
    func validatedMessagePath() throws(GitError) -> String { try gitDirectory() + "/aitrail/validated-message" }

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
