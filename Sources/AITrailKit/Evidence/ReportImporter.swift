import Git
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The outcome read from a test or analysis report.
public struct ImportedResult: Sendable, Hashable {
    public var passed: Bool
    public var summary: EvidenceSummary
    public var name: String?
}

/// Reads results from JUnit XML, SARIF 2.1.0 and aitrail's minimal JSON form.
///
/// The minimal JSON form, for harnesses that write neither JUnit nor SARIF:
///
///     {"passed": true, "summary": {"tests": 120, "failures": 0, "errors": 0, "skipped": 3}, "name": "evals"}
///
/// `passed` is required; `summary` and its counts and `name` are optional.
public enum ReportImporter {
    public static func read(kind: EvidenceKind, bytes: [UInt8], file: String) throws(EvidenceError) -> ImportedResult {
        switch kind {
        case .junit: return try junit(bytes, file: file)
        case .sarif: return try sarif(bytes, file: file)
        case .json: return try json(bytes, file: file)
        case .command, .review:
            throw EvidenceError("'\(kind.rawValue)' evidence is not imported from a file (use --kind junit, sarif or json)")
        }
    }

    // MARK: JUnit

    /// Counts from a JUnit report. Test cases are counted where the report lists them (so nested
    /// suites are not counted twice); a report with only suite totals uses the innermost suites'
    /// `tests`/`failures`/`errors`/`skipped` attributes.
    public static func junit(_ bytes: [UInt8], file: String) throws(EvidenceError) -> ImportedResult {
        let elements: [XMLScanner.Element]
        do { elements = try XMLScanner.elements(bytes) } catch {
            throw EvidenceError("\(file) is not a JUnit XML report: \(error.reason) (pass the XML file your test runner writes, e.g. `swift test --xunit-output report.xml`)")
        }
        guard let root = elements.first(where: { $0.depth == 0 }), root.name == "testsuites" || root.name == "testsuite" else {
            let found = elements.first.map { "<\($0.name)>" } ?? "no element"
            throw EvidenceError("\(file) is not a JUnit XML report: the root element is \(found), not <testsuites> or <testsuite>")
        }
        var summary = EvidenceSummary()
        let cases = elements.filter { $0.name == "testcase" }
        if !cases.isEmpty {
            summary.tests = cases.count
            summary.failures = elements.filter { $0.name == "failure" }.count
            summary.errors = elements.filter { $0.name == "error" }.count
            summary.skipped = elements.filter { $0.name == "skipped" }.count
        } else {
            let suites = elements.enumerated().filter { $0.element.name == "testsuite" }
            for (index, suite) in suites {
                let hasInnerSuite = elements[(index + 1)...].prefix { $0.depth > suite.depth }.contains { $0.name == "testsuite" }
                if hasInnerSuite { continue }
                summary.tests += suite.int("tests")
                summary.failures += suite.int("failures")
                summary.errors += suite.int("errors")
                summary.skipped += suite.int("skipped") + suite.int("disabled")
            }
            if suites.isEmpty {
                summary.tests = root.int("tests")
                summary.failures = root.int("failures")
                summary.errors = root.int("errors")
                summary.skipped = root.int("skipped") + root.int("disabled")
            }
        }
        return ImportedResult(passed: summary.failures == 0 && summary.errors == 0, summary: summary,
                              name: root.attributes["name"] ?? elements.first { $0.name == "testsuite" }?.attributes["name"])
    }

    // MARK: SARIF

    private struct SARIFLog: Decodable {
        struct Run: Decodable {
            struct Tool: Decodable {
                struct Driver: Decodable { let name: String? }
                let driver: Driver?
            }
            struct Result: Decodable {
                let level: String?
                let kind: String?
            }
            let tool: Tool?
            let results: [Result]?
        }
        let version: String?
        let runs: [Run]
    }

    /// Results with level `error` (or kind `fail`) are failures; the evidence passes with none.
    public static func sarif(_ bytes: [UInt8], file: String) throws(EvidenceError) -> ImportedResult {
        let log: SARIFLog
        do { log = try JSONDecoder().decode(SARIFLog.self, from: Data(bytes)) } catch {
            throw EvidenceError("\(file) is not a SARIF log: \(jsonProblem(error, bytes)) (expected a JSON object with \"version\": \"2.1.0\" and \"runs\")")
        }
        var summary = EvidenceSummary()
        for run in log.runs {
            for result in run.results ?? [] {
                summary.tests += 1
                if result.level == "error" || result.kind == "fail" { summary.failures += 1 }
            }
        }
        let tools = log.runs.compactMap { $0.tool?.driver?.name }
        return ImportedResult(passed: summary.failures == 0, summary: summary, name: tools.isEmpty ? nil : tools.joined(separator: ", "))
    }

