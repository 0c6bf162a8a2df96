import Git

/// One commit's audit facts as the cache keeps them: the author before `.mailmap` (applied on every
/// run, so a changed mailmap needs no invalidation) and the note blobs the facts were read from.
struct CachedCommit: Sendable {
    var id: ObjectID
    var commitTime: Int64
    var authorTime: Int64
    var authorName: String
    var authorEmail: String
    var isMerge: Bool
    var agents: [String]
    var models: [String]
    /// AI review bots whose suggestions the commit applied (not agents: `Classification.reviewBots`).
    var reviewBots: [String] = []
    var sources: [AttributionSource]
    var evidence: EvidenceStatus
    /// -1 when line counts were not computed.
    var insertions: Int
    var deletions: Int
    var aitrailNote: ObjectID?
    var aiNote: ObjectID?

    var hasLines: Bool { insertions >= 0 }
}

/// A remembered walk: the commits reachable from `tips` (in walk order), as indices into the records.
struct CachedWalk: Sendable {
    var key: String
    var tips: [ObjectID]
    var commits: [Int32]
}

/// The blobs of the notes a record was read from: a changed note means a changed blob id.
struct NoteBlobs: Sendable, Hashable {
    var aitrail: ObjectID?
    var ai: ObjectID?
}

/// The per-repository audit cache, `<git-common-dir>/aitrail/cache/audit`: one binary file holding
/// every commit audited so far and the last few walks, so a repeat audit reads only new commits.
///
/// Layout: magic, format version, the classifier's fingerprint, the size of the tables and the
/// number of records; the tables (strings, author identities, lists, note blobs per record, walks);
/// the records as `CommitTable` keeps them (read into place, never decoded one by one); an xxHash64
/// of everything before it. A different fingerprint, a bad checksum or any malformed byte makes the
/// whole file ignored (and rewritten after the scan).
struct AuditCache: Sendable {
    static let magic = Array("AITRAIL-AUDIT-CACHE\n".utf8)
    static let formatVersion: UInt32 = 3
    static let maxWalks = 6

    var table = CommitTable()
    /// Note blobs by record index, for the records read from notes.
    var notes: [Int32: NoteBlobs] = [:]
    var walks: [CachedWalk] = []

    init() {}

    static func path(commonDirectory: String) -> String { commonDirectory + "/aitrail/cache/audit" }

    var count: Int { table.count }

    mutating func index(of id: ObjectID) -> Int32? { table.index(of: id) }

    /// Adds or replaces a record; returns its index.
    @discardableResult
    mutating func store(_ record: CachedCommit) -> Int32 {
        store(record, replacing: table.index(of: record.id) ?? -1)
    }

    /// Replaces record `replacing`, or adds `record` when that is -1 (the caller knows the table has no record of it).
    mutating func store(_ record: CachedCommit, replacing: Int32) -> Int32 {
        let index = replacing >= 0 ? table.replace(replacing, with: record) : table.append(record)
        if record.aitrailNote != nil || record.aiNote != nil {
            notes[index] = NoteBlobs(aitrail: record.aitrailNote, ai: record.aiNote)
        } else if !notes.isEmpty {
            notes[index] = nil
        }
        return index
    }

    /// Record `index` as a value, note blobs included.
    func record(_ index: Int) -> CachedCommit {
        var record = table.commit(index)
        let blobs = notes[Int32(index)]
        record.aitrailNote = blobs?.aitrail
        record.aiNote = blobs?.ai
        return record
    }

    /// Remembers a walk, most recent first, dropping older walks over the same tips.
    mutating func remember(_ walk: CachedWalk) {
        let tips = Set(walk.tips)
        walks.removeAll { $0.key == walk.key && Set($0.tips) == tips }
        walks.insert(walk, at: 0)
        if walks.count > AuditCache.maxWalks { walks.removeLast(walks.count - AuditCache.maxWalks) }
    }

    // MARK: Reading and writing

