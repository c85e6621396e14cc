//! Readers of per-call logs: the Anonymous Bank's 1999 tab-separated records (`bank1999`) and a generic CSV
//! (the header `supportsim run --calls` writes, or any export with its columns mapped). Every row is either
//! kept or dropped for a counted reason; bad rows are also listed with their file and line.

use super::{CalibrationError, CallRecord, DAY_S, Outcome};
use crate::time::date::{civil_from_days, days_from_civil};
use std::collections::{BTreeMap, BTreeSet};

/// Why a row was not kept: the key counted in the summary. Bad rows (malformed) and rows the conventions
/// drop (PHANTOM, left in the IVR, call-backs) are told apart by [`DropReason::is_bad`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DropReason {
    /// bank1999: a PHANTOM row (the data's documentation: ignore these).
    Phantom,
    /// bank1999: hung up in the IVR without ever joining the agent queue (not offered to agents).
    LeftInIvr,
    /// bank1999: type TT, a call-back placed by the bank: not an arrival. Its service still counts as agent
    /// activity (staffing) and agent time.
    Outbound,
    /// csv with `--channel`: a row of another channel.
    OtherChannel,
    /// Bad: the row has fewer fields than the header needs.
    MissingColumn,
    /// Bad: a required value is empty (an answered contact without its answer time, say).
    MissingValue,
    /// Bad: a date or time that does not parse.
    BadTimestamp,
    /// Bad: a number (duration, priority) that does not parse or is negative.
    BadNumber,
    /// Bad: times out of order (end before start, answer before arrival).
    EndBeforeStart,
    /// Bad: an outcome that is not known.
    UnknownOutcome,
    /// Bad: bank1999, a call type that is not in the documentation.
    UnknownType,
    /// Bad: bank1999, durations that disagree with the clock times.
    Inconsistent,
    /// Bad: csv, a handle time longer than [`MAX_HANDLE_S`] (a mistyped date: one such row used to spread
    /// one agent over decades of intervals, minutes of work and gigabytes for nothing).
    TooLong,
}

/// The longest handle time (end − answer) the CSV reader keeps: a day.
pub const MAX_HANDLE_S: f64 = 86_400.0;

impl DropReason {
    pub fn is_bad(self) -> bool {
        !matches!(
            self,
            DropReason::Phantom
                | DropReason::LeftInIvr
                | DropReason::Outbound
                | DropReason::OtherChannel
        )
    }

    pub fn label(self) -> &'static str {
        match self {
            DropReason::Phantom => "PHANTOM (ignored by the data's conventions)",
            DropReason::LeftInIvr => "left in the IVR, never queued (not offered)",
            DropReason::Outbound => {
                "call-back placed by the center (type TT): not an arrival, service kept as agent activity"
            }
            DropReason::OtherChannel => "another channel (--channel)",
            DropReason::MissingColumn => "bad: missing column",
            DropReason::MissingValue => "bad: missing value",
            DropReason::BadTimestamp => "bad: bad timestamp",
            DropReason::BadNumber => "bad: bad number",
            DropReason::EndBeforeStart => "bad: end before start",
            DropReason::UnknownOutcome => "bad: unknown outcome",
            DropReason::UnknownType => "bad: unknown call type",
            DropReason::Inconsistent => "bad: durations disagree with the clock times",
            DropReason::TooLong => "bad: handle time longer than a day",
        }
    }
}

/// One bad row: where it is and what is wrong with it.
#[derive(Debug, Clone, PartialEq)]
pub struct BadRow {
    pub file: String,
    pub line: u64,
    pub reason: DropReason,
    pub message: String,
}

impl std::fmt::Display for BadRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

/// What the readers saw: rows read (not counting headers), kept as offered contacts, dropped by reason.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReadSummary {
    pub read: u64,
    pub kept: u64,
    pub dropped: BTreeMap<DropReason, u64>,
    pub bad_rows: Vec<BadRow>,
}

impl ReadSummary {
    fn drop_row(&mut self, reason: DropReason) {
        *self.dropped.entry(reason).or_default() += 1;
    }

    fn bad(&mut self, file: &str, line: u64, reason: DropReason, message: String) {
        self.drop_row(reason);
        self.bad_rows.push(BadRow {
            file: file.to_string(),
            line,
            reason,
            message,
        });
    }

