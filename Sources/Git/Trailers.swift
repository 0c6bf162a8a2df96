#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A `Key: value` trailer of a commit message.
public struct Trailer: Sendable, Hashable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// The final trailer block of a message, found as git 2.39's `trailer.c` finds it.
public struct TrailerBlock: Sendable, Hashable {
    /// One entry of the block: a trailer, or a line git keeps in the block without it being one.
    public struct Entry: Sendable, Hashable {
        /// The key as written, trimmed; nil for a line of the block that is not a trailer.
        public var key: [UInt8]?
        /// The value, trimmed, continuation lines kept with their line breaks (git's unfolded form is
        /// `unfoldedValue`). For a line that is not a trailer: the line without its line feed.
        public var value: [UInt8]

        /// The value with each line break and the indentation after it turned into one space,
        /// as `git interpret-trailers --unfold` prints it.
        public var unfoldedValue: [UInt8] {
            var out: [UInt8] = []
            out.reserveCapacity(value.count)
            var index = 0
            while index < value.count {
                let byte = value[index]
                index += 1
                if byte == .lineFeed {
                    while index < value.count, isGitSpace(value[index]) { index += 1 }
                    out.append(.space)
                } else {
                    out.append(byte)
                }
            }
            return trimmed(out[...])
        }
    }

    /// Where the block is in the message. When the message has no trailer block, an empty range at
    /// the place git would start one.
    public var range: Range<Int>
    /// Whether the line before the block is blank. When it is not, git writes a line feed before a new
    /// trailer: a blank line that starts a new paragraph, or the missing end of the last line.
    public var followsBlankLine: Bool
    /// The block's entries in order, continuation lines joined to the trailer they continue.
    /// Comment lines inside the block are left out, as git leaves them out when it rewrites the block.
    public var entries: [Entry]

    /// The trailers, keys as written and values unfolded.
    public var trailers: [Trailer] {
        entries.compactMap { entry in
            entry.key.map { Trailer(key: String(decoding: $0, as: UTF8.self),
                                    value: String(decoding: entry.unfoldedValue, as: UTF8.self)) }
        }
    }
}

/// Commit-message trailers exactly as git 2.39 reads and writes them (`trailer.c`, `commit.c`,
/// `wt-status.c`), on bytes: messages may be non-UTF-8 or CRLF. libgit2's parser follows an older git
/// (it splits at any line starting with `---` and knows no scissors line), so the hooks use this one.
///
/// Git's configuration of trailers (`trailer.*`) is not read: the separator is `:` and no key is
/// configured, as with a git that has no `trailer.*` settings.
public enum Trailers {
    /// The trailers of the final trailer block, as `git interpret-trailers --parse` (values unfolded, keys as written).
    public static func parse(_ message: [UInt8], commentCharacter: UInt8 = UInt8(ascii: "#")) -> [Trailer] {
        block(in: message, commentCharacter: commentCharacter).trailers
    }

    public static func parse(_ message: String) -> [Trailer] {
        parse(Array(message.utf8))
    }

    /// The final trailer block of `message` and where it is.
    public static func block(in message: [UInt8], commentCharacter: UInt8 = UInt8(ascii: "#")) -> TrailerBlock {
        withMessageText(message, commentCharacter: commentCharacter) { text in
            let layout = text.blockLayout()
            let entries = layout.entries.map { entry in
                TrailerBlock.Entry(key: entry.key.map(text.copy), value: text.copy(entry.value))
            }
            return TrailerBlock(range: layout.range, followsBlankLine: layout.followsBlankLine, entries: entries)
        }
    }

    /// Calls `body` with the key and value of each trailer of the final block, in order, as `parse`
    /// finds them, without copying: the key trimmed, the value trimmed but not unfolded (see
    /// `unfoldedValue(_:)`). For readers of many messages that look at few trailers.
    public static func forEach(in message: UnsafeBufferPointer<UInt8>, commentCharacter: UInt8 = UInt8(ascii: "#"),
                               _ body: (_ key: UnsafeBufferPointer<UInt8>, _ value: UnsafeBufferPointer<UInt8>) -> Void) {
        withMessageText(message, commentCharacter: commentCharacter) { text in
            text.forEachEntry(in: text.blockRange()) { entry in
                if let key = entry.key { body(text.buffer(key), text.buffer(entry.value)) }
            }
        }
    }

