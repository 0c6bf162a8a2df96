/// Turns an audit report into one output format. Adding a format means adding one renderer.
public protocol AuditRenderer: Sendable {
    func render(_ report: AuditReport) -> [UInt8]
    /// The same bytes in pieces, in order: a long output never needs one buffer for all of it.
    func render(_ report: AuditReport, to output: (UnsafeRawBufferPointer) -> Void)
    /// Whether the renderer reads the totals and breakdowns (false: only the commits).
    var needsSummary: Bool { get }
}

extension AuditRenderer {
    public var needsSummary: Bool { true }

    public func render(_ report: AuditReport, to output: (UnsafeRawBufferPointer) -> Void) {
        render(report).withUnsafeBytes(output)
    }
}

/// The formats of `aitrail audit --format`.
public enum AuditFormat: String, Sendable, CaseIterable {
    case table, json, jsonl, csv, markdown, html

    public var renderer: any AuditRenderer {
        switch self {
        case .table: return AuditTableRenderer()
        case .json: return AuditJSONRenderer()
        case .jsonl: return AuditJSONLinesRenderer()
        case .csv: return AuditCSVRenderer()
        case .markdown: return AuditMarkdownRenderer()
        case .html: return AuditHTMLRenderer()
        }
    }
}

/// Text helpers the audit renderers share (and the organisation's, in AITrailStore).
package enum AuditText {
    /// `30.7%`, rounded to one decimal.
    package static func percent(_ fraction: Double) -> String {
        let tenths = Int((fraction * 1000).rounded())
        return "\(tenths / 10).\(tenths % 10)%"
    }

    /// `12,345`.
    package static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return (value < 0 ? "-" : "") + out
    }

    /// `1 commit`, `12,345 commits`.
    static func commits(_ value: Int) -> String { count(value) + (value == 1 ? " commit" : " commits") }

    /// `2025-02-24` (`10000-01-01` past the year 9999).
    package static func day(_ time: Int64) -> String { String(Timestamp.format(time).prefix { $0 != "T" }) }

    /// A ratio as JSON numbers print it: at most four decimals.
    package static func ratio(_ value: Double) -> Double { (value * 10_000).rounded() / 10_000 }

    /// The report's date span, `2023-09-01 – 2026-03-14`, or `no commits`.
    static func span(_ report: AuditReport) -> String {
        guard let first = report.firstTime, let last = report.lastTime else { return "no commits" }
        return "\(day(first)) – \(day(last))"
    }

    static func title(_ grouping: AuditGrouping, _ report: AuditReport) -> String {
        switch grouping {
        case .period: return "By \(report.period.rawValue)"
        case .author: return "By author"
        case .agent: return "By agent"
        case .model: return "By model"
        case .commitClass: return "By class"
        }
    }

    /// Text as a terminal may show it: control characters (C0, DEL, C1) and the bidirectional
    /// overrides that reorder what a terminal shows are written as escapes (`\e`, `\x07`, `\u{202E}`),
    /// so a name in a commit cannot move the cursor, recolour the screen or hide text.
    static func printable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else { out.unicodeScalars.append(scalar); continue }
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{1B}": out += "\\e"
            case _ where scalar.value < 0x100:
                let digits = String(scalar.value, radix: 16, uppercase: true)
                out += "\\x" + (digits.count < 2 ? "0" : "") + digits
            default: out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
        }
        return out
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return value < 0x20 || (0x7F...0x9F).contains(value) || (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value)
    }

    /// A string as a JSON string literal.
    package static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let digits = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

/// Text escaped for HTML content and attribute values (the HTML reports', the audit's and the store's).
package func html(_ text: String) -> String {
    var out = ""
    for character in text {
        switch character {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.append(character)
        }
    }
    return out
}
