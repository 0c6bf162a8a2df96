#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
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
        try withCommitBytes(id) { (buffer) throws(GitError) -> CommitFields in
            guard let fields = CommitFields(id: id, buffer: buffer) else { throw GitError.malformedCommit(id) }
            return fields
        }
    }

    /// Runs `body` over the raw object of commit `id` (see `CommitLayout`), read through the object
    /// database. Throws when it is missing or not a commit.
    public func withCommitBytes<T>(_ id: ObjectID, _ body: (UnsafeBufferPointer<UInt8>) throws(GitError) -> T) throws(GitError) -> T {
        try withObjectDatabase { (odb) throws(GitError) in try withCommitObject(odb, objectFiles, id, body) }
    }
}

extension GitError {
    /// A commit object whose header cannot be read.
    public static func malformedCommit(_ id: ObjectID) -> GitError {
        GitError("commit \(id.hex) is malformed (its header cannot be read)")
    }
}

extension CommitFields {
    /// Parses a raw commit object's bytes (as `CommitScan` hands them out); nil when malformed.
    public static func parse(id: ObjectID, bytes: UnsafeBufferPointer<UInt8>) -> CommitFields? {
        CommitFields(id: id, buffer: bytes)
    }

    init?(id: ObjectID, buffer: UnsafeBufferPointer<UInt8>) {
        guard let layout = CommitLayout(buffer) else { return nil }
        self.id = id
        self.treeID = layout.treeID
        self.parentCount = layout.parentCount
        self.firstParentID = layout.firstParentID
        self.author = Signature(layout.author, in: buffer)
        self.committer = Signature(layout.committer, in: buffer)
        self.message = layout.message.isEmpty ? "" : String(decoding: UnsafeBufferPointer(rebasing: buffer[layout.message]), as: UTF8.self)
    }
}

/// Where a raw commit object's fields are: the header's values, and names, emails and the message
/// as ranges of the object's bytes. For readers that look at most commits' text without copying it
/// into strings (the audit classifies from these bytes).
public struct CommitLayout: Sendable {
    public var treeID: ObjectID
    public var parentCount: Int
    /// The first parent, or nil for a root commit.
    public var firstParentID: ObjectID?
    public var author: SignatureLayout
    public var committer: SignatureLayout
    /// The message with leading blank lines removed, as `Commit.message` (the bytes as written).
    public var message: Range<Int>
    /// The `encoding` header's value, nil without one (UTF-8: git's default).
    public var encoding: Range<Int>?

    public var isMerge: Bool { parentCount > 1 }

    /// Parses a raw commit object: `tree`, `parent`*, `author`, `committer`, other headers, a blank line, the message.
    public init?(_ buffer: UnsafeBufferPointer<UInt8>) {
        var position = 0
        let end = buffer.count
        var tree: ObjectID?
        var parents = 0
        var firstParent: ObjectID?
        var author: SignatureLayout?
        var committer: SignatureLayout?
        var encoding: Range<Int>?
        // Parents are the `parent` lines right after the tree, as git's parse_commit_buffer reads
        // them: one further down is an unknown header.
        var inParents = false
        while position < end {
            let lineEnd = buffer.firstLineFeed(from: position) ?? end
            if lineEnd == position { position += 1; break }  // the blank line before the message
            let line = UnsafeBufferPointer(rebasing: buffer[position..<lineEnd])
            if tree == nil, line.starts(with: CommitLayout.treePrefix) {
                tree = ObjectID(hexBytes: UnsafeBufferPointer(rebasing: line[5...]))
                inParents = true
                position = lineEnd + 1
                continue
            } else if inParents, line.starts(with: CommitLayout.parentPrefix) {
                if parents == 0 { firstParent = ObjectID(hexBytes: UnsafeBufferPointer(rebasing: line[7...])) }
                parents += 1
                position = lineEnd + 1
                continue
            }
            inParents = false
            if author == nil, line.starts(with: CommitLayout.authorPrefix) {
                author = SignatureLayout(rawHeader: buffer, from: position + 7, to: lineEnd)
            } else if committer == nil, line.starts(with: CommitLayout.committerPrefix) {
                committer = SignatureLayout(rawHeader: buffer, from: position + 10, to: lineEnd)
            } else if line.first == 0x65, line.starts(with: CommitLayout.encodingPrefix) {
                encoding = (position + 9)..<lineEnd
            }
            position = lineEnd + 1
        }
        guard let tree, let author, let committer else { return nil }
        while position < end && buffer[position] == 0x0A { position += 1 }
        self.treeID = tree
        self.parentCount = parents
        self.firstParentID = firstParent
        self.author = author
        self.committer = committer
        self.message = min(position, end)..<end
        self.encoding = encoding
    }

