import CGit2

/// A git object id (SHA-1), a value.
public struct ObjectID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let raw: git_oid

    public init(_ raw: git_oid) { self.raw = raw }

    /// Parses a full 40-digit hexadecimal id; nil when it is not one.
    public init?(hex: String) {
        guard hex.utf8.count == Int(GIT_OID_HEXSZ), hex.utf8.allSatisfy({ $0.isHexDigit }) else { return nil }
        var oid = git_oid()
        guard git_oid_fromstr(&oid, hex) == 0 else { return nil }
        self.raw = oid
    }

    /// An id from its 20 raw bytes; nil when `bytes` is shorter.
    public init?(bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count >= 20 else { return nil }
        var oid = git_oid()
        withUnsafeMutableBytes(of: &oid.id) { raw in
            for index in 0..<20 { raw[index] = bytes[index] }
        }
        self.raw = oid
    }

    /// The 20 raw bytes.
    public func withRawBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try Swift.withUnsafeBytes(of: raw.id, body)
    }

    public var hex: String {
        var buffer = [CChar](repeating: 0, count: Int(GIT_OID_HEXSZ))
        var oid = raw
        git_oid_fmt(&buffer, &oid)
        return String(decoding: buffer.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public var short: String { String(hex.prefix(7)) }
    public var description: String { hex }

    public static func == (lhs: ObjectID, rhs: ObjectID) -> Bool {
        withUnsafeBytes(of: lhs.raw.id) { l in
            withUnsafeBytes(of: rhs.raw.id) { r in
                l.loadUnaligned(as: UInt64.self) == r.loadUnaligned(as: UInt64.self)
                    && l.loadUnaligned(fromByteOffset: 8, as: UInt64.self) == r.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
                    && l.loadUnaligned(fromByteOffset: 16, as: UInt32.self) == r.loadUnaligned(fromByteOffset: 16, as: UInt32.self)
            }
        }
    }

    /// The first 16 bytes: an id is a hash already, so they spread as well as all 20 (ids that share
    /// them cannot be made), and two integers hash far faster than a byte buffer. Sets and
    /// dictionaries of ids are on the audit's per-commit path.
    public func hash(into hasher: inout Hasher) {
        withUnsafeBytes(of: raw.id) { bytes in
            hasher.combine(bytes.loadUnaligned(as: UInt64.self))
            hasher.combine(bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        }
    }

    public static func < (lhs: ObjectID, rhs: ObjectID) -> Bool {
        var l = lhs.raw, r = rhs.raw
        return git_oid_cmp(&l, &r) < 0
    }
}

extension UInt8 {
    var isHexDigit: Bool {
        (0x30...0x39).contains(self) || (0x61...0x66).contains(self) || (0x41...0x46).contains(self)
    }
}
