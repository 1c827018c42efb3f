// Deadline.swift — kit-grade's `--before` deadline, checked and written as git reads it.
//
// git reads "2026-12-18 23:59:59" in local time; a bare date means the end of that day.

import Foundation

/// Deadlines for `kit-grade --before`.
public enum Deadline {
    /// The accepted forms, the bare date first.
    static let formats = ["yyyy-MM-dd", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss"]

    /// Whether `text` is a deadline: 2026-12-18, "2026-12-18 23:59", "2026-12-18 23:59:59",
    /// 2026-12-18T23:59 or 2026-12-18T23:59:59.
    public static func isValid(_ text: String) -> Bool { date(text) != nil }

    /// The moment `text` names in local time (a bare date: the start of its day); nil when it is not a deadline.
    public static func date(_ text: String) -> Date? { parse(text, timeZone: .current)?.date }

    /// The deadline as "2026-12-18 23:59:59" in local time (a bare date means the last second
    /// of its day); `text` unchanged when it is not a deadline.
    public static func normalised(_ text: String) -> String { normalised(text, timeZone: .current) }

    /// `normalised(_:)` in `timeZone`.
    static func normalised(_ text: String, timeZone: TimeZone) -> String {
        guard let parsed = parse(text, timeZone: timeZone) else { return text }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        // The day's last second by the calendar, not start + 86 399 s (days of 23 or 25 hours).
        let end = parsed.bareDate
            ? calendar.date(bySettingHour: 23, minute: 59, second: 59, of: parsed.date) ?? parsed.date : parsed.date
        return formatter("yyyy-MM-dd HH:mm:ss", timeZone).string(from: end)
    }

    /// The moment `text` names in `timeZone`, and whether it is a bare date.
    static func parse(_ text: String, timeZone: TimeZone) -> (date: Date, bareDate: Bool)? {
        for (i, format) in formats.enumerated() {
            if let date = formatter(format, timeZone).date(from: text) { return (date, i == 0) }
        }
        return nil
    }

    /// A fixed-format formatter in `timeZone`.
    static func formatter(_ format: String, _ timeZone: TimeZone) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = format
        return formatter
    }
}