    /// Rows dropped for any reason.
    pub fn dropped_total(&self) -> u64 {
        self.dropped.values().sum()
    }

    /// The summary as printed: read, kept, and one line per reason.
    pub fn lines(&self) -> Vec<String> {
        let mut out = vec![format!(
            "{} record(s) read, {} kept (offered to agents), {} dropped",
            self.read,
            self.kept,
            self.dropped_total()
        )];
        for (reason, n) in &self.dropped {
            out.push(format!("  dropped {n:>7}: {}", reason.label()));
        }
        out
    }
}

/// Calls read from one or more files.
#[derive(Debug, Clone, Default)]
pub struct CallLog {
    /// Offered inbound contacts and (flagged `outbound`) the center's own answered call-backs, sorted by
    /// arrival.
    pub records: Vec<CallRecord>,
    /// Every date (days since 1970-01-01) on which any row was read, kept or not: a day in this set with
    /// no offered contact in some hour had zero arrivals then; a day not in it has no data at all.
    pub dates_seen: BTreeSet<i64>,
    /// Channel names met (csv); `bank1999` has one queue.
    pub channels: BTreeSet<String>,
    pub summary: ReadSummary,
}

impl CallLog {
    /// Adds another file's calls.
    pub fn extend(&mut self, other: CallLog) {
        self.records.extend(other.records);
        self.dates_seen.extend(other.dates_seen);
        self.channels.extend(other.channels);
        let s = &mut self.summary;
        s.read += other.summary.read;
        s.kept += other.summary.kept;
        for (k, v) in other.summary.dropped {
            *s.dropped.entry(k).or_default() += v;
        }
        s.bad_rows.extend(other.summary.bad_rows);
    }

    /// Sorts the records by arrival (ties by wait): estimators and the history rely on it.
    pub fn sort(&mut self) {
        self.records.sort_by(|a, b| {
            a.arrival_s
                .total_cmp(&b.arrival_s)
                .then(a.wait_s.total_cmp(&b.wait_s))
        });
    }

    /// The offered inbound contacts (no call-backs).
    pub fn inbound(&self) -> impl Iterator<Item = &CallRecord> {
        self.records.iter().filter(|r| !r.outbound)
    }
}

// ------------------------------------------------------------------------------------------------------
// bank1999

const BANK_COLUMNS: [&str; 12] = [
    "customer_id",
    "priority",
    "type",
    "date",
    "vru_entry",
    "q_start",
    "q_time",
    "outcome",
    "ser_start",
    "ser_exit",
    "ser_time",
    "server",
];

/// Call types of the bank's documentation (TT: call-backs placed by the bank).
const BANK_TYPES: [&str; 6] = ["PS", "PE", "IN", "NE", "NW", "TT"];

/// `H:MM:SS` (or `HH:MM:SS`) as seconds after midnight.
fn bank_clock(text: &str) -> Option<f64> {
    let mut it = text.trim().split(':');
    let (h, m, s) = (it.next()?, it.next()?, it.next()?);
    if it.next().is_some() || m.len() != 2 || s.len() != 2 || h.is_empty() || h.len() > 2 {
        return None;
    }
    let (h, m, s): (u32, u32, u32) = (h.parse().ok()?, m.parse().ok()?, s.parse().ok()?);
    (h < 24 && m < 60 && s < 60).then(|| f64::from(h * 3600 + m * 60 + s))
}

/// `yymmdd` as days since 1970-01-01 (yy >= 50: 19yy, else 20yy).
fn bank_date(text: &str) -> Option<i64> {
    let t = text.trim();
    if t.len() != 6 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let yy: i64 = t[0..2].parse().ok()?;
    let m: u32 = t[2..4].parse().ok()?;
    let d: u32 = t[4..6].parse().ok()?;
    let y = if yy >= 50 { 1900 + yy } else { 2000 + yy };
    let days = days_from_civil(y, m, d);
    ((1..=12).contains(&m) && civil_from_days(days) == (y, m, d)).then_some(days)
}

/// The first moment at or after `from_clock` (allowing a clock up to an hour earlier: the records' clocks
/// are rounded to the second and a service can start a second before the IVR exit) with clock `clock`:
/// a time earlier than that belongs to the next day (a call that wrapped past midnight).
fn after(date: i64, from_clock: f64, clock: f64) -> f64 {
    let day = if clock + 3600.0 < from_clock { 1 } else { 0 };
    (date + day) as f64 * DAY_S + clock
}

