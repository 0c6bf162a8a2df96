/// Which commit authors are automation rather than people: GitHub App accounts (`dependabot[bot]`),
/// CI identities (`github-actions`, `GitHub Action <action@github.com>`) and release or merge bots
/// that say so in their name or address (`semantic-release-bot`, `Mergify Bot`, `bot@renovateapp.com`).
/// Reports put them in a row apart from people; `--no-bots` leaves them out. Decided once per author
/// after `.mailmap`, never per commit.
public enum BotAccount {
    public static func isBot(_ identity: Identity) -> Bool {
        if identity.isBot { return true }
        let name = identity.name.lowercased(), email = identity.email.lowercased()
        if knownNames.contains(name) || knownEmails.contains(email) { return true }
        let local = email.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return hasBotWord(name) || hasBotWord(local)
    }

    /// `bot` as a word of its own (`release-bot`, `Renovate Bot`, `ci_bot`), never inside a word (`Talbot`).
    private static func hasBotWord(_ text: String) -> Bool {
        text.split(whereSeparator: { !($0.isLetter || $0.isNumber) }).contains { $0 == "bot" || $0 == "bots" }
    }

    private static let knownNames: Set<String> = [
        "github-actions", "github action", "github actions", "actions-user", "dependabot", "dependabot-preview",
        "renovate", "greenkeeper", "imgbotapp", "snyk-bot", "pre-commit-ci", "allcontributors", "travis ci", "travis-ci",
        "circleci", "gitlab ci", "weblate", "transifex", "crowdin", "release-please", "changesets", "mergify",
    ]

    private static let knownEmails: Set<String> = [
        "action@github.com", "actions@github.com", "github-actions@github.com", "support@dependabot.com",
    ]
}
