@testable import AITrailKit
import Git
import Testing

@Suite struct RepositoryNameTests {
    @Test(arguments: [
        ("git@github.com:acme/shop.git", "github.com/acme/shop"),
        ("https://github.com/acme/shop.git", "github.com/acme/shop"),
        ("https://x-access-token:ghs_secret@GitHub.com/acme/shop/", "github.com/acme/shop"),
        ("ssh://git@gitlab.example.com:2222/group/sub/shop.git", "gitlab.example.com/group/sub/shop"),
        ("http://[::1]:8080/shop", "[::1]/shop"),
        ("/srv/git/shop.git", "shop"),
        ("../shop", "shop"),
        ("file:///srv/git/shop.git/", "shop"),
        ("  ", nil),
    ])
    func normalises(url: String, expected: String?) {
        #expect(RepositoryName.normalise(remoteURL: url) == expected)
    }
}

@Suite struct AuditScopeWordsTests {
    @Test func sayWhatWasAudited() {
        #expect(AuditScope.describe(walk: WalkOptions(), head: "main") == "HEAD (main)")
        #expect(AuditScope.describe(walk: WalkOptions(), head: nil, detachedAt: "abc1234") == "HEAD (detached at abc1234)")
        #expect(AuditScope.describe(walk: WalkOptions(all: true), head: "main") == "all branches and tags")
        #expect(AuditScope.describe(walk: WalkOptions(revisions: ["main..feature"]), head: "main") == "commits in feature not in main")
        #expect(AuditScope.describe(walk: WalkOptions(revisions: ["a...b"]), head: "main") == "commits in a or b but not both")
        #expect(AuditScope.describe(walk: WalkOptions(revisions: ["v2", "^v1"]), head: "main") == "v2, not in v1")
        #expect(AuditScope.describe(walk: WalkOptions(revisions: ["origin/main.."]), head: "main") == "commits in HEAD not in origin/main")
        #expect(AuditScope.describe(walk: WalkOptions(firstParent: true), head: "main", noBots: true, noMerges: true, until: "2025-12-31")
            == "HEAD (main), first parents only, until 2025-12-31, without bots, without merges")
    }
}

@Suite struct BotAccountTests {
    @Test(arguments: [
        ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com", true),
        ("github-actions", "41898282+github-actions[bot]@users.noreply.github.com", true),
        ("GitHub Action", "action@github.com", true),
        ("semantic-release-bot", "semantic-release-bot@martynus.net", true),
        ("Renovate Bot", "bot@renovateapp.com", true),
        ("Release", "release-bot@corp.example", true),
        ("Talbot Smith", "talbot@corp.example", false),
        ("Abbott", "abbott@bots-r-us.example", false),
        ("Claude", "noreply@anthropic.com", false),
        ("Jane Doe", "jane@corp.example", false),
    ])
    func tellsBotsFromPeople(name: String, email: String, isBot: Bool) {
        #expect(BotAccount.isBot(Identity(name: name, email: email)) == isBot)
    }
}

@Suite struct ReportTextTests {
    @Test func printableEscapesWhatATerminalWouldObey() {
        #expect(AuditText.printable("José Álvarez 🙂") == "José Álvarez 🙂")
        #expect(AuditText.printable("a\u{1B}[31mb\u{07}\u{7F}\u{9B}c\n\t") == #"a\e[31mb\x07\x7F\x9Bc\n\t"#)
        #expect(AuditText.printable("x\u{202E}y\u{2066}") == #"x\u{202E}y\u{2066}"#)
    }

    @Test func csvFieldsNeverStartAFormula() {
        #expect(AuditCSVRenderer.field("=1+1") == "'=1+1")
        #expect(AuditCSVRenderer.field("+1") == "'+1")
        #expect(AuditCSVRenderer.field("-1") == "'-1")
        #expect(AuditCSVRenderer.field("@A1") == "'@A1")
        #expect(AuditCSVRenderer.field("\tx") == "'\tx")
        #expect(AuditCSVRenderer.field("\r\nx") == "\"'\r\nx\"")
        #expect(AuditCSVRenderer.field("=HYPERLINK(\"http://x\",\"a\")") == "\"'=HYPERLINK(\"\"http://x\"\",\"\"a\"\")\"")
        #expect(AuditCSVRenderer.field("Jane Doe <jane@x>") == "Jane Doe <jane@x>")
        #expect(AuditCSVRenderer.field("a, b") == "\"a, b\"")
    }
}

@Suite struct TextEncodingTests {
    @Test func convertsAsGitLogDoes() {
        let latin1: [UInt8] = [0x4A, 0x6F, 0x73, 0xE9]  // "José"
        let converted = latin1.withUnsafeBufferPointer { TextEncoding.utf8($0, from: "ISO-8859-1") }
        #expect(converted.map { String(decoding: $0, as: UTF8.self) } == "José")
        let invalid: [UInt8] = [0x82, 0xA0]
        #expect(invalid.withUnsafeBufferPointer { TextEncoding.utf8($0, from: "no-such-encoding") } == nil)
        #expect(Array("UTF-8".utf8).withUnsafeBufferPointer { TextEncoding.isUTF8($0) })
        #expect(Array("utf8".utf8).withUnsafeBufferPointer { TextEncoding.isUTF8($0) })
        #expect(!Array("ISO-8859-1".utf8).withUnsafeBufferPointer { TextEncoding.isUTF8($0) })
        // A long text grows the output buffer.
        let long = [UInt8](repeating: 0xE9, count: 10_000)
        #expect(long.withUnsafeBufferPointer { TextEncoding.utf8($0, from: "ISO-8859-1") }?.count == 20_000)
    }
}
