#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The report as JSON (sorted keys), for scripts.
public struct CheckJSONRenderer: CheckRenderer {
    public init() {}

    public func render(_ report: CheckReport) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        // The report holds only strings, booleans and arrays of them: encoding cannot fail.
        let data = (try? encoder.encode(report)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