/// Reads the bank's records from `text` (the contents of `file`, named in messages). Conventions of the
/// data's README: PHANTOM rows dropped; offered = AGENT, or HANG after queueing (q_start != 0:00:00);
/// arrival to the agent queue = q_start (ser_start when never queued); wait = q_time; talk time =
/// ser_time; type TT (call-backs placed by the bank) are not arrivals: dropped and counted, their answered
/// services kept as agent activity (`outbound`); priority 2 is class `high`, 0 and 1 `regular`.
pub fn read_bank1999(file: &str, text: &str) -> Result<CallLog, CalibrationError> {
    let mut log = CallLog::default();
    let mut lines = text.lines();
    let header = lines.next().ok_or_else(|| CalibrationError::BadFile {
        path: file.to_string(),
        message: "the file is empty: expected the bank's header line (vru+line, call_id, ...)"
            .into(),
    })?;
    let names: Vec<&str> = header
        .trim_end_matches('\r')
        .split('\t')
        .map(str::trim)
        .collect();
    let mut col = BTreeMap::new();
    for name in BANK_COLUMNS {
        let i = names.iter().position(|n| *n == name).ok_or_else(|| {
            CalibrationError::MissingHeaderColumn {
                path: file.to_string(),
                column: name.to_string(),
                key: name.to_string(),
                fix: "a bank1999 file is tab-separated with the header of the data's documentation; for another export use --format csv with --columns".into(),
            }
        })?;
        col.insert(name, i);
    }
    let width = col.values().max().copied().unwrap_or(0) + 1;
    log.channels.insert("phone".into());
    for (k, line) in lines.enumerate() {
        let line_no = k as u64 + 2;
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        log.summary.read += 1;
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() < width {
            log.summary.bad(
                file,
                line_no,
                DropReason::MissingColumn,
                format!(
                    "{} field(s), the header has {}: no value for \"{}\"",
                    fields.len(),
                    names.len(),
                    names.get(fields.len()).copied().unwrap_or("?")
                ),
            );
            continue;
        }
        let get = |name: &str| fields[col[name]].trim();
        // The date first: a day with any row at all is a day with data.
        let Some(date) = bank_date(get("date")) else {
            let v = get("date");
            log.summary.bad(
                file,
                line_no,
                DropReason::BadTimestamp,
                format!("date = \"{v}\": not a date yymmdd (990104)"),
            );
            continue;
        };
        log.dates_seen.insert(date);
        let outcome = get("outcome");
        match outcome {
            "AGENT" | "HANG" => {}
            "PHANTOM" => {
                log.summary.drop_row(DropReason::Phantom);
                continue;
            }
            other => {
                log.summary.bad(
                    file,
                    line_no,
                    DropReason::UnknownOutcome,
                    format!("outcome = \"{other}\": expected AGENT, HANG or PHANTOM"),
                );
                continue;
            }
        }
        let kind = get("type");
        if !BANK_TYPES.contains(&kind) {
            log.summary.bad(
                file,
                line_no,
                DropReason::UnknownType,
                format!(
                    "type = \"{kind}\": expected one of {} (the data's documentation)",
                    BANK_TYPES.join(", ")
                ),
            );
            continue;
        }
        let mut clocks = [0.0; 4];
        let mut bad = None;
        for (slot, name) in clocks
            .iter_mut()
            .zip(["vru_entry", "q_start", "ser_start", "ser_exit"])
        {
            match bank_clock(get(name)) {
                Some(c) => *slot = c,
                None => {
                    bad = Some(format!(
                        "{name} = \"{}\": not a clock time H:MM:SS",
                        get(name)
                    ));
                    break;
                }
            }
        }
        if let Some(message) = bad {
            log.summary
                .bad(file, line_no, DropReason::BadTimestamp, message);
            continue;
        }
        let [vru_entry, q_start, ser_start, ser_exit] = clocks;
        let mut numbers = [0.0; 3];
        for (slot, name) in numbers.iter_mut().zip(["q_time", "ser_time", "priority"]) {
            match get(name).parse::<u32>() {
                Ok(v) => *slot = f64::from(v),
                Err(_) => {
                    bad = Some(format!(
                        "{name} = \"{}\": not a whole number >= 0",
                        get(name)
                    ));
                    break;
                }
            }
        }
        if let Some(message) = bad {
            log.summary
                .bad(file, line_no, DropReason::BadNumber, message);
            continue;
        }
        let [q_time, ser_time, priority] = numbers;
        let queued = q_start != 0.0;
        let answered = outcome == "AGENT";
        if !answered && !queued {
            log.summary.drop_row(DropReason::LeftInIvr);
            continue;
        }
        if answered {
            // ser_exit may wrap past midnight; ser_time must agree with the clocks (to the second).
            let span = (ser_exit - ser_start).rem_euclid(DAY_S);
            if (span - ser_time).abs() > 1.0 {
                log.summary.bad(
                    file,
                    line_no,
                    DropReason::Inconsistent,
                    format!(
                        "ser_time = {ser_time} s but ser_start {} to ser_exit {} is {span} s",
                        get("ser_start"),
                        get("ser_exit")
                    ),
                );
                continue;
            }
        }
        let arrival_s = after(date, vru_entry, if queued { q_start } else { ser_start });
        let wait_s = if queued { q_time } else { 0.0 };
        let agent = match get("server") {
            "" | "NO_SERVER" => None,
            s => Some(s.to_string()),
        };
        let customer = match get("customer_id") {
            "" | "0" => None,
            s => Some(s.to_string()),
        };
        let record = CallRecord {
            arrival_s,
            wait_s,
            handle_s: answered.then_some(ser_time),
            outcome: if answered {
                Outcome::Answered
            } else {
                Outcome::Abandoned
            },
            agent: if answered { agent } else { None },
            customer,
            class: if priority == 2.0 { "high" } else { "regular" }.into(),
            outbound: kind == "TT",
        };
        if record.outbound {
            log.summary.drop_row(DropReason::Outbound);
            if answered {
                log.records.push(record);
            }
            continue;
        }
        log.summary.kept += 1;
        log.records.push(record);
    }
    Ok(log)
}

