import Git
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Signs evidence records with the user's git signing key and checks signatures against an
/// allowed-signers file, through the system's `ssh-keygen -Y` and `gpg`: no cryptography here.
///
/// The signature covers `EvidenceRecord.signedPayload` (the canonical record without `sig`, with
/// `signer`), in the SSH namespace `aitrail`, so a signature made for git commits cannot be replayed.
public enum EvidenceSigning {
    public static let namespace = "aitrail"

    /// The user's git signing set-up (`gpg.format`, `user.signingKey`).
    public struct Key: Sendable, Hashable {
        public enum Format: String, Sendable { case ssh, openpgp }
        public var format: Format
        /// A key file (private, or public with the private half in ssh-agent), `key::<public key>`, or a GPG key id.
        public var key: String
        public var program: String
        /// Who signs: user.email for SSH (the principal an allowed-signers file lists), the key for OpenPGP.
        public var signer: String
    }

    /// The signing key git would use, or nil when `user.signingKey` is unset (nothing is signed then).
    public static func key(in repository: Repository, environment: [String: String]) -> Key? {
        guard let config = try? repository.config(), let key = (try? config.string("user.signingkey")) ?? nil, !key.isEmpty else {
            return nil
        }
        let format = ((try? config.string("gpg.format")) ?? nil)?.lowercased() == "ssh" ? Key.Format.ssh : .openpgp
        switch format {
        case .ssh:
            let program = ((try? config.string("gpg.ssh.program")) ?? nil) ?? "ssh-keygen"
            let email = ((try? config.string("user.email")) ?? nil) ?? repository.defaultSignature()?.email ?? ""
            return Key(format: .ssh, key: expandHome(key, environment: environment), program: program, signer: email)
        case .openpgp:
            let program = ((try? config.string("gpg.openpgp.program")) ?? nil) ?? ((try? config.string("gpg.program")) ?? nil) ?? "gpg"
            return Key(format: .openpgp, key: key, program: program, signer: key)
        }
    }

    /// `record` with `signer` and `sig` added, when the user has a signing key; unchanged otherwise.
    public static func signIfConfigured(_ record: EvidenceRecord, in repository: Repository, environment: [String: String]) throws(AITrailError) -> EvidenceRecord {
        guard let key = key(in: repository, environment: environment) else { return record }
        return try sign(record, with: key, environment: environment)
    }

    public static func sign(_ record: EvidenceRecord, with key: Key, environment: [String: String]) throws(AITrailError) -> EvidenceRecord {
        guard !key.signer.isEmpty else {
            throw AITrailError.evidence("cannot sign the evidence: an SSH signature names its signer by user.email, which is not set (git config user.email you@example.com)")
        }
        var signed = record.asWritten
        signed.sig = nil
        signed.signer = key.signer
        let folder = try temporaryFolder()
        defer { removeFolder(folder) }
        let payload = folder + "/record.json"
        do { try FileSystem.write(signed.signedPayload, to: payload) } catch { throw AITrailError.evidence("cannot sign the evidence: \(error.message)") }
        let arguments: [String]
        let signatureFile: String
        switch key.format {
        case .ssh:
            var keyFile = key.key
            var fromAgent: [String] = []
            if key.key.hasPrefix("key::") {
                keyFile = folder + "/key.pub"
                do { try FileSystem.write(Array(key.key.dropFirst(5).utf8) + [0x0A], to: keyFile) } catch {
                    throw AITrailError.evidence("cannot sign the evidence: \(error.message)")
                }
                fromAgent = ["-U"]
            }
            arguments = [key.program, "-Y", "sign", "-n", namespace, "-f", keyFile] + fromAgent + [payload]
            signatureFile = payload + ".sig"
        case .openpgp:
            signatureFile = folder + "/record.asc"
            arguments = [key.program, "--batch", "--yes", "--detach-sign", "--armor", "--local-user", key.key, "--output", signatureFile, payload]
        }
        let output: Subprocess.Output
        do { output = try Subprocess.capture(arguments, environment: environment) } catch {
            throw AITrailError.evidence("cannot sign the evidence with user.signingKey: \(error.description) (install it, or unset user.signingKey to record unsigned evidence)")
        }
        guard output.status == 0, let signature = try? FileSystem.read(signatureFile) else {
            let reason = output.stderrText.split(separator: "\n").last.map { String($0).trimmingSpaces } ?? "exit \(output.status)"
            throw AITrailError.evidence("cannot sign the evidence with user.signingKey \(key.key) (\(reason)); fix the key (git config user.signingKey <key>), or unset it to record unsigned evidence")
        }
        signed.sig = String(decoding: signature, as: UTF8.self).trimmingSpaces
        return signed
    }

    /// Checks `record`'s signature against `allowedSigners` (a file in git's gpg.ssh.allowedSignersFile format).
    public static func verify(_ record: EvidenceRecord, allowedSigners: String, environment: [String: String]) -> SignatureCheck {
        guard let sig = record.sig, !sig.isEmpty else { return .unsigned }
        guard let signer = record.signer, !signer.isEmpty else { return .bad(reason: "the record names no signer") }
        guard sig.hasPrefix("-----BEGIN SSH SIGNATURE-----") else {
            return .bad(reason: "only SSH signatures can be checked against an allowed-signers file (sign with gpg.format = ssh)")
        }
        guard let folder = try? temporaryFolder() else { return .bad(reason: "cannot make a temporary folder to check it") }
        defer { removeFolder(folder) }
        let payload = folder + "/record.json", signatureFile = folder + "/record.sig"
        do {
            try FileSystem.write(record.signedPayload, to: payload)
            try FileSystem.write(Array(sig.utf8) + [0x0A], to: signatureFile)
        } catch {
            return .bad(reason: error.message)
        }
        let arguments = ["ssh-keygen", "-Y", "verify", "-f", allowedSigners, "-I", signer, "-n", namespace, "-s", signatureFile]
        guard let output = try? Subprocess.capture(arguments, environment: environment, input: payload) else {
            return .bad(reason: "ssh-keygen could not be run to check it")
        }
        if output.status == 0 { return .verified(principal: signer) }
        let reason = (output.stderrText + output.stdoutText).split(separator: "\n").first.map { String($0).trimmingSpaces } ?? "exit \(output.status)"
        return .bad(reason: reason)
    }

    static func expandHome(_ path: String, environment: [String: String]) -> String {
        guard path.hasPrefix("~/"), let home = environment["HOME"] else { return path }
        return home + path.dropFirst(1)
    }

    static func temporaryFolder() throws(AITrailError) -> String {
        let base = FileSystem.environment("TMPDIR").flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((base + "/aitrail-sign.XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw AITrailError.evidence("cannot make a temporary folder in \(base): \(String(cString: strerror(errno)))")
        }
        return String(cString: made)
    }

    static func removeFolder(_ path: String) {
        for name in FileSystem.contents(ofDirectory: path) { _ = FileSystem.remove(path + "/" + name) }
        rmdir(path)
    }
}
