/// Markdown for a pull-request comment or a CI job summary.
public struct CheckMarkdownRenderer: CheckRenderer {
    public init() {}

    public func render(_ report: CheckReport) -> String {
        var out = "## \(report.passed ? "✅" : "❌") \(report.headline)\n\n"
        if !report.findings.isEmpty {
            out += "| Commit | Rule | Problem | Fix |\n|---|---|---|---|\n"
            for finding in report.findings {
                out += "| `\(finding.shortCommit)` | \(finding.rule.rawValue) | \(cell(finding.message)) | `\(cell(finding.fix))` |\n"
            }
            out += "\n"
        }
        for notice in report.notices { out += "> **Note:** \(notice)\n\n" }
        out += "Policy: `\(report.policy)` · evidence scope: `\(report.scope)` · merge base `\(report.range.mergeBase.prefix(7))`\n"
        return out
    }

    private func cell(_ text: String) -> String {
        text.replacingAll("|", "\\|").replacingAll("\n", " ")
    }
}
