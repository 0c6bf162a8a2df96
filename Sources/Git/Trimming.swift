extension StringProtocol {
    /// The text without the characters of `set` at either end (a few ASCII characters: no
    /// Foundation, no set built per call). Each scalar of `set` counts alone: `"\r\n"` in it is a
    /// carriage return and a line feed, not the one character Swift makes of them.
    public func trimmingCharacters(in set: String) -> String {
        func isMember(_ character: Character) -> Bool {
            let scalars = character.unicodeScalars
            return scalars.count == 1 && set.unicodeScalars.contains(scalars.first!)
        }
        var slice = self[...]
        while let first = slice.first, isMember(first) { slice = slice.dropFirst() }
        while let last = slice.last, isMember(last) { slice = slice.dropLast() }
        return String(slice)
    }

    /// The text without spaces, tabs and line ends at either end. Compared one by one, not looked up
    /// in a set: every co-author of an audited history comes through here.
    public var trimmingSpaces: String {
        var slice = self[...]
        while let first = slice.first, first == " " || first == "\t" || first == "\r" || first == "\n" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" || last == "\r" || last == "\n" { slice = slice.dropLast() }
        return String(slice)
    }
}
