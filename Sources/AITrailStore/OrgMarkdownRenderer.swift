import AITrailKit
/// The report as Markdown (a wiki page, a pull request comment): one table per breakdown.
public struct OrgMarkdownRenderer: OrgRenderer {
    public init() {}

    public func render(_ report: OrgReport) -> String {
        let totals = report.totals
        var out = "## AI adoption across the organisation\n\n\(OrgText.headline(report))\n\n"
        out += "**\(AuditText.percent(totals.aiShare))** of commits AI-assisted (\(AuditText.count(totals.aiCommits))); "
        out += "**\(AuditText.percent(totals.evidenceCoverage))** of those with passing evidence.\n"
        for section in report.sections {
            let shareTitle = section.grouping == .agent || section.grouping == .model ? "Share of AI" : "AI share"
            out += "\n### \(section.grouping.title)\n\n| \(section.grouping.rawValue) | Commits | AI | \(shareTitle) | Evidence |\n|---|---:|---:|---:|---:|\n"
            for (row, share) in zip(section.rows, section.shares) {
                out += "| \(escape(row.label)) | \(AuditText.count(row.commits)) | \(AuditText.count(row.aiCommits)) | \(AuditText.percent(share)) | \(AuditText.percent(row.evidenceCoverage)) |\n"
            }
        }
        return out
    }

    private func escape(_ text: String) -> String {
        var out = ""
        for character in OrgText.printable(text) {
            if "|\\*_`<>[]#".contains(character) { out.append("\\") }
            out.append(character)
        }
        return out
    }
}
