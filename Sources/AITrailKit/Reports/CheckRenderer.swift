/// Turns a check report into one output format. Adding a format means adding one renderer.
public protocol CheckRenderer: Sendable {
    func render(_ report: CheckReport) -> String
}

/// The formats of `aitrail check --format`.
public enum CheckFormat: String, Sendable, CaseIterable {
    case text, json, sarif, junit, github, gitlab, markdown

    public var renderer: any CheckRenderer {
        switch self {
        case .text: return CheckTextRenderer()
        case .json: return CheckJSONRenderer()
        case .sarif: return CheckSARIFRenderer()
        case .junit: return CheckJUnitRenderer()
        case .github: return CheckGitHubRenderer()
        case .gitlab: return CheckGitLabRenderer()
        case .markdown: return CheckMarkdownRenderer()
        }
    }
}

extension CheckReport {
    /// One line saying how the gate went, for every format's header.
    public var headline: String {
        let ai = commits.filter(\.ai).count
        let counts = "\(commits.count) commit\(commits.count == 1 ? "" : "s"), \(ai) AI-assisted"
        if passed { return "aitrail check passed: \(range.spelled) (\(counts))" }
        return "aitrail check failed: \(findings.count) finding\(findings.count == 1 ? "" : "s") in \(range.spelled) (\(counts))"
    }
}