    // MARK: minimal JSON

    private struct MinimalJSON: Decodable {
        struct Summary: Decodable {
            let tests: Int?
            let failures: Int?
            let errors: Int?
            let skipped: Int?
        }
        let passed: Bool
        let summary: Summary?
        let name: String?
    }

    public static func json(_ bytes: [UInt8], file: String) throws(EvidenceError) -> ImportedResult {
        let value: MinimalJSON
        do { value = try JSONDecoder().decode(MinimalJSON.self, from: Data(bytes)) } catch {
            throw EvidenceError("\(file) is not an aitrail JSON result: \(jsonProblem(error, bytes)) (expected {\"passed\": true|false, \"summary\": {\"tests\": N, \"failures\": N, \"errors\": N, \"skipped\": N}})")
        }
        let summary = value.summary.map {
            EvidenceSummary(tests: $0.tests ?? 0, failures: $0.failures ?? 0, errors: $0.errors ?? 0, skipped: $0.skipped ?? 0)
        }
        return ImportedResult(passed: value.passed, summary: summary ?? EvidenceSummary(), name: value.name)
    }

    private static func jsonProblem(_ error: Error, _ bytes: [UInt8]) -> String {
        guard let first = bytes.first(where: { $0 != 0x20 && $0 != 0x0a && $0 != 0x0d && $0 != 0x09 && $0 != 0xef && $0 != 0xbb && $0 != 0xbf }) else {
            return "the file is empty"
        }
        if first != UInt8(ascii: "{") { return "it is not JSON" }
        if let decoding = error as? DecodingError {
            switch decoding {
            case .keyNotFound(let key, let context):
                return "missing \"\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))\""
            case .typeMismatch(_, let context), .valueNotFound(_, let context):
                return "wrong type at \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\""
            case .dataCorrupted:
                return "it is not valid JSON"
            @unknown default:
                return "it cannot be read"
            }
        }
        return "it cannot be read"
    }
}

/// A small, tolerant XML tokenizer: start tags with their attributes and nesting depth, skipping
/// text, comments, CDATA, processing instructions and doctype. Enough to count JUnit elements
/// without Foundation's XMLParser (not in FoundationEssentials); it rejects what is not XML.
enum XMLScanner {
    struct Element {
        let name: String
        let attributes: [String: String]
        let depth: Int
        func int(_ key: String) -> Int { attributes[key].flatMap { Int($0.trimmingSpaces) } ?? 0 }
    }

    struct Malformed: Error { let reason: String }

    static func elements(_ bytes: [UInt8]) throws(Malformed) -> [Element] {
        var index = 0
        let count = bytes.count
        if count >= 3, bytes[0] == 0xef, bytes[1] == 0xbb, bytes[2] == 0xbf { index = 3 }
        while index < count, isSpace(bytes[index]) { index += 1 }
        guard index < count else { throw Malformed(reason: "the file is empty") }
        guard bytes[index] == UInt8(ascii: "<") else { throw Malformed(reason: "it does not start with '<', so it is not XML") }

        var elements: [Element] = []
        var depth = 0
        var sawRoot = false
        func find(_ pattern: String, from start: Int) -> Int? {
            let needle = Array(pattern.utf8)
            var i = start
            while i + needle.count <= count {
                if bytes[i] == needle[0] && Array(bytes[i..<(i + needle.count)]) == needle { return i + needle.count }
                i += 1
            }
            return nil
        }
        func starts(_ prefix: String, at i: Int) -> Bool {
            let p = Array(prefix.utf8)
            return i + p.count <= count && Array(bytes[i..<(i + p.count)]) == p
        }
        while index < count {
            guard bytes[index] == UInt8(ascii: "<") else {
                if depth == 0, !isSpace(bytes[index]) {
                    throw Malformed(reason: sawRoot ? "text after the root element at byte \(index)" : "text before the root element at byte \(index)")
                }
                index += 1
                continue
            }
            if starts("<!--", at: index) {
                guard let end = find("-->", from: index + 4) else { throw Malformed(reason: "an unterminated comment") }
                index = end
            } else if starts("<![CDATA[", at: index) {
                guard let end = find("]]>", from: index + 9) else { throw Malformed(reason: "an unterminated CDATA section") }
                index = end
            } else if starts("<?", at: index) {
                guard let end = find("?>", from: index + 2) else { throw Malformed(reason: "an unterminated processing instruction") }
                index = end
            } else if starts("<!", at: index) {
                guard let end = find(">", from: index + 2) else { throw Malformed(reason: "an unterminated declaration") }
                index = end
            } else if starts("</", at: index) {
                guard let end = find(">", from: index + 2) else { throw Malformed(reason: "an unterminated end tag") }
                depth -= 1
                if depth < 0 { throw Malformed(reason: "an end tag without a start tag at byte \(index)") }
                index = end
            } else {
                if depth == 0 && sawRoot { throw Malformed(reason: "a second root element at byte \(index)") }
                let (element, end, selfClosing) = try startTag(bytes, at: index, depth: depth)
                elements.append(element)
                sawRoot = true
                if !selfClosing { depth += 1 }
                index = end
            }
        }
        guard sawRoot else { throw Malformed(reason: "it has no elements") }
        guard depth == 0 else { throw Malformed(reason: "it ends before all elements are closed") }
        return elements
    }

