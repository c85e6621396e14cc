//! Calendar dates and wall-clock times as people read them: `2026-03-02`, `2026-03-02T08:00`, "Mon 08:00".
//!
//! Dates are proleptic Gregorian, counted in days since 1970-01-01 (no time zones: a scenario's times are the
//! center's local clock, and a simulated horizon never crosses a daylight-saving change on purpose).

/// Short weekday names, 0 = Monday (the column `weekday` of intervals.csv, chart labels).
pub const WEEKDAY_ABBREVIATIONS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTH_ABBREVIATIONS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A date and a time of day: `date` in days since 1970-01-01, `clock_s` seconds after its midnight.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DateTime {
    pub date: i64,
    pub clock_s: f64,
}

/// Why a date or date-time was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DateError {
    #[error(
        "\"{0}\" is not a date: write YYYY-MM-DD (\"2026-03-02\"), optionally with a clock time (\"2026-03-02T08:00\")"
    )]
    Malformed(String),
    #[error("\"{0}\" is not a day of the calendar (check the month and the day)")]
    NoSuchDay(String),
    #[error("\"{0}\": the clock time must be 00:00 to 23:59:59")]
    BadClock(String),
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant, "chrono-compatible low-level date
/// algorithms", days_from_civil).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date (year, month, day) of a day count since 1970-01-01 (the inverse of [`days_from_civil`]).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Weekday of a day count since 1970-01-01, 0 = Monday (1970-01-01 was a Thursday).
pub fn weekday_of(date: i64) -> u8 {
    (date + 3).rem_euclid(7) as u8
}

/// Parses `YYYY-MM-DD`, optionally followed by `T` or a space and `HH:MM` or `HH:MM:SS`.
pub fn parse_date_time(text: &str) -> Result<DateTime, DateError> {
    let t = text.trim();
    let malformed = || DateError::Malformed(text.to_string());
    let (date, clock) = match t.find(['T', 't', ' ']) {
        Some(i) => (&t[..i], Some(t[i + 1..].trim())),
        None => (t, None),
    };
    let mut parts = date.split('-');
    let (Some(y), Some(m), Some(d), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(malformed());
    };
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return Err(malformed());
    }
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !(digits(y) && digits(m) && digits(d)) {
        return Err(malformed());
    }
    let (y, m, d): (i64, u32, u32) = (
        y.parse().map_err(|_| malformed())?,
        m.parse().map_err(|_| malformed())?,
        d.parse().map_err(|_| malformed())?,
    );
    let days = days_from_civil(y, m, d);
    if !(1..=12).contains(&m) || civil_from_days(days) != (y, m, d) {
        return Err(DateError::NoSuchDay(text.to_string()));
    }
    let clock_s = match clock {
        None => 0.0,
        Some(c) => {
            let fields: Vec<&str> = c.split(':').collect();
            if !(2..=3).contains(&fields.len()) || fields.iter().any(|f| f.len() != 2 || !digits(f))
            {
                return Err(malformed());
            }
            let n: Vec<u32> = fields.iter().filter_map(|f| f.parse().ok()).collect();
            let s = n.get(2).copied().unwrap_or(0);
            if n[0] > 23 || n[1] > 59 || s > 59 {
                return Err(DateError::BadClock(text.to_string()));
            }
            f64::from(n[0] * 3600 + n[1] * 60 + s)
        }
    };
    Ok(DateTime {
        date: days,
        clock_s,
    })
}

/// `2026-03-02`.
pub fn format_date(date: i64) -> String {
    let (y, m, d) = civil_from_days(date);
    format!("{y:04}-{m:02}-{d:02}")
}

/// "2 Mar" (the day and month, for axis labels over weeks).
pub fn format_day_month(date: i64) -> String {
    let (_, m, d) = civil_from_days(date);
    format!("{d} {}", MONTH_ABBREVIATIONS[(m - 1) as usize])
}

