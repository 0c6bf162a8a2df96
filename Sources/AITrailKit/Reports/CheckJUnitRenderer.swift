/// JUnit XML (the Apache Ant schema CI systems read): one test case per commit judged, failing
/// with its findings. A test case holds at most one failure, so several findings share one.
public struct CheckJUnitRenderer: CheckRenderer {
    public var timestamp: Int64

    public init(timestamp: Int64 = Timestamp.now()) { self.timestamp = timestamp }

    public func render(_ report: CheckReport) -> String {
        var cases = ""
        var failing = 0
        var skipped = 0
        let byCommit = Dictionary(grouping: report.findings, by: \.commit)
        for commit in report.commits {
            let name = xml("\(commit.shortCommit) \(commit.subject)")
            cases += "  <testcase classname=\"aitrail.check\" name=\"\(name)\" time=\"0\">\n"
            if let findings = byCommit[commit.commit] {
                failing += 1
                let rules = findings.map(\.rule.rawValue).joined(separator: ",")
                let text = findings.map { "\($0.rule.rawValue): \($0.message)\nfix: \($0.fix)" }.joined(separator: "\n\n")
                cases += "    <failure type=\"\(xml(rules))\" message=\"\(xml(findings[0].message))\">\(xml(text))</failure>\n"
            } else if let reason = commit.skipped {
                skipped += 1
                cases += "    <skipped message=\"\(xml(reason))\"/>\n"
            }
            cases += "  </testcase>\n"
        }
        // The schema's timestamp has no zone: drop RFC 3339's trailing Z.
        let stamp = String(Timestamp.format(timestamp).dropLast())
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuite name=\"aitrail check \(xml(report.range.spelled))\" timestamp=\"\(stamp)\" hostname=\"localhost\" "
        out += "tests=\"\(report.commits.count)\" failures=\"\(failing)\" errors=\"0\" skipped=\"\(skipped)\" time=\"0\">\n"
        out += "  <properties>\n"
        out += "    <property name=\"policy\" value=\"\(xml(report.policy))\"/>\n"
        out += "    <property name=\"scope\" value=\"\(xml(report.scope))\"/>\n"
        out += "    <property name=\"merge-base\" value=\"\(report.range.mergeBase)\"/>\n"
        out += "  </properties>\n"
        out += cases
        out += "  <system-out>\(xml(report.headline))</system-out>\n"
        out += "  <system-err>\(xml(report.notices.joined(separator: "\n")))</system-err>\n"
        out += "</testsuite>\n"
        return out
    }
}

/// Text escaped for XML attributes and content; control characters XML 1.0 forbids are dropped.
func xml(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "\n": out += "&#10;"
        case "\t": out += "&#9;"
        default:
            if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
            out.unicodeScalars.append(scalar)
        }
    }
    return out
}