    /// As `forEach(in:)`, for every paragraph of the log message that git would take for a trailer
    /// block were it the last one (`find_trailer_start`'s rules applied to each paragraph in turn), in
    /// order: the trailers a squash merge's body carries from each of its commits, and those of an
    /// agent that writes a paragraph after its own trailers.
    ///
    /// `recognizedKeys` (lower case) are recognised as git recognises the keys of `trailer.<token>.key`
    /// settings: a paragraph with one of them needs only 25% trailer lines. The lines under the subject
    /// line, when the subject's paragraph goes on, are judged the same way.
    public static func forEachInEveryBlock(in message: UnsafeBufferPointer<UInt8>, recognizedKeys: [[UInt8]] = [],
                                           commentCharacter: UInt8 = UInt8(ascii: "#"),
                                           _ body: (_ key: UnsafeBufferPointer<UInt8>, _ value: UnsafeBufferPointer<UInt8>) -> Void) {
        withMessageText(message, commentCharacter: commentCharacter) { text in
            text.forEachBlockRange(recognizedKeys: recognizedKeys) { block in
                text.forEachEntry(in: block) { entry in
                    if let key = entry.key { body(text.buffer(key), text.buffer(entry.value)) }
                }
            }
        }
    }

    /// Calls `body` with the key and value of each line of `lines` that reads as a trailer (continuation
    /// lines joined as in a block), whether or not git would take the lines for a trailer block.
    public static func forEachTrailerLine(in lines: UnsafeBufferPointer<UInt8>,
                                          _ body: (_ key: UnsafeBufferPointer<UInt8>, _ value: UnsafeBufferPointer<UInt8>) -> Void) {
        withMessageText(lines, commentCharacter: 0) { text in
            text.forEachEntry(in: 0..<text.end) { entry in
                if let key = entry.key { body(text.buffer(key), text.buffer(entry.value)) }
            }
        }
    }

    /// A value as `forEach(in:)` gives it, unfolded as `parse` returns it.
    public static func unfoldedValue(_ value: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: TrailerBlock.Entry(key: nil, value: Array(value)).unfoldedValue, as: UTF8.self)
    }

    /// `message` with `trailer` added exactly where and how
    /// `git interpret-trailers --if-exists addIfDifferent --trailer 'Key: value'` puts it, byte for byte.
    /// Unchanged when an identical trailer (same key case-insensitively per git's rules, same value) already exists.
    ///
    /// Like git, adding a trailer rewrites the whole block in git's form: `Key: value` lines ending in a
    /// line feed (also in a CRLF message), comment lines in the block dropped.
    public static func insert(_ trailer: Trailer, into message: [UInt8], commentCharacter: UInt8 = UInt8(ascii: "#")) -> [UInt8] {
        guard let (key, value) = commandLineTrailer(trailer) else { return message }
        return withMessageText(message, commentCharacter: commentCharacter) { text in
            let layout = text.blockLayout()
            let exists = layout.entries.contains { entry in
                guard let existing = entry.key else { return false }
                return key.withUnsafeBufferPointer { text.sameKey(existing, $0) }
                    && value.withUnsafeBufferPointer { text.equalIgnoringASCIICase(entry.value, $0) }
            }
            if exists { return message }

            var out: [UInt8] = []
            out.reserveCapacity(message.count + key.count + value.count + 4)
            text.append(0..<layout.range.lowerBound, to: &out)
            if !layout.followsBlankLine { out.append(.lineFeed) }
            for entry in layout.entries {
                if let existing = entry.key {
                    text.append(existing, to: &out)
                    out.append(contentsOf: [.colon, .space])
                }
                text.append(entry.value, to: &out)
                out.append(.lineFeed)
            }
            appendTrailerLine(key: key, value: value, to: &out)
            text.append(layout.range.upperBound..<message.count, to: &out)
            return out
        }
    }

    private static func withMessageText<Result>(_ message: [UInt8], commentCharacter: UInt8,
                                                _ body: (MessageText) -> Result) -> Result {
        message.withUnsafeBufferPointer { withMessageText($0, commentCharacter: commentCharacter, body) }
    }

    private static func withMessageText<Result>(_ message: UnsafeBufferPointer<UInt8>, commentCharacter: UInt8,
                                                _ body: (MessageText) -> Result) -> Result {
        // An empty buffer may have no storage; one NUL byte reads the same to git.
        guard let base = message.baseAddress else {
            return withUnsafePointer(to: UInt8(0)) { body(MessageText($0, count: 0, commentCharacter: commentCharacter)) }
        }
        return body(MessageText(base, count: message.count, commentCharacter: commentCharacter))
    }

    /// The key and value git takes from `--trailer 'Key: value'`: split at the first `=` or `:`, both
    /// sides trimmed. Nil when git refuses it for an empty key.
    private static func commandLineTrailer(_ trailer: Trailer) -> (key: [UInt8], value: [UInt8])? {
        let argument = Array(trailer.key.utf8) + Array(": ".utf8) + Array(trailer.value.utf8)
        return argument.withUnsafeBufferPointer { buffer in
            let text = MessageText(buffer.baseAddress!, count: buffer.count, commentCharacter: 0)
            guard let position = text.separatorPosition(from: 0, to: buffer.count, alsoEquals: true) else {
                return (text.copy(text.trimmed(0..<buffer.count)), [])
            }
            guard position > 0 else { return nil }
            return (text.copy(text.trimmed(0..<position)), text.copy(text.trimmed((position + 1)..<buffer.count)))
        }
    }

    /// Git's `print_tok_val` with the default separator: `Key: value` and a line feed (a key that ends
    /// in the separator gets no second one).
    private static func appendTrailerLine(key: [UInt8], value: [UInt8], to out: inout [UInt8]) {
        guard let last = key.last(where: { !isGitSpace($0) }) else { return }
        out.append(contentsOf: key)
        if last != .colon { out.append(contentsOf: [.colon, .space]) }
        out.append(contentsOf: value)
        out.append(.lineFeed)
    }
}

