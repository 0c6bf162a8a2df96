#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Git

/// Audited commits as fixed-size records in one byte buffer, their strings interned in small tables:
/// the cache file holds exactly these bytes, so a repeat audit uses them without decoding a record,
/// and reports read them without building a Swift value per commit.
///
/// A record (64 bytes, little-endian): commit time (i64), author time (i64), id (20 bytes), author
/// identity, agent list, model list (u32 indices into the tables), insertions, deletions (i32,
/// -1 without line counts), flags (1 merge, 2 line counts), evidence, source bits, a zero byte,
/// review-bot list (u32, at 60).
/// Only this file knows the layout: other code reads records through `CommitRecord`.
struct CommitTable: Sendable {
    static let recordSize = 64
    fileprivate static let commitTimeOffset = 0, authorTimeOffset = 8, idOffset = 16, identityOffset = 36
    fileprivate static let agentsOffset = 40, modelsOffset = 44, insertionsOffset = 48, deletionsOffset = 52
    fileprivate static let flagsOffset = 56, evidenceOffset = 57, sourcesOffset = 58, reviewBotsOffset = 60
    fileprivate static let mergeFlag: UInt8 = 1, lineCountsFlag: UInt8 = 2

    /// An author before `.mailmap`, as two indices into `strings`.
    struct IdentityRef: Hashable, Sendable {
        var name: UInt32
        var email: UInt32
    }

    private(set) var strings: [String] = []
    private(set) var identities: [IdentityRef] = []
    /// Lists of string indices; list 0 is the empty list.
    private(set) var lists: [[UInt32]] = [[]]
    /// `count` records, back to back.
    private var storage = RecordStorage(capacity: 0)

    private var stringIndex: [String: UInt32] = [:]
    private var identityIndex: [IdentityRef: UInt32] = [:]
    /// The same identities by their text: one hash per stored commit finds a known author.
    private var identityByText: [Identity: UInt32] = [:]
    private var listIndex: [[UInt32]: UInt32] = [[]: 0]
    private var idIndex = IDIndex()
    /// Lookups made by scanning, before the index is worth building.
    private var scans = 0

    init() {}

    /// A table from decoded tables and records; nil when a record points outside the tables.
    init?(strings: [String], identities: [IdentityRef], lists: [[UInt32]], records: RecordStorage) {
        guard records.count % CommitTable.recordSize == 0, lists.first == [] else { return nil }
        let stringCount = UInt32(strings.count)
        guard identities.allSatisfy({ $0.name < stringCount && $0.email < stringCount }),
              lists.allSatisfy({ $0.allSatisfy { $0 < stringCount } }) else { return nil }
        self.strings = strings
        self.identities = identities
        self.lists = lists
        self.storage = records
        let identityCount = UInt32(identities.count), listCount = UInt32(lists.count)
        let valid = withRecordPointer { base -> Bool in
            var offset = 0
            while offset < records.count {
                let record = base + offset
                guard record.u32(CommitTable.identityOffset) < identityCount,
                      record.u32(CommitTable.agentsOffset) < listCount, record.u32(CommitTable.modelsOffset) < listCount,
                      record.u32(CommitTable.reviewBotsOffset) < listCount,
                      record.load(fromByteOffset: CommitTable.evidenceOffset, as: UInt8.self) < EvidenceStatus.allCases.count
                else { return false }
                offset += CommitTable.recordSize
            }
            return true
        }
        guard valid else { return nil }
        for (index, value) in strings.enumerated() { stringIndex[value] = UInt32(index) }
        for (index, value) in identities.enumerated() { identityIndex[value] = UInt32(index) }
        for (index, value) in lists.enumerated() { listIndex[value] = UInt32(index) }
    }

    var count: Int { storage.count / CommitTable.recordSize }

    /// Runs `body` over the records, read in place (`records[i]` is record `i`).
    func withRecords<R>(_ body: (CommitRecords) throws -> R) rethrows -> R {
        try withRecordPointer { try body(CommitRecords(base: $0, count: count)) }
    }

    /// Runs `body` over the records' bytes (record `i` at `i * recordSize`).
    fileprivate func withRecordPointer<R>(_ body: (UnsafeRawPointer) throws -> R) rethrows -> R {
        try withExtendedLifetime(storage) { try body(UnsafeRawPointer(storage.base)) }
    }

