import CGit2

/// A commit's header fields and message, copied out of its raw object in one pass.
///
/// The fast path for reading many commits (the audit reads every commit of a history): one object
/// database read and one scan of the buffer, without libgit2's commit parser and its object cache.
/// Fields mean what `Commit`'s do; identities are split the way libgit2 splits them.
public struct CommitFields: Sendable {
    public var id: ObjectID
    public var treeID: ObjectID
    public var parentCount: Int
    /// The first parent, or nil for a root commit.
    public var firstParentID: ObjectID?
    public var author: Signature
    public var committer: Signature
    /// The message with leading blank lines removed, as `Commit.message` (lossy UTF-8).
    public var message: String

    public var isMerge: Bool { parentCount > 1 }
}

extension Repository {
    /// Reads `id` as a commit through the object database. Throws when it is missing or not a commit.
    public func commitFields(_ id: ObjectID) throws(GitError) -> CommitFields {
        try withObjectDatabase { (odb) throws(GitError) in
            try withCommitObject(odb, packReader, id) { (buffer) throws(GitError) -> CommitFields in
                guard let fields = CommitFields(id: id, buffer: buffer) else {
                    throw GitError("commit \(id.hex) is malformed (its header cannot be read)")
                }
                return fields
            }
        }
    }
}

extension CommitFields {
    /// Parses a raw commit object's bytes (as `CommitScan` hands them out); nil when malformed.
    public static func parse(id: ObjectID, bytes: UnsafeBufferPointer<UInt8>) -> CommitFields? {
        CommitFields(id: id, buffer: bytes)
    }

    /// Parses a raw commit object: `tree`, `parent`*, `author`, `committer`, other headers, a blank line, the message.
    init?(id: ObjectID, buffer: UnsafeBufferPointer<UInt8>) {
        var position = 0
        let end = buffer.count
        var tree: ObjectID?
        var parents = 0
        var firstParent: ObjectID?
        var author: Signature?
        var committer: Signature?
        while position < end {
            var lineEnd = position
            while lineEnd < end && buffer[lineEnd] != 0x0A { lineEnd += 1 }
            if lineEnd == position { position += 1; break }  // the blank line before the message
            let line = UnsafeBufferPointer(rebasing: buffer[position..<lineEnd])
            if line.starts(with: CommitFields.treePrefix) {
                tree = ObjectID(hexBytes: UnsafeBufferPointer(rebasing: line[5...]))
            } else if line.starts(with: CommitFields.parentPrefix) {
                if parents == 0 { firstParent = ObjectID(hexBytes: UnsafeBufferPointer(rebasing: line[7...])) }
                parents += 1
            } else if author == nil, line.starts(with: CommitFields.authorPrefix) {
                author = Signature(rawHeader: UnsafeBufferPointer(rebasing: line[7...]))
            } else if committer == nil, line.starts(with: CommitFields.committerPrefix) {
                committer = Signature(rawHeader: UnsafeBufferPointer(rebasing: line[10...]))
            }
            position = lineEnd + 1
        }
        guard let tree, let author, let committer else { return nil }
        while position < end && buffer[position] == 0x0A { position += 1 }
        self.id = id
        self.treeID = tree
        self.parentCount = parents
        self.firstParentID = firstParent
        self.author = author
        self.committer = committer
        self.message = position < end
            ? String(decoding: UnsafeBufferPointer(rebasing: buffer[position..<end]), as: UTF8.self) : ""
    }

    private static let treePrefix = Array("tree ".utf8)
    private static let parentPrefix = Array("parent ".utf8)
    private static let authorPrefix = Array("author ".utf8)
    private static let committerPrefix = Array("committer ".utf8)
}

extension ObjectID {
    /// Parses 40 hexadecimal digits at the start of `bytes`.
    init?(hexBytes bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count >= 40 else { return nil }
        var oid = git_oid()
        var invalid: UInt8 = 0
        withUnsafeMutableBytes(of: &oid.id) { raw in
            for index in 0..<20 {
                let high = hexDigitValues[Int(bytes[2 * index])], low = hexDigitValues[Int(bytes[2 * index + 1])]
                invalid |= (high | low) & 0xF0
                raw[index] = high << 4 | (low & 0x0F)
            }
        }
        guard invalid == 0 else { return nil }
        self.init(oid)
    }
}

/// Each byte's value as a hexadecimal digit, 0xFF where it is none: one load instead of branches,
/// for the ids in every commit header.
private let hexDigitValues: [UInt8] = (0...255).map { byte -> UInt8 in
    switch byte {
    case 0x30...0x39: return UInt8(byte - 0x30)
    case 0x61...0x66: return UInt8(byte - 0x61 + 10)
    case 0x41...0x46: return UInt8(byte - 0x41 + 10)
    default: return 0xFF
    }
}

extension Signature {
    /// `Name <email> 1700000000 +0100`, split as libgit2's signature parser does: the email between
    /// the last `<` and the last `>`, the name before it trimmed; a missing or bad date is 0.
    init?(rawHeader line: UnsafeBufferPointer<UInt8>) {
        guard let open = line.lastIndex(of: 0x3C), let close = line.lastIndex(of: 0x3E), open < close else { return nil }
        func trimmed(_ from: Int, _ to: Int) -> String {
            var start = from, end = to
            while start < end && (line[start] == 0x20 || line[start] == 0x09) { start += 1 }
            while end > start && (line[end - 1] == 0x20 || line[end - 1] == 0x09) { end -= 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: line[start..<end]), as: UTF8.self)
        }
        let name = trimmed(0, open)
        let email = trimmed(open + 1, close)
        var position = close + 1
        while position < line.count && line[position] == 0x20 { position += 1 }
        var time: Int64 = 0
        var sawDigit = false
        while position < line.count, (0x30...0x39).contains(line[position]) {
            time = time &* 10 &+ Int64(line[position] - 0x30)
            sawDigit = true
            position += 1
        }
        var offset: Int32 = 0
        while position < line.count && line[position] == 0x20 { position += 1 }
        if sawDigit, position + 5 <= line.count, line[position] == 0x2B || line[position] == 0x2D {
            let digits = (1...4).map { line[position + $0] }
            if digits.allSatisfy({ (0x30...0x39).contains($0) }) {
                let value = digits.map { Int32($0 - 0x30) }
                offset = (value[0] * 10 + value[1]) * 60 + value[2] * 10 + value[3]
                if line[position] == 0x2D { offset = -offset }
            }
        }
        self.init(name: name, email: email, time: sawDigit ? time : 0, offsetMinutes: offset)
    }
}

extension Libgit2 {
    /// Caps the memory each repository's object cache may hold. Scans that read every object once
    /// gain nothing from the cache, and each worker's repository has its own.
    public static func setObjectCacheLimit(bytes: Int) {
        initialise()
        _ = aitrail_git_set_cache_max_size(bytes)
    }
}
