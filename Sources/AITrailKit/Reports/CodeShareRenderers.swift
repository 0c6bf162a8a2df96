/// The formats of `aitrail audit --code`: the same names as the audit's.
extension AuditFormat {
    public func renderCodeShare(_ report: CodeShareReport) -> [UInt8] {
        switch self {
        case .table: return Array(CodeShareText.table(report).utf8)
        case .json: return Array(CodeShareText.json(report).utf8)
        case .jsonl: return Array(CodeShareText.jsonl(report).utf8)
        case .csv: return Array(CodeShareText.csv(report).utf8)
        case .markdown: return Array(CodeShareText.markdown(report).utf8)
        case .html: return Array(CodeShareHTML.page(report).utf8)
        }
    }
}

enum CodeShareText {
    static func heading(_ report: CodeShareReport) -> String {
        "Code share at \(report.revision) (\(report.commit.short))" + (report.repository.isEmpty ? "" : " in \(report.repository)")
    }

    static func leftOut(_ report: CodeShareReport) -> String {
        "Left out: \(AuditText.count(report.generatedFiles)) generated files (\(AuditText.count(report.generatedLines)) lines), "
            + "\(AuditText.count(report.binaryFiles)) binary files, \(AuditText.count(report.links)) links"
    }

    static func table(_ report: CodeShareReport) -> String {
        let overall = report.overall
        var out = heading(report) + "\n"
        out += "\(AuditText.count(overall.lines)) lines in \(AuditText.count(report.files.count { $0.kind == .code })) files: "
            + "AI \(AuditText.percent(overall.aiShare)) (\(AuditText.count(overall.ai))), human \(AuditText.count(overall.human))\n"
        out += leftOut(report) + "\n"
        if report.linesFromNotes > 0 { out += "\(AuditText.count(report.linesFromNotes)) lines attributed by git-ai notes (refs/notes/ai)\n" }
        out += "\nBy origin\n"
        out += columns([["origin", "lines", "share"]] + report.origins.map { [AuditText.printable($0.0.label), AuditText.count($0.1),
                                                                                  AuditText.percent(overall.lines == 0 ? 0 : Double($0.1) / Double(overall.lines))] })
        out += "\nBy directory\n" + columns([["directory", "lines", "AI", "AI share"]] + report.byDirectory.map(row))
        out += "\nBy author\n" + columns([["author", "lines", "AI", "AI share"]] + report.byAuthor.map(row))
        if let survival = report.survival {
            out += "\nSurvival (lines added by non-merge commits still present)\n"
            out += columns([["origin", report.period.rawValue, "commits", "added", "surviving", "survival"]] + survival.map {
                [AuditText.printable($0.origin), $0.period ?? "all", AuditText.count($0.commits), AuditText.count($0.added),
                 AuditText.count($0.surviving), AuditText.percent($0.share)]
            })
        }
        return out
    }

    private static func row(_ row: ShareRow) -> [String] {
        [AuditText.printable(row.key), AuditText.count(row.counts.lines), AuditText.count(row.counts.ai), AuditText.percent(row.counts.aiShare)]
    }

    /// Left-aligned first column, the others right-aligned.
    static func columns(_ rows: [[String]]) -> String {
        guard let first = rows.first else { return "" }
        let widths = first.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        var out = ""
        for row in rows {
            var line = "  "
            for (column, cell) in row.enumerated() {
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                line += column == 0 ? cell + padding : "  " + padding + cell
            }
            out += line + "\n"
        }
        return out
    }

    static func origins(_ counts: LineCounts) -> String {
        "{" + counts.byOrigin.sorted { $0.key < $1.key }.map { "\(AuditText.jsonString($0.key.label)):\($0.value)" }.joined(separator: ",") + "}"
    }

    static func countsJSON(_ counts: LineCounts) -> String {
        "\"lines\":\(counts.lines),\"ai\":\(counts.ai),\"human\":\(counts.human),\"ai_share\":\(AuditText.ratio(counts.aiShare)),\"origins\":\(origins(counts))"
    }