    /// The records' bytes, for writing them out.
    func withRecordBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withRecordPointer { try body(UnsafeRawBufferPointer(start: $0, count: storage.count)) }
    }

    /// Record `index`, read in place; valid only inside `withRecords` (this is for one field).
    func record<R>(_ index: Int, _ body: (CommitRecord) -> R) -> R { withRecords { body($0[index]) } }

    func id(_ index: Int) -> ObjectID { record(index) { $0.id } }

    /// The record of `id`, if the table has one.
    mutating func index(of id: ObjectID) -> Int32? {
        if idIndex.capacity < 2 * count + 2 {
            // A repeat audit looks up only its few new commits: a scan of the ids costs less than an index.
            if scans < 8 {
                scans += 1
                return id.withRawBytes { key in withRecordPointer { CommitTable.scan(for: key.baseAddress!, in: $0, count: count) } }
            }
            idIndex = IDIndex(self)
        }
        return id.withRawBytes { key in withRecordPointer { idIndex.find(key.baseAddress!, in: $0) } }
    }

    private static func scan(for id: UnsafeRawPointer, in base: UnsafeRawPointer, count: Int) -> Int32? {
        let head = id.loadUnaligned(as: UInt64.self)
        var record = base + idOffset
        for index in 0..<count {
            if record.loadUnaligned(as: UInt64.self) == head, memcmp(record, id, 20) == 0 { return Int32(index) }
            record += recordSize
        }
        return nil
    }

    /// Replaces record `index`; returns `index`.
    mutating func replace(_ index: Int32, with commit: CachedCommit) -> Int32 {
        write(commit, at: index)
        return index
    }

    /// Adds a record, without looking for one with the same id; returns its index.
    @discardableResult
    mutating func append(_ commit: CachedCommit) -> Int32 {
        let index = appendRecord()
        write(commit, at: index)
        // A full index is rebuilt by the next lookup instead.
        if idIndex.capacity >= 2 * count + 2 {
            idIndex.insert(index, in: storage.base)
        } else {
            idIndex = IDIndex()
        }
        return index
    }

    /// Makes room for `more` records beyond the current ones.
    mutating func reserve(_ more: Int) {
        let needed = storage.count + more * CommitTable.recordSize
        if storage.capacity < needed { storage = storage.copy(capacity: needed) }
    }

    /// Room for one more record, zeroed; its index.
    private mutating func appendRecord() -> Int32 {
        let index = Int32(count)
        let needed = storage.count + CommitTable.recordSize
        if !isKnownUniquelyReferenced(&storage) || storage.capacity < needed {
            storage = storage.copy(capacity: max(needed, 2 * storage.capacity))
        }
        (storage.base + storage.count).initializeMemory(as: UInt8.self, repeating: 0, count: CommitTable.recordSize)
        storage.count = needed
        return index
    }

    private mutating func write(_ commit: CachedCommit, at index: Int32) {
        let identity = intern(Identity(name: commit.authorName, email: commit.authorEmail))
        let agents = intern(commit.agents), models = intern(commit.models), reviewBots = intern(commit.reviewBots)
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy(capacity: storage.capacity) }
        do {
            let out = UnsafeMutableRawBufferPointer(start: storage.base + Int(index) * CommitTable.recordSize, count: CommitTable.recordSize)
            out.storeBytes(of: commit.commitTime.littleEndian, toByteOffset: CommitTable.commitTimeOffset, as: Int64.self)
            out.storeBytes(of: commit.authorTime.littleEndian, toByteOffset: CommitTable.authorTimeOffset, as: Int64.self)
            commit.id.withRawBytes { id in
                for offset in 0..<20 { out[CommitTable.idOffset + offset] = id[offset] }
            }
            out.storeBytes(of: identity.littleEndian, toByteOffset: CommitTable.identityOffset, as: UInt32.self)
            out.storeBytes(of: agents.littleEndian, toByteOffset: CommitTable.agentsOffset, as: UInt32.self)
            out.storeBytes(of: models.littleEndian, toByteOffset: CommitTable.modelsOffset, as: UInt32.self)
            out.storeBytes(of: reviewBots.littleEndian, toByteOffset: CommitTable.reviewBotsOffset, as: UInt32.self)
            out.storeBytes(of: Int32(clamping: commit.insertions).littleEndian, toByteOffset: CommitTable.insertionsOffset, as: Int32.self)
            out.storeBytes(of: Int32(clamping: commit.deletions).littleEndian, toByteOffset: CommitTable.deletionsOffset, as: Int32.self)
            out[CommitTable.flagsOffset] = (commit.isMerge ? CommitTable.mergeFlag : 0) | (commit.hasLines ? CommitTable.lineCountsFlag : 0)
            out[CommitTable.evidenceOffset] = UInt8(CommitTable.evidenceCases.firstIndex(of: commit.evidence)!)
            out[CommitTable.sourcesOffset] = commit.sources.reduce(0) { $0 | 1 << UInt8(CommitTable.sourceCases.firstIndex(of: $1)!) }
        }
    }

    /// One record as a value (without the note blobs, which the cache keeps beside the table).
    func commit(_ index: Int) -> CachedCommit {
        record(index) { record in
            let identity = identities[record.identity]
            return CachedCommit(
                id: record.id, commitTime: record.commitTime, authorTime: record.authorTime,
                authorName: strings[Int(identity.name)], authorEmail: strings[Int(identity.email)], isMerge: record.isMerge,
                agents: strings(list: UInt32(record.agentList)), models: strings(list: UInt32(record.modelList)),
                reviewBots: strings(list: UInt32(record.reviewBotList)), sources: record.sources, evidence: record.evidence,
                insertions: record.insertions ?? -1, deletions: record.deletions ?? -1, aitrailNote: nil, aiNote: nil)
        }
    }

    func strings(list: UInt32) -> [String] { lists[Int(list)].map { strings[Int($0)] } }

    /// Every set of sources, by its bits.
    static let sourceSets: [[AttributionSource]] = (0..<(1 << AttributionSource.allCases.count)).map { bits in
        AttributionSource.allCases.enumerated().filter { bits & (1 << $0.offset) != 0 }.map(\.element)
    }

    private mutating func intern(_ value: String) -> UInt32 {
        if let known = stringIndex[value] { return known }
        let index = UInt32(strings.count)
        strings.append(value)
        stringIndex[value] = index
        return index
    }

    // `allCases` builds a new array on every call.
    private static let evidenceCases = EvidenceStatus.allCases
    private static let sourceCases = AttributionSource.allCases

    private mutating func intern(_ identity: Identity) -> UInt32 {
        if let known = identityByText[identity] { return known }
        let index = intern(IdentityRef(name: intern(identity.name), email: intern(identity.email)))
        identityByText[identity] = index
        return index
    }

    private mutating func intern(_ value: IdentityRef) -> UInt32 {
        if let known = identityIndex[value] { return known }
        let index = UInt32(identities.count)
        identities.append(value)
        identityIndex[value] = index
        return index
    }

    private mutating func intern(_ values: [String]) -> UInt32 {
        if values.isEmpty { return 0 }
        var list: [UInt32] = []
        list.reserveCapacity(values.count)
        for value in values { list.append(intern(value)) }
        if let known = listIndex[list] { return known }
        let index = UInt32(lists.count)
        lists.append(list)
        listIndex[list] = index
        return index
    }
}

