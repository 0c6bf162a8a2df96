#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// GitLab code quality JSON (a `codequality` report artifact): one issue per finding, each with a
/// fingerprint unique within the report and stable across runs.
public struct CheckGitLabRenderer: CheckRenderer {
    public init() {}

    struct Issue: Encodable {
        let description: String
        let check_name: String
        let fingerprint: String
        let severity: String
        let location: Location
    }
    struct Location: Encodable {
        let path: String
        let lines: Lines
    }
    struct Lines: Encodable { let begin: Int }

    public func render(_ report: CheckReport) -> String {
        var seen = Set<String>()
        let issues = report.findings.compactMap { finding -> Issue? in
            let fingerprint = CheckFingerprint.of(finding)
            guard seen.insert(fingerprint).inserted else { return nil }
            return Issue(
                description: "\(finding.shortCommit): \(finding.message). Fix: \(finding.fix)",
                check_name: "aitrail/\(finding.rule.rawValue)", fingerprint: fingerprint, severity: "major",
                location: Location(path: finding.path ?? ".aitrail", lines: Lines(begin: 1)))
        }
        return CanonicalJSON.encode(issues, pretty: true) + "\n"
    }
}
