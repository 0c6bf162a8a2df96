import AITrailKit
import Foundation
import Testing

/// `review.path` globs in time proportional to pattern × path: many stars on a long name were
/// exponential (seconds). The answers equal a plain recursive matcher on random seeded cases.
@Suite struct GlobLinearTests {
    /// The definition, by recursion (exponential on bad cases: only for small ones here).
    private static func reference(_ pattern: ArraySlice<Character>, _ text: ArraySlice<Character>) -> Bool {
        guard let first = pattern.first else { return text.isEmpty }
        if first == "*" {
            var rest = text
            while true {
                if reference(pattern.dropFirst(), rest) { return true }
                guard let next = rest.first, next != "/" else { return false }
                rest = rest.dropFirst()
            }
        }
        guard let next = text.first, next != "/" || first == "/", first == "?" ? next != "/" : first == next else { return false }
        return reference(pattern.dropFirst(), text.dropFirst())
    }

    @Test func manyStarsOnALongNameAreFast() {
        let name = String(repeating: "a", count: 20_000) + ".swift"
        let pattern = "src/" + String(repeating: "*a", count: 40) + "*.sql"
        let clock = ContinuousClock()
        var matched = true
        let elapsed = clock.measure { matched = GlobPattern(pattern).matches("src/" + name) }
        #expect(!matched)
        #expect(GlobPattern("src/" + String(repeating: "*a", count: 40) + "*.swift").matches("src/" + name))
        let deep = GlobPattern(String(repeating: "**/", count: 30) + "x")
        #expect(!deep.matches(Array(repeating: "d", count: 2_000).joined(separator: "/") + "/y"))
        print("GlobLinearTests: 40 stars on a 20,006-character name: \(elapsed)")
    }

    @Test(arguments: [1, 2, 3]) func equalsTheDefinitionOnRandomCases(seed: UInt64) {
        var state = seed
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        for _ in 0..<2_000 {
            let pattern = String((0..<(1 + next(6))).map { _ in Array("ab*?")[next(4)] })
            let name = String((0..<(1 + next(7))).map { _ in Array("ab")[next(2)] })
            let anchored = "d/" + pattern, path = "d/" + name
            #expect(GlobPattern(anchored).matches(path) == Self.reference(Array(anchored)[...], Array(path)[...]), "\(anchored) on \(path)")
        }
    }
}
