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
/// Fields mean what `Commit`'s do; identities are split the way `git log` splits them (`CommitLayout`).
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
    /// Parses a raw commit object's bytes (as `HistoryWalk` hands them out); nil when malformed.
    public static func parse(id: ObjectID, bytes: UnsafeBufferPointer<UInt8>) -> CommitFields? {
        CommitFields(id: id, buffer: bytes)
    }

    init?(id: ObjectID, buffer: UnsafeBufferPointer<UInt8>) {
        guard let layout = CommitLayout(buffer), let author = layout.author, let committer = layout.committer else { return nil }
        self.id = id
        self.treeID = layout.treeID
        self.parentCount = layout.parentCount
        self.firstParentID = layout.firstParentID
        self.author = Signature(author, in: buffer)
        self.committer = Signature(committer, in: buffer)
        self.message = layout.message.isEmpty ? "" : String(decoding: UnsafeBufferPointer(rebasing: buffer[layout.message]), as: UTF8.self)
    }
}

/// Where a raw commit object's fields are: the header's values, and names, emails and the message
/// as ranges of the object's bytes. The one parser of commit headers: walks read the parents and
/// `date` from it, the audit classifies from the same layout without copying text into strings.
///
/// Read as git 2.39 reads a commit: `parse_commit_buffer` for the tree, the parents (the `parent`
/// lines right after the tree; one further down is an unknown header) and the walk's date;
/// `pretty.c`'s `parse_commit_header` for the identities `git log` shows (the last `author` and the
/// last `committer` line win).
public struct CommitLayout: Sendable {
    public var treeID: ObjectID
    public var parentCount: Int
    /// The first parent, or nil for a root commit.
    public var firstParentID: ObjectID?
    /// Where the `parent` lines start (each is `parent ` + 40 hex digits + a line feed).
    private var parentsStart: Int
    /// The time git orders and filters walks by (`parse_commit_date`): the `committer` line right
    /// after an `author` line right after the parents, else 0.
    public var date: Int64
    /// The last `author` line; nil when there is none or git cannot split it (no `<…>`).
    public var author: SignatureLayout?
    /// The last `committer` line; nil as for `author`.
    public var committer: SignatureLayout?
    /// The message with leading blank lines removed, as `Commit.message` (the bytes as written).
    public var message: Range<Int>
    /// The first `encoding` header's value (as git's `get_header`), nil without one (UTF-8: git's default).
    public var encoding: Range<Int>?

    public var isMerge: Bool { parentCount > 1 }

    /// Parses a raw commit object: `tree`, `parent`*, then the other headers, a blank line, the
    /// message. Nil where git's `parse_commit_buffer` calls the object bogus (no tree line first, a
    /// `parent` line that is not an id).
    public init?(_ buffer: UnsafeBufferPointer<UInt8>) {
        let end = buffer.count
        // "tree " + 40 hex + "\n"
        guard end > 46, buffer.starts(with: CommitLayout.treePrefix), buffer[45] == 0x0A,
              let tree = ObjectID(hexBytes: UnsafeBufferPointer(rebasing: buffer[5..<45])) else { return nil }
        var position = 46
        parentsStart = position
        var parents = 0
        var firstParent: ObjectID?
        while position + 47 < end, UnsafeBufferPointer(rebasing: buffer[position...]).starts(with: CommitLayout.parentPrefix) {
            guard buffer[position + 47] == 0x0A,
                  let parent = ObjectID(hexBytes: UnsafeBufferPointer(rebasing: buffer[(position + 7)..<(position + 47)])) else { return nil }
            if parents == 0 { firstParent = parent }
            parents += 1
            position += 48
        }
        date = CommitLayout.commitDate(buffer, from: position)
        var author: SignatureLayout?
        var committer: SignatureLayout?
        var encoding: Range<Int>?
        while position < end {
            let lineEnd = buffer.firstLineFeed(from: position) ?? end
            if lineEnd == position { position += 1; break }  // the blank line before the message
            let line = UnsafeBufferPointer(rebasing: buffer[position..<lineEnd])
            if line.starts(with: CommitLayout.authorPrefix) {
                author = SignatureLayout(rawHeader: buffer, from: position + 7, to: lineEnd)
            } else if line.starts(with: CommitLayout.committerPrefix) {
                committer = SignatureLayout(rawHeader: buffer, from: position + 10, to: lineEnd)
            } else if encoding == nil, line.first == 0x65, line.starts(with: CommitLayout.encodingPrefix) {
                encoding = (position + 9)..<lineEnd
            }
            position = lineEnd + 1
        }
        while position < end && buffer[position] == 0x0A { position += 1 }
        self.treeID = tree
        self.parentCount = parents
        self.firstParentID = firstParent
        self.author = author
        self.committer = committer
        self.message = min(position, end)..<end
        self.encoding = encoding
    }

