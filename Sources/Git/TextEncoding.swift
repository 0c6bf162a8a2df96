#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Text in a commit's declared `encoding`, turned into UTF-8 as `git log` shows it (git's
/// `reencode_string_len`, through iconv).
public enum TextEncoding {
    /// Whether `name` (an `encoding` header's value) is UTF-8, which needs no conversion.
    public static func isUTF8(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        let lower = name.map { $0 | (($0 >= 0x41 && $0 <= 0x5A) ? 0x20 : 0) }
        return lower.elementsEqual("utf-8".utf8) || lower.elementsEqual("utf8".utf8)
    }

    /// `bytes` converted from the encoding `name` to UTF-8; nil when iconv does not know the
    /// encoding or the bytes are not valid in it (git then shows the bytes as they are).
    public static func utf8(_ bytes: UnsafeBufferPointer<UInt8>, from name: String) -> [UInt8]? {
        let converter = iconv_open("UTF-8", name)
        guard let converter, converter != UnsafeMutableRawPointer(bitPattern: -1) else { return nil }
        defer { iconv_close(converter) }
        // Every byte of a single-byte encoding becomes at most 3 bytes of UTF-8; grown if not enough.
        var out = [UInt8](repeating: 0, count: bytes.count * 3 + 16)
        var inputLeft = bytes.count
        var produced = 0
        var input = UnsafeMutablePointer<CChar>(mutating: UnsafeRawPointer(bytes.baseAddress)?.assumingMemoryBound(to: CChar.self))
        while true {
            var outputLeft = out.count - produced
            let result = out.withUnsafeMutableBytes { buffer -> Int in
                var output: UnsafeMutablePointer<CChar>? = (buffer.baseAddress! + produced).assumingMemoryBound(to: CChar.self)
                defer { produced = buffer.count - outputLeft }
                return iconv(converter, &input, &inputLeft, &output, &outputLeft)
            }
            if result != -1 && inputLeft == 0 {
                // Flush any shift state.
                var outputLeft = out.count - produced
                out.withUnsafeMutableBytes { buffer in
                    var output: UnsafeMutablePointer<CChar>? = (buffer.baseAddress! + produced).assumingMemoryBound(to: CChar.self)
                    _ = iconv(converter, nil, nil, &output, &outputLeft)
                    produced = buffer.count - outputLeft
                }
                return Array(out[..<produced])
            }
            guard result == -1, errno == E2BIG else { return nil }
            out += [UInt8](repeating: 0, count: max(64, out.count))
        }
    }
}