/// The trailer block as byte ranges of the message.
private struct BlockLayout {
    struct Entry {
        /// The trimmed key; nil for a line of the block that is not a trailer.
        var key: Range<Int>?
        /// The trimmed value; for a line that is not a trailer, the line without its line feed.
        var value: Range<Int>
    }

    var range: Range<Int>
    var followsBlankLine: Bool
    var entries: [Entry]
}

/// A message as git's C string functions see it: it ends at the first NUL byte, if any (the bytes after
/// it are copied through unread). Offsets are from the start of the message.
private struct MessageText {
    let bytes: UnsafePointer<UInt8>
    let count: Int
    /// Where `strlen` would stop.
    let end: Int
    let comment: UInt8

    /// Prefixes git itself writes, which make a paragraph a trailer block at only 25% trailer lines.
    static let gitGeneratedPrefixes: [StaticString] = ["Signed-off-by: ", "(cherry picked from commit "]
    static let cutLine: StaticString = "------------------------ >8 ------------------------\n"

    init(_ bytes: UnsafePointer<UInt8>, count: Int, commentCharacter: UInt8) {
        self.bytes = bytes
        self.count = count
        comment = commentCharacter
        if let nul = memchr(bytes, 0, count) {
            end = UnsafeRawPointer(bytes).distance(to: UnsafeRawPointer(nul))
        } else {
            end = count
        }
    }

    func blockLayout() -> BlockLayout {
        let range = blockRange()
        let before = lastLineStart(before: range.lowerBound)
        var entries: [BlockLayout.Entry] = []
        forEachEntry(in: range) { entries.append($0) }
        return BlockLayout(range: range, followsBlankLine: before.map(isBlankLine) ?? false, entries: entries)
    }

    /// Where the final trailer block is; an empty range at the end of the log message when there is none.
    func blockRange() -> Range<Int> {
        let logEnd = endOfLogMessage()
        return trailerStart(before: logEnd)..<logEnd
    }

    // MARK: Finding the block

    /// Calls `body` with the range of every paragraph of the log message that `trailerStart` takes for
    /// a trailer block when the paragraph's end is the limit, first to last.
    func forEachBlockRange(recognizedKeys: [[UInt8]], _ body: (Range<Int>) -> Void) {
        let logEnd = endOfLogMessage()
        func judge(_ limit: Int) {
            let start = trailerStart(before: limit, recognizedKeys: recognizedKeys)
            if start < limit { body(start..<limit) }
        }
        var line = 0, paragraphHasText = false, inTitle = true
        while line < logEnd {
            let next = nextLine(line, limit: logEnd)
            if bytes[line] != comment && isBlankLine(line) {
                if inTitle {
                    inTitle = false
                    judgeTitleBody(before: line)
                } else if paragraphHasText {
                    judge(line)
                }
                paragraphHasText = false
            } else {
                paragraphHasText = true
            }
            line = next
        }
        if inTitle {
            judgeTitleBody(before: logEnd)
        } else if paragraphHasText {
            judge(logEnd)
        }
        // Trailers right under the subject, with no blank line between (`Fix it` then `Co-Authored-By: …`).
        func judgeTitleBody(before limit: Int) {
            let second = nextLine(0, limit: limit)
            guard second < limit else { return }
            let start = trailerStart(before: limit, recognizedKeys: recognizedKeys, bodyOfTitle: second)
            if start < limit { body(start..<limit) }
        }
    }


