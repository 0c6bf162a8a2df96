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

/// The per-repository audit cache, `<git-common-dir>/aitrail/cache/audit`: one compact binary file
/// holding every commit audited so far and the last few walks, so a repeat audit reads only new
/// commits. The header carries a fingerprint of the classifier; a different fingerprint, a bad
/// checksum or any malformed byte makes the whole file ignored (and rewritten after the scan).
struct AuditCache {
    static let magic = Array("AITRAIL-AUDIT-CACHE\n".utf8)
    static let formatVersion: UInt32 = 1
    static let maxWalks = 6

    var records: [CachedCommit] = []
    var walks: [CachedWalk] = []
    private var indexByID: [ObjectID: Int32]?

    init() {}

    static func path(commonDirectory: String) -> String { commonDirectory + "/aitrail/cache/audit" }

    mutating func index(of id: ObjectID) -> Int32? {
        if indexByID == nil {
            var map = [ObjectID: Int32](minimumCapacity: records.count)
            for (index, record) in records.enumerated() { map[record.id] = Int32(index) }
            indexByID = map
        }
        return indexByID![id]
    }

    /// Adds or replaces a record; returns its index.
    @discardableResult
    mutating func store(_ record: CachedCommit) -> Int32 {
        if let existing = index(of: record.id) {
            records[Int(existing)] = record
            return existing
        }
        let index = Int32(records.count)
        records.append(record)
        indexByID![record.id] = index
        return index
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
    static func load(path: String, fingerprint: String) -> AuditCache? {
        guard FileSystem.exists(path), let bytes = try? FileSystem.read(path) else { return nil }
        return decode(bytes, fingerprint: fingerprint)
    }

    func save(path: String, fingerprint: String) throws(GitError) {
        let directory = String(path[..<path.lastIndex(of: "/")!])
        try FileSystem.makeDirectories(directory)
        try FileSystem.writeAtomically(encode(fingerprint: fingerprint), to: path)
    }

    func encode(fingerprint: String) -> [UInt8] {
        var strings = StringTable()
        var body = ByteWriter()
        body.u32(UInt32(records.count))
        for record in records {
            body.id(record.id)
            body.i64(record.commitTime)
            body.i64(record.authorTime)
            body.u32(strings.index(record.authorName))
            body.u32(strings.index(record.authorEmail))
            var flags: UInt8 = record.isMerge ? 1 : 0
            if record.hasLines { flags |= 2 }
            if record.aitrailNote != nil { flags |= 4 }
            if record.aiNote != nil { flags |= 8 }
            body.u8(flags)
            body.u8(UInt8(EvidenceStatus.allCases.firstIndex(of: record.evidence)!))
            body.u8(record.sources.reduce(0) { $0 | 1 << UInt8(AttributionSource.allCases.firstIndex(of: $1)!) })
            body.u8(UInt8(min(record.agents.count, 255)))
            for agent in record.agents.prefix(255) { body.u32(strings.index(agent)) }
            body.u8(UInt8(min(record.models.count, 255)))
            for model in record.models.prefix(255) { body.u32(strings.index(model)) }
            if record.hasLines {
                body.u32(UInt32(clamping: record.insertions))
                body.u32(UInt32(clamping: record.deletions))
            }
            if let note = record.aitrailNote { body.id(note) }
            if let note = record.aiNote { body.id(note) }
        }
        body.u32(UInt32(walks.count))
        for walk in walks {
            body.string(walk.key)
            body.u32(UInt32(walk.tips.count))
            for tip in walk.tips { body.id(tip) }
            body.u32(UInt32(walk.commits.count))
            for index in walk.commits { body.u32(UInt32(bitPattern: index)) }
        }
        var out = ByteWriter()
        out.bytes.reserveCapacity(body.bytes.count + strings.byteCount + 64)
        out.bytes += AuditCache.magic
        out.u32(AuditCache.formatVersion)
        out.string(fingerprint)
        out.u32(UInt32(strings.values.count))
        for value in strings.values { out.string(value) }
        out.bytes += body.bytes
        out.u64(AuditCache.checksum(out.bytes[...]))
        return out.bytes
    }

    static func decode(_ bytes: [UInt8], fingerprint: String) -> AuditCache? {
        guard bytes.count > magic.count + 12, bytes.starts(with: magic) else { return nil }
        var storedSum: UInt64 = 0
        for index in 0..<8 { storedSum |= UInt64(bytes[bytes.count - 8 + index]) << (8 * UInt64(index)) }
        guard checksum(bytes[..<(bytes.count - 8)]) == storedSum else { return nil }
        return bytes.withUnsafeBufferPointer { buffer -> AuditCache? in
            var reader = ByteReader(buffer: UnsafeBufferPointer(rebasing: buffer[..<(buffer.count - 8)]), position: magic.count)
            guard reader.u32() == formatVersion, reader.string() == fingerprint, let stringCount = reader.u32() else { return nil }
            var strings: [String] = []
            strings.reserveCapacity(Int(stringCount))
            for _ in 0..<stringCount {
                guard let value = reader.string() else { return nil }
                strings.append(value)
            }
            func string(_ index: UInt32?) -> String? {
                guard let index, Int(index) < strings.count else { return nil }
                return strings[Int(index)]
            }
            var cache = AuditCache()
            guard let recordCount = reader.u32() else { return nil }
            cache.records.reserveCapacity(Int(recordCount))
            for _ in 0..<recordCount {
                guard let id = reader.id(), let commitTime = reader.i64(), let authorTime = reader.i64(),
                      let name = string(reader.u32()), let email = string(reader.u32()),
                      let flags = reader.u8(), let evidenceIndex = reader.u8(), Int(evidenceIndex) < EvidenceStatus.allCases.count,
                      let sourceBits = reader.u8(), let agentCount = reader.u8() else { return nil }
                var agents: [String] = []
                for _ in 0..<agentCount {
                    guard let agent = string(reader.u32()) else { return nil }
                    agents.append(agent)
                }
                guard let modelCount = reader.u8() else { return nil }
                var models: [String] = []
                for _ in 0..<modelCount {
                    guard let model = string(reader.u32()) else { return nil }
                    models.append(model)
                }
                var insertions = -1, deletions = -1
                if flags & 2 != 0 {
                    guard let added = reader.u32(), let removed = reader.u32() else { return nil }
                    insertions = Int(added)
                    deletions = Int(removed)
                }
                var aitrailNote: ObjectID?, aiNote: ObjectID?
                if flags & 4 != 0 { guard let note = reader.id() else { return nil }; aitrailNote = note }
                if flags & 8 != 0 { guard let note = reader.id() else { return nil }; aiNote = note }
                let sources = AttributionSource.allCases.enumerated().filter { sourceBits & (1 << UInt8($0.offset)) != 0 }.map(\.element)
                cache.records.append(CachedCommit(
                    id: id, commitTime: commitTime, authorTime: authorTime, authorName: name, authorEmail: email,
                    isMerge: flags & 1 != 0, agents: agents, models: models, sources: sources,
                    evidence: EvidenceStatus.allCases[Int(evidenceIndex)], insertions: insertions, deletions: deletions,
                    aitrailNote: aitrailNote, aiNote: aiNote))
            }
            guard let walkCount = reader.u32() else { return nil }
            for _ in 0..<walkCount {
                guard let key = reader.string(), let tipCount = reader.u32() else { return nil }
                var tips: [ObjectID] = []
                for _ in 0..<tipCount {
                    guard let tip = reader.id() else { return nil }
                    tips.append(tip)
                }
                guard let count = reader.u32(), reader.remaining >= Int(count) * 4 else { return nil }
                var commits = [Int32](repeating: 0, count: Int(count))
                for index in 0..<Int(count) {
                    let value = Int32(bitPattern: reader.u32()!)
                    guard value >= 0, Int(value) < cache.records.count else { return nil }
                    commits[index] = value
                }
                cache.walks.append(CachedWalk(key: key, tips: tips, commits: commits))
            }
            guard reader.remaining == 0 else { return nil }
            return cache
        }
    }

    /// FNV-1a, 64 bits: enough to notice a torn or corrupted file.
    static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        bytes.withUnsafeBufferPointer { buffer in
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in buffer { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
            return hash
        }
    }
}

private struct StringTable {
    var values: [String] = []
    var indices: [String: UInt32] = [:]
    var byteCount = 0

