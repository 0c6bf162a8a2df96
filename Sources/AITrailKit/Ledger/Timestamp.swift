#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Git

/// RFC 3339 timestamps in UTC (`2026-11-25T20:05:00Z`), without Foundation's date machinery.
public enum Timestamp {
    public static func now() -> Int64 { Int64(time(nil)) }

    /// `2026-11-25T20:05:00Z`. Any time an `Int64` holds: years before 1000 with four digits, years
    /// past 9999 with all of theirs (`10000-01-01T00:00:00Z`, as `git log --format=%aI` shows it),
    /// years before 1 as `-0001`; computed, so no date is out of `gmtime`'s range.
    public static func format(_ seconds: Int64) -> String {
        var (days, time) = seconds.quotientAndRemainder(dividingBy: 86_400)
        if time < 0 { (days, time) = (days - 1, time + 86_400) }
        let date = civil(days: days)
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(year(date.year))-\(two(date.month))-\(two(date.day))T\(two(time / 3600)):\(two(time / 60 % 60)):\(two(time % 60))Z"
    }

    /// A year as ISO 8601 writes it: at least four digits (`0790`, `10000`), `-0001` before year 1.
    public static func year(_ year: Int64) -> String {
        let digits = String(year.magnitude)
        return (year < 0 ? "-" : "") + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
    public static func civil(days daysSinceEpoch: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let days = daysSinceEpoch + 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let dayOfEra = days - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// A date as users write it for `--since`/`--until`: `YYYY-MM-DD` (UTC midnight), RFC 3339,
    /// `@<seconds>`, or `N <unit>s ago` (seconds to years, counted back from `now`); nil otherwise.
    public static func parseDate(_ text: String, now: Int64 = now()) -> Int64? {
        let trimmed = text.trimmingCharacters(in: " ")
        if trimmed.hasPrefix("@") { return Int64(trimmed.dropFirst()) }
        if let exact = parse(trimmed) { return exact }
        if trimmed.utf8.count == 10, let day = parse(trimmed + "T00:00:00Z") { return day }
        let words = trimmed.lowercased().split(separator: " ")
        if words.count == 3, words[2] == "ago", let count = Int64(words[0]) {
            var unit = String(words[1])
            if unit.hasSuffix("s") { unit.removeLast() }
            let seconds: [String: Int64] = ["second": 1, "minute": 60, "hour": 3600, "day": 86_400, "week": 604_800,
                                             "month": 2_592_000, "year": 31_536_000]
            // A count too large for the clock is not a date (rather than an overflow).
            if let size = seconds[unit] {
                let back = count.multipliedReportingOverflow(by: size)
                return back.overflow ? nil : now.subtractingReportingOverflow(back.partialValue).partialValue
            }
        }
        return nil
    }

    /// Seconds since the epoch for `YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)`, or nil.
    public static func parse(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20 else { return nil }
        func number(_ from: Int, _ count: Int) -> Int32? {
            var value: Int32 = 0
            for index in from..<(from + count) {
                let byte = bytes[index]
                guard (0x30...0x39).contains(byte) else { return nil }
                value = value * 10 + Int32(byte - 0x30)
            }
            return value
        }
        guard let year = number(0, 4), bytes[4] == 0x2D, let month = number(5, 2), bytes[7] == 0x2D,
              let day = number(8, 2), bytes[10] == 0x54 || bytes[10] == 0x74 || bytes[10] == 0x20,
              let hour = number(11, 2), bytes[13] == 0x3A, let minute = number(14, 2), bytes[16] == 0x3A,
              let second = number(17, 2) else { return nil }
        var rest = 19
        if rest < bytes.count, bytes[rest] == 0x2E {
            rest += 1
            while rest < bytes.count, (0x30...0x39).contains(bytes[rest]) { rest += 1 }
        }
        var offset: Int64 = 0
        guard rest < bytes.count else { return nil }
        if bytes[rest] == 0x5A || bytes[rest] == 0x7A {
            guard rest + 1 == bytes.count else { return nil }
        } else if bytes[rest] == 0x2B || bytes[rest] == 0x2D, rest + 6 == bytes.count,
                  let hours = number(rest + 1, 2), bytes[rest + 3] == 0x3A, let minutes = number(rest + 4, 2) {
            offset = Int64(hours) * 3600 + Int64(minutes) * 60
            if bytes[rest] == 0x2D { offset = -offset }
        } else {
            return nil
        }
        var parts = tm()
        parts.tm_year = year - 1900
        parts.tm_mon = month - 1
        parts.tm_mday = day
        parts.tm_hour = hour
        parts.tm_min = minute
        parts.tm_sec = second
        return Int64(timegm(&parts)) - offset
    }
}