// ------------------------------------------------------------------------------------------------------
// Timestamps of the generic CSV

/// How the CSV's timestamps are written.
#[derive(Debug, Clone, PartialEq)]
pub enum TimeFormat {
    /// ISO 8601 local date-time: `2026-03-02T08:00:12.345`, `2026-03-02 08:00`, seconds and fraction
    /// optional.
    Iso,
    /// Seconds since 1970-01-01 00:00 (read as the center's local clock), fraction allowed.
    Unix,
    /// A strftime-like pattern: `%Y` `%y` `%m` `%d` `%H` `%M` `%S` (seconds, an optional `.fraction`
    /// after them), `%%`; any other character must appear as written.
    Pattern(String),
}

impl TimeFormat {
    /// `iso`, `unix` or a pattern containing `%`.
    pub fn parse(text: &str) -> Result<TimeFormat, CalibrationError> {
        match text.trim() {
            "iso" => Ok(TimeFormat::Iso),
            "unix" => Ok(TimeFormat::Unix),
            p if p.contains('%') => {
                let known = ['Y', 'y', 'm', 'd', 'H', 'M', 'S', '%'];
                let mut chars = p.chars();
                while let Some(c) = chars.next() {
                    if c == '%' {
                        match chars.next() {
                            Some(k) if known.contains(&k) => {}
                            other => {
                                return Err(CalibrationError::BadOption(format!(
                                    "--time-format \"{p}\": %{} is not supported: use %Y %y %m %d %H %M %S %%",
                                    other.map(String::from).unwrap_or_default()
                                )));
                            }
                        }
                    }
                }
                Ok(TimeFormat::Pattern(p.to_string()))
            }
            other => Err(CalibrationError::BadOption(format!(
                "--time-format \"{other}\": give iso, unix or a pattern such as \"%d/%m/%Y %H:%M:%S\""
            ))),
        }
    }

    /// Absolute seconds since 1970-01-01 00:00 local; `None` when `text` does not match or lies outside
    /// the years 1900 to 2199 (an outlier such as a unix time of 1e15 is a bad timestamp, not a reason to
    /// estimate staffing over millions of years).
    pub fn read(&self, text: &str) -> Option<f64> {
        self.read_any(text)
            .filter(|t| (EARLIEST_S..LATEST_S).contains(t))
    }