    mutating func index(_ value: String) -> UInt32 {
        if let index = indices[value] { return index }
        let index = UInt32(values.count)
        values.append(value)
        indices[value] = index
        byteCount += value.utf8.count + 4
        return index
    }
}

private struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func u8(_ value: UInt8) { bytes.append(value) }
    mutating func u32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u64(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func i64(_ value: Int64) { u64(UInt64(bitPattern: value)) }
    mutating func id(_ id: ObjectID) { id.withRawBytes { bytes.append(contentsOf: $0) } }
    mutating func string(_ value: String) {
        u32(UInt32(value.utf8.count))
        bytes.append(contentsOf: value.utf8)
    }
}

private struct ByteReader {
    let buffer: UnsafeBufferPointer<UInt8>
    var position: Int

    var remaining: Int { buffer.count - position }

    mutating func u8() -> UInt8? {
        guard remaining >= 1 else { return nil }
        defer { position += 1 }
        return buffer[position]
    }

    mutating func u32() -> UInt32? {
        guard remaining >= 4 else { return nil }
        var value: UInt32 = 0
        for index in 0..<4 { value |= UInt32(buffer[position + index]) << (8 * UInt32(index)) }
        position += 4
        return value
    }

    mutating func i64() -> Int64? {
        guard remaining >= 8 else { return nil }
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(buffer[position + index]) << (8 * UInt64(index)) }
        position += 8
        return Int64(bitPattern: value)
    }

    mutating func id() -> ObjectID? {
        guard remaining >= 20 else { return nil }
        defer { position += 20 }
        return ObjectID(bytes: UnsafeBufferPointer(rebasing: buffer[position..<(position + 20)]))
    }

    mutating func string() -> String? {
        guard let count = u32(), remaining >= Int(count) else { return nil }
        defer { position += Int(count) }
        return String(decoding: UnsafeBufferPointer(rebasing: buffer[position..<(position + Int(count))]), as: UTF8.self)
    }
}
