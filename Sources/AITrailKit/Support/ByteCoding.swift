import Git

/// Little-endian writes for the caches' files (`AuditCache`, `BlameCache`).
struct ByteWriter {
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

/// Bounds-checked little-endian reads for the caches' files: a short or malformed file gives nil,
/// never a crash.
struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    var position: Int

    init(_ bytes: UnsafeRawBufferPointer, at position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    var remaining: Int { bytes.count - position }

    /// A count of items that take at least `size` bytes each, if that many can follow.
    mutating func count(atLeast size: Int) -> Int? {
        guard let value = u32(), Int(value) * size <= remaining else { return nil }
        return Int(value)
    }

    mutating func u8() -> UInt8? {
        guard remaining >= 1 else { return nil }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func u32() -> UInt32? {
        guard remaining >= 4 else { return nil }
        var value: UInt32 = 0
        for index in 0..<4 { value |= UInt32(bytes[position + index]) << (8 * UInt32(index)) }
        position += 4
        return value
    }

    mutating func u64() -> UInt64? {
        guard let low = u32(), let high = u32() else { return nil }
        return UInt64(high) << 32 | UInt64(low)
    }

    mutating func id() -> ObjectID? {
        guard remaining >= 20 else { return nil }
        defer { position += 20 }
        return ObjectID(bytes: UnsafeRawBufferPointer(rebasing: bytes[position..<(position + 20)]).bindMemory(to: UInt8.self))
    }

    mutating func string() -> String? {
        guard let count = u32(), remaining >= Int(count) else { return nil }
        defer { position += Int(count) }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[position..<(position + Int(count))]), as: UTF8.self)
    }

    /// Copies the next `out.count` bytes (the caller made sure they are there).
    mutating func copy(into out: UnsafeMutableRawBufferPointer) {
        out.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[position..<(position + out.count)]))
        position += out.count
    }
}