    fn read_any(&self, text: &str) -> Option<f64> {
        let t = text.trim();
        match self {
            TimeFormat::Unix => t.parse::<f64>().ok().filter(|v| v.is_finite()),
            TimeFormat::Iso => {
                let i = t.find(['T', ' '])?;
                let (date, clock) = (&t[..i], t[i + 1..].trim_start());
                let pattern = if clock.matches(':').count() == 1 {
                    "%Y-%m-%d %H:%M"
                } else {
                    "%Y-%m-%d %H:%M:%S"
                };
                read_pattern(pattern, &format!("{date} {clock}"), true)
            }
            TimeFormat::Pattern(p) => read_pattern(p, t, false),
        }
    }
}

/// 1900-01-01 and 2200-01-01 in seconds from 1970-01-01: the range of timestamps a log may hold.
const EARLIEST_S: f64 = -2_208_988_800.0;
const LATEST_S: f64 = 7_258_118_400.0;

/// Reads `text` by a strftime-like pattern (see [`TimeFormat::Pattern`]); `strict`: two digits for each
/// field but the year (ISO 8601), else one or two.
fn read_pattern(pattern: &str, text: &str, strict: bool) -> Option<f64> {
    let narrow = if strict { 2 } else { 1 };
    let bytes = text.as_bytes();
    let mut at = 0usize;
    let digits = |at: &mut usize, min: usize, max: usize| -> Option<u32> {
        let start = *at;
        while *at < bytes.len() && *at - start < max && bytes[*at].is_ascii_digit() {
            *at += 1;
        }
        if *at - start < min {
            return None;
        }
        text[start..*at].parse().ok()
    };
    let (mut y, mut mo, mut d, mut h, mut mi, mut s, mut frac) =
        (1970i64, 1u32, 1u32, 0u32, 0u32, 0u32, 0.0);
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            let mut buf = [0u8; 4];
            let lit = c.encode_utf8(&mut buf).as_bytes();
            if !bytes[at..].starts_with(lit) {
                return None;
            }
            at += lit.len();
            continue;
        }
        match chars.next()? {
            'Y' => y = i64::from(digits(&mut at, 4, 4)?),
            'y' => {
                let v = i64::from(digits(&mut at, 2, 2)?);
                y = if v >= 69 { 1900 + v } else { 2000 + v };
            }
            'm' => mo = digits(&mut at, narrow, 2)?,
            'd' => d = digits(&mut at, narrow, 2)?,
            'H' => h = digits(&mut at, narrow, 2)?,
            'M' => mi = digits(&mut at, narrow, 2)?,
            'S' => {
                s = digits(&mut at, narrow, 2)?;
                if at < bytes.len() && (bytes[at] == b'.' || bytes[at] == b',') {
                    let start = at + 1;
                    at = start;
                    while at < bytes.len() && bytes[at].is_ascii_digit() {
                        at += 1;
                    }
                    if at == start {
                        return None;
                    }
                    frac = format!("0.{}", &text[start..at]).parse().ok()?;
                }
            }
            '%' => {
                if bytes.get(at) != Some(&b'%') {
                    return None;
                }
                at += 1;
            }
            _ => return None,
        }
    }
    if at != bytes.len() || h > 23 || mi > 59 || s > 59 || !(1..=12).contains(&mo) {
        return None;
    }
    let days = days_from_civil(y, mo, d);
    if civil_from_days(days) != (y, mo, d) {
        return None;
    }
    Some(days as f64 * DAY_S + f64::from(h * 3600 + mi * 60 + s) + frac)
}

// ------------------------------------------------------------------------------------------------------
// The generic CSV

/// The logical columns of the generic CSV, in the order of contract B's header.
pub const CSV_KEYS: [&str; 9] = [
    "arrival",
    "queue_entry",
    "answer",
    "end",
    "outcome",
    "agent",
    "channel",
    "customer",
    "priority",
];

/// Keys the header must have; the others are optional.
const CSV_REQUIRED: [&str; 4] = ["arrival", "answer", "end", "outcome"];

/// Options of the generic CSV reader.
#[derive(Debug, Clone)]
pub struct CsvOptions {
    /// Logical key -> the file's column name (default: the key itself).
    pub columns: BTreeMap<String, String>,
    pub time_format: TimeFormat,
    pub delimiter: u8,
    /// Keep only this channel's rows (the others are dropped and counted).
    pub channel: Option<String>,
    /// The file's outcome values (compared without case) -> outcome; `answered`, `abandoned` and
    /// `blocked` are always known.
    pub outcomes: BTreeMap<String, Outcome>,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions {
            columns: BTreeMap::new(),
            time_format: TimeFormat::Iso,
            delimiter: b',',
            channel: None,
            outcomes: BTreeMap::new(),
        }
    }
}

