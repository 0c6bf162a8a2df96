/// The value of an `Assisted-by:` trailer in the Linux kernel's form: `<agent>[:<model>] [<tool> …]`.
public struct AssistedBy: Sendable, Hashable {
    public var agent: String
    public var model: String?
    public var tools: [String]

    public init(agent: String, model: String? = nil, tools: [String] = []) {
        self.agent = agent
        self.model = model
        self.tools = tools
    }

    /// The trailer value as aitrail writes it.
    public var value: String {
        ([model.map { "\(agent):\($0)" } ?? agent] + tools).joined(separator: " ")
    }

    /// Parses a value; the error says what is wrong and what the form is.
    public static func parse(_ raw: String) -> Result<AssistedBy, MalformedTrailer> {
        let tokens = raw.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let head = tokens.first else { return .failure(MalformedTrailer(value: raw, problem: "the value is empty")) }
        let parts = head.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let agent = parts[0]
        guard isToken(agent, extra: ".-_") else {
            return .failure(MalformedTrailer(value: raw, problem: "'\(agent)' is not an agent id"))
        }
        var model: String?
        if parts.count == 2 {
            guard isToken(parts[1], extra: ".-_/+@") else {
                return .failure(MalformedTrailer(value: raw, problem: "the model after ':' is empty or has odd characters"))
            }
            model = parts[1]
        }
        for tool in tokens.dropFirst() where !isToken(tool.trimmingBrackets, extra: ".-_/+@:") {
            return .failure(MalformedTrailer(value: raw, problem: "'\(tool)' is not a tool name"))
        }
        return .success(AssistedBy(agent: agent, model: model, tools: tokens.dropFirst().map(\.trimmingBrackets)))
    }

    private static func isToken(_ text: String, extra: String) -> Bool {
        guard let first = text.unicodeScalars.first, first.isASCIIAlphanumeric else { return false }
        return text.unicodeScalars.allSatisfy { $0.isASCIIAlphanumeric || extra.unicodeScalars.contains($0) }
    }
}

/// A trailer whose value is not of the `<agent>[:<model>] [<tool> …]` form.
public struct MalformedTrailer: Error, Sendable, Hashable {
    public let value: String
    public let problem: String
    public var description: String {
        "malformed value '\(value)': \(problem); the form is <agent>[:<model>] [<tool> …], e.g. claude-code:claude-opus-4.6"
    }
}

extension Unicode.Scalar {
    var isASCIIAlphanumeric: Bool {
        (0x30...0x39).contains(value) || (0x41...0x5A).contains(value) || (0x61...0x7A).contains(value)
    }
}

extension String {
    var trimmingBrackets: String {
        hasPrefix("[") && hasSuffix("]") && count > 2 ? String(dropFirst().dropLast()) : self
    }
}
