import AITrailKit
/// The report as aligned text for a terminal.
public struct OrgTableRenderer: OrgRenderer {
    public init() {}

    public func render(_ report: OrgReport) -> String {
        let totals = report.totals
        var out = "aitrail report — \(OrgText.headline(report))\n"
        out += "AI-assisted: \(OrgText.count(totals.aiCommits)) commits (\(OrgText.percent(totals.aiShare)))"
        out += " · with passing evidence: \(OrgText.count(totals.passed)) (\(OrgText.percent(totals.evidenceCoverage)))\n"
        for section in report.sections {
            out += "\n"
            let shareTitle = section.grouping == .agent || section.grouping == .model ? "of AI" : "AI share"
            var rows: [[String]] = [[section.grouping.title, "commits", "AI", shareTitle, "evidence"]]
            for (row, share) in zip(section.rows, section.shares) {
                rows.append([OrgText.printable(row.label), OrgText.count(row.commits), OrgText.count(row.aiCommits),
                             OrgText.percent(share), OrgText.percent(row.evidenceCoverage)])
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
