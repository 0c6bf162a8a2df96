import CGit2
import Foundation
import Git
import Testing
import TestSupport

private let assistedBy = Trailer(key: "Assisted-by", value: "claude-code:claude-opus-4.6")
private let aiUsedFor = Trailer(key: "AI-used-for", value: "claude-code:claude-opus-4.6")

// MARK: The git CLI as the reference

/// git with no system, global or XDG configuration, so `trailer.*` settings cannot change its answers.
private enum ReferenceGit {
    static let home: String = {
        do { return try makeTemporaryDirectory(prefix: "aitrail-trailers-home") } catch { fatalError("\(error)") }
    }()

    static func run(_ arguments: [String], input: [UInt8]) throws -> [UInt8] {
        let environment = ["GIT_CONFIG_NOSYSTEM": "1", "HOME": home, "XDG_CONFIG_HOME": home, "LC_ALL": "C"]
        let result = try runProcess("/usr/bin/git", arguments, in: home, input: input, environment: environment,
                                    removing: agentEnvironment + ["GIT_CONFIG", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT"])
        guard result.status == 0 else { throw ReferenceGitFailed(arguments: arguments, stderr: result.stderr) }
        return result.stdoutBytes
    }

    static func options(_ message: TrailerMessage) -> [String] {
        message.commentCharacter == UInt8(ascii: "#") ? [] : ["-c", "core.commentChar=\(Character(Unicode.Scalar(message.commentCharacter)))"]
    }

    /// `git interpret-trailers --parse`, as (key, value) byte pairs.
    static func parse(_ message: TrailerMessage) throws -> [(key: [UInt8], value: [UInt8])] {
        let output = try run(options(message) + ["interpret-trailers", "--parse"], input: message.bytes)
        return output.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast().map { line in
            let colon = line.firstIndex(of: UInt8(ascii: ":"))!
            // git prints `key: value`; the value was trimmed, so exactly one space follows the colon.
            return (Array(line[..<colon]), Array(line[(colon + 2)...]))
        }
    }

    /// `git interpret-trailers --if-exists addIfDifferent --trailer 'Key: value'`; with no trailer, the
    /// message as git rewrites it when it adds nothing.
    static func insert(_ trailer: Trailer?, into message: TrailerMessage) throws -> [UInt8] {
        var arguments = options(message) + ["-c", "trailer.ifexists=addIfDifferent", "interpret-trailers"]
        if let trailer { arguments += ["--if-exists", "addIfDifferent", "--trailer", "\(trailer.key): \(trailer.value)"] }
        return try run(arguments, input: message.bytes)
    }
}

private struct ReferenceGitFailed: Error, CustomStringConvertible {
    let arguments: [String]
    let stderr: String
    var description: String { "git \(arguments.joined(separator: " ")) failed: \(stderr)" }
}

/// libgit2 1.5's trailer parser, for the record of where it and git disagree.
private func libgit2Trailers(_ message: [UInt8]) -> [(key: [UInt8], value: [UInt8])] {
    git_libgit2_init()
    defer { git_libgit2_shutdown() }
    var array = git_message_trailer_array()
    let status = (message + [0]).withUnsafeBufferPointer { buffer in
        buffer.withMemoryRebound(to: CChar.self) { git_message_trailers(&array, $0.baseAddress) }
    }
    guard status == 0 else { return [] }
    defer { git_message_trailer_array_free(&array) }
    return (0..<array.count).map { index in
        let trailer = array.trailers[index]
        return (Array(UnsafeRawBufferPointer(start: trailer.key, count: strlen(trailer.key))),
                Array(UnsafeRawBufferPointer(start: trailer.value, count: strlen(trailer.value))))
    }
}

// MARK: Messages

struct TrailerMessage: Sendable, CustomTestStringConvertible {
    let name: String
    let bytes: [UInt8]
    var commentCharacter = UInt8(ascii: "#")

    init(_ name: String, _ bytes: [UInt8], commentCharacter: UInt8 = UInt8(ascii: "#")) {
        self.name = name
        self.bytes = bytes
        self.commentCharacter = commentCharacter
    }

    init(_ name: String, _ text: String, commentCharacter: UInt8 = UInt8(ascii: "#")) {
        self.init(name, Array(text.utf8), commentCharacter: commentCharacter)
    }

    var testDescription: String { name }
}

/// Messages built from pieces: subject, body, last paragraph (trailer-like or not) and what follows it,
/// each with LF, CRLF and no final line feed.
private enum Messages {
    static let subjects = [
        "Fix the trailer parser",
        "Co-authored-by: a subject that looks like a trailer",
        "Signed-off-by: Subject Only <subject@example.com>",
        "feat: add the thing",
    ]

    static let bodies: [String?] = [
        nil,
        "Explain why the change is needed.",
        "First line of the body.\nSecond line: with a colon in prose.",
        "Not-a-trailer: in a middle paragraph\nSigned-off-by: Middle <middle@example.com>\n\nThen a prose paragraph.",
        "----\nA dashed line that is no patch divider.",
    ]

    static let lastParagraphs: [(name: String, text: String?)] = [
        ("none", nil),
        ("signed-off", "Signed-off-by: Ada Lovelace <ada@example.com>"),
        ("co-authored", "Co-authored-by: Claude Opus 4.6 <noreply@anthropic.com>"),
        ("assisted same", "Assisted-by: claude-code:claude-opus-4.6"),
        ("assisted mixed case", "ASSISTED-BY: Claude-Code:Claude-Opus-4.6"),
        ("assisted different", "Assisted-by: codex:gpt-5.4"),
        ("assisted prefix key", "Assisted: claude-code:claude-opus-4.6"),
        ("assisted no space", "Assisted-by:claude-code:claude-opus-4.6"),
        ("assisted in middle", "Signed-off-by: Ada <ada@example.com>\nAssisted-by: claude-code:claude-opus-4.6\nSigned-off-by: Bob <bob@example.com>"),
        ("all trailers", "Reviewed-by: Rita <rita@example.com>\nAcked-by  : Al <al@example.com>\nAI-used-for: code review"),
        ("25% with prefix", "Signed-off-by: Ada <ada@example.com>\nThis line is prose.\nSo is this one.\nAnd this one."),
        ("under 25%", "Signed-off-by: Ada <ada@example.com>\nProse one.\nProse two.\nProse three.\nProse four."),
        ("trailers and prose, no prefix", "Reviewed-by: Rita <rita@example.com>\nBut this line is prose."),
        ("continuations", "Co-authored-by: Claude\n  <noreply@anthropic.com>\n\tstill continued\nSigned-off-by: Ada <ada@example.com>"),
        ("indented first", "  indented first line\nSigned-off-by: Ada <ada@example.com>"),
        ("cherry-pick", "(cherry picked from commit 0123456789abcdef0123456789abcdef01234567)\nprose\nmore prose\nstill prose"),
        ("comment in block", "Signed-off-by: Ada <ada@example.com>\n# a comment inside the block\nAcked-by: Bob <bob@example.com>"),
        ("hash key", "Bug #42: prose with a hash\nFixes: 123"),
        ("colon first", "Closes: #7\n: starts with a colon"),
        ("empty value", "Assisted-by:\nSigned-off-by: Ada <ada@example.com>"),
    ]

    static let endings: [(name: String, text: String)] = [
        ("end", ""),
        ("blank lines", "\n\n  \n"),
        ("commit template", "\n# Please enter the commit message for your changes. Lines starting\n# with '#' will be ignored, and an empty message aborts the commit.\n#\n# On branch main\n"),
        ("scissors", "\n# ------------------------ >8 ------------------------\n# Do not modify or remove the line above.\n# Everything below it will be ignored.\ndiff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n"),
        ("patch", "---\n f | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n\ndiff --git a/f b/f\n"),
        ("conflicts", "\nConflicts:\n\tSources/a.swift\n\tSources/b.swift\n"),
    ]

    static let combined: [TrailerMessage] = {
        var cases: [TrailerMessage] = []
        for (p, paragraph) in lastParagraphs.enumerated() {
            for (e, ending) in endings.enumerated() {
                let subject = subjects[(p + e) % subjects.count]
                let body = bodies[(p * 2 + e) % bodies.count]
                var text = subject + "\n"
                if let body { text += "\n" + body + "\n" }
                if let last = paragraph.text { text += "\n" + last + "\n" }
                text += ending.text
                let name = "\(paragraph.name) + \(ending.name) [subject \((p + e) % subjects.count), body \((p * 2 + e) % bodies.count)]"
                cases.append(TrailerMessage("\(name), LF", text))
                cases.append(TrailerMessage("\(name), CRLF", text.replacingOccurrences(of: "\n", with: "\r\n")))
                if text.hasSuffix("\n") { cases.append(TrailerMessage("\(name), no final LF", String(text.dropLast()))) }
            }
        }
        return cases
    }()

    static let special: [TrailerMessage] = [
        TrailerMessage("empty", ""),
        TrailerMessage("one line feed", "\n"),
        TrailerMessage("blank lines only", "\n\n \n"),
        TrailerMessage("subject only", "Subject"),
        TrailerMessage("subject and line feed", "Subject\n"),
        TrailerMessage("subject and blank line", "Subject\n\n"),
        TrailerMessage("subject is a trailer", "Signed-off-by: Ada <ada@example.com>\n"),
        TrailerMessage("leading blank lines", "\n\nSubject\n\nSigned-off-by: Ada <ada@example.com>\n"),
        TrailerMessage("comment before subject", "# comment\nSubject\n\nSigned-off-by: Ada <ada@example.com>\n"),
        TrailerMessage("comment then blank before trailers", "Subject\n# note\n\nSigned-off-by: Ada <ada@example.com>\n"),
        TrailerMessage("whitespace line after block", "Subject\n\nSigned-off-by: Ada <ada@example.com>\n   \n\t\n"),
        TrailerMessage("divider at end without LF", "Subject\n\nBody\n---"),
        TrailerMessage("divider with text", "Subject\n\nSigned-off-by: Ada <ada@example.com>\n--- a/f\n+++ b/f\n"),
        TrailerMessage("divider with tab", "Subject\n\nSigned-off-by: Ada <ada@example.com>\n---\tx\n"),
        TrailerMessage("divider-like line", "Subject\n\nSigned-off-by: Ada <ada@example.com>\n---x\nmore\n"),
        TrailerMessage("scissors first", "# ------------------------ >8 ------------------------\ndiff --git a/f b/f\n"),
        TrailerMessage("scissors after trailers", "Subject\n\nSigned-off-by: Ada <ada@example.com>\n# ------------------------ >8 ------------------------\ndiff\n"),
        TrailerMessage("scissors without LF", "Subject\n\nSigned-off-by: Ada <ada@example.com>\n# ------------------------ >8 ------------------------"),
        TrailerMessage("conflicts first", "Conflicts:\n\tf\nSubject\n\nprose\n\n# comment\n\tpath\n"),
        TrailerMessage("old conflicts list", "Merge branch 'x'\n\nSigned-off-by: Ada <ada@example.com>\n\nConflicts:\n\ta.c\n\tb.c\n# comment\n"),
        TrailerMessage("non-UTF-8", [UInt8]("Caf".utf8) + [0xE9] + Array(" subject\n\nBody ".utf8) + [0xFF, 0xFE]
                    + Array("\n\nSigned-off-by: Jos".utf8) + [0xE9] + Array(" <jose@example.com>\nAcked-by: ".utf8) + [0xC3, 0x28] + [0x0A]),
        TrailerMessage("NUL in body", Array("Subject\n\nBody".utf8) + [0] + Array("more\n\nSigned-off-by: Ada <ada@example.com>\n".utf8)),
        TrailerMessage("NUL after block", Array("Subject\n\nSigned-off-by: Ada <ada@example.com>\n".utf8) + [0] + Array("tail\n".utf8)),
        TrailerMessage("carriage return blank line in block", "Subject\n\nSigned-off-by: Ada <ada@example.com>\n\r\nAcked-by: Bob\n"),
        TrailerMessage("value with carriage return continuation", "Subject\r\n\r\nCo-authored-by: A\r\n  B\r\n"),
        TrailerMessage("tab-separated key", "Subject\n\nAcked-by\t: Bob\n"),
        TrailerMessage("dash key", "Subject\n\n-: dash only\n"),
        TrailerMessage("same value other case", "Subject\n\nassisted-by: CLAUDE-CODE:CLAUDE-OPUS-4.6\n"),
        TrailerMessage("semicolon comments", "Subject\n\nSigned-off-by: Ada <ada@example.com>\n; comment\n", commentCharacter: UInt8(ascii: ";")),
        TrailerMessage("semicolon comment in block", "Subject\n\nSigned-off-by: Ada\n; note\nAcked-by: Bob\n# not a comment\n", commentCharacter: UInt8(ascii: ";")),
        TrailerMessage("hash is text with semicolon comments", "Subject\n\nSigned-off-by: Ada\n# text\n", commentCharacter: UInt8(ascii: ";")),
    ]

    static let all = combined + special
}

struct LibGit2TrailerDisagreement: Sendable, CustomTestStringConvertible {
    let message: String
    /// What libgit2 returns.
    let libgit2: [(key: String, value: String)]

    init(_ message: String, libgit2: [(key: String, value: String)]) {
        self.message = message
        self.libgit2 = libgit2
    }

    var testDescription: String { message.debugDescription }
}

// MARK: Tests

@Suite struct TrailersTests {
    @Test func differentialCaseCount() {
        #expect(Messages.all.count >= 200)
    }

    /// `Trailers.parse` equals `git interpret-trailers --parse`; `Trailers.insert` equals
    /// `git interpret-trailers --if-exists addIfDifferent --trailer …` byte for byte, except that when git
    /// adds nothing, the message stays exactly as it was (git would still rewrite the block in its form).
    @Test(arguments: Messages.all)
    func matchesGit(_ message: TrailerMessage) throws {
        let expected = try ReferenceGit.parse(message)
        let block = Trailers.block(in: message.bytes, commentCharacter: message.commentCharacter)
        let ours = block.entries.compactMap { entry in entry.key.map { ($0, entry.unfoldedValue) } }
        #expect(ours.map(\.0) == expected.map(\.key))
        #expect(ours.map(\.1) == expected.map(\.value))
        #expect(Trailers.parse(message.bytes, commentCharacter: message.commentCharacter) == expected.map {
            Trailer(key: String(decoding: $0.key, as: UTF8.self), value: String(decoding: $0.value, as: UTF8.self))
        })
        var visited: [(key: [UInt8], value: [UInt8])] = []
        message.bytes.withUnsafeBufferPointer { bytes in
            Trailers.forEach(in: bytes, commentCharacter: message.commentCharacter) { key, value in
                visited.append((Array(key), Array(Trailers.unfoldedValue(value).utf8)))
            }
        }
        #expect(visited.map(\.key) == expected.map(\.key))
        #expect(visited.map(\.value) == expected.map { Array(String(decoding: $0.value, as: UTF8.self).utf8) })

        let rewrittenOnly = try ReferenceGit.insert(nil, into: message)
        for trailer in [assistedBy, aiUsedFor] {
            let git = try ReferenceGit.insert(trailer, into: message)
            let inserted = Trailers.insert(trailer, into: message.bytes, commentCharacter: message.commentCharacter)
            if git == rewrittenOnly {
                #expect(inserted == message.bytes, "git adds no \(trailer.key); the message must stay as it was")
            } else {
                #expect(inserted == git, "\(trailer.key): ours \(visible(inserted)) git \(visible(git))")
            }
        }
    }