    /// The cache at `path` if it exists, is intact and was written for `fingerprint`; else nil.
    /// The file is mapped, and its records are used in place.
    static func load(path: String, fingerprint: String) -> AuditCache? {
        // Room after the records for this run's new commits, in the same mapping.
        guard let file = LoadedFile(path: path, spare: 1 << 20) else { return nil }
        return decode(UnsafeRawBufferPointer(start: file.base, count: file.size), fingerprint: fingerprint) { range in
            RecordStorage(file: file, offset: range.lowerBound, count: range.count)
        }
    }

    func save(path: String, fingerprint: String) throws(GitError) {
        let directory = String(path[..<path.lastIndex(of: "/")!])
        try FileSystem.makeDirectories(directory)
        try encode(fingerprint: fingerprint) { parts in
            Result { () throws(GitError) in try FileSystem.writeAtomically(parts: parts, to: path) }
        }.get()
    }

    /// The file's bytes, joined.
    func encoded(fingerprint: String) -> [UInt8] {
        encode(fingerprint: fingerprint) { $0.reduce(into: []) { $0 += $1 } }
    }

    /// Hands the file to `body` in three parts: header and tables, records, checksum.
    func encode<R>(fingerprint: String, _ body: ([UnsafeRawBufferPointer]) -> R) -> R {
        var tables = ByteWriter()
        tables.u32(UInt32(table.strings.count))
        for value in table.strings { tables.string(value) }
        tables.u32(UInt32(table.identities.count))
        for identity in table.identities {
            tables.u32(identity.name)
            tables.u32(identity.email)
        }
        tables.u32(UInt32(table.lists.count))
        for list in table.lists {
            tables.u32(UInt32(list.count))
            for value in list { tables.u32(value) }
        }
        tables.u32(UInt32(notes.count))
        for (index, blobs) in notes.sorted(by: { $0.key < $1.key }) {
            tables.u32(UInt32(index))
            tables.u8((blobs.aitrail != nil ? 1 : 0) | (blobs.ai != nil ? 2 : 0))
            if let blob = blobs.aitrail { tables.id(blob) }
            if let blob = blobs.ai { tables.id(blob) }
        }
        tables.u32(UInt32(walks.count))
        for walk in walks {
            tables.string(walk.key)
            tables.u32(UInt32(walk.tips.count))
            for tip in walk.tips { tables.id(tip) }
            tables.u32(UInt32(walk.commits.count))
            walk.commits.withUnsafeBytes { tables.bytes.append(contentsOf: $0) }
        }
        var prefix = ByteWriter()
        prefix.bytes.reserveCapacity(tables.bytes.count + fingerprint.utf8.count + 64)
        prefix.bytes += AuditCache.magic
        prefix.u32(AuditCache.formatVersion)
        prefix.string(fingerprint)
        prefix.u32(UInt32(tables.bytes.count))
        prefix.u32(UInt32(table.count))
        prefix.bytes += tables.bytes
        return table.withRecordBytes { records in
            var hasher = Checksum()
            hasher.add(prefix.bytes)
            hasher.add(records)
            var sum = ByteWriter()
            sum.u64(hasher.value)
            return prefix.bytes.withUnsafeBytes { head in sum.bytes.withUnsafeBytes { tail in body([head, records, tail]) } }
        }
    }

    /// The cache in `bytes` (as `encoded` gives them), or nil.
    static func decode(_ bytes: [UInt8], fingerprint: String) -> AuditCache? {
        bytes.withUnsafeBytes { buffer in
            decode(buffer, fingerprint: fingerprint) { RecordStorage(UnsafeRawBufferPointer(rebasing: buffer[$0])) }
        }
    }

