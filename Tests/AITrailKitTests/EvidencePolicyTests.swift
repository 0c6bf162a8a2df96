import AITrailKit
import Git
import Testing

/// The evidence keys of issue 11: `name` (repeatable), `signers`, `require-signed`.
@Suite struct EvidencePolicyTests {
    @Test func readsNamesSignersAndRequireSigned() throws {
        let policy = try PolicyLoader.load(commitText: "[evidence]\n\tname = unit\n\tname = evals\n\tname = unit\n\tsigners = .aitrail-signers\n\trequire-signed = true\n")
        #expect(policy.evidence.names == ["unit", "evals"])
        #expect(policy.evidence.signers == ".aitrail-signers")
        #expect(policy.evidence.requireSigned)
        let defaults = try PolicyLoader.load(commitText: "")
        #expect(defaults.evidence.names.isEmpty)
        #expect(defaults.evidence.signers == nil)
        #expect(!defaults.evidence.requireSigned)
    }

    @Test(arguments: [
        ("[evidence]\n\trequire-signed = maybe\n", "test:.aitrail:2: bad value 'maybe' for 'evidence.require-signed': expected true or false"),
        ("[evidence]\n\tsigners =\n", "test:.aitrail:2: bad value '' for 'evidence.signers': expected the path of an allowed-signers file such as .aitrail-signers"),
        ("[evidence]\n\tname =\n", "test:.aitrail:2: bad value '' for 'evidence.name': expected an eval name such as unit"),
    ])
    func badValuesNameFileLineAndKey(text: String, message: String) {
        #expect(throws: AITrailError.self) { try PolicyLoader.load(commitText: text) }
        do { _ = try PolicyLoader.load(commitText: text) } catch { #expect(error.message == message) }
    }
}
