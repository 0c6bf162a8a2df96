import Git

/// One file of a tree as the code share knows it: its blob, whether it is binary, and (for text)
/// the blame ranges at the revision the entry was computed at.
struct BlamedFile: Sendable {
    var path: String
    var blob: ObjectID
    /// Binary by content (a NUL in the first 8,000 bytes, git's test): not blamed, ranges empty.
    var binary: Bool
    /// The `diff` attribute unset (`-diff`, `binary`): not blamed either.
    var noDiff = false
    /// `linguist-generated`.
    var generated = false
    var ranges: [BlameRange]
}

/// The code share's cache, `<git-common-dir>/aitrail/cache/blame`: the blamed files of the last few
/// revisions a share was computed at. A file's blame at a revision R is reused at a descendant D when
/// R is on D's first-parent chain and no first-parent step from R to D changed the path: every
/// commit in between then has the same blob at that path as its first parent, so git's blame passes
/// the whole file to the first parent at each step and ends at R's answer (see docs/audit.md).
///
/// Layout: magic, format version, snapshot count; per snapshot the commit, its attribute key, the
/// file count and the files (path, blob, flags: binary, -diff, generated; ranges with their commit and original path from per-snapshot
/// tables); an xxHash64 of everything before it (`AuditCache.checksum`). A bad checksum or any
/// malformed byte makes the whole file ignored and rewritten. Written to a temporary file and renamed,
/// so concurrent runs never see half a file (the last writer wins).
struct BlameCache: Sendable {
    static let magic = Array("AITRAIL-BLAME-CACHE\n".utf8)
    static let formatVersion: UInt32 = 2
    static let maxSnapshots = 4

    struct Snapshot: Sendable {
        var commit: ObjectID
        /// `TreeFiles.attributeKey` of the tree: equal keys let the files' attribute flags be reused.
        var attributeKey: UInt64
        var files: [String: BlamedFile]
    }

    /// Most recent first.
    var snapshots: [Snapshot] = []

    static func path(commonDirectory: String) -> String { commonDirectory + "/aitrail/cache/blame" }

    mutating func remember(_ snapshot: Snapshot) {
        snapshots.removeAll { $0.commit == snapshot.commit }
        snapshots.insert(snapshot, at: 0)
        if snapshots.count > BlameCache.maxSnapshots { snapshots.removeLast(snapshots.count - BlameCache.maxSnapshots) }
    }

    static func load(path: String) -> BlameCache? {
        guard let bytes = try? FileSystem.read(path) else { return nil }
        return decode(bytes)
    }

    func save(path: String) throws(GitError) {
        try FileSystem.makeDirectories(String(path[..<path.lastIndex(of: "/")!]))
        try FileSystem.writeAtomically(encoded(), to: path)
    }

    func encoded() -> [UInt8] {
        var out = ByteWriter()
        out.bytes += BlameCache.magic
        out.u32(BlameCache.formatVersion)
        out.u32(UInt32(snapshots.count))
        for snapshot in snapshots {
            out.id(snapshot.commit)
            out.u64(snapshot.attributeKey)
            // Commits and original paths once per snapshot; ranges refer to them by index.
            var commits: [ObjectID: UInt32] = [:], commitList: [ObjectID] = []
            var paths: [String: UInt32] = [:], pathList: [String] = []
            for file in snapshot.files.values {
                for range in file.ranges {
                    if commits[range.commit] == nil { commits[range.commit] = UInt32(commitList.count); commitList.append(range.commit) }
                    if paths[range.originalPath] == nil { paths[range.originalPath] = UInt32(pathList.count); pathList.append(range.originalPath) }
                }
            }
            out.u32(UInt32(commitList.count))
            commitList.forEach { out.id($0) }
            out.u32(UInt32(pathList.count))
            pathList.forEach { out.string($0) }
            out.u32(UInt32(snapshot.files.count))
            for file in snapshot.files.values.sorted(by: { $0.path < $1.path }) {
                out.string(file.path)
                out.id(file.blob)
                out.bytes.append((file.binary ? 1 : 0) | (file.noDiff ? 2 : 0) | (file.generated ? 4 : 0))
                out.u32(UInt32(file.ranges.count))
                for range in file.ranges {
                    out.u32(commits[range.commit]!)
                    out.u32(paths[range.originalPath]!)
                    out.u32(UInt32(range.originalStart))
                    out.u32(UInt32(range.count))
                }
            }
        }
        out.u64(AuditCache.checksum(out.bytes))
        return out.bytes
    }

    /// Nil for anything but an intact file of this format.
    static func decode(_ bytes: [UInt8]) -> BlameCache? {
        guard bytes.count >= magic.count + 16, bytes.starts(with: magic) else { return nil }
        let body = Array(bytes[..<(bytes.count - 8)])
        return bytes.withUnsafeBytes { (raw) -> BlameCache? in
            var tail = ByteReader(raw, at: body.count)
            guard tail.u64() == AuditCache.checksum(body) else { return nil }
            var reader = ByteReader(UnsafeRawBufferPointer(rebasing: raw[..<body.count]), at: magic.count)
            guard reader.u32() == formatVersion, let count = reader.u32(), count <= 1024 else { return nil }
            var cache = BlameCache()
            for _ in 0..<count {
                guard let commit = reader.id(), let attributeKey = reader.u64(), let commitCount = reader.count(atLeast: 20) else { return nil }
                var commits: [ObjectID] = []
                for _ in 0..<commitCount { guard let id = reader.id() else { return nil }; commits.append(id) }
                guard let pathCount = reader.count(atLeast: 4) else { return nil }
                var paths: [String] = []
                for _ in 0..<pathCount { guard let path = reader.string() else { return nil }; paths.append(path) }
                guard let fileCount = reader.count(atLeast: 29) else { return nil }
                var files: [String: BlamedFile] = [:]
                for _ in 0..<fileCount {
                    guard let path = reader.string(), let blob = reader.id(), let flags = reader.u8(), flags <= 7,
                          let rangeCount = reader.count(atLeast: 16) else { return nil }
                    var ranges: [BlameRange] = []
                    ranges.reserveCapacity(rangeCount)
                    for _ in 0..<rangeCount {
                        guard let commit = reader.u32(), Int(commit) < commits.count, let original = reader.u32(), Int(original) < paths.count,
                              let start = reader.u32(), let lines = reader.u32() else { return nil }
                        ranges.append(BlameRange(commit: commits[Int(commit)], originalPath: paths[Int(original)],
                                                 originalStart: Int(start), count: Int(lines)))
                    }
                    files[path] = BlamedFile(path: path, blob: blob, binary: flags & 1 != 0, noDiff: flags & 2 != 0,
                                             generated: flags & 4 != 0, ranges: ranges)
                }
                cache.snapshots.append(Snapshot(commit: commit, attributeKey: attributeKey, files: files))
            }
            guard reader.position == body.count else { return nil }
            return cache
        }
    }
}
