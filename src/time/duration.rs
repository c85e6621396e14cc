//! Durations as users write them: `"20s"`, `"5m"`, `"1.5h"`, `"2d"`, or a plain number of seconds.
//!
//! The parsed value keeps the text the user wrote so error messages can quote it verbatim. Scenario files,
//! reports and the command line all read and write durations through this one module (part of the `time`
//! leaf, so none of them imports another for it).

use serde::de::{self, Deserialize, Deserializer, Visitor};
use std::fmt;

/// A duration read from a scenario file, in seconds, plus the text it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct DurationValue {
    /// Seconds; may be zero or negative here: validation decides what is allowed where.
    pub seconds: f64,
    /// What the user wrote (`"5m"`, `300`), for error messages.
    pub text: String,
}

/// Why a duration was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DurationError {
    #[error("an empty duration")]
    Empty,
    #[error(
        "\"{text}\" is not a duration: write a number and a unit s, m, h or d (\"20s\", \"5m\", \"1.5h\", \"1h30m\", \"2d\") or a number of seconds"
    )]
    NotADuration { text: String },
    /// `text` as it is quoted in the message (`"31y"` with its quotes, a bare number without).
    #[error("{text} is too long a duration: at most {MAX_DURATION_S:e} s (about 31 years)")]
    TooLong { text: String },
    /// A bare `nan` (TOML's not-a-number): no length at all, so not "too long".
    #[error(
        "nan is not a duration: write a number and a unit s, m, h or d (\"20s\", \"5m\", \"1.5h\", \"1h30m\", \"2d\") or a number of seconds"
    )]
    NotANumber,
}

/// Parses `"<number><unit>"` with unit s, m, h or d (a bare number in a string means seconds), or several
/// such parts from the largest unit down, as clocks and WFM tools write them: `"1h30m"`, `"1d 2h"`,
/// `"2m30s"` (a sign, if any, in front of the first part applies to the whole).
pub fn parse_duration(text: &str) -> Result<f64, DurationError> {
    let t = text.trim();
    let parts = split_parts(t);
    if parts.len() > 1 {
        return compound(text, &parts);
    }
    let (number, factor) = match t.char_indices().last() {
        Some((i, 's')) => (&t[..i], 1.0),
        Some((i, 'm')) => (&t[..i], 60.0),
        Some((i, 'h')) => (&t[..i], 3600.0),
        Some((i, 'd')) => (&t[..i], 86_400.0),
        Some(_) => (t, 1.0),
        None => return Err(DurationError::Empty),
    };
    let value = number_of(number, text)?;
    checked_seconds(value * factor, &format!("\"{text}\""))
}

/// A part's number: decimal digits (a NaN or an infinity is not a number of anything here).
fn number_of(number: &str, text: &str) -> Result<f64, DurationError> {
    number
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| DurationError::NotADuration { text: text.into() })
}

/// Unit letters and their seconds, largest first.
const UNITS: [(char, f64); 4] = [('d', 86_400.0), ('h', 3600.0), ('m', 60.0), ('s', 1.0)];

/// `t` cut after each unit letter: `"1h30m"` -> `["1h", "30m"]`; text after the last unit is a part too.
fn split_parts(t: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    for (i, c) in t.char_indices() {
        if UNITS.iter().any(|&(u, _)| u == c) {
            parts.push(&t[start..i + c.len_utf8()]);
            start = i + c.len_utf8();
        }
    }
    if !t[start..].trim().is_empty() {
        parts.push(&t[start..]);
    }
    parts
}

/// A duration of several parts: each a non-negative number and a unit, the units strictly from larger to
/// smaller (`"30m1h"` and `"1h1h"` are refused: more likely a slip than a meaning).
fn compound(text: &str, parts: &[&str]) -> Result<f64, DurationError> {
    let bad = || DurationError::NotADuration { text: text.into() };
    let (sign, first) = match parts[0].trim_start().strip_prefix('-') {
        Some(rest) => (-1.0, rest),
        None => (1.0, parts[0]),
    };
    let mut total = 0.0;
    let mut last_rank = None;
    for (k, part) in parts.iter().enumerate() {
        let part = if k == 0 { first } else { part }.trim();
        let unit = part.chars().last().ok_or_else(bad)?;
        let rank = UNITS.iter().position(|&(u, _)| u == unit).ok_or_else(bad)?;
        if last_rank.is_some_and(|r| rank <= r) {
            return Err(bad());
        }
        last_rank = Some(rank);
        let number = &part[..part.len() - unit.len_utf8()];
        if number.trim().starts_with(['-', '+']) {
            return Err(bad());
        }
        total += number_of(number, text)? * UNITS[rank].1;
    }
    checked_seconds(sign * total, &format!("\"{text}\""))
}

