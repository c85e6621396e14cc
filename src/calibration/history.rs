//! The history CSV (issue 12, contract D): what a contact center observed per interval, read and checked.
//!
//! Header (columns in any order, names as below): `date,start,offered,agents` required, and optionally
//! `answered,abandoned,asa_s,prob_wait,service_level` (columns that may be absent, or empty in a row).
//! Fields are plain (no quoting: dates, clock times and numbers). Every problem is reported with the file,
//! the line and the column where the field starts; the reader collects them all (up to [`MAX_ERRORS`]).

use crate::time::date::{civil_from_days, days_from_civil, format_clock, format_date};
use std::collections::HashMap;

/// The columns of the history, in the order calibrate writes them.
pub const COLUMNS: [&str; 9] = [
    "date",
    "start",
    "offered",
    "agents",
    "answered",
    "abandoned",
    "asa_s",
    "prob_wait",
    "service_level",
];

/// How many problems are listed before the reader stops looking.
pub const MAX_ERRORS: usize = 20;

/// One interval of the history.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryRow {
    /// Line of the file (1-based).
    pub line: usize,
    /// Days since 1970-01-01.
    pub date: i64,
    /// Start of the interval, seconds after midnight.
    pub start_s: f64,
    /// Contacts offered (a whole number).
    pub offered: f64,
    /// Agents on duty (may be fractional).
    pub agents: f64,
    pub answered: Option<f64>,
    pub abandoned: Option<f64>,
    pub asa_s: Option<f64>,
    pub prob_wait: Option<f64>,
    pub service_level: Option<f64>,
}

impl HistoryRow {
    /// The observed abandonment rate, abandoned / offered (none without `abandoned` or offered).
    pub fn abandon_rate(&self) -> Option<f64> {
        match self.abandoned {
            Some(a) if self.offered > 0.0 => Some(a / self.offered),
            _ => None,
        }
    }

    /// `2026-05-04 08:30`, how messages name the row.
    pub fn label(&self) -> String {
        format!("{} {}", format_date(self.date), format_clock(self.start_s))
    }
}

/// A checked history: rows sorted by (date, start), no two alike.
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    pub rows: Vec<HistoryRow>,
}

/// One problem of a history file, at its line and column.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct HistoryError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Every problem found in a history file (at least one).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))]
pub struct HistoryErrors(pub Vec<HistoryError>);