    /// Where the log message ends and the parts git never looks into for trailers begin: the patch part,
    /// trailing comment and blank lines, an old `Conflicts:` list, the scissors line and what follows.
    private func endOfLogMessage() -> Int {
        let patch = patchStart()
        // git 2.39 loops forever when a scissors line follows a `---` divider; the divider ends the message.
        let cutoff = min(scissorsLine(orElse: patch), patch)
        var commentsStart = 0, lineStart = 0
        var inConflictsList = false
        while lineStart < cutoff {
            let next = nextLine(lineStart, limit: patch)
            let first = bytes[lineStart]
            if first == comment || first == .lineFeed {
                if commentsStart == 0 { commentsStart = lineStart }
            } else if hasPrefix("Conflicts:\n", at: lineStart) {
                inConflictsList = true
                if commentsStart == 0 { commentsStart = lineStart }
            } else if inConflictsList && first == .tab {
                // A path of the old `Conflicts:` list.
            } else if commentsStart != 0 {
                commentsStart = 0
                inConflictsList = false
            }
            lineStart = next
        }
        // Like git, a run that starts at offset 0 counts as no run.
        return commentsStart != 0 ? commentsStart : cutoff
    }

    /// The first line that starts with `---` and a whitespace byte, or the end.
    private func patchStart() -> Int {
        var line = 0
        while line < end {
            if byte(line) == .dash, byte(line + 1) == .dash, byte(line + 2) == .dash, isGitSpace(byte(line + 3)) {
                return line
            }
            line = nextLine(line)
        }
        return end
    }

    /// Where `git commit -v`'s scissors line starts, or `fallback`. Like git, searched in the whole message.
    private func scissorsLine(orElse fallback: Int) -> Int {
        func isScissors(_ line: Int) -> Bool {
            byte(line) == comment && byte(line + 1) == .space && hasPrefix(Self.cutLine, at: line + 2)
        }
        if isScissors(0) { return 0 }
        var lineFeed = lineEnd(from: 0, limit: end)
        while let found = lineFeed {
            if isScissors(found + 1) { return found + 1 }
            lineFeed = lineEnd(from: found + 1, limit: end)
        }
        return fallback
    }

    /// Git's `find_trailer_start`: the start of the last paragraph before `limit` if it is a trailer block
    /// (all trailer lines, or at least one recognised trailer and at least 25% trailer lines), else `limit`.
    /// Recognised are git's own prefixes and `recognizedKeys` (lower case), as git recognises keys set in
    /// `trailer.<token>.key`. The first paragraph is the subject and never a trailer block; with
    /// `bodyOfTitle`, the lines from there to `limit` (the subject's paragraph after its first line) are
    /// judged as a paragraph of their own.
    private func trailerStart(before limit: Int, recognizedKeys: [[UInt8]] = [], bodyOfTitle: Int? = nil) -> Int {
        var endOfTitle = bodyOfTitle ?? 0
        while bodyOfTitle == nil, endOfTitle < limit {
            if bytes[endOfTitle] != comment, isBlankLine(endOfTitle) { break }
            endOfTitle = nextLine(endOfTitle)
        }

        var onlyBlankLines = true, recognizedPrefix = false
        var trailerLines = 0, otherLines = 0
        // Indented lines seen since the last trailer: its continuation if a trailer comes next (reading
        // backwards), other lines if not.
        var possibleContinuationLines = 0
        var next = lastLineStart(before: limit)
        while let line = next, line >= endOfTitle {
            next = lastLineStart(before: line)
            if bytes[line] == comment {
                otherLines += possibleContinuationLines
                possibleContinuationLines = 0
                continue
            }
            if isBlankLine(line) {
                if onlyBlankLines { continue }
                otherLines += possibleContinuationLines
                if recognizedPrefix && trailerLines * 3 >= otherLines { return nextLine(line) }
                if trailerLines > 0 && otherLines == 0 { return nextLine(line) }
                return limit
            }
            onlyBlankLines = false
            if Self.gitGeneratedPrefixes.contains(where: { hasPrefix($0, at: line) }) {
                trailerLines += 1
                possibleContinuationLines = 0
                recognizedPrefix = true
                continue
            }
            if let separator = separatorPosition(from: line, to: end), separator >= 1, !isGitSpace(bytes[line]) {
                trailerLines += 1
                possibleContinuationLines = 0
                if !recognizedPrefix && !recognizedKeys.isEmpty {
                    let key = trimmed(line..<(line + separator))
                    recognizedPrefix = recognizedKeys.contains { known in known.withUnsafeBufferPointer { equalIgnoringASCIICase(key, $0) } }
                }
            } else if isGitSpace(bytes[line]) {
                possibleContinuationLines += 1
            } else {
                otherLines += 1 + possibleContinuationLines
                possibleContinuationLines = 0
            }
        }
        // The subject's own paragraph has no blank line above its body: judged at its start.
        if let bodyOfTitle, !onlyBlankLines {
            otherLines += possibleContinuationLines
            if (recognizedPrefix && trailerLines * 3 >= otherLines) || (trailerLines > 0 && otherLines == 0) { return bodyOfTitle }
        }
        return limit
    }