    private static func startTag(_ bytes: [UInt8], at start: Int, depth: Int) throws(Malformed) -> (Element, Int, Bool) {
        var i = start + 1
        let count = bytes.count
        let nameStart = i
        while i < count, !isSpace(bytes[i]), bytes[i] != UInt8(ascii: ">"), bytes[i] != UInt8(ascii: "/") { i += 1 }
        guard i > nameStart, isNameStart(bytes[nameStart]) else { throw Malformed(reason: "a bad tag at byte \(start)") }
        var name = String(decoding: bytes[nameStart..<i], as: UTF8.self)
        if let colon = name.lastIndex(of: ":") { name = String(name[name.index(after: colon)...]) }
        var attributes: [String: String] = [:]
        while true {
            while i < count, isSpace(bytes[i]) { i += 1 }
            guard i < count else { throw Malformed(reason: "an unterminated tag <\(name)>") }
            if bytes[i] == UInt8(ascii: ">") { return (Element(name: name, attributes: attributes, depth: depth), i + 1, false) }
            if bytes[i] == UInt8(ascii: "/") {
                guard i + 1 < count, bytes[i + 1] == UInt8(ascii: ">") else { throw Malformed(reason: "a bad tag <\(name)>") }
                return (Element(name: name, attributes: attributes, depth: depth), i + 2, true)
            }
            let keyStart = i
            while i < count, bytes[i] != UInt8(ascii: "="), !isSpace(bytes[i]), bytes[i] != UInt8(ascii: ">") { i += 1 }
            let key = String(decoding: bytes[keyStart..<i], as: UTF8.self)
            while i < count, isSpace(bytes[i]) { i += 1 }
            guard i < count, bytes[i] == UInt8(ascii: "=") else { throw Malformed(reason: "attribute '\(key)' of <\(name)> has no value") }
            i += 1
            while i < count, isSpace(bytes[i]) { i += 1 }
            guard i < count, bytes[i] == UInt8(ascii: "\"") || bytes[i] == UInt8(ascii: "'") else {
                throw Malformed(reason: "attribute '\(key)' of <\(name)> is not quoted")
            }
            let quote = bytes[i]
            i += 1
            let valueStart = i
            while i < count, bytes[i] != quote { i += 1 }
            guard i < count else { throw Malformed(reason: "an unterminated attribute '\(key)' of <\(name)>") }
            attributes[key] = unescape(String(decoding: bytes[valueStart..<i], as: UTF8.self))
            i += 1
        }
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0a || byte == 0x0d || byte == 0x09 }
    private static func isNameStart(_ byte: UInt8) -> Bool {
        (0x41...0x5a).contains(byte) || (0x61...0x7a).contains(byte) || byte == UInt8(ascii: "_") || byte >= 0x80
    }

    static func unescape(_ text: String) -> String {
        guard text.contains("&") else { return text }
        return text.replacingAll("&lt;", "<").replacingAll("&gt;", ">").replacingAll("&quot;", "\"")
            .replacingAll("&apos;", "'").replacingAll("&amp;", "&")
    }
}

