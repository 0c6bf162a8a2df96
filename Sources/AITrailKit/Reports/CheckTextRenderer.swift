/// The terminal format: one block per finding, each with its fix. Text from commits (agent names,
/// trailers) can hold control characters: they are shown escaped (`AuditText.printable`).
public struct CheckTextRenderer: CheckRenderer {
    public init() {}

    public func render(_ report: CheckReport) -> String {
        var out = ""
        for finding in report.findings {
            out += "✗ \(finding.shortCommit) \(finding.rule.rawValue): \(AuditText.printable(finding.message))\n"
            out += "    fix: \(AuditText.printable(finding.fix))\n"
        }
        for notice in report.notices { out += "notice: \(AuditText.printable(notice))\n" }
        out += report.headline + "\n"
        out += "  policy: \(report.policy), evidence scope: \(report.scope)\n"
        return out
    }
}
