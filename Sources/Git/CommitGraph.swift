import CGit2
#if canImport(Glibc)
import Glibc
#endif

/// git's commit-graph files (`objects/info/commit-graph`, or a split chain under
/// `objects/info/commit-graphs/`), read directly: parents and commit times of every commit in them,
/// without inflating a single object. libgit2 1.5 does not use them for walks; `git gc` writes them,
/// so most long-lived clones have one. Format: git's Documentation/gitformat-commit-graph.txt.
final class CommitGraph {
    private struct Layer {
        let base: UnsafeRawPointer
        let length: Int
        let count: Int
        let fanout: UnsafeRawPointer
        let oids: UnsafeRawPointer
        let data: UnsafeRawPointer
        let edges: UnsafeRawPointer?
        /// Global position of this layer's first commit.
        let offset: Int
    }

    private let layers: [Layer]
    let count: Int

    /// Opens the repository's commit-graph, or returns nil when there is none or git would not use it
    /// (grafts, replace refs, a shallow clone) or it cannot be read or is not consistent: every
    /// position, chunk offset and extra-edge list is checked here, once, so that the walk reading it
    /// never leaves the mapped files (a damaged graph means the slower walk over the objects, which
    /// `git commit-graph write --reachable` makes fast again).
    static func open(objectsDirectory: String, usable: Bool) -> CommitGraph? {
        guard usable, !FileSystem.exists(objectsDirectory + "/info/grafts") else { return nil }
        let single = objectsDirectory + "/info/commit-graph"
        if FileSystem.exists(single) { return CommitGraph(files: [(single, nil)]) }
        let chainPath = objectsDirectory + "/info/commit-graphs/commit-graph-chain"
        guard let chain = try? FileSystem.read(chainPath) else { return nil }
        var files: [(path: String, hash: ObjectID?)] = []
        for line in String(decoding: chain, as: UTF8.self).split(separator: "\n") {
            let name = line.trimmingSpacesAndNewlines
            // Each line names a layer by its checksum, base first: a name git would not write is a
            // damaged chain, not a file to look for.
            guard name.utf8.count == 40, let hash = ObjectID(hex: String(name)) else { return nil }
            files.append((objectsDirectory + "/info/commit-graphs/graph-\(name).graph", hash))
        }
        return files.isEmpty ? nil : CommitGraph(files: files)
    }

    private init?(files: [(path: String, hash: ObjectID?)]) {
        var total = 0
        var mapped: [Layer] = []
        for (number, file) in files.enumerated() {
            guard let layer = CommitGraph.map(file.path, offset: total, expectedHash: file.hash,
                                              bases: files[..<number].compactMap(\.hash)) else {
                CommitGraph.unmap(mapped)
                return nil
            }
            mapped.append(layer)
            total += layer.count
        }
        layers = mapped
        count = total
    }

    deinit { CommitGraph.unmap(layers) }

    private static func unmap(_ layers: [Layer]) {
        for layer in layers { munmap(UnsafeMutableRawPointer(mutating: layer.base), layer.length) }
    }

