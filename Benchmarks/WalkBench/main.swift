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
    let walk = try RevisionWalk(repository, options: WalkOptions(revisions: Array(arguments.dropFirst())))
    var commits = 0, trailers = 0, bytes = 0
    for id in walk {
        let commit = try repository.commit(id)
        let message = commit.messageBytes
        bytes += message.count
        trailers += Trailers.parse(message).count
        commits += 1
    }
    print("\(commits) commits, \(trailers) trailers, \(bytes) message bytes")
} catch {
    print("aitrail-walk-bench: \(error)")
    exit(2)
}