impl CsvOptions {
    /// `key=Name,key=Name` (`--columns`): each key one of [`CSV_KEYS`].
    pub fn parse_columns(text: &str) -> Result<BTreeMap<String, String>, CalibrationError> {
        let mut map = BTreeMap::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((k, v)) = part.split_once('=') else {
                return Err(CalibrationError::BadOption(format!(
                    "--columns \"{part}\": write key=ColumnName (arrival=CallStart,answer=AnswerTime)"
                )));
            };
            let k = k.trim();
            if !CSV_KEYS.contains(&k) {
                return Err(CalibrationError::BadOption(format!(
                    "--columns: \"{k}\" is not a column key: use {}",
                    CSV_KEYS.join(", ")
                )));
            }
            if map.insert(k.to_string(), v.trim().to_string()).is_some() {
                return Err(CalibrationError::BadOption(format!(
                    "--columns: \"{k}\" is mapped twice"
                )));
            }
        }
        Ok(map)
    }

    /// `VALUE=outcome,...` (`--outcomes`): the file's values for answered, abandoned, blocked.
    pub fn parse_outcomes(text: &str) -> Result<BTreeMap<String, Outcome>, CalibrationError> {
        let mut map = BTreeMap::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let outcome = part.split_once('=').and_then(|(v, o)| {
                let o = match o.trim() {
                    "answered" => Outcome::Answered,
                    "abandoned" => Outcome::Abandoned,
                    "blocked" => Outcome::Blocked,
                    _ => return None,
                };
                Some((v.trim().to_lowercase(), o))
            });
            let Some((v, o)) = outcome else {
                return Err(CalibrationError::BadOption(format!(
                    "--outcomes \"{part}\": write VALUE=answered, VALUE=abandoned or VALUE=blocked (HANDLED=answered)"
                )));
            };
            map.insert(v, o);
        }
        Ok(map)
    }

    fn outcome_of(&self, value: &str) -> Option<Outcome> {
        let v = value.trim().to_lowercase();
        if let Some(o) = self.outcomes.get(&v) {
            return Some(*o);
        }
        match v.as_str() {
            "answered" => Some(Outcome::Answered),
            "abandoned" => Some(Outcome::Abandoned),
            "blocked" => Some(Outcome::Blocked),
            _ => None,
        }
    }
}

/// Reads a generic per-call CSV from `text` (the contents of `file`). The contact reaches the agent queue
/// at `queue_entry`, or (empty) at `answer` when answered at once, else at `arrival`; wait = answer (or
/// end, for a contact that left) minus that; handle time = end − answer.
pub fn read_csv(file: &str, text: &str, opts: &CsvOptions) -> Result<CallLog, CalibrationError> {
    // A spreadsheet's CSV export often starts with a byte-order mark: not part of the first column's name.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(opts.delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| CalibrationError::BadFile {
            path: file.to_string(),
            message: format!("cannot read the header: {e}"),
        })?
        .clone();
    if header.is_empty() || (header.len() == 1 && header[0].trim().is_empty()) {
        return Err(CalibrationError::BadFile {
            path: file.to_string(),
            message: format!(
                "the file is empty: expected a header such as {}",
                CSV_KEYS.join(",")
            ),
        });
    }
    let mut col: BTreeMap<&str, usize> = BTreeMap::new();
    for key in CSV_KEYS {
        let mapped = opts.columns.get(key);
        let name = mapped.map_or(key, String::as_str);
        match header.iter().position(|h| h.trim() == name) {
            Some(i) => {
                col.insert(key, i);
            }
            None if mapped.is_some() || CSV_REQUIRED.contains(&key) => {
                return Err(CalibrationError::MissingHeaderColumn {
                    path: file.to_string(),
                    column: name.to_string(),
                    key: key.to_string(),
                    fix: format!(
                        "the header is \"{}\": map the column with --columns {key}=NAME",
                        header.iter().collect::<Vec<_>>().join(",")
                    ),
                });
            }
            None => {}
        }
    }
    let mut log = CallLog::default();
    let mut record = csv::StringRecord::new();
    loop {
        let line_no = match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => record.position().map_or(0, |p| p.line()),
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                log.summary.read += 1;
                log.summary.bad(
                    file,
                    line,
                    DropReason::MissingColumn,
                    format!("not a CSV row: {e}"),
                );
                continue;
            }
        };
        if record.len() == 1 && record[0].trim().is_empty() {
            continue;
        }
        log.summary.read += 1;
        match csv_row(&record, &col, &header, opts) {
            Ok(Row::Keep(r, channel, date)) => {
                log.dates_seen.insert(date);
                log.channels.insert(channel);
                log.summary.kept += 1;
                log.records.push(r);
            }
            Ok(Row::Drop(reason, date)) => {
                log.dates_seen.insert(date);
                log.summary.drop_row(reason);
            }
            Err((reason, message)) => log.summary.bad(file, line_no, reason, message),
        }
    }
    Ok(log)
}

