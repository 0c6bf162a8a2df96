#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// SARIF 2.1.0, for code-scanning dashboards. Each finding is an error-level result of its rule
/// with a physical location (GitHub code scanning shows no other): its path, else the first file
/// its commit changed, else the policy file; and the commit as a logical location.
public struct CheckSARIFRenderer: CheckRenderer {
    public init() {}

    struct Log: Encodable {
        let schema = "https://json.schemastore.org/sarif-2.1.0.json"
        let version = "2.1.0"
        let runs: [Run]
        enum CodingKeys: String, CodingKey { case schema = "$schema", version, runs }
    }
    struct Run: Encodable {
        let tool: Tool
        let results: [Result]
    }
    struct Tool: Encodable { let driver: Driver }
    struct Driver: Encodable {
        let name = "aitrail"
        let version: String
        let informationUri = "https://github.com/aitrail/aitrail"
        let rules: [Rule]
    }
    struct Message: Encodable { let text: String }
    struct Rule: Encodable {
        let id: String
        let name: String
        let shortDescription: Message
        let fullDescription: Message
        let defaultConfiguration = Configuration()
        struct Configuration: Encodable { let level = "error" }
    }
    struct Result: Encodable {
        let ruleId: String
        let ruleIndex: Int
        let level = "error"
        let message: Message
        let locations: [Location]
        let partialFingerprints: [String: String]
        let properties: Properties
    }
    struct Properties: Encodable {
        let commit: String
        let fix: String
    }
    struct Location: Encodable {
        let physicalLocation: PhysicalLocation
        let logicalLocations: [LogicalLocation]?
    }
    struct PhysicalLocation: Encodable {
        let artifactLocation: ArtifactLocation
        let region = Region()
    }
    struct ArtifactLocation: Encodable {
        let uri: String
        let uriBaseId = "%SRCROOT%"
    }
    struct Region: Encodable { let startLine = 1 }
    struct LogicalLocation: Encodable {
        let name: String
        let fullyQualifiedName: String
        let kind = "module"
    }

    public func render(_ report: CheckReport) -> String {
        let rules = CheckRule.allCases
        let results = report.findings.map { finding in
            let location = Location(
                physicalLocation: PhysicalLocation(artifactLocation: ArtifactLocation(uri: Self.uri(finding.path ?? finding.file ?? ".aitrail"))),
                logicalLocations: [LogicalLocation(name: finding.shortCommit, fullyQualifiedName: "commit/\(finding.commit)")])
            return Result(
                ruleId: finding.rule.rawValue, ruleIndex: rules.firstIndex(of: finding.rule)!,
                message: Message(text: "\(finding.shortCommit): \(finding.message). Fix: \(finding.fix)"),
                locations: [location],
                partialFingerprints: ["aitrail/v1": CheckFingerprint.of(finding)],
                properties: Properties(commit: finding.commit, fix: finding.fix))
        }
        let driver = Driver(version: report.aitrail, rules: rules.map {
            Rule(id: $0.rawValue, name: $0.title, shortDescription: Message(text: $0.title), fullDescription: Message(text: $0.explanation))
        })
        return CanonicalJSON.encode(Log(runs: [Run(tool: Tool(driver: driver), results: results)]), pretty: true) + "\n"
    }
}

extension CheckSARIFRenderer {
    /// A relative path as a URI reference (RFC 3986): every byte but unreserved characters and `/`
    /// percent-encoded, so spaces, `%`, `#`, `?` and non-ASCII names stay one path.
    static func uri(_ path: String) -> String {
        var out = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF")
                out += "%\(hex[Int(byte >> 4)])\(hex[Int(byte & 0x0F)])"
            }
        }
        return out
    }
}

/// A stable id for a finding (commit, rule, path, message): the same problem has the same id across runs.
enum CheckFingerprint {
    static func of(_ finding: Finding) -> String {
        SHA256.hex(Array("\(finding.commit)\u{0}\(finding.rule.rawValue)\u{0}\(finding.path ?? "")\u{0}\(finding.message)".utf8))
    }
}
