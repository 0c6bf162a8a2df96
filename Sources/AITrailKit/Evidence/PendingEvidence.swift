import Git
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Evidence recorded on a work tree that is not committed yet. Each record waits as one file,
/// `<git-dir>/aitrail/pending/<tree>-<random>.json`, until the post-commit hook finds the commit
/// with that tree, for at most `maximumAge`: a tree not committed by then was left behind.
public enum PendingEvidence {
    /// How long a record waits for its commit before the post-commit hook deletes it: 30 days.
    public static let maximumAge: Int64 = 30 * 86_400

    public static func directory(of repository: Repository) -> String {
        repository.gitDirectory + "/aitrail/pending"
    }

    /// Saves a record to wait for its commit; returns the file's path.
    public static func save(_ record: EvidenceRecord, in repository: Repository) throws(AITrailError) -> String {
        let folder = directory(of: repository)
        let path = "\(folder)/\(record.tree)-\(UInt32.random(in: 0...UInt32.max)).json"
        do {
            try FileSystem.makeDirectories(folder)
            try FileSystem.writeAtomically(Array((CanonicalJSON.line(.evidence(record)) + "\n").utf8), to: path)
        } catch {
            throw AITrailError.evidence("cannot save pending evidence: \(error.message)")
        }
        return path
    }

    /// Pending records and their files; files that are not records are left alone and skipped.
    public static func records(in repository: Repository) -> [(path: String, record: EvidenceRecord)] {
        let folder = directory(of: repository)
        return FileSystem.contents(ofDirectory: folder).filter { $0.hasSuffix(".json") }.sorted().compactMap { name in
            let path = folder + "/" + name
            guard let bytes = try? FileSystem.read(path),
                  let record = CanonicalJSON.parseNote(String(decoding: bytes, as: UTF8.self)).records.first?.evidence
            else { return nil }
            return (path, record)
        }
    }

    /// Moves the pending records whose tree is `commit`'s tree into the commit's note and deletes
    /// their files, and deletes records older than `maximumAge` (as of `now`) that wait for other
    /// trees. Called by the post-commit hook; returns how many records landed.
    @discardableResult
    public static func attach(toCommit commit: ObjectID, repository: Repository, now: Int64 = Timestamp.now()) throws(AITrailError) -> Int {
        let tree: String
        do { tree = try repository.commit(commit).treeID.hex } catch {
            throw AITrailError.evidence("cannot read commit \(commit.short): \(error.message)")
        }
        let pending = records(in: repository)
        for entry in pending where entry.record.tree != tree {
            if let at = Timestamp.parse(entry.record.at), now - at > maximumAge { unlink(entry.path) }
        }
        let matching = pending.filter { $0.record.tree == tree }
        guard !matching.isEmpty else { return 0 }
        do {
            try Ledger(repository: repository).append(
                matching.map { .evidence($0.record) }, to: commit, message: "aitrail: evidence for \(commit.short)")
        } catch {
            throw AITrailError.evidence("cannot write the evidence note on \(commit.short): \(error.message)")
        }
        for entry in matching { unlink(entry.path) }
        return matching.count
    }
}
