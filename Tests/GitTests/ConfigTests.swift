import Foundation
import Git
import Testing
import TestSupport

@Suite struct ConfigTests {
    let text = """
    # policy
    [tag]
    \ttrailer = AI-used-for
    \trequire = yes
    [agents]
    \tallow = claude-code
    \tallow = codex
    [agent "Acme-Bot"]
    \tenv = ACME_BOT_SESSION
    [evidence]
    \tmax-age = 30
    \tcount = lots

    """

    @Test func readsTypedAndMultiValuedKeys() throws {
        let config = try ConfigFile(bytes: Array(text.utf8), displayName: ".aitrail")
        #expect(try config.string("tag.trailer") == "AI-used-for")
        #expect(try config.bool("tag.require") == true)
        #expect(try config.strings("agents.allow") == ["claude-code", "codex"])
        #expect(try config.string("agent.Acme-Bot.env") == "ACME_BOT_SESSION")
        #expect(try config.int("evidence.max-age") == 30)
        #expect(try config.string("missing.key") == nil)
        let entries = try config.entries()
        #expect(entries.map(\.name) == ["tag.trailer", "tag.require", "agents.allow", "agents.allow", "agent.Acme-Bot.env", "evidence.max-age", "evidence.count"])
        #expect(entries.map(\.line) == [3, 4, 6, 7, 9, 11, 12])
    }

    @Test func badValueNamesFileLineAndKey() throws {
        let config = try ConfigFile(bytes: Array(text.utf8), displayName: ".aitrail")
        let error = #expect(throws: GitError.self) { try config.int("evidence.count") }
        #expect(error?.message == ".aitrail:12: bad value 'lots' for 'evidence.count': expected an integer")
    }

    @Test func syntaxErrorNamesFileAndLine() throws {
        let broken = "[tag]\n\ttrailer = x\n[broken\n"
        let error = #expect(throws: GitError.self) { try ConfigFile(bytes: Array(broken.utf8), displayName: "abc123:.aitrail") }
        #expect(error?.message.hasPrefix("abc123:.aitrail: ") == true)
        #expect(error?.message.contains("abc123:.aitrail:3") == true)
    }

    @Test func readsFromACommit() throws {
        let repo = try TestRepository()
        let id = try repo.commit("policy", file: ".aitrail", contents: text)
        let opened = try Repository(discovering: repo.path)
        let commit = try #require(ObjectID(hex: id))
        let bytes = try #require(try opened.fileContents(".aitrail", in: commit))
        let config = try ConfigFile(bytes: bytes, displayName: "\(id.prefix(7)):.aitrail")
        #expect(try config.strings("agents.allow") == ["claude-code", "codex"])
    }
}