    /// Decodes the file in `buffer`; `records` gives the storage of the records at a range of it.
    private static func decode(_ buffer: UnsafeRawBufferPointer, fingerprint: String,
                               records: (Range<Int>) -> RecordStorage) -> AuditCache? {
        guard buffer.count > magic.count + 20 else { return nil }
        var reader = ByteReader(buffer)
        guard let (headerSize, tablesSize, recordCount) = reader.header(fingerprint: fingerprint),
              buffer.count == headerSize + tablesSize + recordCount * CommitTable.recordSize + 8 else { return nil }
        let recordsStart = headerSize + tablesSize
        var hasher = Checksum()
        hasher.add(UnsafeRawBufferPointer(rebasing: buffer[..<(buffer.count - 8)]))
        var stored: UInt64 = 0
        for index in 0..<8 { stored |= UInt64(buffer[buffer.count - 8 + index]) << (8 * UInt64(index)) }
        guard hasher.value == stored else { return nil }
        reader = ByteReader(UnsafeRawBufferPointer(rebasing: buffer[..<recordsStart]))
        guard reader.header(fingerprint: fingerprint) != nil, let stringCount = reader.count(atLeast: 4) else { return nil }
        var strings: [String] = []
        strings.reserveCapacity(stringCount)
        for _ in 0..<stringCount {
            guard let value = reader.string() else { return nil }
            strings.append(value)
        }
        guard let identityCount = reader.count(atLeast: 8) else { return nil }
        var identities: [CommitTable.IdentityRef] = []
        identities.reserveCapacity(identityCount)
        for _ in 0..<identityCount {
            guard let name = reader.u32(), let email = reader.u32() else { return nil }
            identities.append(CommitTable.IdentityRef(name: name, email: email))
        }
        guard let listCount = reader.count(atLeast: 4) else { return nil }
        var lists: [[UInt32]] = []
        lists.reserveCapacity(listCount)
        for _ in 0..<listCount {
            guard let length = reader.count(atLeast: 4) else { return nil }
            var list: [UInt32] = []
            for _ in 0..<length { list.append(reader.u32()!) }
            lists.append(list)
        }
        let storage = records(recordsStart..<(recordsStart + recordCount * CommitTable.recordSize))
        guard let table = CommitTable(strings: strings, identities: identities, lists: lists, records: storage) else { return nil }
        var cache = AuditCache()
        cache.table = table
        guard let noteCount = reader.count(atLeast: 5) else { return nil }
        cache.notes.reserveCapacity(noteCount)
        for _ in 0..<noteCount {
            guard let index = reader.u32(), Int(index) < table.count, let flags = reader.u8(), flags & ~3 == 0 else { return nil }
            var blobs = NoteBlobs()
            if flags & 1 != 0 { guard let blob = reader.id() else { return nil }; blobs.aitrail = blob }
            if flags & 2 != 0 { guard let blob = reader.id() else { return nil }; blobs.ai = blob }
            cache.notes[Int32(index)] = blobs
        }
        guard let walkCount = reader.count(atLeast: 12) else { return nil }
        for _ in 0..<walkCount {
            guard let key = reader.string(), let tipCount = reader.count(atLeast: 20) else { return nil }
            var tips: [ObjectID] = []
            for _ in 0..<tipCount { tips.append(reader.id()!) }
            guard let count = reader.count(atLeast: 4) else { return nil }
            var commits = [Int32](repeating: 0, count: count)
            var valid = true
            commits.withUnsafeMutableBytes { out in
                reader.copy(into: out)
                for index in out.bindMemory(to: Int32.self) where index < 0 || Int(index) >= table.count { valid = false }
            }
            guard valid else { return nil }
            cache.walks.append(CachedWalk(key: key, tips: tips, commits: commits))
        }
        guard reader.remaining == 0 else { return nil }
        return cache
    }

    /// A checksum of `bytes`, as the file's.
    static func checksum(_ bytes: [UInt8]) -> UInt64 {
        var hasher = Checksum()
        hasher.add(bytes)
        return hasher.value
    }
}

