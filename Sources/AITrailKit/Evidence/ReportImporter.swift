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
    public static func read(kind: EvidenceKind, bytes: [UInt8], file: String) throws(AITrailError) -> ImportedResult {
        switch kind {
        case .junit: return try junit(bytes, file: file)
        case .sarif: return try sarif(bytes, file: file)
        case .json: return try json(bytes, file: file)
        case .command, .review:
            throw AITrailError.evidence("'\(kind.rawValue)' evidence is not imported from a file (use --kind junit, sarif or json)")
        }
    }

    /// The largest report read: a bigger one is refused with a message rather than read into memory
    /// (a 106 MB JUnit file took 905 MB).
    public static let sizeLimit = 64 << 20

    /// A report's bytes: regular files only (a FIFO or a device is refused at once, not read until
    /// it ends), at most `sizeLimit`.
    public static func readFile(_ file: String) throws(AITrailError) -> [UInt8] {
        guard FileSystem.exists(file) else { throw AITrailError.evidence("no such file: \(file) (pass the report your harness wrote)") }
        do { return try FileSystem.readRegularFile(file, limit: sizeLimit) } catch {
            throw AITrailError.evidence(error.message + " (write the report to a regular file and pass that; split a larger one, or summarise it in aitrail's JSON form)")
        }
    }

    /// The verdict of a report's counts: failures or errors fail it whatever else it says, and a
    /// report that counted no tests is not a pass (nothing was shown to work).
    static func verdict(_ summary: EvidenceSummary, file: String, claimed: Bool = true) throws(AITrailError) -> Bool {
        if summary.failures > 0 || summary.errors > 0 { return false }
        guard summary.tests > 0 else {
            throw AITrailError.evidence("\(file) reports no tests, so it shows nothing passing (attach the report of a run that ran its tests)")
        }
        return claimed
    }

    /// `a + b` for counts read from a report; an error instead of an overflow.
    static func add(_ a: Int, _ b: Int) throws(XMLScanner.Malformed) -> Int {
        let (sum, overflow) = a.addingReportingOverflow(b)
        if overflow { throw XMLScanner.Malformed(reason: "its counts are too large to add up (\(a) + \(b))") }
        return sum
    }

    // MARK: JUnit

    /// Counts from a JUnit report. Test cases are counted where the report lists them (so nested
    /// suites are not counted twice); a report with only suite totals uses the innermost suites'
    /// `tests`/`failures`/`errors`/`skipped` attributes.
    public static func junit(_ bytes: [UInt8], file: String) throws(AITrailError) -> ImportedResult {
        let elements: [XMLScanner.Element]
        do { elements = try XMLScanner.elements(bytes) } catch {
            throw AITrailError.evidence("\(file) is not a JUnit XML report: \(error.reason) (pass the XML file your test runner writes, e.g. `swift test --xunit-output report.xml`)")
        }
        guard let root = elements.first(where: { $0.depth == 0 }), root.name == "testsuites" || root.name == "testsuite" else {
            let found = elements.first.map { "<\($0.name)>" } ?? "no element"
            throw AITrailError.evidence("\(file) is not a JUnit XML report: the root element is \(found), not <testsuites> or <testsuite>")
        }
        var summary = EvidenceSummary()
        let cases = elements.filter { $0.name == "testcase" }
        do throws(XMLScanner.Malformed) {
            if !cases.isEmpty {
                summary.tests = cases.count
                summary.failures = elements.filter { $0.name == "failure" }.count
                summary.errors = elements.filter { $0.name == "error" }.count
                summary.skipped = elements.filter { $0.name == "skipped" }.count
            } else {
                let suites = elements.enumerated().filter { $0.element.name == "testsuite" }
                var counted = suites.filter { index, suite in
                    !elements[(index + 1)...].prefix { $0.depth > suite.depth }.contains { $0.name == "testsuite" }
                }.map(\.element)
                if suites.isEmpty { counted = [root] }
                for suite in counted {
                    summary.tests = try add(summary.tests, try suite.count("tests"))
                    summary.failures = try add(summary.failures, try suite.count("failures"))
                    summary.errors = try add(summary.errors, try suite.count("errors"))
                    summary.skipped = try add(summary.skipped, try add(try suite.count("skipped"), try suite.count("disabled")))
                }
            }
        } catch {
            throw AITrailError.evidence("\(file) is not a usable JUnit XML report: \(error.reason)")
        }
        return ImportedResult(passed: try verdict(summary, file: file), summary: summary,
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

    /// Results with level `error` (or kind `fail`) are failures; the evidence passes with none. The
    /// version must be 2.1.0 and there must be a run: a log of nothing is not a pass.
    public static func sarif(_ bytes: [UInt8], file: String) throws(AITrailError) -> ImportedResult {
        let log: SARIFLog
        do { log = try JSONDecoder().decode(SARIFLog.self, from: Data(bytes)) } catch {
            throw AITrailError.evidence("\(file) is not a SARIF log: \(jsonProblem(error, bytes)) (expected a JSON object with \"version\": \"2.1.0\" and \"runs\")")
        }
        guard log.version == "2.1.0" else {
            let found = log.version.map { "\"\($0)\"" } ?? "missing"
            throw AITrailError.evidence("\(file) is not a SARIF 2.1.0 log: its \"version\" is \(found) (aitrail reads SARIF 2.1.0; convert the log or upgrade the tool)")
        }
        guard !log.runs.isEmpty else {
            throw AITrailError.evidence("\(file) has no runs: no analysis ran, so it shows nothing passing (attach the log of a run)")
        }
        var summary = EvidenceSummary()
        for run in log.runs {
            for result in run.results ?? [] {
                summary.tests += 1
                // SARIF 2.1.0 §3.27.10 and §3.27.9: the values are exact, lower case.
                if let level = result.level, !["none", "note", "warning", "error"].contains(level) {
                    throw AITrailError.evidence("\(file) has a result with \"level\": \"\(level)\", which SARIF 2.1.0 does not define (none, note, warning or error, in lower case)")
                }
                if let kind = result.kind, !["notApplicable", "pass", "fail", "review", "open", "informational"].contains(kind) {
                    throw AITrailError.evidence("\(file) has a result with \"kind\": \"\(kind)\", which SARIF 2.1.0 does not define")
                }
                if result.level == "error" || result.kind == "fail" { summary.failures += 1 }
            }
        }
        let tools = log.runs.compactMap { $0.tool?.driver?.name }
        // A run with no results is a clean analysis: SARIF's pass.
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

    public static func json(_ bytes: [UInt8], file: String) throws(AITrailError) -> ImportedResult {
        let value: MinimalJSON
        do { value = try JSONDecoder().decode(MinimalJSON.self, from: Data(bytes)) } catch {
            throw AITrailError.evidence("\(file) is not an aitrail JSON result: \(jsonProblem(error, bytes)) (expected {\"passed\": true|false, \"summary\": {\"tests\": N, \"failures\": N, \"errors\": N, \"skipped\": N}})")
        }
        guard let counts = value.summary else {
            return ImportedResult(passed: value.passed, summary: EvidenceSummary(), name: value.name)
        }
        let summary = EvidenceSummary(tests: counts.tests ?? 0, failures: counts.failures ?? 0, errors: counts.errors ?? 0, skipped: counts.skipped ?? 0)
        for (key, count) in [("tests", summary.tests), ("failures", summary.failures), ("errors", summary.errors), ("skipped", summary.skipped)] where count < 0 {
            throw AITrailError.evidence("\(file) has \"summary\".\"\(key)\": \(count); counts are 0 or more")
        }
        // The counts decide: failures or errors fail it whatever "passed" says; no tests is no pass.
        // Without counts, the harness's word is all there is.
        let passed = summary.failures > 0 || summary.errors > 0 ? false : try verdict(summary, file: file, claimed: value.passed)
        return ImportedResult(passed: passed, summary: summary, name: value.name)
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
        /// A count attribute: 0 when absent; an error when it is not a whole number from 0 up that
        /// fits (read as 0, `failures="99999999999999999999"` would have passed).
        func count(_ key: String) throws(Malformed) -> Int {
            guard let text = attributes[key] else { return 0 }
            guard let value = Int(text.trimmingSpaces), value >= 0 else {
                throw Malformed(reason: "<\(name)> has \(key)=\"\(text)\", not a count (a whole number from 0 to \(Int.max))")
            }
            return value
        }
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