enum Row {
    Keep(CallRecord, String, i64),
    Drop(DropReason, i64),
}

fn csv_row(
    record: &csv::StringRecord,
    col: &BTreeMap<&str, usize>,
    header: &csv::StringRecord,
    opts: &CsvOptions,
) -> Result<Row, (DropReason, String)> {
    let name = |key: &str| header.get(col[key]).unwrap_or(key).trim().to_string();
    let get = |key: &str| -> Result<Option<&str>, (DropReason, String)> {
        let Some(&i) = col.get(key) else {
            return Ok(None);
        };
        match record.get(i) {
            Some(v) => Ok(Some(v.trim())),
            None => Err((
                DropReason::MissingColumn,
                format!(
                    "{} field(s), the header has {}: no value for \"{}\"",
                    record.len(),
                    header.len(),
                    name(key)
                ),
            )),
        }
    };
    // Every field the header maps must be present before any value is judged.
    let width = col.values().max().map_or(0, |w| w + 1);
    if record.len() < width {
        return Err((
            DropReason::MissingColumn,
            format!(
                "{} field(s), the header has {}: no value for \"{}\"",
                record.len(),
                header.len(),
                header.get(record.len()).unwrap_or("?").trim()
            ),
        ));
    }
    let time = |key: &str, required: bool| -> Result<Option<f64>, (DropReason, String)> {
        match get(key)? {
            None | Some("") if required => Err((
                DropReason::MissingValue,
                format!("\"{}\" is empty", name(key)),
            )),
            None | Some("") => Ok(None),
            Some(v) => opts.time_format.read(v).map(Some).ok_or_else(|| {
                (
                    DropReason::BadTimestamp,
                    format!(
                        "{} = \"{v}\": not a timestamp in the format {} (--time-format)",
                        name(key),
                        match &opts.time_format {
                            TimeFormat::Iso => "iso (2026-03-02T08:00:12.345)".to_string(),
                            TimeFormat::Unix => "unix (seconds since 1970)".to_string(),
                            TimeFormat::Pattern(p) => format!("\"{p}\""),
                        }
                    ),
                )
            }),
        }
    };
    let arrival = time("arrival", true)?.unwrap_or_default();
    let date = (arrival / DAY_S).floor() as i64;
    let outcome_text = get("outcome")?.unwrap_or_default();
    let Some(outcome) = opts.outcome_of(outcome_text) else {
        return Err((
            DropReason::UnknownOutcome,
            format!(
                "{} = \"{outcome_text}\": expected answered, abandoned or blocked (map others with --outcomes VALUE=answered)",
                name("outcome")
            ),
        ));
    };
    let channel = get("channel")?.unwrap_or_default().to_string();
    let channel = if channel.is_empty() {
        "phone".to_string()
    } else {
        channel
    };
    if opts.channel.as_ref().is_some_and(|c| *c != channel) {
        return Ok(Row::Drop(DropReason::OtherChannel, date));
    }
    let queue_entry = time("queue_entry", false)?;
    let answered = outcome == Outcome::Answered;
    let answer = time("answer", answered)?;
    let end = time("end", true)?.unwrap_or_default();
    let order = |a: &str, b: &str| {
        (
            DropReason::EndBeforeStart,
            format!("{} is before {}", name(b), name(a)),
        )
    };
    if queue_entry.is_some_and(|q| q < arrival) {
        return Err(order("arrival", "queue_entry"));
    }
    let start = queue_entry.unwrap_or(if answered {
        answer.unwrap_or(arrival)
    } else {
        arrival
    });
    let (wait_s, handle_s) = if let (true, Some(a)) = (answered, answer) {
        if a < arrival || a < start {
            return Err(order(
                if queue_entry.is_some() {
                    "queue_entry"
                } else {
                    "arrival"
                },
                "answer",
            ));
        }
        if end < a {
            return Err(order("answer", "end"));
        }
        if end - a > MAX_HANDLE_S {
            return Err((
                DropReason::TooLong,
                format!(
                    "{} is {:.1} days after {}: a handle time longer than a day (a mistyped date?)",
                    name("end"),
                    (end - a) / 86_400.0,
                    name("answer")
                ),
            ));
        }
        (a - start, Some(end - a))
    } else {
        if end < start {
            return Err(order(
                if queue_entry.is_some() {
                    "queue_entry"
                } else {
                    "arrival"
                },
                "end",
            ));
        }
        (end - start, None)
    };
    let text = |key: &str| -> Result<Option<String>, (DropReason, String)> {
        Ok(get(key)?.filter(|v| !v.is_empty()).map(str::to_string))
    };
    let record = CallRecord {
        arrival_s: start,
        wait_s: if outcome == Outcome::Blocked {
            0.0
        } else {
            wait_s
        },
        handle_s,
        outcome,
        agent: if answered { text("agent")? } else { None },
        customer: text("customer")?,
        class: text("priority")?.unwrap_or_else(|| "regular".into()),
        outbound: false,
    };
    Ok(Row::Keep(record, channel, date))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bank_clocks_and_dates() {
        assert_eq!(bank_clock("0:00:31"), Some(31.0));
        assert_eq!(bank_clock("23:59:59"), Some(86_399.0));
        assert_eq!(bank_clock("24:00:00"), None);
        assert_eq!(bank_clock("7:4:00"), None);
        assert_eq!(bank_date("990101"), Some(days_from_civil(1999, 1, 1)));
        assert_eq!(bank_date("990230"), None);
        // A service that starts before midnight of the IVR entry's day and one after it.
        let d = days_from_civil(1999, 1, 1);
        assert_eq!(after(d, 86_000.0, 86_100.0), d as f64 * DAY_S + 86_100.0);
        assert_eq!(after(d, 86_000.0, 60.0), (d + 1) as f64 * DAY_S + 60.0);
        assert_eq!(after(d, 100.0, 99.0), d as f64 * DAY_S + 99.0);
    }

    #[test]
    fn timestamps_by_format() {
        let base = days_from_civil(2026, 3, 2) as f64 * DAY_S;
        let iso = TimeFormat::Iso;
        assert_eq!(iso.read("2026-03-02T08:00:12.345"), Some(base + 28_812.345));
        assert_eq!(iso.read("2026-03-02 08:00"), Some(base + 28_800.0));
        assert_eq!(iso.read("2026-03-02T25:00:00"), None);
        assert_eq!(iso.read("2026-02-30T08:00:00"), None);
        assert_eq!(iso.read("08:00:00"), None);
        let p = TimeFormat::parse("%d/%m/%Y %H:%M:%S").expect("a valid pattern");
        assert_eq!(p.read("2/3/2026 8:00:12,5"), Some(base + 28_812.5));
        assert_eq!(p.read("2/3/2026 8:00"), None);
        assert_eq!(TimeFormat::Unix.read("86400.5"), Some(86_400.5));
        assert!(TimeFormat::parse("%Q").is_err());
        assert!(TimeFormat::parse("dd/mm").is_err());
    }

    #[test]
    fn column_and_outcome_maps() {
        let m = CsvOptions::parse_columns("arrival=CallStart, answer=Ans").expect("valid");
        assert_eq!(m["arrival"], "CallStart");
        assert_eq!(m["answer"], "Ans");
        assert!(CsvOptions::parse_columns("start=X").is_err());
        assert!(CsvOptions::parse_columns("arrival").is_err());
        assert!(CsvOptions::parse_columns("arrival=A,arrival=B").is_err());
        let o = CsvOptions::parse_outcomes("HANDLED=answered,Lost=abandoned").expect("valid");
        assert_eq!(o["lost"], Outcome::Abandoned);
        assert!(CsvOptions::parse_outcomes("x=served").is_err());
    }
}