    /// Calls `body` with the block's entries as git's `trailer_info_get` and `process_input_file` take
    /// them: a line that starts with whitespace after a trailer continues it; comment lines are dropped.
    func forEachEntry(in block: Range<Int>, _ body: (BlockLayout.Entry) -> Void) {
        var current: Range<Int>? = nil
        var currentIsTrailer = false
        func finish(_ range: Range<Int>) {
            guard bytes[range.lowerBound] != comment else { return }
            if let separator = separatorPosition(from: range.lowerBound, to: range.upperBound), separator >= 1 {
                let position = range.lowerBound + separator
                body(BlockLayout.Entry(key: trimmed(range.lowerBound..<position), value: trimmed((position + 1)..<range.upperBound)))
            } else {
                let withoutLineFeed = bytes[range.upperBound - 1] == .lineFeed ? range.dropLast() : range
                body(BlockLayout.Entry(key: nil, value: withoutLineFeed))
            }
        }
        var line = block.lowerBound
        while line < block.upperBound {
            let next = nextLine(line, limit: block.upperBound)
            if let range = current, currentIsTrailer, isGitSpace(bytes[line]) {
                current = range.lowerBound..<next
            } else {
                if let range = current { finish(range) }
                current = line..<next
                currentIsTrailer = (separatorPosition(from: line, to: next) ?? 0) >= 1
            }
            line = next
        }
        if let range = current { finish(range) }
    }

    // MARK: Bytes, as git's C string helpers read them

    /// The byte at `index`, or NUL past the end, as reading a C string gives.
    func byte(_ index: Int) -> UInt8 { index < end ? bytes[index] : 0 }