    @Test func insertTwiceEqualsInsertOnce() throws {
        var addedAgain: [String] = []
        for message in Messages.all {
            let once = Trailers.insert(assistedBy, into: message.bytes, commentCharacter: message.commentCharacter)
            let twice = Trailers.insert(assistedBy, into: once, commentCharacter: message.commentCharacter)
            guard twice != once else { continue }
            // Only where git adds it again too: the first trailer went into a paragraph that is no trailer
            // block (the message had no final line feed, or git's reading stopped at a NUL byte).
            addedAgain.append(message.name)
            #expect(!Trailers.parse(once, commentCharacter: message.commentCharacter).contains { $0.key == "Assisted-by" })
            #expect(try twice == ReferenceGit.insert(assistedBy, into: TrailerMessage(message.name, once, commentCharacter: message.commentCharacter)))
        }
        #expect(addedAgain.count <= 15, "\(addedAgain)")
    }

    @Test func identicalTrailerLeavesMessageUnchanged() {
        let messages = [
            "Subject\n\nBody.\n\nAssisted-by: claude-code:claude-opus-4.6\n",
            "Subject\n\nAssisted-by:claude-code:claude-opus-4.6\r\n",
            "Subject\n\nSigned-off-by: Ada <ada@example.com>\nassisted-by :  CLAUDE-code:claude-opus-4.6\n# kept comment\n",
        ]
        for message in messages {
            #expect(Trailers.insert(assistedBy, into: Array(message.utf8)) == Array(message.utf8))
        }
    }

