// Deadline: kit-grade's `--before` dates, checked and normalised as git reads them.

import Foundation
import Testing
@testable import Grading

@Suite("Deadlines")
struct DeadlineTests {
    @Test("each accepted form normalises to seconds; a bare date means the end of its day",
          arguments: [
            ("2026-12-18", "2026-12-18 23:59:59"),
            ("2026-12-18 23:59", "2026-12-18 23:59:00"),
            ("2026-12-18 23:59:30", "2026-12-18 23:59:30"),
            ("2026-12-18T08:30", "2026-12-18 08:30:00"),
            ("2026-12-18T08:30:15", "2026-12-18 08:30:15"),
            ("2026-1-5", "2026-01-05 23:59:59"),
          ])
    func normalised(text: String, expected: String) {
        #expect(Deadline.isValid(text))
        #expect(Deadline.normalised(text) == expected)
    }

    @Test("other texts are not deadlines, and are left as they are",
          arguments: ["18/12/2026", "tomorrow", "2026-02-30", "2026-12-18 junk", "2026-12-18 25:00", ""])
    func invalid(text: String) {
        #expect(!Deadline.isValid(text))
        #expect(Deadline.date(text) == nil)
        #expect(Deadline.normalised(text) == text)
    }

    @Test("a date is read in local time")
    func date() throws {
        let date = try #require(Deadline.date("2026-12-18 08:30"))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .current
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        #expect([parts.year, parts.month, parts.day, parts.hour, parts.minute, parts.second] == [2026, 12, 18, 8, 30, 0])
    }

    @Test("a bare date on a day of 23 or 25 hours still ends at 23:59:59",
          arguments: ["2026-03-29", "2026-10-25"])
    func daylightSaving(day: String) throws {
        let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
        #expect(Deadline.normalised(day, timeZone: berlin) == "\(day) 23:59:59")
        #expect(Deadline.normalised(day + " 12:00", timeZone: berlin) == "\(day) 12:00:00")
    }
}