/// xxHash64 (seed 0), fed in parts: gigabytes a second, so checking a cache of 100,000 commits
/// costs well under a millisecond, and enough to notice a torn or corrupted file.
struct Checksum {
    private static let p1: UInt64 = 0x9E37_79B1_85EB_CA87, p2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    private static let p3: UInt64 = 0x1656_67B1_9E37_79F9, p4: UInt64 = 0x85EB_CA77_C2B2_AE63
    private static let p5: UInt64 = 0x27D4_EB2F_1656_67C5

    private var lanes = (p1 &+ p2, p2, UInt64(0), 0 &- p1)
    private var pending: [UInt8] = []
    private var total = 0

    private static func round(_ accumulator: UInt64, _ input: UInt64) -> UInt64 {
        rotate(accumulator &+ input &* p2, 31) &* p1
    }

    private static func rotate(_ value: UInt64, _ count: UInt64) -> UInt64 { (value << count) | (value >> (64 - count)) }

    mutating func add(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { add($0) }
    }

    mutating func add(_ bytes: UnsafeRawBufferPointer) {
        total += bytes.count
        var input = bytes[...]
        if !pending.isEmpty {
            let take = min(32 - pending.count, input.count)
            pending += input.prefix(take)
            input = input.dropFirst(take)
            if pending.count < 32 { return }
            pending.withUnsafeBytes { stripes($0) }
            pending.removeAll(keepingCapacity: true)
        }
        let whole = input.count / 32 * 32
        stripes(UnsafeRawBufferPointer(rebasing: input.prefix(whole)))
        pending += input.dropFirst(whole)
    }

    private mutating func stripes(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress else { return }
        var (v1, v2, v3, v4) = lanes
        var offset = 0
        while offset + 32 <= bytes.count {
            v1 = Checksum.round(v1, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
            v2 = Checksum.round(v2, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self)))
            v3 = Checksum.round(v3, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self)))
            v4 = Checksum.round(v4, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset + 24, as: UInt64.self)))
            offset += 32
        }
        lanes = (v1, v2, v3, v4)
    }

    var value: UInt64 {
        typealias C = Checksum
        var hash: UInt64
        if total >= 32 {
            let (v1, v2, v3, v4) = lanes
            hash = C.rotate(v1, 1) &+ C.rotate(v2, 7) &+ C.rotate(v3, 12) &+ C.rotate(v4, 18)
            for lane in [v1, v2, v3, v4] { hash = (hash ^ C.round(0, lane)) &* C.p1 &+ C.p4 }
        } else {
            hash = C.p5
        }
        hash &+= UInt64(total)
        var rest = pending[...]
        while rest.count >= 8 {
            var word: UInt64 = 0
            for (shift, byte) in rest.prefix(8).enumerated() { word |= UInt64(byte) << (8 * UInt64(shift)) }
            hash = C.rotate(hash ^ C.round(0, word), 27) &* C.p1 &+ C.p4
            rest = rest.dropFirst(8)
        }
        if rest.count >= 4 {
            var word: UInt64 = 0
            for (shift, byte) in rest.prefix(4).enumerated() { word |= UInt64(byte) << (8 * UInt64(shift)) }
            hash = C.rotate(hash ^ (word &* C.p1), 23) &* C.p2 &+ C.p3
            rest = rest.dropFirst(4)
        }
        for byte in rest { hash = C.rotate(hash ^ (UInt64(byte) &* C.p5), 11) &* C.p1 }
        hash ^= hash >> 33
        hash &*= C.p2
        hash ^= hash >> 29
        hash &*= C.p3
        hash ^= hash >> 32
        return hash
    }
}

extension ByteReader {
    /// Checks the magic, version and fingerprint; returns the header's size, the tables' size and the record count.
    fileprivate mutating func header(fingerprint: String) -> (Int, Int, Int)? {
        guard bytes.starts(with: AuditCache.magic) else { return nil }
        position = AuditCache.magic.count
        guard u32() == AuditCache.formatVersion, string() == fingerprint,
              let tables = u32(), let records = u32() else { return nil }
        return (position, Int(tables), Int(records))
    }
}