/// The longest duration supportsim accepts anywhere (about 31.7 years): beyond it simulated time loses the
/// sub-second precision the engine needs, and no contact-center question needs more.
pub const MAX_DURATION_S: f64 = 1e9;

/// Checks a duration in seconds is finite and within ±`MAX_DURATION_S` (signs are checked where used).
fn checked_seconds(seconds: f64, text: &str) -> Result<f64, DurationError> {
    if seconds.is_nan() {
        return Err(DurationError::NotANumber);
    }
    if seconds.is_finite() && seconds.abs() <= MAX_DURATION_S {
        Ok(seconds)
    } else {
        Err(DurationError::TooLong { text: text.into() })
    }
}

/// Formats seconds with the largest unit that keeps the number short (`1800` -> `"30m"`) and reads back
/// as exactly the same number of seconds (so a resolved scenario reproduces its run bit for bit).
pub fn format_duration(seconds: f64) -> String {
    for (unit, factor) in [("d", 86_400.0), ("h", 3600.0), ("m", 60.0)] {
        let v = seconds / factor;
        let text = format!("{}{unit}", trim_float(v));
        if v >= 1.0 && (v * 1000.0).fract() == 0.0 && parse_duration(&text) == Ok(seconds) {
            return text;
        }
    }
    format!("{}s", trim_float(seconds))
}

fn trim_float(v: f64) -> String {
    let s = format!("{v}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

impl<'de> Deserialize<'de> for DurationValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = DurationValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a duration such as \"20s\", \"5m\", \"1.5h\", \"1h30m\", \"2d\" or a number of seconds",
                )
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                self.visit_f64(v as f64)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                self.visit_f64(v as f64)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                // 1e300 quoted as 1e300, not as its 301 digits.
                let text = if v.abs() < 1e15 {
                    trim_float(v)
                } else {
                    format!("{v:e}")
                };
                let seconds = checked_seconds(v, &text).map_err(E::custom)?;
                Ok(DurationValue { seconds, text })
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                let seconds = parse_duration(v).map_err(E::custom)?;
                Ok(DurationValue {
                    seconds,
                    text: format!("\"{v}\""),
                })
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units() {
        for (text, secs) in [
            ("20s", 20.0),
            ("5m", 300.0),
            ("1.5h", 5400.0),
            ("2d", 172_800.0),
            ("45", 45.0),
            (" 3 m", 180.0),
        ] {
            assert_eq!(parse_duration(text), Ok(secs), "{text}");
        }
        assert!(parse_duration("5 minutes").is_err());
        assert!(parse_duration("").is_err());
        assert!(parse_duration("xs").is_err());
        // finite before the unit, infinite after: refused
        assert!(parse_duration("1e308d").is_err());
        assert!(parse_duration("inf").is_err());
        assert!(parse_duration("31y").is_err());
        assert_eq!(parse_duration("1000000000s"), Ok(1e9));
        assert!(parse_duration("1000000001s").is_err());
        // Not numbers at all: refused as such, not as "too long".
        assert_eq!(
            parse_duration("NaN"),
            Err(DurationError::NotADuration { text: "NaN".into() })
        );
    }

    #[test]
    fn compound_durations() {
        for (text, secs) in [
            ("1h30m", 5400.0),
            ("1h 30m", 5400.0),
            ("1d2h", 93_600.0),
            ("2m30s", 150.0),
            ("1d 0h 0m 1s", 86_401.0),
            ("-1h30m", -5400.0),
            ("0.5h15m", 2700.0),
        ] {
            assert_eq!(parse_duration(text), Ok(secs), "{text}");
        }
        for bad in ["30m1h", "1h1h", "1h30", "1h-30m", "1hxm", "h30m"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn formatting_round_trips() {
        // 24.6 h: 1.025 d does not read back exactly, so it is written in hours
        for secs in [
            20.0,
            300.0,
            1800.0,
            5400.0,
            86_400.0,
            0.5,
            37.25,
            88_560.0,
            0.1 + 0.2,
            1_234.567_891,
        ] {
            assert_eq!(parse_duration(&format_duration(secs)), Ok(secs));
        }
        assert_eq!(format_duration(1800.0), "30m");
        assert_eq!(format_duration(7200.0), "2h");
    }
}
