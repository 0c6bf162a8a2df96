import Foundation
import Testing
import TestSupport

/// Two real public histories (Tests/Corpus), audited as a new user would (`audit --all --format jsonl`),
/// held against an independent reading of the same commits: marker lines and identities found with
/// regular expressions over `git log`'s output (not with aitrail's trailer parser or classifier), and
/// commits read by hand. The rules are general; these histories only test them.
@Suite(.serialized) struct CorpusTests {
    static let corpus = packageRoot + "/Tests/Corpus"

    /// A bare clone of a corpus bundle with every ref.
    static func clone(_ bundle: String) throws -> TestRepository {
        let directory = try makeTemporaryDirectory(prefix: "aitrail-corpus")
        let result = try runProcess("git", ["clone", "--quiet", "--mirror", corpus + "/" + bundle, directory])
        #expect(result.status == 0, "\(result.stderr)")
        return TestRepository(existing: directory)
    }

    /// The audit's verdict per commit.
    static func audited(_ repo: TestRepository) throws -> [String: [String: Any]] {
        let result = try audit(repo, ["--all", "--format", "jsonl", "--no-cache"])
        #expect(result.status == 0, "\(result.stderr)")
        var verdicts: [String: [String: Any]] = [:]
        for line in result.stdout.split(separator: "\n") {
            let object = try jsonObject(String(line))
            verdicts[object["commit"] as! String] = object
        }
        return verdicts
    }

    /// One commit as `git log` prints it.
    struct LoggedCommit {
        var id: String
        var author: (name: String, email: String)
        var committer: (name: String, email: String)
        var message: String
    }

    static func logged(_ repo: TestRepository) throws -> [LoggedCommit] {
        let output = try repo.git(["log", "--all", "--format=%H%x1f%an%x1f%ae%x1f%cn%x1f%ce%x1f%B%x1e"])
        return output.split(separator: "\u{1e}").compactMap { record in
            let fields = record.trimmingCharacters(in: .newlines).split(separator: "\u{1f}", maxSplits: 5, omittingEmptySubsequences: false)
            guard fields.count == 6 else { return nil }
            return LoggedCommit(id: String(fields[0]), author: (String(fields[1]), String(fields[2])),
                                committer: (String(fields[3]), String(fields[4])), message: String(fields[5]))
        }
    }

