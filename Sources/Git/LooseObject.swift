import CGit2
#if canImport(Glibc)
import Glibc
#endif

/// Where objects are read from before libgit2 is asked: the mapped pack files, then loose object
/// files. Reading loose objects here matters for histories with many commits made since the last
/// `git gc`: libgit2 first searches its own copy of every pack index for each (mapping it a second
/// time) and, on a miss, rescans the pack folder, every time.
struct ObjectFiles: Sendable {
    let packs: PackReader?
    /// The `objects` folder.
    let directory: String

    /// The object's type (1 commit, 2 tree, 3 blob, 4 tag) and bytes; nil when neither the packs nor
    /// a loose file have it (alternates: libgit2 then reads it or says what is wrong). A damaged pack
    /// entry or loose file is an error naming it: libgit2 1.5 would crash on the one and loop for
    /// ever on the other (a truncated loose object).
    func read(_ id: ObjectID) throws(GitError) -> (type: Int, bytes: [UInt8])? {
        if let packs, let object = try packs.read(id) { return object }
        return try LooseObject.read(id, in: directory)
    }
}

/// A loose object file: `objects/xx/yyyy…`, zlib over `<type> <size>\0<content>`.
enum LooseObject {
    /// Nil when there is no such file; an error naming the file when it is there but damaged.
    static func read(_ id: ObjectID, in directory: String) throws(GitError) -> (type: Int, bytes: [UInt8])? {
        let hex = id.hex
        let path = directory + "/" + hex.prefix(2) + "/" + hex.dropFirst(2)
        guard let compressed = try? FileSystem.read(path) else { return nil }
        func damaged() -> GitError {
            GitError("the loose object \(path) is damaged (truncated or not a zlib stream of an object); fix: run `git fsck`, "
                + "then delete that file and fetch the object again from a good clone (`git fetch`), or restore it from a backup")
        }
        guard !compressed.isEmpty, let inflated = inflate(compressed) else { throw damaged() }
        guard let nul = inflated.firstIndex(of: 0), let space = inflated[..<nul].firstIndex(of: 0x20),
              let size = Int(String(decoding: inflated[(space + 1)..<nul], as: UTF8.self)), size == inflated.count - nul - 1 else {
            throw damaged()
        }
        let type: Int
        switch String(decoding: inflated[..<space], as: UTF8.self) {
        case "commit": type = 1
        case "tree": type = 2
        case "blob": type = 3
        case "tag": type = 4
        default: throw damaged()
        }
        return (type, Array(inflated[(nul + 1)...]))
    }

    /// The whole zlib stream inflated, growing the output as needed; nil when it is not a complete stream.
    private static func inflate(_ compressed: [UInt8]) -> [UInt8]? {
        var stream = z_stream()
        guard aitrail_inflate_init(&stream) == Z_OK else { return nil }
        defer { inflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: max(256, compressed.count * 4))
        var result: Int32 = Z_OK
        compressed.withUnsafeBufferPointer { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = UInt32(input.count)
            while result == Z_OK {
                if Int(stream.total_out) == output.count { output += [UInt8](repeating: 0, count: output.count) }
                let done = Int(stream.total_out)
                result = output.withUnsafeMutableBufferPointer { buffer in
                    stream.next_out = buffer.baseAddress! + done
                    stream.avail_out = UInt32(buffer.count - done)
                    return CGit2.inflate(&stream, Z_NO_FLUSH)
                }
                if result == Z_BUF_ERROR && Int(stream.total_out) == output.count { result = Z_OK }  // only out of room
            }
        }
        guard result == Z_STREAM_END else { return nil }
        output.removeLast(output.count - Int(stream.total_out))
        return output
    }
}