    func buffer(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: bytes + range.lowerBound, count: range.count)
    }

    func copy(_ range: Range<Int>) -> [UInt8] {
        Array(UnsafeBufferPointer(start: bytes + range.lowerBound, count: range.count))
    }

    func append(_ range: Range<Int>, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: bytes + range.lowerBound, count: range.count))
    }

    private func hasPrefix(_ prefix: StaticString, at index: Int) -> Bool {
        end - index >= prefix.utf8CodeUnitCount && memcmp(bytes + index, prefix.utf8Start, prefix.utf8CodeUnitCount) == 0
    }

    /// The line feed that ends the line at `start`, looking no further than `limit`.
    private func lineEnd(from start: Int, limit: Int) -> Int? {
        guard start < limit, let found = memchr(bytes + start, Int32(UInt8.lineFeed), limit - start) else { return nil }
        return UnsafeRawPointer(bytes).distance(to: UnsafeRawPointer(found))
    }

    /// Git's `next_line`: after the line feed, or the end (or `limit`).
    private func nextLine(_ start: Int, limit: Int? = nil) -> Int {
        let limit = limit ?? end
        guard let lineFeed = lineEnd(from: start, limit: limit) else { return limit }
        return lineFeed + 1
    }

    /// Git's `last_line`: the start of the line holding the byte before `limit` (a final line feed
    /// belongs to its line); nil when `limit` is 0.
    private func lastLineStart(before limit: Int) -> Int? {
        guard limit > 0 else { return nil }
        var index = limit - 2
        while index >= 0 {
            if bytes[index] == .lineFeed { return index + 1 }
            index -= 1
        }
        return 0
    }

    /// Git's `is_blank_line`: only spaces, tabs and carriage returns before the line feed.
    private func isBlankLine(_ start: Int) -> Bool {
        var index = start
        while index < end, bytes[index] != .lineFeed, isGitSpace(bytes[index]) { index += 1 }
        return index == end || bytes[index] == .lineFeed
    }

    /// Git's `find_separator` on the bytes from `start`: the offset of the separator (`:`, and `=` for
    /// `--trailer` arguments) in `<key><optional blanks><separator>…`, where the key is letters, digits and
    /// dashes; 0 when the line starts with a separator; nil otherwise.
    func separatorPosition(from start: Int, to limit: Int, alsoEquals: Bool = false) -> Int? {
        var blankFound = false
        var index = start
        while index < limit {
            let byte = bytes[index]
            if byte == .colon || (alsoEquals && byte == .equals) { return index - start }
            if !blankFound && (isGitAlphanumeric(byte) || byte == .dash) {
                index += 1
                continue
            }
            if index != start && (byte == .space || byte == .tab) {
                blankFound = true
                index += 1
                continue
            }
            break
        }
        return nil
    }

    /// Git's `strbuf_trim`.
    func trimmed(_ range: Range<Int>) -> Range<Int> {
        var lower = range.lowerBound, upper = range.upperBound
        while upper > lower, isGitSpace(bytes[upper - 1]) { upper -= 1 }
        while lower < upper, isGitSpace(bytes[lower]) { lower += 1 }
        return lower..<upper
    }

    /// Git's `same_token`: keys compare case-insensitively over the shorter one's length, trailing
    /// punctuation ignored (so an existing `Assisted` matches `Assisted-by`).
    func sameKey(_ key: Range<Int>, _ other: UnsafeBufferPointer<UInt8>) -> Bool {
        var length = key.count
        while length > 0, !isGitAlphanumeric(bytes[key.lowerBound + length - 1]) { length -= 1 }
        var otherLength = other.count
        while otherLength > 0, !isGitAlphanumeric(other[otherLength - 1]) { otherLength -= 1 }
        return equalIgnoringASCIICase(key.lowerBound..<(key.lowerBound + min(length, otherLength)),
                                      UnsafeBufferPointer(rebasing: other[..<min(length, otherLength)]))
    }

    /// Git's `same_value`: `strcasecmp` equality (ASCII letters only, as in the C locale).
    func equalIgnoringASCIICase(_ value: Range<Int>, _ other: UnsafeBufferPointer<UInt8>) -> Bool {
        guard value.count == other.count else { return false }
        for offset in 0..<value.count where lowercasedASCII(bytes[value.lowerBound + offset]) != lowercasedASCII(other[offset]) {
            return false
        }
        return true
    }
}

/// Git's `isspace` (its own ctype, locale-free): space, tab, line feed, carriage return.
private func isGitSpace(_ byte: UInt8) -> Bool {
    byte == .space || byte == .tab || byte == .lineFeed || byte == .carriageReturn
}

/// Git's `isalnum`: ASCII letters and digits only.
private func isGitAlphanumeric(_ byte: UInt8) -> Bool {
    (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A)
}

private func lowercasedASCII(_ byte: UInt8) -> UInt8 {
    byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
}

/// Git's `strbuf_trim`, on bytes that are not in a message.
private func trimmed(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
    var slice = bytes
    while let last = slice.last, isGitSpace(last) { slice.removeLast() }
    while let first = slice.first, isGitSpace(first) { slice.removeFirst() }
    return Array(slice)
}

private extension UInt8 {
    // Computed, not stored: a stored static is a lazily initialised global, checked on every use.
    static var lineFeed: UInt8 { 0x0A }
    static var carriageReturn: UInt8 { 0x0D }
    static var tab: UInt8 { 0x09 }
    static var space: UInt8 { 0x20 }
    static var colon: UInt8 { 0x3A }
    static var equals: UInt8 { 0x3D }
    static var dash: UInt8 { 0x2D }
}