/// `YYYY-MM-DD`, a real calendar date.
fn parse_date(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digits = |s: &str| s.bytes().all(|c| c.is_ascii_digit());
    let (y, m, d) = (&text[0..4], &text[5..7], &text[8..10]);
    if !(digits(y) && digits(m) && digits(d)) {
        return None;
    }
    let (y, m, d): (i64, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    if !(1..=12).contains(&m) || d == 0 {
        return None;
    }
    let days = days_from_civil(y, m, d);
    // 2026-02-30 maps to a day of March: refused by the round trip.
    (civil_from_days(days) == (y, m, d)).then_some(days)
}

/// `HH:MM` (or `H:MM`), 00:00 to 23:59, in seconds after midnight.
fn parse_clock(text: &str) -> Option<f64> {
    let (h, m) = text.split_once(':')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    if !(digits(h) && digits(m) && h.len() <= 2 && m.len() == 2) {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then(|| f64::from(h * 3600 + m * 60))
}

/// What a numeric column holds.
#[derive(Clone, Copy)]
enum Kind {
    /// A whole number >= 0.
    Count,
    /// A real >= 0.
    NonNegative,
    /// A share in [0, 1].
    Share,
}

fn kind_of(column: usize) -> Kind {
    match COLUMNS[column] {
        "offered" | "answered" | "abandoned" => Kind::Count,
        "agents" | "asa_s" => Kind::NonNegative,
        _ => Kind::Share,
    }
}

fn parse_number(text: &str, kind: Kind) -> Result<f64, &'static str> {
    let v: f64 = text
        .parse()
        .map_err(|_| "is not a number")
        .and_then(|v: f64| {
            if v.is_finite() {
                Ok(v)
            } else {
                Err("is not a finite number")
            }
        })?;
    match kind {
        Kind::Count if v < 0.0 => Err("is negative: a count is 0 or more"),
        Kind::Count if v.fract() != 0.0 => Err("is not a whole number: give a count of contacts"),
        Kind::NonNegative if v < 0.0 => Err("is negative: give 0 or more"),
        Kind::Share if !(0.0..=1.0).contains(&v) => {
            Err("is not a share: give a number from 0 to 1 (0.8 for 80%)")
        }
        _ => Ok(v),
    }
}

impl History {
    /// Parses history text. `origin` names the file in messages; `interval_s` is the scenario's reporting
    /// interval: every `start` must be a whole number of intervals after midnight.
    pub fn parse(text: &str, origin: &str, interval_s: f64) -> Result<History, HistoryErrors> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut errors = Vec::new();
        let err = |line: usize, column: usize, message: String| HistoryError {
            file: origin.to_string(),
            line,
            column,
            message,
        };
        // Column (1-based, in characters) where field `k` of `line_text` starts.
        let column_of = |line_text: &str, k: usize| {
            1 + line_text
                .split(',')
                .take(k)
                .map(|f| f.chars().count() + 1)
                .sum::<usize>()
        };
        let mut lines = text
            .lines()
            .enumerate()
            .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
            .filter(|(_, l)| !l.trim().is_empty());
        let Some((header_line, header)) = lines.next() else {
            return Err(HistoryErrors(vec![err(
                1,
                1,
                format!(
                    "the file is empty: give the header {} and one row per interval",
                    COLUMNS.join(",")
                ),
            )]));
        };
        // index[c]: the field of column c (COLUMNS order), if the header has it.
        let mut index: [Option<usize>; 9] = [None; 9];
        for (k, name) in header.split(',').enumerate() {
            let name = name.trim();
            let column = column_of(header, k);
            match COLUMNS.iter().position(|&c| c == name) {
                None => errors.push(err(
                    header_line,
                    column,
                    format!(
                        "unknown column {name:?}: the columns are {} (the last five optional)",
                        COLUMNS.join(",")
                    ),
                )),
                Some(c) if index[c].is_some() => errors.push(err(
                    header_line,
                    column,
                    format!("column {name:?} is given twice: keep one"),
                )),
                Some(c) => index[c] = Some(k),
            }
        }
        for (c, name) in COLUMNS.iter().enumerate().take(4) {
            if index[c].is_none() {
                errors.push(err(
                    header_line,
                    1,
                    format!("the header has no column {name:?}: date, start, offered and agents are required"),
                ));
            }
        }
        if !errors.is_empty() {
            return Err(HistoryErrors(errors));
        }
        let fields_expected = header.split(',').count();
        let mut rows: Vec<HistoryRow> = Vec::new();
        let mut seen: HashMap<(i64, u64), usize> = HashMap::new();
        for (line, line_text) in lines {
            if errors.len() >= MAX_ERRORS {
                break;
            }
            let fields: Vec<&str> = line_text.split(',').map(str::trim).collect();
            if fields.len() != fields_expected {
                errors.push(err(
                    line,
                    1,
                    format!(
                        "{} fields: give {fields_expected}, one per column of the header",
                        fields.len()
                    ),
                ));
                continue;
            }
            let at = |c: usize| index[c].map(|k| (fields[k], column_of(line_text, k)));
            let mut row_errors: Vec<(usize, String)> = Vec::new();
            let mut bad = |column: usize, message: String| row_errors.push((column, message));
            let (date_text, date_col) = at(0).expect("a required column");
            let date = parse_date(date_text);
            if date.is_none() {
                bad(
                    date_col,
                    format!("date {date_text:?} is not a date: give YYYY-MM-DD (2026-05-04)"),
                );
            }
            let (start_text, start_col) = at(1).expect("a required column");
            let start_s = parse_clock(start_text);
            match start_s {
                None => bad(
                    start_col,
                    format!("start {start_text:?} is not a clock time: give HH:MM (08:30)"),
                ),
                Some(s) if (s / interval_s).fract().abs() > 1e-9 => bad(
                    start_col,
                    format!(
                        "start {start_text:?} is not on the scenario's interval grid: intervals of {} start at {}, {}, ...",
                        crate::time::duration::format_duration(interval_s),
                        format_clock(0.0),
                        format_clock(interval_s)
                    ),
                ),
                _ => {}
            }
            let mut values: [Option<f64>; 9] = [None; 9];
            for c in 2..COLUMNS.len() {
                let Some((text, col)) = at(c) else { continue };
                if text.is_empty() {
                    if c < 4 {
                        bad(
                            col,
                            format!("{} is empty: it is required in every row", COLUMNS[c]),
                        );
                    }
                    continue;
                }
                match parse_number(text, kind_of(c)) {
                    Ok(v) => values[c] = Some(v),
                    Err(why) => bad(col, format!("{} = {text:?} {why}", COLUMNS[c])),
                }
            }
            let offered = values[2].unwrap_or(0.0);
            let outcome = values[4].unwrap_or(0.0) + values[5].unwrap_or(0.0);
            let sound = row_errors.is_empty();
            let mut bad = |column: usize, message: String| row_errors.push((column, message));
            if sound && outcome > offered {
                let col = at(4).or(at(5)).map_or(1, |(_, c)| c);
                bad(
                    col,
                    format!(
                        "answered + abandoned = {outcome} is more than offered = {offered}: offered counts every contact of the interval"
                    ),
                );
            }
            if !row_errors.is_empty() {
                errors.extend(row_errors.into_iter().map(|(c, m)| err(line, c, m)));
                continue;
            }
            let (date, start_s) = (
                date.expect("checked above"),
                start_s.expect("checked above"),
            );
            if let Some(&first) = seen.get(&(date, start_s as u64)) {
                errors.push(err(
                    line,
                    date_col,
                    format!(
                        "{date_text} {start_text} is given twice (first on line {first}): keep one row per interval"
                    ),
                ));
                continue;
            }
            seen.insert((date, start_s as u64), line);
            rows.push(HistoryRow {
                line,
                date,
                start_s,
                offered,
                agents: values[3].unwrap_or(0.0),
                answered: values[4],
                abandoned: values[5],
                asa_s: values[6],
                prob_wait: values[7],
                service_level: values[8],
            });
        }
        if !errors.is_empty() {
            return Err(HistoryErrors(errors));
        }
        if rows.is_empty() {
            return Err(HistoryErrors(vec![err(
                header_line,
                1,
                "the history has a header and no rows: give one row per interval".into(),
            )]));
        }
        rows.sort_by(|a, b| {
            (a.date, a.start_s)
                .partial_cmp(&(b.date, b.start_s))
                .expect("finite")
        });
        Ok(History { rows })
    }

    /// The days of the history, in order: (date, its rows).
    pub fn days(&self) -> Vec<(i64, &[HistoryRow])> {
        self.rows
            .chunk_by(|a, b| a.date == b.date)
            .map(|rows| (rows[0].date, rows))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> Vec<String> {
        match History::parse(text, "h.csv", 1800.0) {
            Ok(_) => panic!("expected errors"),
            Err(e) => e.0.iter().map(|e| e.to_string()).collect(),
        }
    }

    const HEADER: &str =
        "date,start,offered,agents,answered,abandoned,asa_s,prob_wait,service_level\n";

    #[test]
    fn reads_rows_sorted_with_optional_columns_absent_or_empty() {
        let text = "agents,date,start,offered\n3.5,2026-05-04,09:00,10\n2,2026-05-04,08:30,4\n";
        let h = History::parse(text, "h.csv", 1800.0).unwrap();
        assert_eq!(h.rows.len(), 2);
        assert_eq!(h.rows[0].start_s, 8.5 * 3600.0);
        assert_eq!(h.rows[0].agents, 2.0);
        assert_eq!(h.rows[1].agents, 3.5);
        assert_eq!(h.rows[1].answered, None);
        let text = format!("{HEADER}2026-05-04,08:00,10,3,8,2,,0.5,\n");
        let h = History::parse(&text, "h.csv", 1800.0).unwrap();
        let r = &h.rows[0];
        assert_eq!(
            (r.answered, r.abandoned, r.asa_s),
            (Some(8.0), Some(2.0), None)
        );
        assert_eq!(r.abandon_rate(), Some(0.2));
        assert_eq!(r.prob_wait, Some(0.5));
    }

    #[test]
    fn every_bad_field_is_pinned_at_its_line_and_column() {
        let text = format!(
            "{HEADER}2026-13-01,08:00,10,3,,,,,\n2026-05-04,08:10,10,3,,,,,\n2026-05-04,08:00,-1,3,,,,,\n2026-05-04,08:00,10,3,,,,1.5,\n2026-05-04,09:00,10,3,,,,,\n2026-05-04,09:00,10,3,,,,,\n2026-05-04,10:00,10,3,8,4,,,\n2026-05-04,10:30,2.5,x,,,,,\n2026-05-04,11:00,10\n"
        );
        assert_eq!(
            errors(&text),
            [
                "h.csv:2:1: date \"2026-13-01\" is not a date: give YYYY-MM-DD (2026-05-04)",
                "h.csv:3:12: start \"08:10\" is not on the scenario's interval grid: intervals of 30m start at 00:00, 00:30, ...",
                "h.csv:4:18: offered = \"-1\" is negative: a count is 0 or more",
                "h.csv:5:26: prob_wait = \"1.5\" is not a share: give a number from 0 to 1 (0.8 for 80%)",
                "h.csv:7:1: 2026-05-04 09:00 is given twice (first on line 6): keep one row per interval",
                "h.csv:8:23: answered + abandoned = 12 is more than offered = 10: offered counts every contact of the interval",
                "h.csv:9:18: offered = \"2.5\" is not a whole number: give a count of contacts",
                "h.csv:9:22: agents = \"x\" is not a number",
                "h.csv:10:1: 3 fields: give 9, one per column of the header",
            ]
        );
    }

    #[test]
    fn header_problems_are_named() {
        assert_eq!(
            errors("date,start,offered,agent\n"),
            [
                "h.csv:1:20: unknown column \"agent\": the columns are date,start,offered,agents,answered,abandoned,asa_s,prob_wait,service_level (the last five optional)",
                "h.csv:1:1: the header has no column \"agents\": date, start, offered and agents are required",
            ]
        );
        assert_eq!(
            errors("date,start,offered,agents,date\n"),
            ["h.csv:1:27: column \"date\" is given twice: keep one"]
        );
        assert_eq!(
            errors(""),
            [
                "h.csv:1:1: the file is empty: give the header date,start,offered,agents,answered,abandoned,asa_s,prob_wait,service_level and one row per interval"
            ]
        );
        assert_eq!(
            errors("date,start,offered,agents\n"),
            ["h.csv:1:1: the history has a header and no rows: give one row per interval"]
        );
        assert_eq!(
            errors("date,start,offered,agents\n2026-02-30,25:00,1,1\n"),
            [
                "h.csv:2:1: date \"2026-02-30\" is not a date: give YYYY-MM-DD (2026-05-04)",
                "h.csv:2:12: start \"25:00\" is not a clock time: give HH:MM (08:30)",
            ]
        );
    }
}
