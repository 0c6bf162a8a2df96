// The first benchmark of the Git layer: walk history, read every commit's message and parse its
#if canImport(Glibc)
import Glibc
#endif
// trailers, as the audit must. Compared by scripts/bench.d/walk against `git log --format=%H%x00%B`.
import Git

let arguments = Array(CommandLine.arguments.dropFirst())
guard let path = arguments.first else {
    print("usage: aitrail-walk-bench REPO [REVISION…]")
    exit(64)
}
do {
    let repository = try Repository(discovering: path)
    // One pass over history reads no object twice: libgit2's object cache would only cost time.
    Libgit2.setObjectCaching(false)
    if getenv("VERIFY") == nil { Libgit2.setReadVerification(false) }
    let revisions = arguments.dropFirst().isEmpty ? ["HEAD"] : Array(arguments.dropFirst())
    var commits = 0, trailers = 0, bytes = 0
    if revisions.contains(where: { $0.hasPrefix("^") || $0.contains("..") }) {
        // Ranges go through libgit2's walk, which knows how to hide.
        for id in try RevisionWalk(repository, options: WalkOptions(revisions: revisions)).ids() {
            let message = try repository.commit(id).messageBytes
            bytes += message.count
            trailers += Trailers.parse(message).count
            commits += 1
        }
    } else {
        let tips = try revisions.map { (revision) throws(GitError) -> ObjectID in try repository.resolveCommit(revision) }
        if let ids = try GraphWalk.commits(repository, tips: tips) {
            // A commit-graph gives the walk without reading objects; then each commit is read once.
            for id in ids {
                let message = Array(try repository.rawCommit(id).messageBytes)
                bytes += message.count
                trailers += Trailers.parse(message).count
                commits += 1
            }
        } else {
            let scan = try CommitScan(repository, tips: tips)
            for commit in scan {
                let message = Array(commit.messageBytes)
                bytes += message.count
                trailers += Trailers.parse(message).count
                commits += 1
            }
            if let error = scan.error { throw error }
        }
    }
    print("\(commits) commits, \(trailers) trailers, \(bytes) message bytes")
} catch {
    print("aitrail-walk-bench: \(error)")
    exit(2)
}