/// The records' bytes: allocated here, or in place in a mapped cache file with room after them, so a
/// repeat audit neither copies nor decodes them. Shared by copies of a table until one of them
/// changes (copy on write, in `CommitTable`).
final class RecordStorage: @unchecked Sendable {
    // Written only through a CommitTable holding the only reference.
    let base: UnsafeMutableRawPointer
    var count = 0
    let capacity: Int
    private let file: LoadedFile?

    init(capacity: Int) {
        self.capacity = max(capacity, CommitTable.recordSize)
        base = .allocate(byteCount: self.capacity, alignment: 16)
        file = nil
    }

    /// The `count` bytes at `offset` in `file`, with the rest of the mapping to grow into.
    init(file: LoadedFile, offset: Int, count: Int) {
        base = file.base + offset
        self.count = count
        capacity = file.length - offset
        self.file = file
    }

    /// A copy of `bytes`.
    convenience init(_ bytes: UnsafeRawBufferPointer) {
        self.init(capacity: bytes.count)
        if let source = bytes.baseAddress { base.copyMemory(from: source, byteCount: bytes.count) }
        count = bytes.count
    }

    deinit {
        if file == nil { base.deallocate() }
    }

    func copy(capacity: Int) -> RecordStorage {
        let copy = RecordStorage(capacity: capacity)
        copy.base.copyMemory(from: base, byteCount: count)
        copy.count = count
        return copy
    }
}

/// Record indices by commit id: open addressing over the ids' first bytes, so
/// finding a commit among 100,000 needs no dictionary of `ObjectID`s.
private struct IDIndex: Sendable {
    private var slots: [Int32] = []

    var capacity: Int { slots.count }

    init() {}

    /// An index of every record of `table`, with room for as many again.
    init(_ table: CommitTable) {
        var size = 64
        while size < 4 * table.count { size <<= 1 }
        slots = [Int32](repeating: -1, count: size)
        table.withRecordPointer { base in
            for index in 0..<table.count { insert(Int32(index), in: base) }
        }
    }