    /// Maps one graph file (one layer of a chain, whose first global position is `offset`) and checks
    /// it whole: the header, every chunk offset, the fanout against the sorted ids, every parent
    /// position and extra-edge list against the commits of this layer and those below it, and for a
    /// layer of a chain its checksum (its name) and its list of base layers (git's BASE chunk), so a
    /// chain listed out of order is refused rather than read with positions pointing elsewhere.
    private static func map(_ path: String, offset: Int, expectedHash: ObjectID?, bases: [ObjectID]) -> Layer? {
        guard let mapping = FileSystem.mapReadOnly(path) else { return nil }
        let base = mapping.baseAddress!, length = mapping.count
        func fail() -> Layer? {
            FileSystem.unmap(mapping)
            return nil
        }
        guard length >= 8 + 12 + 20 else { return fail() }
        // "CGPH", version 1, hash version 1 (SHA-1).
        guard base.load(fromByteOffset: 0, as: UInt32.self) == UInt32(bigEndian: 0x4347_5048),
              base.load(fromByteOffset: 4, as: UInt8.self) == 1,
              base.load(fromByteOffset: 5, as: UInt8.self) == 1 else { return fail() }
        if let expectedHash {
            let matches = withUnsafeBytes(of: expectedHash.raw.id) { memcmp(base + length - 20, $0.baseAddress!, 20) == 0 }
            guard matches else { return fail() }
        }
        let chunkCount = Int(base.load(fromByteOffset: 6, as: UInt8.self))
        let baseCount = Int(base.load(fromByteOffset: 7, as: UInt8.self))
        guard baseCount == bases.count, 8 + (chunkCount + 1) * 12 <= length - 20 else { return fail() }
        var chunks: [UInt32: (start: Int, end: Int)] = [:]
        for index in 0..<chunkCount {
            let entry = 8 + index * 12
            let id = UInt32(bigEndian: base.loadUnaligned(fromByteOffset: entry, as: UInt32.self))
            // Offsets are 64-bit: one with the high bit set, or past the checksum, is damage.
            guard let start = Int(exactly: UInt64(bigEndian: base.loadUnaligned(fromByteOffset: entry + 4, as: UInt64.self))),
                  let end = Int(exactly: UInt64(bigEndian: base.loadUnaligned(fromByteOffset: entry + 16, as: UInt64.self))),
                  start >= 8 + (chunkCount + 1) * 12, start <= end, end <= length - 20 else { return fail() }
            chunks[id] = (start, end)
        }
        guard let fanout = chunks[0x4F49_4446], fanout.end - fanout.start == 1024,   // OIDF
              let lookup = chunks[0x4F49_444C],                                     // OIDL
              let data = chunks[0x4344_4154] else { return fail() }                 // CDAT
        func fanoutValue(_ byte: Int) -> Int {
            Int(UInt32(bigEndian: base.loadUnaligned(fromByteOffset: fanout.start + byte * 4, as: UInt32.self)))
        }
        let count = fanoutValue(255)
        guard lookup.end - lookup.start == count * 20, data.end - data.start == count * 36 else { return fail() }
        // The fanout and the ids agree, ids strictly ascending: the binary search stays inside.
        let oids = base + lookup.start
        var previous = 0
        for byte in 0..<256 {
            let value = fanoutValue(byte)
            guard value >= previous else { return fail() }
            for position in previous..<value where oids.load(fromByteOffset: position * 20, as: UInt8.self) != UInt8(byte) {
                return fail()
            }
            previous = value
        }
        for position in 1..<max(count, 1) where memcmp(oids + (position - 1) * 20, oids + position * 20, 20) >= 0 {
            return fail()
        }
        if !bases.isEmpty {
            guard let list = chunks[0x4241_5345], list.end - list.start == bases.count * 20 else { return fail() }  // BASE
            for (number, hash) in bases.enumerated() {
                let same = withUnsafeBytes(of: hash.raw.id) { memcmp(base + list.start + number * 20, $0.baseAddress!, 20) == 0 }
                guard same else { return fail() }
            }
        }
        // Parents: positions in this layer or below it; extra-edge lists inside their chunk, ended.
        let limit = UInt32(offset + count)
        let edges = chunks[0x4544_4745]                                               // EDGE
        let edgeCount = edges.map { ($0.end - $0.start) / 4 } ?? 0
        let records = base + data.start
        let none: UInt32 = 0x7000_0000
        for position in 0..<count {
            let record = records + position * 36
            let first = UInt32(bigEndian: record.loadUnaligned(fromByteOffset: 20, as: UInt32.self))
            let second = UInt32(bigEndian: record.loadUnaligned(fromByteOffset: 24, as: UInt32.self))
            if first == none { continue }
            guard first < limit else { return fail() }
            if second == none { continue }
            if second & 0x8000_0000 == 0 {
                guard second < limit else { return fail() }
                continue
            }
            guard let edges else { return fail() }
            var index = Int(second & 0x7FFF_FFFF)
            while true {
                guard index < edgeCount else { return fail() }
                let value = UInt32(bigEndian: base.loadUnaligned(fromByteOffset: edges.start + index * 4, as: UInt32.self))
                guard value & 0x7FFF_FFFF < limit else { return fail() }
                if value & 0x8000_0000 != 0 { break }
                index += 1
            }
        }
        return Layer(base: base, length: length, count: count, fanout: base + fanout.start,
                     oids: oids, data: records, edges: edges.map { base + $0.start }, offset: offset)
    }

    /// The global position of a commit, or nil when the graph does not have it.
    func position(of id: ObjectID) -> Int? {
        withUnsafeBytes(of: id.raw.id) { key -> Int? in
            let first = Int(key[0])
            for layer in layers {
                var low = first == 0 ? 0 : Int(UInt32(bigEndian: layer.fanout.loadUnaligned(fromByteOffset: (first - 1) * 4, as: UInt32.self)))
                var high = Int(UInt32(bigEndian: layer.fanout.loadUnaligned(fromByteOffset: first * 4, as: UInt32.self)))
                let keyPrefix = UInt64(bigEndian: key.loadUnaligned(as: UInt64.self))
                while low < high {
                    let middle = (low + high) / 2
                    let prefix = UInt64(bigEndian: (layer.oids + middle * 20).loadUnaligned(as: UInt64.self))
                    let order = prefix != keyPrefix ? (prefix < keyPrefix ? -1 : 1) : memcmp(layer.oids + middle * 20, key.baseAddress!, 20)
                    if order == 0 { return layer.offset + middle }
                    if order < 0 { low = middle + 1 } else { high = middle }
                }
            }
            return nil
        }
    }

