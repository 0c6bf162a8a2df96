import AITrailKit
/// The report as one JSON document: totals and each breakdown as `by_<grouping>` (docs/store.md).
public struct OrgJSONRenderer: OrgRenderer {
    public init() {}

    public func render(_ report: OrgReport) -> String {
        var fields: [String] = [
            "\"repositories\":\(report.repositories)",
            "\"period\":\(AuditText.jsonString(report.period.rawValue))",
            "\"since\":" + (report.since.map { AuditText.jsonString(Timestamp.format($0)) } ?? "null"),
            "\"first\":" + (report.firstTime.map { AuditText.jsonString(Timestamp.format($0)) } ?? "null"),
            "\"last\":" + (report.lastTime.map { AuditText.jsonString(Timestamp.format($0)) } ?? "null"),
            "\"totals\":" + group(nil, report.totals, share: report.totals.aiShare),
        ]
        for section in report.sections {
            let rows = zip(section.rows, section.shares).map { group(section.grouping, $0, share: $1) }
            fields.append("\"by_\(section.grouping.rawValue)\":[" + rows.joined(separator: ",") + "]")
        }
        if report.teamsMapped {
            let trends = report.teamTrends.map { team, shares in
                AuditText.jsonString(team) + ":[" + zip(report.trend, shares).map { period, share in
                    "{\"period\":\(AuditText.jsonString(period.key)),\"ai_share\":" + (share.map { "\(AuditText.ratio($0))" } ?? "null") + "}"
                }.joined(separator: ",") + "]"
            }
            fields.append("\"team_trends\":{" + trends.joined(separator: ",") + "}")
        }
        return "{" + fields.joined(separator: ",") + "}\n"
    }

    private func group(_ grouping: OrgGrouping?, _ group: AuditGroup, share: Double) -> String {
        var fields: [String] = []
        if let grouping { fields.append("\"\(grouping.rawValue)\":\(AuditText.jsonString(group.key))") }
        if grouping == .period && group.partial { fields.append("\"partial\":true") }
        fields += ["\"commits\":\(group.commits)", "\"ai\":\(group.aiCommits)"]
        fields.append(grouping == .agent || grouping == .model ? "\"share_of_ai\":\(AuditText.ratio(share))" : "\"ai_share\":\(AuditText.ratio(share))")
        fields.append("\"evidence\":{\"passed\":\(group.passed),\"failed\":\(group.failed),\"stale\":\(group.stale),"
            + "\"none\":\(group.unevaluated),\"coverage\":\(AuditText.ratio(group.evidenceCoverage))}")
        return "{" + fields.joined(separator: ",") + "}"
    }
}