    // The reading: what a person looking for agent markers finds, written as patterns of the markers
    // documented by the agents themselves (SPEC §2), not as aitrail's rules.
    nonisolated(unsafe) static let agentAddress = try! Regex(
        #"noreply@anthropic\.com|claude\[bot\]@|claude@users\.noreply\.github\.com|cursoragent@cursor\.com|noreply@openai\.com|codex@openai\.com|chatgpt-codex-connector\[bot\]|copilot-swe-agent\[bot\]|aider@aider\.chat|noreply@aider\.(dev|chat)|amp@ampcode\.com|noreply@opencode\.ai|devin-ai-integration\[bot\]|google-labs-jules\[bot\]|openhands@all-hands\.dev|qwen-coder@alibabacloud\.com"#
    ).ignoresCase()
    nonisolated(unsafe) static let coAuthorLine = try! Regex(#"^co-authored-by:\s*(.*)$"#).ignoresCase()
    nonisolated(unsafe) static let aiTrailerLine = try! Regex(#"^(assisted-by|generated-by|ai-used-for|claude-session|amp-thread-id|agent-logs-url):\s*\S"#).ignoresCase()
    nonisolated(unsafe) static let madeWithCursor = try! Regex(#"^made-with:\s*cursor\s*$"#).ignoresCase()
    nonisolated(unsafe) static let footerLine = try! Regex(#"^\W{0,8}generated (with|by) \[?(claude code|opencode|devin|codex|crush)\b"#).ignoresCase()

    /// An agent's address: Copilot's, but not its pull-request reviewer's (175728472, a review bot).
    static func isAgentAddress(_ text: String) -> Bool {
        let lower = text.lowercased()
        return text.contains(agentAddress) || (lower.contains("+copilot@users.noreply") && !lower.contains("175728472+copilot@"))
    }

    /// Whether the reading finds an agent's marker in `commit`.
    static func hasMarker(_ commit: LoggedCommit) -> Bool {
        for identity in [commit.author, commit.committer] where isAgentAddress(identity.email) {
            return true
        }
        if commit.author.name.hasSuffix(" (aider)") || commit.message.hasPrefix("aider: ") { return true }
        for line in commit.message.split(separator: "\n", omittingEmptySubsequences: false) {
            let text = String(line).trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
            if let match = text.wholeMatch(of: coAuthorLine) {
                let value = String(text[match.range].dropFirst("co-authored-by:".count))
                if isAgentAddress(value) || value.trimmingCharacters(in: .whitespaces).lowercased().hasPrefix("aider (") { return true }
            }
            if text.prefixMatch(of: aiTrailerLine) != nil || text.wholeMatch(of: madeWithCursor) != nil { return true }
            if text.prefixMatch(of: footerLine) != nil { return true }
        }
        return false
    }

    static func compare(_ bundle: String) throws -> (verdicts: [String: [String: Any]], misses: [String], extra: [String], count: Int) {
        let repo = try clone(bundle)
        let verdicts = try audited(repo)
        let commits = try logged(repo)
        #expect(verdicts.count == commits.count)
        var misses: [String] = [], extra: [String] = []
        for commit in commits {
            let ai = verdicts[commit.id]?["ai"] as? Bool ?? false
            if hasMarker(commit) && !ai { misses.append(commit.id) }
            if !hasMarker(commit) && ai { extra.append(commit.id) }
        }
        return (verdicts, misses, extra, commits.count)
    }

    @Test func claudeCodeActionEveryMarkerIsAIAndNothingElse() throws {
        let (verdicts, misses, extra, count) = try CorpusTests.compare("claude-code-action.bundle")
        #expect(count == 3_095)
        #expect(misses == [], "commits with an agent's marker reported human")
        #expect(extra == [], "commits without any marker reported AI")
        func ai(_ id: String) -> Bool? { verdicts[id]?["ai"] as? Bool }
        func models(_ id: String) -> [String] { verdicts[id]?["models"] as? [String] ?? [] }
        // Read by hand: markers git's final block does not hold.
        #expect(ai("98385e1e214ad1cb4045f1445735fa9f584e898d") == true)  // co-author right under the subject
        #expect(models("98385e1e214ad1cb4045f1445735fa9f584e898d") == ["claude-opus-4.6"])
        #expect(ai("aff90259f30f7a0e4b224937e4dd77e06d25363b") == true)  // no blank line in the whole message
        #expect(ai("2e02c24a80c1f34056da282f3002467158de5e32") == true)  // trailers, then a plan in the same paragraph
        #expect(ai("5bda5da3f9c826e969b9e26e33f32dc25da8407b") == true)  // a session paragraph after the trailers
        #expect(ai("4700f1535d3df3d8febf8defc445319c5171283d") == true)  // a squash body with indented co-authors
        #expect(ai("2266531fd90563d84f4f347c33be925d333adb38") == true)  // Claude <claude@users.noreply.github.com>
        #expect(ai("14eee949eb788d815902244fbd6591e7aaab0fd5") == true)  // Made-with: Cursor
        // Read by hand: prose that names claude[bot] and its ids, by people.
        for decoy in ["ccf966b318a17b286ca657ed3271dee61a80f440", "03fb567328dd0eb5b4faf3dd5db63805b86e2366",
                      "c2bb2e93f205dbe43241923109ba98cdfdea70b7", "c6a478086bbbe89bd774af3e1250d71142b51a86",
                      "7c7e125a95468a25461893e60f08e589546be881"] {
            #expect(ai(decoy) == false, "\(decoy)")
        }
        // An applied suggestion of Copilot's reviewer: a review bot, not an agent's change.
        #expect(ai("793e76bfaf38e6c200d02c445b0ab69a8f80e663") == false)
        // `Claude <noreply@anthropic.com>` as the author (Claude Code on the web and in apps).
        let byClaude = verdicts.values.filter { ($0["author"] as? [String: String])?["email"] == "noreply@anthropic.com" }
        #expect(!byClaude.isEmpty && byClaude.allSatisfy { $0["ai"] as? Bool == true })
    }

    @Test func aiderOnlyTheAuthorsSuffixMarksAidersChange() throws {
        let (verdicts, misses, extra, count) = try CorpusTests.compare("aider.bundle")
        #expect(count == 13_138)
        #expect(misses == [], "commits with an agent's marker reported human")
        #expect(extra == [], "commits without any marker reported AI")
        func ai(_ id: String) -> Bool? { verdicts[id]?["ai"] as? Bool }
        // aider committing Paul's own edits before it works (committer-only suffix): human changes.
        #expect(ai("01d33470882e8397dc30d38e1d3d3b0f34592c77") == false)
        #expect(ai("e0b31af7a9400963053e967c3d3ca36bb2035423") == false)
        // aider's own changes: the author's suffix, the `aider: ` subject.
        #expect(ai("428e0d777c8cc5921d79f0a770da2dda4b2597d8") == true)
        #expect(ai("26a01912ffa86a35df356ad8ddb57297190cd899") == true)
        #expect(ai("a46e7379d952a9e0723b37f00228e26a905626f2") == true)
        // Counted by git itself: commits whose author carries the suffix are all AI.
        let repo = try CorpusTests.clone("aider.bundle")
        let byAider = try repo.git(["rev-list", "--all", "--author= (aider) <"]).split(separator: "\n")
        #expect(byAider.count > 3_000)
        #expect(byAider.allSatisfy { ai(String($0)) == true })
    }
}
