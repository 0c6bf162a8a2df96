import AITrailKit
/// The report as aligned text for a terminal.
public struct OrgTableRenderer: OrgRenderer {
    public init() {}

    public func render(_ report: OrgReport) -> String {
        let totals = report.totals
        var out = "aitrail report — \(OrgText.headline(report))\n"
        out += "AI-assisted: \(AuditText.count(totals.aiCommits)) commits (\(AuditText.percent(totals.aiShare)))"
        out += " · with passing evidence: \(AuditText.count(totals.passed)) (\(AuditText.percent(totals.evidenceCoverage)))\n"
        for section in report.sections {
            out += "\n"
            let shareTitle = section.grouping == .agent || section.grouping == .model ? "of AI" : "AI share"
            var rows: [[String]] = [[section.grouping.title, "commits", "AI", shareTitle, "evidence"]]
            for (row, share) in zip(section.rows, section.shares) {
                rows.append([OrgText.printable(row.label), AuditText.count(row.commits), AuditText.count(row.aiCommits),
                             AuditText.percent(share), AuditText.percent(row.evidenceCoverage)])
            }
            if section.rows.isEmpty { rows.append(["(none)", "", "", "", ""]) }
            let widths = (0..<5).map { column in rows.map { $0[column].count }.max() ?? 0 }
            for row in rows {
                var line = row[0] + String(repeating: " ", count: widths[0] - row[0].count)
                for column in 1..<5 { line += "  " + String(repeating: " ", count: widths[column] - row[column].count) + row[column] }
                out += line + "\n"
            }
        }
        return out
    }
}
