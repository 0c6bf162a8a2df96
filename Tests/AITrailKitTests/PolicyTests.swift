import AITrailKit
import Git
import Testing
import TestSupport

@Suite struct PolicyTests {
    private func load(_ text: String) throws(AITrailError) -> Policy {
        try PolicyLoader.load(commitText: text)
    }

    @Test func readsEverySection() throws {
        let policy = try load("""
        [tag]
        \ttrailer = AI-used-for
        \trequire = true
        [agents]
        \tallow = claude-code
        \tallow = Codex
        [agent "acme-bot"]
        \tenv = ACME_BOT_SESSION
        \temail = bot@acme.example
        [evidence]
        \trequire = all
        \tscope = each
        \tkind = command
        \tkind = junit
        \tmax-age = 30d
        [review]
        \tpath = src/payments/**

        """)
        #expect(policy.tag.trailer == "AI-used-for")
        #expect(policy.tag.require)
        #expect(policy.allowedAgents == ["claude-code", "codex"])
        #expect(policy.customAgents.map(\.id) == ["acme-bot"])
        #expect(policy.evidence.require == .all)
        #expect(policy.evidence.scope == .each)
        #expect(policy.evidence.kinds == [.command, .junit])
        #expect(policy.evidence.maxAge == Int64(30 * 86_400))
        #expect(policy.reviewPaths == ["src/payments/**"])
        #expect(EnvironmentDetector(registry: policy.registry).detect(["ACME_BOT_SESSION": "x"])?.agent == "acme-bot")
    }

    @Test func defaultsWhenEmpty() throws {
        let policy = try load("")
        #expect(policy.tag.trailer == "Assisted-by")
        #expect(!policy.tag.require)
        #expect(policy.evidence.require == .ai)
        #expect(policy.evidence.scope == .head)
    }

    /// A key from a newer aitrail (or a typo) is a warning naming file, line and key; the rest is read.
    @Test func unknownKeyIsAWarningNamingFileLineAndKey() throws {
        let policy = try load("[tag]\n\ttrailer = AI-used-for\n\tcolour = red\n[evidence]\n\trunner = unit\n[future]\n\tx = 1\n")
        #expect(policy.tag.trailer == "AI-used-for")
        #expect(policy.warnings.count == 3)
        #expect(policy.warnings[0].hasPrefix("test:.aitrail:3: unknown key 'tag.colour' ignored (known keys in [tag]: merges, require, trailer"))
        #expect(policy.warnings[1].hasPrefix("test:.aitrail:5: unknown key 'evidence.runner' ignored"))
        #expect(policy.warnings[2].contains("known sections: agent, agents, evidence, review, tag"))
    }

    @Test func badValueNamesFileLineAndKey() {
        let error = #expect(throws: AITrailError.self) { try load("[evidence]\n\tscope = sometimes\n") }
        #expect(error?.message == "test:.aitrail:2: bad value 'sometimes' for 'evidence.scope': expected head or each")
        let age = #expect(throws: AITrailError.self) { try load("[evidence]\n\n\tmax-age = soon\n") }
        #expect(age?.message.hasPrefix("test:.aitrail:3: bad value 'soon' for 'evidence.max-age'") == true)
    }

    @Test func syntaxErrorIsReported() {
        let error = #expect(throws: AITrailError.self) { try load("[tag\n") }
        #expect(error?.message.contains("test:.aitrail") == true)
    }

    @Test func readsFromACommitNotTheWorkTree() throws {
        let repo = try TestRepository()
        let id = try repo.commit("policy", file: ".aitrail", contents: "[tag]\n\trequire = true\n")
        try repo.write(".aitrail", "[tag]\n\trequire = false\n")
        let opened = try Repository(discovering: repo.path)
        let committed = try PolicyLoader.load(commit: #require(ObjectID(hex: id)), in: opened)
        #expect(committed.tag.require)
        #expect(committed.origin == "\(id.prefix(7)):.aitrail")
        #expect(try !PolicyLoader.load(workTreeOf: opened).tag.require)
    }
}

extension PolicyLoader {
    static func load(commitText text: String) throws(AITrailError) -> Policy {
        let config: ConfigFile
        do { config = try ConfigFile(bytes: Array(text.utf8), displayName: "test:.aitrail") } catch {
            throw AITrailError.policy(error.message)
        }
        return try PolicyLoader.parse(config)
    }
}
