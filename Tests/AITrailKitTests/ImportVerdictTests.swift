import AITrailKit
import Foundation
import Git
import Testing
import TestSupport

/// Imported reports are judged by their content: the counts decide, numbers that do not fit are
/// errors, nothing run is no pass, and SARIF is read as the standard writes it.
@Suite struct ImportVerdictTests {
    private func json(_ text: String) throws -> ImportedResult { try ReportImporter.json(Array(text.utf8), file: "r.json") }
    private func junit(_ text: String) throws -> ImportedResult { try ReportImporter.junit(Array(text.utf8), file: "r.xml") }
    private func sarif(_ text: String) throws -> ImportedResult { try ReportImporter.sarif(Array(text.utf8), file: "r.sarif") }

    private func expectError(_ what: String, containing words: [String], _ body: () throws -> ImportedResult) {
        do {
            let result = try body()
            Issue.record("\(what) was imported: passed \(result.passed)")
        } catch {
            let text = "\(error)"
            for word in words { #expect(text.contains(word), "\(what): \(text)") }
        }
    }

    @Test func failuresFailWhateverPassedSays() throws {
        #expect(try !json(#"{"passed":true,"summary":{"tests":10,"failures":10}}"#).passed)
        #expect(try !json(#"{"passed":true,"summary":{"tests":10,"errors":1}}"#).passed)
        #expect(try json(#"{"passed":true,"summary":{"tests":10,"failures":0}}"#).passed)
        #expect(try !json(#"{"passed":false,"summary":{"tests":10}}"#).passed)
        #expect(try json(#"{"passed":true}"#).passed, "without counts the harness's word stands")
        expectError("zero tests", containing: ["no tests"]) { try json(#"{"passed":true,"summary":{"tests":0}}"#) }
        expectError("a negative count", containing: ["failures", "0 or more"]) { try json(#"{"passed":true,"summary":{"tests":3,"failures":-1}}"#) }
        expectError("a count past Int", containing: ["r.json"]) { try json(#"{"passed":true,"summary":{"tests":3,"failures":99999999999999999999}}"#) }
    }

    @Test func junitCountsThatDoNotFitAreErrorsAndEmptyReportsDoNotPass() throws {
        expectError("failures past Int", containing: ["failures", "not a count"]) {
            try junit(#"<testsuite name="a" tests="5" failures="99999999999999999999"/>"#)
        }
        expectError("counts overflowing when summed", containing: ["too large"]) {
            try junit(#"<testsuites><testsuite tests="9223372036854775807"/><testsuite tests="1"/></testsuites>"#)
        }
        expectError("a negative count", containing: ["errors"]) { try junit(#"<testsuite tests="5" errors="-2"/>"#) }
        expectError("an empty <testsuite/>", containing: ["no tests"]) { try junit("<testsuite/>") }
        expectError("empty <testsuites>", containing: ["no tests"]) { try junit("<testsuites></testsuites>") }
        #expect(try junit(#"<testsuite tests="5" failures="0"/>"#).passed)
        #expect(try !junit(#"<testsuite tests="5" failures="1"/>"#).passed)
    }

    @Test func sarifIsReadAsTheStandardSays() throws {
        let clean = #"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"lint"}},"results":[]}]}"#
        #expect(try sarif(clean).passed, "a run without results is a clean analysis")
        let failing = #"{"version":"2.1.0","runs":[{"results":[{"level":"error"},{"level":"warning"}]}]}"#
        #expect(try !sarif(failing).passed)
        expectError("no runs", containing: ["no runs"]) { try sarif(#"{"version":"2.1.0","runs":[]}"#) }
        expectError("version 1.0.0", containing: ["1.0.0", "2.1.0"]) { try sarif(#"{"version":"1.0.0","runs":[{"results":[]}]}"#) }
        expectError("no version", containing: ["version"]) { try sarif(#"{"runs":[{"results":[]}]}"#) }
        expectError("level ERROR", containing: ["ERROR", "lower case"]) { try sarif(#"{"version":"2.1.0","runs":[{"results":[{"level":"ERROR"}]}]}"#) }
    }

    @Test func onlyRegularFilesOfABoundedSizeAreRead() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fifo = folder + "/report.xml"
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(throws: AITrailError.self) { try ReportImporter.readFile(fifo) }
        do { _ = try ReportImporter.readFile(fifo) } catch { #expect(error.message.contains("FIFO"), "\(error)") }
        do { _ = try ReportImporter.readFile("/dev/zero") } catch { #expect(error.message.contains("device"), "\(error)") }
        do { _ = try ReportImporter.readFile(folder) } catch { #expect(error.message.contains("directory"), "\(error)") }
        let big = folder + "/big.xml"
        #expect(FileManager.default.createFile(atPath: big, contents: nil))
        #expect(truncate(big, off_t(ReportImporter.sizeLimit + 1)) == 0)
        do { _ = try ReportImporter.readFile(big) } catch { #expect(error.message.contains("MiB"), "\(error)") }
        #expect(throws: AITrailError.self) { try ReportImporter.readFile(big) }
    }
}
