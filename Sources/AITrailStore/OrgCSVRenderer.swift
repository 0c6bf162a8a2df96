import AITrailKit
import Foundation

/// Every breakdown in one table: `grouping,key,commits,ai,share,passed,failed,stale,none,evidence_coverage`.
/// Cells a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) are neutralised with `'`.
public struct OrgCSVRenderer: OrgRenderer {
    public init() {}

    public func render(_ report: OrgReport) -> String {
        var out = "grouping,key,commits,ai,share,passed,failed,stale,none,evidence_coverage\n"
        out += line("total", report.totals, share: report.totals.aiShare)
        for section in report.sections {
            for (row, share) in zip(section.rows, section.shares) { out += line(section.grouping.rawValue, row, share: share) }
        }
        return out
    }

    private func line(_ grouping: String, _ group: AuditGroup, share: Double) -> String {
        [grouping, cell(group.key), "\(group.commits)", "\(group.aiCommits)", "\(AuditText.ratio(share))", "\(group.passed)",
         "\(group.failed)", "\(group.stale)", "\(group.unevaluated)", "\(AuditText.ratio(group.evidenceCoverage))"].joined(separator: ",") + "\n"
    }

    public static func neutralise(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return text }
        return "'" + text
    }

    private func cell(_ text: String) -> String {
        let safe = OrgCSVRenderer.neutralise(text)
        guard safe.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return safe }
        return "\"" + safe.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
