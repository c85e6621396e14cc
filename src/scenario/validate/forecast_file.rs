//! Forecasts from a file: `arrivals = { file = "forecast.csv" }` reads contacts per interval the way a WFM
//! tool exports them, `start,channel,contacts`, one row per channel and interval.
//!
//! A row's contacts become the channel's rate in that interval (contacts / interval length), so the file is
//! an exact per-interval arrival profile: the engine sees the same per-interval rates as `per_hour = [...]`
//! and pays nothing more per contact. Errors name the CSV file, line and column.

use super::Validator;
use crate::scenario::Calendar;
use crate::scenario::error::ScenarioError;
use crate::time::date::parse_date_time;
use crate::time::profile::PerInterval;
use std::collections::HashMap;
use std::path::Path;

/// Contacts per interval a day can hold before a typo (an extra zero or three) is the likelier story.
const MAX_CONTACTS: f64 = 1e9;

/// The file's rows, checked: per channel, contacts per interval of the horizon (absent intervals: none).
struct ForecastTable {
    contacts: HashMap<String, Vec<f64>>,
    /// Mean handle time per interval (`aht_s`), where the file has the column.
    aht: HashMap<String, Vec<Option<f64>>>,
}

/// The longest mean handle time a forecast row may give: the scenario's limit on any duration.
const MAX_AHT_S: f64 = 1e9;

/// Where a problem sits in the CSV: 1-based line and column, the line's text.
struct At<'a> {
    file: &'a str,
    line: usize,
    text: &'a str,
}

impl At<'_> {
    /// An error at field `field` (0-based) of the line.
    fn error(&self, field: usize, message: String) -> ScenarioError {
        // Fields are plain (no quoting in a forecast export): the column is where the field starts.
        let column = 1 + self
            .text
            .split(',')
            .take(field)
            .map(|f| f.chars().count() + 1)
            .sum::<usize>();
        ScenarioError {
            file: self.file.to_string(),
            location: Some((self.line, column)),
            source_line: Some(self.text.to_string()),
            message,
        }
    }
}

/// `d.hh:mm`, `hh:mm` (as intervals.csv writes `start` without a start date) or whole seconds, from the
/// start of the horizon.
fn parse_offset(text: &str) -> Option<f64> {
    let t = text.trim();
    if let Ok(s) = t.parse::<f64>() {
        return s.is_finite().then_some(s);
    }
    let (day, clock) = match t.split_once('.') {
        Some((d, c)) => (d.parse::<u32>().ok()?, c),
        None => (0, t),
    };
    let (h, m) = clock.split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then(|| f64::from(day) * 86_400.0 + f64::from(h * 3600 + m * 60))
}

fn set_aht(
    rows: &mut HashMap<String, Vec<Option<f64>>>,
    channel: &str,
    k: usize,
    aht: Option<f64>,
    intervals: usize,
) {
    rows.entry(channel.to_string())
        .or_insert_with(|| vec![None; intervals])[k] = aht;
}

