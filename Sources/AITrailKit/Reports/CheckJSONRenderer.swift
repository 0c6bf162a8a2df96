/// The report as JSON (sorted keys), for scripts.
public struct CheckJSONRenderer: CheckRenderer {
    public init() {}

    public func render(_ report: CheckReport) -> String {
        CanonicalJSON.encode(report, pretty: true) + "\n"
    }
}