    private func layer(for position: Int) -> (Layer, Int) {
        for layer in layers where position < layer.offset + layer.count { return (layer, position - layer.offset) }
        return (layers[layers.count - 1], position - layers[layers.count - 1].offset)
    }

    func id(at position: Int) -> ObjectID {
        let (layer, local) = layer(for: position)
        var raw = git_oid()
        withUnsafeMutableBytes(of: &raw.id) { $0.copyMemory(from: UnsafeRawBufferPointer(start: layer.oids + local * 20, count: 20)) }
        return ObjectID(raw)
    }

    /// Commit time (seconds) of the commit at `position`.
    func time(at position: Int) -> Int64 {
        let (layer, local) = layer(for: position)
        let record = layer.data + local * 36
        let high = UInt32(bigEndian: record.loadUnaligned(fromByteOffset: 28, as: UInt32.self))
        let low = UInt32(bigEndian: record.loadUnaligned(fromByteOffset: 32, as: UInt32.self))
        return Int64(high & 0x3) << 32 | Int64(low)
    }

    /// Runs `body` over the parent positions of the commit at `position`, first first, until it
    /// returns false. As git's fill_commit_in_graph: no first parent, no parents at all. Positions
    /// were checked when the layer was mapped.
    func forEachParent<E: Error>(at position: Int, _ body: (Int) throws(E) -> Bool) throws(E) {
        let (layer, local) = layer(for: position)
        let record = layer.data + local * 36
        let first = UInt32(bigEndian: record.loadUnaligned(fromByteOffset: 20, as: UInt32.self))
        let second = UInt32(bigEndian: record.loadUnaligned(fromByteOffset: 24, as: UInt32.self))
        let none: UInt32 = 0x7000_0000
        guard first != none, try body(Int(first)), second != none else { return }
        if second & 0x8000_0000 == 0 {
            _ = try body(Int(second))
        } else if let edges = layer.edges {
            var index = Int(second & 0x7FFF_FFFF)
            while true {
                let value = UInt32(bigEndian: edges.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self))
                guard try body(Int(value & 0x7FFF_FFFF)), value & 0x8000_0000 == 0 else { break }
                index += 1
            }
        }
    }
}

/// The graph as the walk's index: its positions are the numbers.
extension CommitGraph: CommitIndex {
    func number(of id: ObjectID) -> Int? { position(of: id) }
    func id(_ number: Int) -> ObjectID { id(at: number) }
    func time(_ number: Int) -> Int64? { time(at: number) }
    func forEachParent(_ number: Int, _ body: (IndexedParent) throws(GitError) -> Bool) throws(GitError) {
        try forEachParent(at: number) { (parent) throws(GitError) -> Bool in try body(.number(parent)) }
    }
}

extension Repository {
    /// The commit-graph walks read, nil when there is none or git would not use it: git leaves it
    /// alone in a shallow clone and with replace refs (see `CommitGraph.open`).
    var commitGraph: CommitGraph? {
        CommitGraph.open(objectsDirectory: objectsDirectory, usable: commitGraphIsUsable)
    }

    private var commitGraphIsUsable: Bool {
        !isShallow && (try? referenceNames(under: "refs/replace/").isEmpty) ?? true
    }

    /// A line for the user when the repository has a commit-graph that git would use but that is
    /// not consistent (so walks read the objects instead); nil otherwise.
    public var commitGraphDamage: String? {
        let folder = objectsDirectory + "/info"
        guard commitGraphIsUsable, FileSystem.exists(folder + "/commit-graph") || FileSystem.exists(folder + "/commit-graphs/commit-graph-chain"),
              commitGraph == nil else { return nil }
        return "the commit-graph in \(folder) is damaged or inconsistent and was not used (the history was read from the objects); "
            + "fix: `git commit-graph write --reachable` (or delete it)"
    }
}

extension Substring {
    var trimmingSpacesAndNewlines: Substring {
        var slice = self
        while let last = slice.last, last == " " || last == "\r" || last == "\t" { slice = slice.dropLast() }
        return slice
    }
}
