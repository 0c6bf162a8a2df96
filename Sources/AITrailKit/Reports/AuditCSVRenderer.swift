/// One breakdown as CSV (RFC 4180) for spreadsheets: the `--by` grouping, by period unless asked.
public struct AuditCSVRenderer: AuditRenderer {
    public init() {}

    public func render(_ report: AuditReport) -> [UInt8] {
        let grouping = report.groupings.count == 1 ? report.groupings[0] : .period
        var header = [grouping.rawValue, "commits", "ai_commits", "share",
                      "evidence_passed", "evidence_failed", "evidence_stale", "evidence_none"]
        if report.lines { header += ["ai_insertions", "ai_deletions", "human_insertions", "human_deletions"] }
        var out = header.joined(separator: ",") + "\r\n"
        for group in report.groups(grouping) {
            var fields = [AuditCSVRenderer.field(group.label), String(group.commits), String(group.aiCommits),
                          "\(AuditText.ratio(report.share(of: group, in: grouping)))",
                          String(group.passed), String(group.failed), String(group.stale), String(group.unevaluated)]
            if report.lines {
                fields += [String(group.aiInsertions), String(group.aiDeletions), String(group.humanInsertions), String(group.humanDeletions)]
            }
            out += fields.joined(separator: ",") + "\r\n"
        }
        return Array(out.utf8)
    }

    /// A text cell. One that starts with `=`, `+`, `-`, `@`, a tab or a carriage return would be
    /// read by a spreadsheet as a formula (`=cmd|' /C calc'!A0`): it gets a leading `'`, which
    /// spreadsheets show as text (OWASP's advice on CSV injection).
    static func field(_ text: String) -> String {
        var text = text
        if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { text = "'" + text }
        // By scalars: "\r\n" is one Character, equal to neither "\r" nor "\n".
        guard text.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingQuotes + "\""
    }
}

extension String {
    fileprivate var replacingQuotes: String {
        var out = ""
        for character in self {
            if character == "\"" { out += "\"\"" } else { out.append(character) }
        }
        return out
    }
}