    func find(_ id: UnsafeRawPointer, in base: UnsafeRawPointer) -> Int32? {
        let mask = slots.count - 1
        var slot = IDIndex.home(id, mask: mask)
        while true {
            let index = slots[slot]
            if index < 0 { return nil }
            if memcmp(base + Int(index) * CommitTable.recordSize + CommitTable.idOffset, id, 20) == 0 { return index }
            slot = (slot + 1) & mask
        }
    }

    /// Where an id's search starts: its first eight bytes, mixed (Fibonacci hashing), so ids alike
    /// in their first bytes still spread.
    private static func home(_ id: UnsafeRawPointer, mask: Int) -> Int {
        Int(truncatingIfNeeded: (id.loadUnaligned(as: UInt64.self) &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    mutating func insert(_ index: Int32, in base: UnsafeRawPointer) {
        let mask = slots.count - 1
        let id = base + Int(index) * CommitTable.recordSize + CommitTable.idOffset
        var slot = IDIndex.home(id, mask: mask)
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = index
    }
}

/// The records of a `CommitTable`, by row: each a `CommitRecord` read in place, the row checked.
struct CommitRecords {
    fileprivate let base: UnsafeRawPointer
    let count: Int

    subscript(row: Int) -> CommitRecord {
        precondition(row >= 0 && row < count, "record \(row) of \(count)")
        return CommitRecord(bytes: base + row * CommitTable.recordSize)
    }

    subscript(row: Int32) -> CommitRecord { self[Int(row)] }
}

/// One 64-byte record of a `CommitTable`, read in place (as swift-nio's `ByteBuffer` hides its
/// offsets): the fields by name; no other type knows an offset or a flag bit.
struct CommitRecord {
    fileprivate let bytes: UnsafeRawPointer

    var commitTime: Int64 { i64(CommitTable.commitTimeOffset) }
    var authorTime: Int64 { i64(CommitTable.authorTimeOffset) }
    var id: ObjectID { ObjectID(bytes: UnsafeBufferPointer(start: idBytes.assumingMemoryBound(to: UInt8.self), count: 20))! }
    /// The id's 20 bytes, for writers that print it without making an `ObjectID`.
    var idBytes: UnsafeRawPointer { bytes + CommitTable.idOffset }
    /// Index into the table's `identities` (the author before `.mailmap`).
    var identity: Int { Int(u32(CommitTable.identityOffset)) }
    /// Indices into the table's `lists`; list 0 is the empty list.
    var agentList: Int { Int(u32(CommitTable.agentsOffset)) }
    var modelList: Int { Int(u32(CommitTable.modelsOffset)) }
    var reviewBotList: Int { Int(u32(CommitTable.reviewBotsOffset)) }
    var isMerge: Bool { flags & CommitTable.mergeFlag != 0 }
    /// Whether the record holds line counts (`--lines` classified it).
    var hasLineCounts: Bool { flags & CommitTable.lineCountsFlag != 0 }
    /// Nil without line counts.
    var insertions: Int? { hasLineCounts ? Int(i32(CommitTable.insertionsOffset)) : nil }
    var deletions: Int? { hasLineCounts ? Int(i32(CommitTable.deletionsOffset)) : nil }
    /// Index into `EvidenceStatus.allCases`.
    var evidenceIndex: Int { Int(bytes.load(fromByteOffset: CommitTable.evidenceOffset, as: UInt8.self)) }
    var evidence: EvidenceStatus { CommitRecord.evidenceCases[evidenceIndex] }
    /// The sources as a set of bits (index into `CommitTable.sourceSets`).
    var sourceBits: Int { Int(bytes.load(fromByteOffset: CommitTable.sourcesOffset, as: UInt8.self)) }
    var sources: [AttributionSource] { CommitTable.sourceSets[sourceBits] }

    /// Newest first by committer time, then by author time, then by id.
    static func precedes(_ x: CommitRecord, _ y: CommitRecord) -> Bool {
        let xc = x.commitTime, yc = y.commitTime
        if xc != yc { return xc > yc }
        let xa = x.authorTime, ya = y.authorTime
        if xa != ya { return xa > ya }
        return memcmp(x.idBytes, y.idBytes, 20) < 0
    }

    private static let evidenceCases = EvidenceStatus.allCases
    private var flags: UInt8 { bytes.load(fromByteOffset: CommitTable.flagsOffset, as: UInt8.self) }
    private func u32(_ offset: Int) -> UInt32 { UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
    private func i32(_ offset: Int) -> Int32 { Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int32.self)) }
    private func i64(_ offset: Int) -> Int64 { Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int64.self)) }
}

extension UnsafeRawPointer {
    fileprivate func u32(_ offset: Int) -> UInt32 { UInt32(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
}