    /// One object: the schema in docs/audit.md.
    static func json(_ report: CodeShareReport) -> String {
        var out = "{\"repository\":\(AuditText.jsonString(report.repository)),\"revision\":\(AuditText.jsonString(report.revision)),"
        out += "\"commit\":\"\(report.commit.hex)\",\"depth\":\(report.depth),\(countsJSON(report.overall)),"
        out += "\"files\":\(report.files.count { $0.kind == .code }),\"left_out\":{\"generated_files\":\(report.generatedFiles),"
        out += "\"generated_lines\":\(report.generatedLines),\"binary_files\":\(report.binaryFiles),\"links\":\(report.links)},"
        out += "\"lines_from_git_ai_notes\":\(report.linesFromNotes),"
        out += "\"by_directory\":[" + report.byDirectory.map { "{\"directory\":\(AuditText.jsonString($0.key)),\(countsJSON($0.counts))}" }.joined(separator: ",") + "],"
        out += "\"by_author\":[" + report.byAuthor.map { "{\"author\":\(AuditText.jsonString($0.key)),\(countsJSON($0.counts))}" }.joined(separator: ",") + "]"
        if let survival = report.survival {
            out += ",\"period\":\"\(report.period.rawValue)\",\"survival\":[" + survival.map { row in
                "{\"origin\":\(AuditText.jsonString(row.origin)),\"period\":\(row.period.map(AuditText.jsonString) ?? "null"),\"commits\":\(row.commits),"
                    + "\"added\":\(row.added),\"surviving\":\(row.surviving),\"survival\":\(AuditText.ratio(row.share))}"
            }.joined(separator: ",") + "]"
        }
        return out + "}\n"
    }

    /// One object per file of the tree: `{"path","kind":"code|generated|binary","lines","ai","human","ai_share","origins":{…}}`.
    static func jsonl(_ report: CodeShareReport) -> String {
        var out = ""
        for file in report.files {
            out += "{\"path\":\(AuditText.jsonString(file.path)),\"kind\":\"\(file.kind.rawValue)\",\(countsJSON(file.counts))}\n"
        }
        return out
    }

    /// Per file: path, kind, lines, ai, human, then one column per origin of the tree.
    static func csv(_ report: CodeShareReport) -> String {
        let origins = report.files.reduce(into: Set<LineOrigin>()) { $0.formUnion($1.counts.byOrigin.keys) }.sorted()
        var out = (["path", "kind", "lines", "ai", "human"] + origins.map { AuditCSVRenderer.field($0.label) }).joined(separator: ",") + "\r\n"
        for file in report.files {
            let fields = [AuditCSVRenderer.field(file.path), file.kind.rawValue, String(file.counts.lines), String(file.counts.ai),
                          String(file.counts.human)] + origins.map { String(file.counts.byOrigin[$0] ?? 0) }
            out += fields.joined(separator: ",") + "\r\n"
        }
        return out
    }

    static func markdown(_ report: CodeShareReport) -> String {
        func cell(_ text: String) -> String { text.replacing("|", with: "\\|") }
        var out = "## \(heading(report))\n\n"
        out += "**AI \(AuditText.percent(report.overall.aiShare))** of \(AuditText.count(report.overall.lines)) lines. \(leftOut(report)).\n\n"
        out += "| Origin | Lines |\n|---|---:|\n" + report.origins.map { "| \(cell($0.0.label)) | \(AuditText.count($0.1)) |\n" }.joined()
        out += "\n| Directory | Lines | AI | AI share |\n|---|---:|---:|---:|\n"
        out += report.byDirectory.map { "| \(cell($0.key)) | \(AuditText.count($0.counts.lines)) | \(AuditText.count($0.counts.ai)) | \(AuditText.percent($0.counts.aiShare)) |\n" }.joined()
        out += "\n| Author | Lines | AI | AI share |\n|---|---:|---:|---:|\n"
        out += report.byAuthor.map { "| \(cell($0.key)) | \(AuditText.count($0.counts.lines)) | \(AuditText.count($0.counts.ai)) | \(AuditText.percent($0.counts.aiShare)) |\n" }.joined()
        if let survival = report.survival {
            out += "\n| Origin | \(report.period.rawValue) | Added | Surviving | Survival |\n|---|---|---:|---:|---:|\n"
            out += survival.map { "| \(cell($0.origin)) | \($0.period ?? "all") | \(AuditText.count($0.added)) | \(AuditText.count($0.surviving)) | \(AuditText.percent($0.share)) |\n" }.joined()
        }
        return out
    }
}

