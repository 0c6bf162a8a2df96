import AITrailKit
import ArgumentParser
import Git

/// A report format a command takes with `--format`: its values are listed in the help, and the
/// first is the default.
protocol ReportFormat: ExpressibleByArgument, CaseIterable, RawRepresentable where RawValue == String {}

extension AuditFormat: ReportFormat {}
extension CheckFormat: ReportFormat {}

/// `--format` for a command whose reports come in `Format`s.
struct FormatOption<Format: ReportFormat>: ParsableArguments {
    @Option(help: ArgumentHelp(FormatOption.listed))
    var format: Format = Format.allCases.first!

    /// `table, json or csv.`
    static var listed: String {
        let names = Format.allCases.map(\.rawValue)
        return (names.count > 1 ? names.dropLast().joined(separator: ", ") + " or " : "") + names.last! + "."
    }
}

/// `--output FILE`: the report goes to a file instead of standard output.
struct OutputOption: ParsableArguments {
    @Option(help: ArgumentHelp("Write the report to this file instead of standard output.", valueName: "file"))
    var output: String?

    /// Writes the report to `--output` (atomically: a reader never sees half of it), else to standard output.
    func write(_ report: [UInt8], prefix: String = "aitrail") throws {
        guard let output else {
            Console.write(report, to: 1)
            return
        }
        do { try FileSystem.writeAtomically(report, to: output) } catch { throw Console.fail(error.message, prefix: prefix) }
    }
}

extension AuditGrouping: ExpressibleByArgument {}
extension AuditPeriod: ExpressibleByArgument {}
extension EvidenceKind: ExpressibleByArgument {}