    private static let treePrefix = Array("tree ".utf8)
    private static let parentPrefix = Array("parent ".utf8)
    private static let authorPrefix = Array("author ".utf8)
    private static let committerPrefix = Array("committer ".utf8)
    private static let encodingPrefix = Array("encoding ".utf8)
}

extension UnsafeBufferPointer<UInt8> {
    /// The index of the first line feed at or after `start`: `memchr`, not a loop over the bytes.
    func firstLineFeed(from start: Int) -> Int? {
        guard let base = baseAddress, start < count, let found = memchr(base + start, 0x0A, count - start) else { return nil }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }
}

/// An author or committer line of a raw commit: name and email as ranges of the object's bytes.
public struct SignatureLayout: Sendable, Hashable {
    public var name: Range<Int>
    public var email: Range<Int>
    /// Seconds since the Unix epoch.
    public var time: Int64
    public var offsetMinutes: Int32

    /// `Name <email> 1700000000 +0100` in `buffer[start..<end]`, split as libgit2's signature parser
    /// does: the email between the last `<` and the last `>`, the name before it trimmed; a missing or
    /// bad date is 0.
    init?(rawHeader buffer: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) {
        let line = buffer[start..<end]
        guard let open = line.lastIndex(of: 0x3C), let close = line.lastIndex(of: 0x3E), open < close else { return nil }
        func trimmed(_ from: Int, _ to: Int) -> Range<Int> {
            var lower = from, upper = to
            while lower < upper && (buffer[lower] == 0x20 || buffer[lower] == 0x09) { lower += 1 }
            while upper > lower && (buffer[upper - 1] == 0x20 || buffer[upper - 1] == 0x09) { upper -= 1 }
            return lower..<upper
        }
        name = trimmed(start, open)
        email = trimmed(open + 1, close)
        var position = close + 1
        while position < end && buffer[position] == 0x20 { position += 1 }
        var time: Int64 = 0
        var sawDigit = false
        var overflowed = false
        while position < end, (0x30...0x39).contains(buffer[position]) {
            let (times10, overflow1) = time.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int64(buffer[position] - 0x30))
            overflowed = overflowed || overflow1 || overflow2
            time = sum
            sawDigit = true
            position += 1
        }
        if overflowed || time > Signature.latestTime { time = 0 }
        var offset: Int32 = 0
        while position < end && buffer[position] == 0x20 { position += 1 }
        if sawDigit, position + 5 <= end, buffer[position] == 0x2B || buffer[position] == 0x2D {
            func digit(_ index: Int) -> Int32? {
                (0x30...0x39).contains(buffer[position + index]) ? Int32(buffer[position + index] - 0x30) : nil
            }
            if let h1 = digit(1), let h2 = digit(2), let m1 = digit(3), let m2 = digit(4) {
                offset = (h1 * 10 + h2) * 60 + m1 * 10 + m2
                if buffer[position] == 0x2D { offset = -offset }
            }
        }
        self.time = sawDigit ? time : 0
        self.offsetMinutes = offset
    }
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
    /// The signature `layout` finds in `buffer`, name and email as lossy UTF-8.
    init(_ layout: SignatureLayout, in buffer: UnsafeBufferPointer<UInt8>) {
        self.init(name: String(decoding: UnsafeBufferPointer(rebasing: buffer[layout.name]), as: UTF8.self),
                  email: String(decoding: UnsafeBufferPointer(rebasing: buffer[layout.email]), as: UTF8.self),
                  time: layout.time, offsetMinutes: layout.offsetMinutes)
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