/// `HH:MM` of seconds after midnight (rounded to the minute; `:SS` when not whole minutes).
pub fn format_clock(clock_s: f64) -> String {
    let s = clock_s.round() as i64;
    let (h, m, sec) = (s / 3600, s % 3600 / 60, s % 60);
    if sec == 0 {
        format!("{h:02}:{m:02}")
    } else {
        format!("{h:02}:{m:02}:{sec:02}")
    }
}

/// ISO 8601 local date-time `2026-03-02T08:00` of `offset_s` seconds after midnight of `date`.
pub fn format_iso(date: i64, offset_s: f64) -> String {
    let day = (offset_s / 86_400.0).floor();
    let clock = offset_s - day * 86_400.0;
    format!("{}T{}", format_date(date + day as i64), format_clock(clock))
}

/// The Excel serial date-time (days since 1899-12-30, the fraction the time of day) of `offset_s` seconds
/// after midnight of `date`: what a workbook cell holds to be a real date-time.
pub fn excel_serial(date: i64, offset_s: f64) -> f64 {
    // 1899-12-30 is day -25569 of the 1970 count (Excel's 1900 leap-year bug sits before March 1900).
    (date + 25_569) as f64 + offset_s / 86_400.0
}

/// SOURCE_DATE_EPOCH (seconds since 1970, the reproducible-builds convention) when set to a number: the
/// date of report.html and of the workbooks for outputs that must be the same byte for byte.
pub fn source_date_epoch() -> Option<i64> {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_round_trip() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(days_from_civil(2000, 2, 29), 11_016);
        assert_eq!(days_from_civil(2026, 11, 22), 20_779);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
        for z in [-800_000, -1, 0, 59, 11_016, 20_514, 400_000] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
    }

    #[test]
    fn weekdays_of_known_dates() {
        assert_eq!(weekday_of(0), 3); // 1970-01-01, a Thursday
        assert_eq!(weekday_of(days_from_civil(2026, 3, 2)), 0); // a Monday
        assert_eq!(weekday_of(days_from_civil(2024, 12, 29)), 6); // a Sunday
    }

    #[test]
    fn dates_and_clock_times_parse() {
        let monday = days_from_civil(2026, 3, 2);
        let at = |t: &str| parse_date_time(t).map(|d| (d.date, d.clock_s));
        assert_eq!(at("2026-03-02"), Ok((monday, 0.0)));
        assert_eq!(at("2026-03-02T08:00"), Ok((monday, 28_800.0)));
        assert_eq!(at("2026-03-02 08:00:00"), Ok((monday, 28_800.0)));
        assert_eq!(at("2026-03-02T08:30:15"), Ok((monday, 30_615.0)));
        assert!(matches!(at("2026-02-29"), Err(DateError::NoSuchDay(_))));
        assert!(matches!(at("2026-13-01"), Err(DateError::NoSuchDay(_))));
        assert!(matches!(
            at("2026-03-02T24:00"),
            Err(DateError::BadClock(_))
        ));
        for bad in [
            "monday",
            "2026-3-2",
            "02.03.2026",
            "2026-03-02T8",
            "2026-03-02T08:00:00:00",
            "",
        ] {
            assert!(matches!(at(bad), Err(DateError::Malformed(_))), "{bad}");
        }
    }

    #[test]
    fn formats() {
        let monday = days_from_civil(2026, 3, 2);
        assert_eq!(format_iso(monday, 28_800.0), "2026-03-02T08:00");
        assert_eq!(format_iso(monday, 86_400.0 + 1800.0), "2026-03-03T00:30");
        assert_eq!(format_iso(monday, -1800.0), "2026-03-01T23:30");
        assert_eq!(format_day_month(monday), "2 Mar");
        assert_eq!(format_clock(45.0), "00:00:45");
        // 2026-03-02 08:00 is Excel's 46083.3333...
        assert!((excel_serial(monday, 28_800.0) - (46_083.0 + 1.0 / 3.0)).abs() < 1e-9);
    }
}
