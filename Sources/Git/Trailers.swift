// TEMPORARY local stand-in until the trailers branch lands. Not committed.
public struct Trailer: Sendable, Hashable {
    public var key: String
    public var value: String
    public init(key: String, value: String) { self.key = key; self.value = value }
}
public enum Trailers {
    public static func parse(_ message: [UInt8], commentCharacter: UInt8 = UInt8(ascii: "#")) -> [Trailer] {
        parse(String(decoding: message, as: UTF8.self))
    }
    public static func parse(_ message: String) -> [Trailer] {
        let paragraphs = message.split(separator: "\n", omittingEmptySubsequences: false)
            .split(whereSeparator: { $0.allSatisfy { $0 == " " } }).map(Array.init)
        guard paragraphs.count > 1, let last = paragraphs.last else { return [] }
        var out: [Trailer] = []
        for line in last {
            guard let colon = line.firstIndex(of: ":") else { return [] }
            out.append(Trailer(key: String(line[..<colon]), value: String(line[line.index(after: colon)...].drop { $0 == " " })))
        }
        return out
    }
    public static func insert(_ trailer: Trailer, into message: [UInt8], commentCharacter: UInt8 = UInt8(ascii: "#")) -> [UInt8] {
        message + Array("\n\(trailer.key): \(trailer.value)\n".utf8)
    }
}