/// One self-contained page: stacked bars of lines by origin per directory (a bar's length is the
/// directory's lines, its segments the origins), inline SVG, no network; a line of script records
/// what the browser drew (`data-drawn`), which the headless-browser test reads.
enum CodeShareHTML {
    static func page(_ report: CodeShareReport) -> String {
        let origins = report.origins.map(\.0)
        func colour(_ origin: LineOrigin) -> String {
            origin.isAI ? AuditHTMLRenderer.palette[(origins.filter(\.isAI).firstIndex(of: origin) ?? 0) % AuditHTMLRenderer.palette.count] : "#cbd5e1"
        }
        let rows = report.byDirectory.sorted { $0.counts.lines != $1.counts.lines ? $0.counts.lines > $1.counts.lines : $0.key < $1.key }
        let widest = max(1, rows.map(\.counts.lines).max() ?? 1)
        let labelWidth = 180, barWidth = 560, rowHeight = 26
        var svg = "<svg id=\"share-by-directory\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(labelWidth + barWidth + 140)\" height=\"\(rows.count * rowHeight + 10)\" role=\"img\" aria-label=\"Lines by origin per directory\">"
        for (index, row) in rows.enumerated() {
            let y = index * rowHeight + 5
            svg += "<text x=\"\(labelWidth - 8)\" y=\"\(y + 16)\" text-anchor=\"end\" font-size=\"13\">\(html(row.key))</text>"
            var x = Double(labelWidth)
            for origin in origins {
                guard let count = row.counts.byOrigin[origin], count > 0 else { continue }
                let width = Double(barWidth) * Double(count) / Double(widest)
                svg += "<rect class=\"segment\" x=\"\(rounded(x))\" y=\"\(y)\" width=\"\(rounded(width))\" height=\"\(rowHeight - 6)\" fill=\"\(colour(origin))\"><title>\(html(row.key)) · \(html(origin.label)): \(AuditText.count(count)) lines</title></rect>"
                x += width
            }
            svg += "<text x=\"\(rounded(x + 6))\" y=\"\(y + 16)\" font-size=\"12\" fill=\"#475569\">\(AuditText.percent(row.counts.aiShare)) AI · \(AuditText.count(row.counts.lines))</text>"
        }
        svg += "</svg>"
        let legend = origins.map { "<span><i style=\"background:\(colour($0))\"></i>\(html($0.label))</span>" }.joined(separator: " ")
        return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>Code share · \(html(report.repository))</title>
        <style>body{font:14px system-ui,sans-serif;margin:24px;color:#0f172a}.big{font-size:32px;font-weight:600}.legend span{margin-right:14px}.legend i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle}p{color:#475569}</style>
        </head>
        <body>
        <h1>\(html(CodeShareText.heading(report)))</h1>
        <div class="big">\(AuditText.percent(report.overall.aiShare)) of \(AuditText.count(report.overall.lines)) lines AI-written</div>
        <p>\(html(CodeShareText.leftOut(report)))</p>
        <h2>Lines by origin per directory</h2>
        \(svg)
        <div class="legend">\(legend)</div>
        <footer><p>Generated by aitrail \(AITrailVersion.number). How lines are attributed: docs/audit.md.</p></footer>
        <script>(function(){var s=document.getElementById('share-by-directory'),b=s.getBoundingClientRect(),n=0;s.querySelectorAll('rect.segment').forEach(function(r){if(r.getBoundingClientRect().width>0)n++});s.setAttribute('data-drawn',Math.round(b.width)+'x'+Math.round(b.height)+' segments='+n);document.body.setAttribute('data-ready','1')})();</script>
        </body>
        </html>

        """
    }

    private static func rounded(_ value: Double) -> String { String(Double(Int(value * 10)) / 10) }
}
