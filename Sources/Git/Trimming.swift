extension StringProtocol {
    /// The text without the characters of `set` at either end (a few ASCII characters: no
    /// Foundation, no set built per call).
    public func trimmingCharacters(in set: String) -> String {
        var slice = self[...]
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }

    /// The text without spaces, tabs and line ends at either end.
    public var trimmingSpaces: String { trimmingCharacters(in: " \t\r\n") }
}
