import Git

/// GitHub Actions workflow commands: one `::error` annotation per finding (on the file when the
/// finding has one), `::notice` for notices. The job summary is the Markdown renderer's output,
/// appended to `$GITHUB_STEP_SUMMARY` (`appendSummary`).
public struct CheckGitHubRenderer: CheckRenderer {
    public init() {}

    /// Appends the report in Markdown to the job summary file `$GITHUB_STEP_SUMMARY` names, when it
    /// names one (GitHub shows it on the run's page). False when there is none.
    @discardableResult
    public static func appendSummary(_ report: CheckReport, environment: [String: String]) throws(GitError) -> Bool {
        guard let path = environment["GITHUB_STEP_SUMMARY"], !path.isEmpty else { return false }
        let existing = FileSystem.exists(path) ? try FileSystem.read(path) : []
        try FileSystem.write(existing + Array(CheckMarkdownRenderer().render(report).utf8), to: path)
        return true
    }

    public func render(_ report: CheckReport) -> String {
        var out = ""
        for finding in report.findings {
            var properties: [String] = []
            if let path = finding.path { properties.append("file=\(property(path))") }
            properties.append("title=\(property("aitrail \(finding.rule.rawValue) (\(finding.shortCommit))"))")
            out += "::error \(properties.joined(separator: ","))::\(data("\(finding.shortCommit): \(finding.message). Fix: \(finding.fix)"))\n"
        }
        for notice in report.notices { out += "::notice title=aitrail::\(data(notice))\n" }
        out += report.headline + "\n"
        return out
    }

    /// Escapes as the Actions runner expects for a command's message.
    private func data(_ text: String) -> String {
        text.replacingAll("%", "%25").replacingAll("\r", "%0D").replacingAll("\n", "%0A")
    }

    /// Escapes a property value (also `:` and `,`).
    private func property(_ text: String) -> String {
        data(text).replacingAll(":", "%3A").replacingAll(",", "%2C")
    }
}
