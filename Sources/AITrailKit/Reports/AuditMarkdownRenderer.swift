/// The report as Markdown, for a wiki page, an issue or a pull request comment.
public struct AuditMarkdownRenderer: AuditRenderer {
    public init() {}

    public func render(_ report: AuditReport) -> [UInt8] {
        let totals = report.totals
        var out = "## AI adoption: \(cell(report.repository.isEmpty ? report.scope : report.repository))\n\n"
        out += "_\(cell(report.repository.isEmpty ? "" : report.scope + " · "))\(AuditText.span(report))_\n\n"
        out += "- **AI-assisted:** \(AuditText.count(totals.aiCommits)) of \(AuditText.count(totals.commits)) commits (\(AuditText.percent(totals.aiShare)))\n"
        out += "- **Evidence:** \(AuditText.count(totals.passed)) of \(AuditText.count(totals.aiCommits)) AI commits passed (\(AuditText.percent(totals.evidenceCoverage))); \(totals.failed) failed, \(totals.stale) stale, \(totals.unevaluated) without evidence\n"
        if totals.reviewBotCommits > 0 {
            out += "- **Review bots:** \(AuditText.commits(totals.reviewBotCommits)) by people applied an AI review bot's suggestions\n"
        }
        if totals.botCommits > 0 {
            out += "- **Bots:** \(AuditText.commits(totals.botCommits)) by bot accounts (\(AuditText.percent(Double(totals.botCommits) / Double(totals.commits))))\n"
        }
        out += "- **Authors:** \(report.authorsUsingAI) of \(report.people.count) people used AI\n"
        out += "- **Merges:** \(AuditText.count(report.merges))\n"
        if report.lines {
            out += "- **Lines:** AI +\(AuditText.count(totals.aiInsertions)) −\(AuditText.count(totals.aiDeletions)), human +\(AuditText.count(totals.humanInsertions)) −\(AuditText.count(totals.humanDeletions))\n"
        }
        let full = report.groupings.count == 1
        for grouping in report.groupings {
            let (groups, hidden) = report.shown(grouping, limit: full ? nil : AuditTableRenderer.rowsPerSection)
            out += "\n### \(AuditText.title(grouping, report))\n\n"
            switch grouping {
            case .agent, .model:
                out += "| \(grouping.rawValue.capitalized) | Commits | % of AI | Passed |\n|---|---:|---:|---:|\n"
                for group in groups {
                    out += "| \(cell(group.key)) | \(group.commits) | \(AuditText.percent(report.share(of: group, in: grouping))) | \(AuditText.percent(group.evidenceCoverage)) |\n"
                }
            case .commitClass:
                out += "| Class | Commits | Share |\n|---|---:|---:|\n"
                for group in groups {
                    out += "| \(cell(group.key)) | \(group.commits) | \(AuditText.percent(report.share(of: group, in: grouping))) |\n"
                }
            case .author, .period:
                out += "| \(grouping == .author ? "Author" : report.period.rawValue.capitalized) | Commits | AI | Share | Passed |\n|---|---:|---:|---:|---:|\n"
                for group in groups {
                    out += "| \(cell(group.label)) | \(group.commits) | \(group.aiCommits) | \(AuditText.percent(group.aiShare)) | \(group.passed) |\n"
                }
            }
            if hidden > 0 { out += "\n_… \(hidden) more: `aitrail audit --by \(grouping.rawValue)` lists all._\n" }
        }
        return Array(out.utf8)
    }

    /// Escapes what would break a table cell or turn into markup, and control characters.
    private func cell(_ text: String) -> String {
        var out = ""
        for character in AuditText.printable(text) {
            switch character {
            case "|", "\\", "*", "_", "`", "<", ">", "[", "]": out += "\\" + String(character)
            case "\n", "\r": out += " "
            default: out.append(character)
            }
        }
        return out
    }
}
