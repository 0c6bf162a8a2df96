/// The terminal format: one block per finding, each with its fix.
public struct CheckTextRenderer: CheckRenderer {
    public init() {}

    public func render(_ report: CheckReport) -> String {
        var out = ""
        for finding in report.findings {
            out += "✗ \(finding.shortCommit) \(finding.rule.rawValue): \(finding.message)\n"
            out += "    fix: \(finding.fix)\n"
        }
        for notice in report.notices { out += "notice: \(notice)\n" }
        out += report.headline + "\n"
        out += "  policy: \(report.policy), evidence scope: \(report.scope)\n"
        return out
    }
}
