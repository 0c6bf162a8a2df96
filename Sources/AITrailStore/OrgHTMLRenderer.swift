import AITrailKit

/// One self-contained HTML file (inline SVG, no script, no network): the organisation's AI share
/// over time, each team's share now and over time, then the tables.
public struct OrgHTMLRenderer: OrgRenderer {
    public init() {}

    static let colours = ["#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#ca8a04", "#db2777", "#4b5563", "#65a30d"]

    public func render(_ report: OrgReport) -> String {
        let totals = report.totals
        var out = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>AI adoption across the organisation</title>
            <style>
            body{font-family:system-ui,sans-serif;margin:2em auto;max-width:980px;color:#111}
            h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em}
            .kpi{display:inline-block;margin:0 2em 1em 0}.kpi b{display:block;font-size:1.8em}
            table{border-collapse:collapse;margin:.5em 0}td,th{padding:.2em .8em;border-bottom:1px solid #ddd;text-align:right}
            td:first-child,th:first-child{text-align:left}svg text{font-size:11px;fill:#333}
            </style></head><body>
            <h1>AI adoption across the organisation</h1>
            <p>\(escape(OrgText.headline(report)))</p>
            <div class="kpi"><b>\(AuditText.percent(totals.aiShare))</b>of commits AI-assisted</div>
            <div class="kpi"><b>\(AuditText.count(totals.aiCommits))</b>AI-assisted commits</div>
            <div class="kpi"><b>\(AuditText.percent(totals.evidenceCoverage))</b>of them with passing evidence</div>
            <div class="kpi"><b>\(AuditText.count(report.repositories))</b>repositories</div>

            """
        out += "<h2>Adoption over time (AI share per \(report.period.rawValue))</h2>\n"
        out += lineChart(labels: report.trend.map(\.label), series: [("organisation", report.trend.map { $0.commits > 0 ? $0.aiShare : nil })])
        if report.teamsMapped {
            out += "<h2>Per team</h2>\n" + teamBars(report)
            out += "<h2>Per team over time</h2>\n"
            out += lineChart(labels: report.trend.map(\.label), series: report.teamTrends.map { ($0.team, $0.shares) })
        }
        for section in report.sections {
            let shareTitle = section.grouping == .agent || section.grouping == .model ? "Share of AI" : "AI share"
            out += "<h2>\(section.grouping.title)</h2>\n<table><tr><th>\(section.grouping.rawValue)</th><th>Commits</th><th>AI</th><th>\(shareTitle)</th><th>Evidence</th></tr>\n"
            for (row, share) in zip(section.rows, section.shares) {
                out += "<tr><td>\(escape(row.label))</td><td>\(AuditText.count(row.commits))</td><td>\(AuditText.count(row.aiCommits))</td>"
                out += "<td>\(AuditText.percent(share))</td><td>\(AuditText.percent(row.evidenceCoverage))</td></tr>\n"
            }
            out += "</table>\n"
        }
        return out + "</body></html>\n"
    }

    /// AI share (0–100%) per period, one line per series; gaps where a series had no commits.
    private func lineChart(labels: [String], series: [(String, [Double?])]) -> String {
        guard !labels.isEmpty else { return "<p>No commits.</p>\n" }
        let width = 900.0, height = 240.0, left = 40.0, bottom = 30.0, top = 10.0
        let plotWidth = width - left - 10, plotHeight = height - bottom - top
        let step = labels.count > 1 ? plotWidth / Double(labels.count - 1) : 0
        func x(_ index: Int) -> Double { left + Double(index) * step }
        func y(_ share: Double) -> Double { top + plotHeight * (1 - share) }
        var svg = "<svg role=\"img\" aria-label=\"AI share over time\" width=\"\(Int(width))\" height=\"\(Int(height + Double(series.count > 1 ? 20 * ((series.count + 3) / 4) : 0)))\" xmlns=\"http://www.w3.org/2000/svg\">\n"
        for tick in [0.0, 0.25, 0.5, 0.75, 1.0] {
            svg += "<line x1=\"\(left)\" x2=\"\(width - 10)\" y1=\"\(y(tick))\" y2=\"\(y(tick))\" stroke=\"#e5e7eb\"/>"
            svg += "<text x=\"2\" y=\"\(y(tick) + 4)\">\(Int(tick * 100))%</text>\n"
        }
        let every = max(1, labels.count / 12)
        for (index, label) in labels.enumerated() where index % every == 0 {
            svg += "<text x=\"\(x(index) - 18)\" y=\"\(height - 10)\">\(escape(label))</text>\n"
        }
        for (number, (name, values)) in series.enumerated() {
            let colour = OrgHTMLRenderer.colours[number % OrgHTMLRenderer.colours.count]
            var path = "", pen = false
            for (index, value) in values.enumerated() {
                guard let value else { pen = false; continue }
                path += (pen ? "L" : "M") + "\(x(index)),\(y(value)) "
                pen = true
                if values.count == 1 || labels.count <= 40 {
                    svg += "<circle cx=\"\(x(index))\" cy=\"\(y(value))\" r=\"2.5\" fill=\"\(colour)\"><title>\(escape(name)) \(escape(labels[index])): \(AuditText.percent(value))</title></circle>"
                }
            }
            svg += "<path d=\"\(path)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\"/>\n"
            if series.count > 1 {
                let legendX = left + Double(number % 4) * 220, legendY = height + 14 + Double(number / 4) * 20
                svg += "<rect x=\"\(legendX)\" y=\"\(legendY - 9)\" width=\"10\" height=\"10\" fill=\"\(colour)\"/><text x=\"\(legendX + 14)\" y=\"\(legendY)\">\(escape(name))</text>\n"
            }
        }
        return svg + "</svg>\n"
    }

    /// One bar per team: its AI share, and how much of its AI work has passing evidence.
    private func teamBars(_ report: OrgReport) -> String {
        let rows = report.teamTotals
        let rowHeight = 22.0, labelWidth = 200.0, barWidth = 600.0
        var svg = "<svg role=\"img\" aria-label=\"AI share per team\" width=\"900\" height=\"\(Int(Double(rows.count) * rowHeight + 10))\" xmlns=\"http://www.w3.org/2000/svg\">\n"
        for (index, row) in rows.enumerated() {
            let top = Double(index) * rowHeight + 4
            svg += "<text x=\"0\" y=\"\(top + 13)\">\(escape(row.key))</text>"
            svg += "<rect x=\"\(labelWidth)\" y=\"\(top)\" width=\"\(barWidth)\" height=\"16\" fill=\"#f3f4f6\"/>"
            svg += "<rect x=\"\(labelWidth)\" y=\"\(top)\" width=\"\(barWidth * row.aiShare)\" height=\"16\" fill=\"#2563eb\"><title>\(escape(row.key)): \(AuditText.percent(row.aiShare)) AI</title></rect>"
            svg += "<rect x=\"\(labelWidth)\" y=\"\(top + 12)\" width=\"\(barWidth * row.aiShare * row.evidenceCoverage)\" height=\"4\" fill=\"#16a34a\"/>"
            svg += "<text x=\"\(labelWidth + barWidth + 8)\" y=\"\(top + 13)\">\(AuditText.percent(row.aiShare)) AI · \(AuditText.percent(row.evidenceCoverage)) evaluated · \(AuditText.count(row.commits)) commits</text>\n"
        }
        return svg + "</svg>\n"
    }

    private func escape(_ text: String) -> String { html(OrgText.printable(text)) }
}