    /// Parent `index` (0..<parentCount) of the commit whose bytes this layout was read from.
    public func parentID(_ index: Int, in buffer: UnsafeBufferPointer<UInt8>) -> ObjectID {
        precondition(index >= 0 && index < parentCount, "parent \(index) of \(parentCount)")
        let start = parentsStart + 48 * index + 7
        return ObjectID(hexBytes: UnsafeBufferPointer(rebasing: buffer[start..<(start + 40)]))!
    }

    /// git's `parse_commit_date`: `author…\ncommitter…> <seconds>` at `start`, else 0.
    static func commitDate(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int) -> Int64 {
        let count = buffer.count
        guard start + 6 < count, UnsafeBufferPointer(rebasing: buffer[start...]).starts(with: CommitLayout.authorPrefix.prefix(6)),
              let authorEnd = buffer.firstLineFeed(from: start) else { return 0 }
        let position = authorEnd + 1
        guard position + 9 < count, UnsafeBufferPointer(rebasing: buffer[position...]).starts(with: CommitLayout.committerPrefix.prefix(9)),
              let base = buffer.baseAddress, let found = memchr(base + position, 0x3E, count - position) else { return 0 }
        let close = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        guard let lineEnd = buffer.firstLineFeed(from: close) else { return 0 }
        return SignatureLayout.seconds(buffer, from: close + 1, to: lineEnd) ?? 0
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

    /// `Name <email> 1700000000 +0100` in `buffer[start..<end]`, split as git's `split_ident_line`
    /// does (what `git log` shows): the email between the first `<` and the first `>` after it, as
    /// written; the name before that `<` with trailing white space removed; the date after the last
    /// `>`. Nil without a `<…>`; a missing or bad date is 0.
    init?(rawHeader buffer: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) {
        let line = buffer[start..<end]
        guard let open = line.firstIndex(of: 0x3C), let close = buffer[(open + 1)..<end].firstIndex(of: 0x3E) else { return nil }
        var nameEnd = open
        while nameEnd > start && SignatureLayout.isSpace(buffer[nameEnd - 1]) { nameEnd -= 1 }
        name = start..<nameEnd
        email = (open + 1)..<close
        // git looks for the date after the last `>`, for idents with a stray `>` in the email.
        let dateStart = line.lastIndex(of: 0x3E)! + 1
        var position = dateStart
        while position < end && SignatureLayout.isSpace(buffer[position]) { position += 1 }
        let digitsStart = position
        while position < end, (0x30...0x39).contains(buffer[position]) { position += 1 }
        let sawDigit = position > digitsStart
        var offset: Int32 = 0
        while position < end && SignatureLayout.isSpace(buffer[position]) { position += 1 }
        if sawDigit, position + 5 <= end, buffer[position] == 0x2B || buffer[position] == 0x2D {
            func digit(_ index: Int) -> Int32? {
                (0x30...0x39).contains(buffer[position + index]) ? Int32(buffer[position + index] - 0x30) : nil
            }
            if let h1 = digit(1), let h2 = digit(2), let m1 = digit(3), let m2 = digit(4) {
                offset = (h1 * 10 + h2) * 60 + m1 * 10 + m2
                if buffer[position] == 0x2D { offset = -offset }
            }
        }
        self.time = sawDigit ? SignatureLayout.seconds(buffer, from: digitsStart, to: end) ?? 0 : 0
        self.offsetMinutes = offset
    }

    /// git's `isspace` (sane_ctype): space, tab, line feed, carriage return.
    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

    /// The seconds at `start` (white space first skipped, as `strtoumax` does), up to `end`; nil
    /// without a digit. A time no date can show is git's "date overflows", read as the epoch.
    static func seconds(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int64? {
        var index = start
        while index < end, isSpace(buffer[index]) { index += 1 }
        var seconds: Int64 = 0
        var digits = 0
        var overflowed = false
        while index < end, (0x30...0x39).contains(buffer[index]) {
            let (times10, overflow1) = seconds.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int64(buffer[index] - 0x30))
            overflowed = overflowed || overflow1 || overflow2
            seconds = sum
            index += 1
            digits += 1
        }
        return digits > 0 ? (overflowed || seconds > Signature.latestTime ? 0 : seconds) : nil
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
