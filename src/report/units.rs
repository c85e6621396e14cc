//! Durations as a manager reads them: a wait of 25 s stays "25.3 s", 40 minutes read "40.0 min", 5,400 s
//! "1h 30m" and 26 hours "1d 2h". The terminal table, report.html and the comparison tables all show
//! durations through [`duration`], so a wait reads the same everywhere.

/// Below this, seconds (with a decimal, as the tables always showed them); below an hour, minutes.
const SECONDS_UP_TO: f64 = 600.0;

/// A duration in seconds in the unit that suits its size (negative: with a minus sign).
pub fn duration(seconds: f64) -> String {
    if !seconds.is_finite() {
        return format!("{seconds} s");
    }
    let sign = if seconds < 0.0 { "-" } else { "" };
    let s = seconds.abs();
    if s < SECONDS_UP_TO {
        return format!("{sign}{s:.1} s");
    }
    if s < 3600.0 - 3.0 {
        return format!("{sign}{:.1} min", s / 60.0);
    }
    let minutes = (s / 60.0).round() as u64;
    if minutes < 24 * 60 {
        return format!("{sign}{}h {:02}m", minutes / 60, minutes % 60);
    }
    let hours = (s / 3600.0).round() as u64;
    format!("{sign}{}d {}h", hours / 24, hours % 24)
}

/// The 95% half-width `h` beside a duration `mean`: a bare number in the mean's unit of seconds when the
/// mean is shown in seconds ("25.3 s ± 1.2"), else a duration of its own ("1h 30m ± 12.0 min").
pub fn half_width(mean: f64, h: f64) -> String {
    if mean.abs() < SECONDS_UP_TO {
        format!("{h:.1}")
    } else {
        duration(h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_in_the_unit_of_their_size() {
        assert_eq!(duration(25.34), "25.3 s");
        assert_eq!(duration(599.9), "599.9 s");
        assert_eq!(duration(600.0), "10.0 min");
        assert_eq!(duration(2430.0), "40.5 min");
        // Just under the hour rounds to the hour rather than reading "60.0 min".
        assert_eq!(duration(3598.0), "1h 00m");
        assert_eq!(duration(5400.0), "1h 30m");
        assert_eq!(duration(-5400.0), "-1h 30m");
        assert_eq!(duration(86_399.0), "1d 0h");
        assert_eq!(duration(26.0 * 3600.0), "1d 2h");
        assert_eq!(duration(9.0 * 86_400.0 + 5.0 * 3600.0), "9d 5h");
        assert_eq!(duration(0.0), "0.0 s");
    }

    #[test]
    fn half_widths_follow_the_mean() {
        assert_eq!(half_width(25.3, 1.24), "1.2");
        assert_eq!(half_width(5400.0, 720.0), "12.0 min");
        assert_eq!(half_width(5400.0, 30.0), "30.0 s");
    }
}
