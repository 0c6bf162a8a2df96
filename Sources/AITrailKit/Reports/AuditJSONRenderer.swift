/// The whole report as one JSON document: totals and every breakdown asked for (docs/audit.md).
public struct AuditJSONRenderer: AuditRenderer {
    public init() {}

    public func render(_ report: AuditReport) -> [UInt8] {
        let totals = report.totals
        var totalFields: [(String, JSONValue)] = [
            ("commits", .int(totals.commits)), ("merges", .int(report.merges)), ("ai", .int(totals.aiCommits)),
            ("human", .int(totals.commits - totals.aiCommits)), ("ai_share", .number(AuditText.ratio(totals.aiShare))),
            ("review_bot", .int(totals.reviewBotCommits)), ("bot", .int(totals.botCommits)),
            ("authors", .int(report.people.count)), ("authors_using_ai", .int(report.authorsUsingAI)),
            ("evidence", evidence(totals)),
        ]
        if report.lines { totalFields.append(("lines", lines(totals))) }
        var fields: [(String, JSONValue)] = [
            ("repository", .string(report.repository)),
            ("scope", .string(report.scope)),
            ("period", .string(report.period.rawValue)),
            ("first", report.firstTime.map { .string(Timestamp.format($0)) } ?? .null),
            ("last", report.lastTime.map { .string(Timestamp.format($0)) } ?? .null),
            ("totals", .object(totalFields)),
        ]
        for grouping in report.groupings {
            let rows = report.groups(grouping).map { group(grouping, $0, report) }
            fields.append(("by_\(grouping.rawValue)", .array(rows)))
        }
        var out = ""
        JSONValue.object(fields).write(to: &out, indent: "")
        return Array((out + "\n").utf8)
    }

    private func group(_ grouping: AuditGrouping, _ group: AuditGroup, _ report: AuditReport) -> JSONValue {
        var fields: [(String, JSONValue)] = [(grouping.rawValue, .string(group.key)), ("commits", .int(group.commits))]
        if grouping == .period && group.partial { fields.append(("partial", .bool(true))) }
        switch grouping {
        case .commitClass:
            return .object(fields + [("share", .number(AuditText.ratio(report.share(of: group, in: grouping))))])
        case .period, .author:
            fields += [("ai", .int(group.aiCommits)), ("ai_share", .number(AuditText.ratio(group.aiShare)))]
        case .agent, .model:
            fields.append(("share_of_ai", .number(AuditText.ratio(report.share(of: group, in: grouping)))))
        }
        fields.append(("evidence", evidence(group)))
        if grouping == .period {
            fields.append(("agents", .object(report.agentOrder.compactMap { agent in
                group.agentShares[agent].map { (agent, .number(AuditText.ratio($0))) }
            })))
        }
        if report.lines { fields.append(("lines", lines(group))) }
        return .object(fields)
    }

    private func evidence(_ group: AuditGroup) -> JSONValue {
        .object([("passed", .int(group.passed)), ("failed", .int(group.failed)), ("stale", .int(group.stale)),
                 ("none", .int(group.unevaluated)), ("coverage", .number(AuditText.ratio(group.evidenceCoverage)))])
    }

    private func lines(_ group: AuditGroup) -> JSONValue {
        .object([("ai_insertions", .int(group.aiInsertions)), ("ai_deletions", .int(group.aiDeletions)),
                 ("human_insertions", .int(group.humanInsertions)), ("human_deletions", .int(group.humanDeletions))])
    }
}

/// A JSON value with keys in the order given, printed with two-space indentation.
enum JSONValue {
    case object([(String, JSONValue)])
    case array([JSONValue])
    case string(String)
    case int(Int)
    case number(Double)
    case bool(Bool)
    case null

    func write(to out: inout String, indent: String) {
        switch self {
        case .object(let fields):
            if fields.isEmpty { out += "{}"; return }
            out += "{\n"
            for (index, (key, value)) in fields.enumerated() {
                out += indent + "  " + AuditText.jsonString(key) + ": "
                value.write(to: &out, indent: indent + "  ")
                out += index == fields.count - 1 ? "\n" : ",\n"
            }
            out += indent + "}"
        case .array(let values):
            if values.isEmpty { out += "[]"; return }
            out += "[\n"
            for (index, value) in values.enumerated() {
                out += indent + "  "
                value.write(to: &out, indent: indent + "  ")
                out += index == values.count - 1 ? "\n" : ",\n"
            }
            out += indent + "]"
        case .string(let text): out += AuditText.jsonString(text)
        case .int(let value): out += String(value)
        case .number(let value): out += value == value.rounded() ? String(Int(value)) : "\(value)"
        case .bool(let value): out += value ? "true" : "false"
        case .null: out += "null"
        }
    }
}