    @Test func newTrailerGoesIntoTheBlockOrANewParagraph() {
        #expect(insert("Subject\n\nBody.\n\nSigned-off-by: Ada <ada@example.com>\n")
            == "Subject\n\nBody.\n\nSigned-off-by: Ada <ada@example.com>\nAssisted-by: claude-code:claude-opus-4.6\n")
        #expect(insert("Subject\n\nBody.\n") == "Subject\n\nBody.\n\nAssisted-by: claude-code:claude-opus-4.6\n")
        #expect(insert("Subject\n\nBody.\n\n# Please enter the commit message\n")
            == "Subject\n\nBody.\n\nAssisted-by: claude-code:claude-opus-4.6\n\n# Please enter the commit message\n")
        #expect(insert("Subject\n\nBody.\n---\n f | 1 +\n")
            == "Subject\n\nBody.\n\nAssisted-by: claude-code:claude-opus-4.6\n---\n f | 1 +\n")
    }

    @Test func messageWithoutFinalLineFeedGetsOne() {
        // git ends the last line and adds the trailer right after it: no blank line, as git does.
        #expect(insert("Subject") == "Subject\nAssisted-by: claude-code:claude-opus-4.6\n")
        #expect(insert("Subject\n\nBody") == "Subject\n\nBody\nAssisted-by: claude-code:claude-opus-4.6\n")
        #expect(insert("Subject\n\nSigned-off-by: Ada")
            == "Subject\n\nSigned-off-by: Ada\nAssisted-by: claude-code:claude-opus-4.6\n")
        #expect(insert("") == "\nAssisted-by: claude-code:claude-opus-4.6\n")
    }

    @Test func crlfMessageGetsGitsLineFeedBlock() {
        // git rewrites the block with LF endings and folds trailing CRLF blank lines into the last trailer.
        #expect(insert("Subject\r\n\r\nSigned-off-by: Ada\r\n\r\n")
            == "Subject\r\n\r\nSigned-off-by: Ada\nAssisted-by: claude-code:claude-opus-4.6\n")
        #expect(insert("Subject\r\n\r\nBody\r\n") == "Subject\r\n\r\nBody\r\n\nAssisted-by: claude-code:claude-opus-4.6\n")
    }

    @Test func nonUTF8BytesArePreserved() {
        let message: [UInt8] = Array("Caf".utf8) + [0xE9, 0x0A, 0x0A, 0xFF, 0xFE, 0x80] + Array("\n\nAcked-by: ".utf8) + [0xC3, 0x28, 0x0A]
        let inserted = Trailers.insert(assistedBy, into: message)
        #expect(inserted == message + Array("Assisted-by: claude-code:claude-opus-4.6\n".utf8))
        let block = Trailers.block(in: message)
        #expect(block.entries.map(\.value) == [[0xC3, 0x28]])
        #expect(Trailers.parse(message) == [Trailer(key: "Acked-by", value: "\u{FFFD}(")])
    }

    @Test func blockRangeAndEntries() {
        let message = Array("Subject\n\nBody.\n\nCo-authored-by: A\n  <a@example.com>\nnot a trailer\nSigned-off-by: B\n\n# comment\n".utf8)
        let block = Trailers.block(in: message)
        #expect(block.range == 16..<83)
        #expect(block.followsBlankLine)
        #expect(block.entries.map { $0.key.map { String(decoding: $0, as: UTF8.self) } } == ["Co-authored-by", nil, "Signed-off-by"])
        #expect(block.entries[0].value == Array("A\n  <a@example.com>".utf8))
        #expect(block.trailers == [Trailer(key: "Co-authored-by", value: "A <a@example.com>"), Trailer(key: "Signed-off-by", value: "B")])
        #expect(Trailers.parse("Co-authored-by: a subject line\n") == [])
    }

    /// git 2.39 never returns on a message with a `---` line before a scissors line (its
    /// `ignore_non_trailer` loops forever); the divider ends the log message here.
    @Test func dividerBeforeScissorsLine() {
        let message = "Subject\n\nBody\n---\nnotes\n# ------------------------ >8 ------------------------\ndiff\n"
        #expect(insert(message) == "Subject\n\nBody\n\nAssisted-by: claude-code:claude-opus-4.6\n---\nnotes\n# ------------------------ >8 ------------------------\ndiff\n")
    }

    /// Linear work only: a quadratic step would not finish within the limit on these (speed itself is
    /// measured by `scripts/bench`, not asserted here).
    @Test(.timeLimit(.minutes(1)))
    func tenMegabyteMessages() {
        let trailer = "Assisted-by: claude-code:claude-opus-4.6\n"
        let body = String(repeating: "A line of an enormous commit message body, long enough to be realistic.\n", count: 140_000)
        let trailers = String(repeating: "Acked-by: A\n", count: 1_000_000)
        let blankLines = String(repeating: "\n", count: 10_000_000)
        let line = String(repeating: "x", count: 10_000_000)
        let shapes: [(message: String, expected: String)] = [
            ("Subject\n\n" + body, "Subject\n\n" + body + "\n" + trailer),
            ("Subject\n\n" + body + "\nSigned-off-by: A\n", "Subject\n\n" + body + "\nSigned-off-by: A\n" + trailer),
            // A final paragraph of a million trailers, then ten million blank lines.
            ("Subject\n\n" + trailers + blankLines, "Subject\n\n" + trailers + trailer + blankLines),
            // One 10 MB line.
            (line, line + "\n" + trailer),
        ]
        for shape in shapes {
            #expect(Trailers.insert(assistedBy, into: Array(shape.message.utf8)) == Array(shape.expected.utf8))
        }
    }

    /// Messages on which libgit2 1.5's `git_message_trailers` and git 2.39 disagree; `Trailers` sides with git.
    @Test(arguments: [
        // libgit2 takes any line starting with `---` for the patch divider; git wants whitespace after it.
        LibGit2TrailerDisagreement("Subject\n\n----\nA dashed line.\n\nSigned-off-by: Ada <ada@example.com>\n", libgit2: []),
        // libgit2 knows no scissors line, so the diff below it hides the trailers.
        LibGit2TrailerDisagreement("Subject\n\nSigned-off-by: Ada <ada@example.com>\n\n# ------------------------ >8 ------------------------\ndiff --git a/f b/f\n--- a/f\n+++ b/f\n", libgit2: []),
        // libgit2 keeps the carriage return of a CRLF line in the value.
        LibGit2TrailerDisagreement("Subject\r\n\r\nSigned-off-by: Ada <ada@example.com>\r\n", libgit2: [("Signed-off-by", "Ada <ada@example.com>\r")]),
        // An empty value swallows the next trailer in libgit2.
        LibGit2TrailerDisagreement("Subject\n\nAssisted-by:\nSigned-off-by: Ada <ada@example.com>\n",
                            libgit2: [("Assisted-by", "\nSigned-off-by: Ada <ada@example.com>")]),
        // libgit2 neither unfolds continuation lines nor keeps a tab-indented one.
        LibGit2TrailerDisagreement("Subject\n\nCo-authored-by: Claude\n  <noreply@anthropic.com>\n\tstill continued\n",
                            libgit2: [("Co-authored-by", "Claude\n  <noreply@anthropic.com>")]),
    ])
    func libgit2DisagreesWithGit(_ example: LibGit2TrailerDisagreement) throws {
        let message = TrailerMessage(example.testDescription, example.message)
        let git = try ReferenceGit.parse(message)
        let ours = Trailers.block(in: message.bytes).entries.compactMap { entry in entry.key.map { ($0, entry.unfoldedValue) } }
        #expect(ours.map(\.0) == git.map(\.key))
        #expect(ours.map(\.1) == git.map(\.value))

        let libgit2 = libgit2Trailers(message.bytes)
        #expect(libgit2.map { String(decoding: $0.key, as: UTF8.self) } == example.libgit2.map(\.key))
        #expect(libgit2.map { String(decoding: $0.value, as: UTF8.self) } == example.libgit2.map(\.value))
        #expect(libgit2.map(\.key) != git.map(\.key) || libgit2.map(\.value) != git.map(\.value))
    }

    private func insert(_ message: String) -> String {
        String(decoding: Trailers.insert(assistedBy, into: Array(message.utf8)), as: UTF8.self)
    }
}

/// Bytes with line ends and non-ASCII made visible, for failure messages.
private func visible(_ bytes: [UInt8]) -> String {
    bytes.map { byte in
        switch byte {
        case 0x0A: "\\n"
        case 0x0D: "\\r"
        case 0x20..<0x7F: String(UnicodeScalar(byte))
        default: "\\x" + String(byte, radix: 16)
        }
    }.joined()
}

