/// The terminal report: headline numbers first, then aligned breakdowns, within 80 columns.
public struct AuditTableRenderer: AuditRenderer {
    /// Rows shown per breakdown when all breakdowns are shown (`--by` shows one in full).
    public static let rowsPerSection = 15
    static let keyWidth = 36

    public init() {}

    public func render(_ report: AuditReport) -> [UInt8] {
        var out = "aitrail audit" + (report.repository.isEmpty ? "" : " · " + AuditText.printable(report.repository)) + "\n"
        out += "\(AuditText.printable(report.scope)) · \(AuditText.span(report))\n\n"
        let totals = report.totals
        out += headline("AI-assisted", "\(AuditText.count(totals.aiCommits)) of \(AuditText.count(totals.commits)) commits (\(AuditText.percent(totals.aiShare)))")
        out += headline("Evidence", "\(AuditText.count(totals.passed)) of \(AuditText.count(totals.aiCommits)) AI commits passed (\(AuditText.percent(totals.evidenceCoverage)))")
        out += headline("", "\(totals.failed) failed · \(totals.stale) stale · \(totals.unevaluated) without evidence")
        if totals.reviewBotCommits > 0 {
            out += headline("Review bots", "\(AuditText.commits(totals.reviewBotCommits)) by people applied an AI review bot's suggestions")
        }
        if totals.botCommits > 0 {
            out += headline("Bots", "\(AuditText.commits(totals.botCommits)) by bot accounts (\(AuditText.percent(Double(totals.botCommits) / Double(totals.commits))); --no-bots leaves them out)")
        }
        out += headline("Authors", "\(report.authorsUsingAI) of \(report.people.count) people used AI")
        out += headline("Merges", AuditText.count(report.merges))
        if report.lines {
            out += headline("Lines", "AI +\(AuditText.count(totals.aiInsertions)) −\(AuditText.count(totals.aiDeletions)) · human +\(AuditText.count(totals.humanInsertions)) −\(AuditText.count(totals.humanDeletions))")
        }
        let full = report.groupings.count == 1
        for grouping in report.groupings {
            let (groups, hidden) = report.shown(grouping, limit: full ? nil : AuditTableRenderer.rowsPerSection)
            out += "\n"
            switch grouping {
            case .agent, .model:
                out += row(AuditText.title(grouping, report), ["COMMITS", "% OF AI", "PASSED"])
                for group in groups {
                    out += row(group.key, [AuditText.count(group.commits), AuditText.percent(report.share(of: group, in: grouping)),
                                           AuditText.percent(group.evidenceCoverage)], indent: true)
                }
            case .author:
                out += row(AuditText.title(grouping, report), ["COMMITS", "AI", "SHARE", "PASSED"])
                for group in groups {
                    out += row(group.key, [AuditText.count(group.commits), AuditText.count(group.aiCommits),
                                           AuditText.percent(group.aiShare), AuditText.count(group.passed)], indent: true)
                }
            case .commitClass:
                out += row(AuditText.title(grouping, report), ["COMMITS", "SHARE"])
                for group in groups {
                    out += row(group.key, [AuditText.count(group.commits), AuditText.percent(report.share(of: group, in: grouping))], indent: true)
                }
            case .period:
                out += row(AuditText.title(grouping, report), ["COMMITS", "AI", "SHARE"], trailing: "")
                // The trend shows the latest periods; --by period shows them all.
                for group in groups {
                    let bar = String(repeating: "█", count: Int((group.aiShare * 12).rounded()))
                    out += row(group.label, [AuditText.count(group.commits), AuditText.count(group.aiCommits),
                                           AuditText.percent(group.aiShare)], indent: true, trailing: " " + bar)
                }
            }
            if groups.isEmpty { out += "  (none)\n" }
            if hidden > 0 { out += "  … \(hidden) more (--by \(grouping.rawValue) lists all)\n" }
        }
        return Array(out.utf8)
    }

    private func headline(_ label: String, _ value: String) -> String {
        "  " + pad(label, 13) + value + "\n"
    }

    private func row(_ key: String, _ columns: [String], indent: Bool = false, trailing: String = "") -> String {
        let width = AuditTableRenderer.keyWidth + (indent ? 0 : 2)
        var line = (indent ? "  " : "") + pad(truncate(AuditText.printable(key), width - 1), width)
        for column in columns { line += leftPad(column, 9) }
        return line + trailing + "\n"
    }

    private func truncate(_ text: String, _ width: Int) -> String {
        text.count <= width ? text : String(text.prefix(width - 1)) + "…"
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }

    private func leftPad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
