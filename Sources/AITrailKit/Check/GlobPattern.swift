/// Path patterns for `review.path`: `**` matches any number of folders (none included), `*` any
/// characters within one path segment, `?` one character other than `/`. A pattern without a `/`
/// matches a file name at any depth, as in `.gitignore` (`*.sql`); a trailing `/` means the folder
/// and everything in it.
public struct GlobPattern: Sendable, Hashable {
    public let pattern: String
    private let segments: [Substring]

    public init(_ pattern: String) {
        self.pattern = pattern
        let anchored = pattern.dropLast().contains("/")
        var text = pattern.hasPrefix("/") ? String(pattern.dropFirst()) : pattern
        if text.hasSuffix("/") { text += "**" }
        if !anchored { text = "**/" + text }
        segments = text.split(separator: "/", omittingEmptySubsequences: true)
    }

    public func matches(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        return Self.match(segments, parts, isStar: { $0 == "**" }) { pattern, segment in
            Self.match(Array(pattern.unicodeScalars), Array(segment.unicodeScalars), isStar: { $0 == "*" }) { pattern, scalar in
                pattern == "?" ? scalar != "/" : pattern == scalar
            }
        }
    }

    /// Wildcard matching without recursion: a star matches any run of items (`**` of segments, `*`
    /// of characters), anything else one item as `matchesOne` says. Only the last star met is ever
    /// revisited (an earlier one could only ever have matched less), so a pattern of many stars
    /// costs at most its length times the text's, never the exponential time of trying every split.
    private static func match<P, T>(_ pattern: [P], _ text: [T], isStar: (P) -> Bool, _ matchesOne: (P, T) -> Bool) -> Bool {
        var p = 0, t = 0
        var star = -1, resume = 0
        while t < text.count {
            if p < pattern.count, isStar(pattern[p]) {
                star = p
                resume = t
                p += 1
            } else if p < pattern.count, matchesOne(pattern[p], text[t]) {
                p += 1
                t += 1
            } else if star >= 0 {
                p = star + 1
                resume += 1
                t = resume
            } else {
                return false
            }
        }
        while p < pattern.count, isStar(pattern[p]) { p += 1 }
        return p == pattern.count
    }
}