fn read_table(
    path: &Path,
    shown: &str,
    channels: &[&str],
    calendar: &Calendar,
    interval_s: f64,
    intervals: usize,
) -> Result<ForecastTable, Vec<ScenarioError>> {
    let io = |m: String| vec![ScenarioError::io(shown, m)];
    let text = crate::scenario::datafile::read_text_file(path).map_err(|e| match e {
        crate::scenario::datafile::DataFileError::Io(e) => {
            io(format!("cannot read the forecast file: {e}"))
        }
        crate::scenario::datafile::DataFileError::NotText { line } => vec![ScenarioError {
            location: Some((line, 1)),
            ..ScenarioError::io(shown, "this line is not UTF-8 text (a binary file?): save the forecast as plain text (CSV)".into())
        }],
        e => io(format!("the forecast file {e}")),
    })?;
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    let Some((header_line, header)) = lines.next() else {
        return Err(io("the forecast file is empty: give a header `start,channel,contacts` and one row per channel and interval".into()));
    };
    let names: Vec<&str> = header.split(',').map(str::trim).collect();
    let column = |name: &str| names.iter().position(|n| *n == name);
    let at = At {
        file: shown,
        line: header_line + 1,
        text: header,
    };
    let (Some(c_start), Some(c_channel), Some(c_contacts)) =
        (column("start"), column("channel"), column("contacts"))
    else {
        return Err(vec![at.error(0, format!("the header is `{header}`: it must name the columns start, channel and contacts (and optionally aht_s)"))]);
    };
    let c_aht = column("aht_s");
    if let Some(extra) = names
        .iter()
        .position(|n| !["start", "channel", "contacts", "aht_s"].contains(n))
    {
        return Err(vec![at.error(
            extra,
            format!(
                "unknown column `{}`: the columns are start, channel, contacts and optionally aht_s",
                names[extra]
            ),
        )]);
    }
    let mut errors = Vec::new();
    let mut aht_rows: HashMap<String, Vec<Option<f64>>> = HashMap::new();
    let mut contacts: HashMap<String, Vec<f64>> = HashMap::new();
    let mut seen: HashMap<(String, usize), usize> = HashMap::new();
    for (n, line) in lines {
        let at = At {
            file: shown,
            line: n + 1,
            text: line,
        };
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        if fields.len() != names.len() {
            errors.push(at.error(
                0,
                format!(
                    "{} fields, but the header has {}: give one value per column ({header})",
                    fields.len(),
                    names.len()
                ),
            ));
            continue;
        }
        let channel = fields[c_channel];
        if !channels.contains(&channel) {
            errors.push(at.error(c_channel, format!("channel \"{channel}\" is not a channel of the scenario reading this file; use one of {}", channels.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", "))));
            continue;
        }
        let stamp = fields[c_start];
        let t = match (calendar.start_date, parse_date_time(stamp)) {
            (Some(start), Ok(d)) => {
                Some((d.date - start) as f64 * 86_400.0 + d.clock_s - calendar.start_clock_s)
            }
            (None, Ok(_)) => {
                errors.push(at.error(c_start, format!("start = \"{stamp}\" is a date, but the scenario starts on a weekday name: give the scenario a start date (start = \"2026-03-02\") or write the start as d.hh:mm from the start of the horizon")));
                continue;
            }
            (_, Err(_)) => parse_offset(stamp),
        };
        let Some(t) = t else {
            let form = match calendar.start_date {
                Some(_) => format!("an ISO date-time such as {}", calendar.timestamp(0.0)),
                None => "d.hh:mm from the start of the horizon (08:30, 1.08:30) or seconds".into(),
            };
            errors.push(at.error(
                c_start,
                format!("start = \"{stamp}\" is not a time: write {form}"),
            ));
            continue;
        };
        let k = t / interval_s;
        if k.fract() != 0.0 {
            errors.push(at.error(c_start, format!("start = \"{stamp}\" is not on the interval grid: intervals start every {} from the start of the horizon", crate::time::duration::format_duration(interval_s))));
            continue;
        }
        if !(0.0..intervals as f64).contains(&k) {
            let span = match calendar.start_date {
                Some(_) => format!(
                    "{} to {}",
                    calendar.timestamp(0.0),
                    calendar.timestamp((intervals - 1) as f64 * interval_s)
                ),
                None => format!(
                    "00:00 to {}",
                    crate::scenario::day_clock((intervals - 1) as f64 * interval_s)
                ),
            };
            errors.push(at.error(
                c_start,
                format!("start = \"{stamp}\" is outside the horizon: its intervals start {span}"),
            ));
            continue;
        }
        let k = k as usize;
        let value = fields[c_contacts];
        let x = match value.parse::<f64>() {
            Ok(x) if x.is_finite() && (0.0..=MAX_CONTACTS).contains(&x) => x,
            Ok(x) if x < 0.0 => {
                errors.push(at.error(
                    c_contacts,
                    format!("contacts = {value}: a count of contacts cannot be negative"),
                ));
                continue;
            }
            _ => {
                errors.push(at.error(c_contacts, format!("contacts = \"{value}\": give a number of contacts between 0 and {MAX_CONTACTS:e}")));
                continue;
            }
        };
        if let Some(first) = seen.insert((channel.to_string(), k), n + 1) {
            errors.push(at.error(c_start, format!("a second row for channel \"{channel}\" at {stamp} (line {first} has the first): give each channel and interval once")));
            continue;
        }
        if let Some(c) = c_aht {
            let value = fields[c];
            let aht = if value.is_empty() {
                None
            } else {
                match value.parse::<f64>() {
                    Ok(a) if a.is_finite() && a > 0.0 && a <= MAX_AHT_S => Some(a),
                    _ => {
                        errors.push(at.error(c, format!("aht_s = \"{value}\": give the interval's mean handle time in seconds (> 0), or leave it empty for the channel's own")));
                        continue;
                    }
                }
            };
            self::set_aht(&mut aht_rows, channel, k, aht, intervals);
        }
        contacts
            .entry(channel.to_string())
            .or_insert_with(|| vec![0.0; intervals])[k] = x;
    }
    if errors.is_empty() {
        Ok(ForecastTable {
            contacts,
            aht: aht_rows,
        })
    } else {
        Err(errors)
    }
}

impl Validator<'_> {
    /// The rates per hour of channel `channel` from its forecast file (`file` as written in the scenario,
    /// relative to the scenario's folder). `readers`: the channels reading the same file (rows may name any
    /// of them); `report_rows`: whether this channel reports the file's row errors (the first reader does).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn forecast_rates(
        &mut self,
        key: &str,
        file: &toml::Spanned<String>,
        channel: &str,
        readers: &[&str],
        report_rows: bool,
        calendar: &Calendar,
        interval_s: f64,
        intervals: usize,
    ) -> Option<PerInterval<f64>> {
        let path = match self.base_dir {
            Some(dir) => dir.join(file.get_ref()),
            None => Path::new(file.get_ref()).to_path_buf(),
        };
        let shown = path.display().to_string();
        if !self.timing_known {
            // Its rows are placed on the horizon's intervals: nothing to check them against.
            return None;
        }
        match read_table(&path, &shown, readers, calendar, interval_s, intervals) {
            Ok(table) => {
                let hours = interval_s / 3600.0;
                let Some(counts) = table.contacts.get(channel) else {
                    self.err(file.span(), format!("{key}.file = \"{}\": has no row for channel \"{channel}\"; add its contacts per interval (start,channel,contacts)", file.get_ref()));
                    return None;
                };
                if let Some(aht) = table.aht.get(channel)
                    && aht.iter().any(Option::is_some)
                {
                    self.forecast_aht.insert(channel.to_string(), aht.clone());
                }
                PerInterval::new(counts.iter().map(|c| c / hours).collect())
            }
            Err(errors) => {
                if report_rows {
                    self.err(
                        file.span(),
                        format!(
                            "{key}.file = \"{}\": the forecast file has errors (below)",
                            file.get_ref()
                        ),
                    );
                    self.errors.extend(errors);
                }
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_read_like_intervals_csv() {
        assert_eq!(parse_offset("08:30"), Some(30_600.0));
        assert_eq!(parse_offset("1.08:30"), Some(117_000.0));
        assert_eq!(parse_offset("1800"), Some(1800.0));
        assert_eq!(parse_offset("8h"), None);
        assert_eq!(parse_offset("25:00"), None);
    }
}
