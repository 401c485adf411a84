import Foundation
import Testing

@testable import IncidentKit

@Suite("Value types")
struct ValueTypeTests {
    @Test func timeSpans() {
        #expect(TimeSpan(parsing: "30s")?.seconds == 30)
        #expect(TimeSpan(parsing: "15m")?.seconds == 900)
        #expect(TimeSpan(parsing: "1h30m")?.seconds == 5400)
        #expect(TimeSpan(parsing: "2d")?.seconds == 172_800)
        #expect(TimeSpan(parsing: "1H")?.seconds == 3600)
        for bad in ["", "15", "m", "30x", "1m1h", "0m", "-5m", "1h 30m", "99999999m"] {
            #expect(TimeSpan(parsing: bad) == nil, "\(bad) must not parse")
        }
        #expect(TimeSpan(seconds: 5400).description == "1h30m")
        #expect(TimeSpan(seconds: 5400).spoken == "1 h 30 min")
    }

    @Test func incidentIDsKeepFourDigitsAndParse() {
        #expect(IncidentID(year: 2026, sequence: 7).description == "INC-2026-0007")
        #expect(IncidentID(year: 2026, sequence: 12345).description == "INC-2026-12345")
        #expect(IncidentID(parsing: "inc-2026-0042") == IncidentID(year: 2026, sequence: 42))
        #expect(IncidentID(parsing: "INC-26-1") == nil)
        #expect(IncidentID(parsing: "INC-2026-0000") == nil)
    }

    @Test func calendarDatesAreReal() {
        #expect(CalendarDate(parsing: "2028-02-29")?.description == "2028-02-29")
        #expect(CalendarDate(parsing: "2026-02-29") == nil)
        #expect(CalendarDate(parsing: "2026-13-01") == nil)
        #expect(CalendarDate(parsing: "2026-1-01") == nil)
    }

    @Test func timestampsRoundTripExactly() {
        for seconds in [0, 951_782_400, 1_795_000_000, 4_102_444_799, -86_400] {
            let date = Date(timeIntervalSince1970: TimeInterval(seconds))
            let text = ISOTimestamp.format(date)
            #expect(ISOTimestamp.parse(text) == date, "\(text)")
        }
        #expect(ISOTimestamp.format(Date(timeIntervalSince1970: 1_795_000_000)) == "2026-11-18T11:06:40Z")
        #expect(ISOTimestamp.parse("2026-11-18T11:06:40") == nil)
        #expect(ISOTimestamp.parse("2026-11-18 11:06:40Z") == nil)
    }

    @Test func monitorTimestampsParseAsRFC3339WithoutICU() {
        let base = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18T11:06:40Z
        #expect(ISOTimestamp.parseRFC3339("2026-11-18T11:06:40Z") == base)
        #expect(ISOTimestamp.parseRFC3339("2026-11-18t11:06:40z") == base)
        #expect(ISOTimestamp.parseRFC3339("2026-11-18 11:06:40Z") == base)
        #expect(ISOTimestamp.parseRFC3339("2026-11-18T12:06:40+01:00") == base)
        #expect(ISOTimestamp.parseRFC3339("2026-11-18T06:36:40-04:30") == base)
        let nano = ISOTimestamp.parseRFC3339("2026-11-18T11:06:40.123456789Z")
        #expect(abs((nano?.timeIntervalSince1970 ?? 0) - 1_795_000_000.123456789) < 1e-6)
        // Forty fraction digits: ICU's parser dies of SIGFPE on this; ours keeps microseconds and ignores the rest.
        let long = ISOTimestamp.parseRFC3339("2026-11-18T11:06:40." + String(repeating: "5", count: 40) + "Z")
        #expect(abs((long?.timeIntervalSince1970 ?? 0) - 1_795_000_000.555555) < 1e-6)
        #expect(ISOTimestamp.parseRFC3339("2028-02-29T00:00:00Z") != nil)
        for bad in [
            "", "2026-11-18T11:06:40", "2026-11-18T11:06:40.Z", "2026-11-18T11:06:40Zjunk", "2026-02-29T00:00:00Z",
            "2026-04-31T00:00:00Z", "2026-11-18T24:00:00Z", "2026-11-18T11:60:00Z", "2026-11-18T11:06:40+1:00",
            "2026-11-18T11:06:40+01:60", "2026-13-18T11:06:40Z", "2026-11-18X11:06:40Z", "２026-11-18T11:06:40Z",
            "2026-11-18T11:06:40." + String(repeating: "1", count: 60) + "Z",
        ] {
            #expect(ISOTimestamp.parseRFC3339(bad) == nil, "\(bad) must not parse")
        }
    }

    @Test func mentions() {
        #expect(UserRef(mention: "@alice")?.id == "alice")
        #expect(UserRef(mention: "<@U024BE7LH>")?.id == "U024BE7LH")
        #expect(UserRef(mention: "<@U024BE7LH|alice>")?.id == "U024BE7LH")
        for bad in ["alice", "@", "@here", "@Channel", "@everyone", "@room", "<!channel>", "@a b", "@a<b"] {
            #expect(UserRef(mention: bad) == nil, "\(bad)")
        }
    }

    @Test func severities() {
        #expect(Severity(parsing: "SEV-2") == .sev2)
        #expect(Severity(parsing: "s1") == .sev1)
        #expect(Severity(parsing: "sev0") == nil)
        #expect(Severity.sev1.isMoreSevere(than: .sev3))
    }
}
