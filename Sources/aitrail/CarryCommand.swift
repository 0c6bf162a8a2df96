import AITrailKit
import ArgumentParser
import Git

struct CarryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "carry",
        abstract: "Copy the usage and evidence records of merged commits onto the squash or rebase commits that replaced them.",
        discussion: """
        aitrail carry <commits…> <onto>: the records of <commits> (commits or ranges such as main..feature) \
        go onto <onto>, marked "carried", union-merged into its note (running it again adds nothing). \
        When <onto> is a range (a rebase merge), or with --rebase, each commit goes onto its rebased \
        copy: matched by patch id, then by author and message, then by order. \
        --from-ci finds the commits from the CI event (a merged GitHub pull request, a push to the default \
        branch, a GitLab default-branch pipeline), fetches the notes and pushes the result.
        """)

    @Argument(help: ArgumentHelp("The replaced commits (or ranges), then the commit (or range) that replaced them.", valueName: "commits"))
    var commits: [String] = []

    @Flag(help: "A rebase merge: <onto> is the tip of the rebased commits; pair each commit with its copy.")
    var rebase = false

    @Flag(name: .customLong("from-ci"), help: "Find the merged pull request from the CI event, and sync the notes with the remote.")
    var fromCI = false

    @Option(help: "With --from-ci: the remote to fetch pull request refs and notes from (default: origin, or the only remote).")
    var remote: String?

    @Flag(help: "With --from-ci: neither fetch nor push the notes.")
    var noSync = false

    func validate() throws {
        if fromCI {
            guard commits.isEmpty else { throw ValidationError("--from-ci finds the commits itself: pass no commits") }
            if rebase { throw ValidationError("--from-ci tells a rebase merge from a squash itself: drop --rebase") }
        } else {
            guard commits.count >= 2 else {
                throw ValidationError("name the replaced commits and the commit that replaced them, e.g. `aitrail carry main..feature main`, or use --from-ci")
            }
            if remote != nil || noSync { throw ValidationError("--remote and --no-sync go with --from-ci") }
        }
    }

    func run() throws {
        let repository = try Console.repository(verifyingPacks: true)
        let carry = Carry(ledger: Ledger(repository: repository))
        if fromCI {
            try runFromCI(carry, repository: repository)
            return
        }
        let plan: Carry.Plan
        do { plan = try carry.plan(from: Array(commits.dropLast()), onto: commits.last!, rebase: rebase) } catch {
            throw Console.fail(error)
        }
        try write(plan, with: carry)
    }

    private func write(_ plan: Carry.Plan, with carry: Carry) throws {
        let written: [Carry.Written]
        do { written = try carry.apply(plan) } catch {
            throw Console.fail("cannot write the notes: \(error.message)")
        }
        Console.write(Carry.describe(plan, written))
    }

    /// Fetches the notes, finds the merge in the CI event, carries, and pushes the notes (fast-forward).
    private func runFromCI(_ carry: Carry, repository: Repository) throws {
        var remoteName = remote ?? ""
        if remote == nil {
            do { remoteName = try NotesSync.defaultRemote(in: repository) } catch { throw Console.fail(error.message) }
        }
        if !noSync { try sync(repository, remoteName) }
        let found: CIMergePlan
        do {
            found = try CIMergeFinder(carry: carry, environment: Subprocess.currentEnvironment, remote: remoteName).find()
        } catch {
            throw Console.fail(error)
        }
        Console.write(found.found.joined(separator: "\n") + "\n")
        if found.plan.moves.isEmpty && found.plan.unmatched.isEmpty { return }
        try write(found.plan, with: carry)
        if !noSync { try sync(repository, remoteName) }
    }

    private func sync(_ repository: Repository, _ remote: String) throws {
        do { _ = try NotesSync(repository: repository, remote: remote).run() } catch {
            throw Console.fail("cannot sync the notes with \(remote): \(error.message) (the job needs permission to push refs/notes/aitrail, e.g. `permissions: contents: write`)")
        }
    }
}
