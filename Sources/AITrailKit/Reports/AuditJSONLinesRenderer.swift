import Git

/// One JSON object per commit, the stable schema of SPEC §9 (docs/audit.md):
/// `{"commit","time","author":{"name","email"},"ai","agents","models","sources","evidence"}`,
/// plus `insertions` and `deletions` with `--lines`. Written byte by byte: it is the format that
/// streams whole histories.
public struct AuditJSONLinesRenderer: AuditRenderer {
    public init() {}

    public var needsSummary: Bool { false }

    public func render(_ report: AuditReport) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(report.commits.count * 220)
        var authors: [Identity: [UInt8]] = [:]
        var lists: [[String]: [UInt8]] = [:]
        func appendList(_ values: [String]) {
            if values.isEmpty { return }
            if let known = lists[values] { out.append(contentsOf: known); return }
            var encoded: [UInt8] = []
            appendStrings(values, to: &encoded)
            lists[values] = encoded
            out.append(contentsOf: encoded)
        }
        for commit in report.commits {
            out.append(contentsOf: #"{"commit":""#.utf8)
            appendHex(commit.id, to: &out)
            out.append(contentsOf: #"","time":""#.utf8)
            appendTime(commit.authorTime, to: &out)
            out.append(contentsOf: #"","author":"#.utf8)
            if let known = authors[commit.author] {
                out.append(contentsOf: known)
            } else {
                let encoded = Array(("{\"name\":" + AuditText.jsonString(commit.author.name) + ",\"email\":"
                    + AuditText.jsonString(commit.author.email) + "}").utf8)
                authors[commit.author] = encoded
                out.append(contentsOf: encoded)
            }
            out.append(contentsOf: commit.isAI ? #","ai":true,"agents":["#.utf8 : #","ai":false,"agents":["#.utf8)
            appendList(commit.agents)
            out.append(contentsOf: #"],"models":["#.utf8)
            appendList(commit.models)
            out.append(contentsOf: #"],"sources":["#.utf8)
            if !commit.sources.isEmpty { appendList(commit.sources.map(\.rawValue)) }
            out.append(contentsOf: #"],"evidence":""#.utf8)
            out.append(contentsOf: commit.evidence.rawValue.utf8)
            out.append(0x22)
            if report.lines {
                out.append(contentsOf: #","insertions":"#.utf8)
                out.append(contentsOf: String(commit.insertions ?? 0).utf8)
                out.append(contentsOf: #","deletions":"#.utf8)
                out.append(contentsOf: String(commit.deletions ?? 0).utf8)
            }
            out.append(contentsOf: "}\n".utf8)
        }
        return out
    }

    private func appendStrings(_ values: [String], to out: inout [UInt8]) {
        for (index, value) in values.enumerated() {
            if index > 0 { out.append(0x2C) }
            out.append(contentsOf: AuditText.jsonString(value).utf8)
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private func appendHex(_ id: ObjectID, to out: inout [UInt8]) {
        id.withRawBytes { bytes in
            for byte in bytes {
                out.append(AuditJSONLinesRenderer.hexDigits[Int(byte >> 4)])
                out.append(AuditJSONLinesRenderer.hexDigits[Int(byte & 0xF)])
            }
        }
    }

    /// RFC 3339 in UTC, as `Timestamp.format` writes it, without building a String per commit.
    private func appendTime(_ time: Int64, to out: inout [UInt8]) {
        var days = time >= 0 ? time / 86_400 : (time - 86_399) / 86_400
        var seconds = time - days * 86_400
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        days += 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let dayOfEra = days - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func digits(_ value: Int64, _ count: Int) {
            var divisor: Int64 = 1
            for _ in 1..<count { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                out.append(UInt8(0x30 + (rest / divisor) % 10))
                rest %= divisor
                divisor /= 10
            }
        }
        digits(year, 4); out.append(0x2D); digits(month, 2); out.append(0x2D); digits(day, 2); out.append(0x54)
        let hour = seconds / 3600
        seconds %= 3600
        digits(hour, 2); out.append(0x3A); digits(seconds / 60, 2); out.append(0x3A); digits(seconds % 60, 2)
        out.append(0x5A)
    }
}
