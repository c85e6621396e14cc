//! CSV exports for spreadsheets: intervals.csv (one row per channel and interval) and the per-channel
//! summary printed by `run --format csv`. Every KPI has a column for its mean and one for its ci95.

use super::Report;
use crate::stats::Estimate;

fn cell(x: Option<f64>) -> String {
    x.map(|v| format!("{v}")).unwrap_or_default()
}

fn push(header: &mut Vec<String>, row: &mut Vec<String>, name: &str, e: &Estimate, first: bool) {
    if first {
        header.push(name.to_string());
        header.push(format!("{name}_ci95"));
    }
    row.push(cell(e.mean));
    row.push(cell(e.ci95));
}

fn to_csv(header: Vec<String>, rows: Vec<Vec<String>>) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    // Writing to a Vec cannot fail; the rows all have the header's length.
    let _ = w.write_record(&header);
    for r in rows {
        let _ = w.write_record(&r);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Column names of the level shares per interval.
const LEVEL_COLUMNS: [&str; 6] = [
    "level_1_share",
    "level_2_share",
    "level_3_share",
    "level_4_share",
    "level_5_share",
    "level_6_share",
];

/// One row per channel and interval of the horizon.
pub fn intervals_csv(report: &Report) -> String {
    let mut header: Vec<String> = ["channel", "interval", "start", "start_s"]
        .map(String::from)
        .to_vec();
    let mut rows = Vec::new();
    for (channel, ints) in &report.intervals {
        for (i, k) in ints.iter().enumerate() {
            let start_s = i as f64 * report.run.interval_s;
            let mut row = vec![
                channel.clone(),
                i.to_string(),
                clock(start_s),
                format!("{start_s}"),
            ];
            let first = rows.is_empty();
            for (name, e) in k
                .contacts
                .fields()
                .into_iter()
                .chain([
                    ("staffed_agents", &k.staffed_agents),
                    ("backlog", &k.backlog),
                ])
                .chain(LEVEL_COLUMNS.iter().zip(&k.levels).map(|(n, e)| (*n, e)))
            {
                push(&mut header, &mut row, name, e, first);
            }
            rows.push(row);
        }
    }
    to_csv(header, rows)
}

/// One row per group and interval: agents in each state and occupancy.
pub fn groups_csv(report: &Report) -> String {
    let mut header: Vec<String> = ["group", "interval", "start", "start_s"]
        .map(String::from)
        .to_vec();
    let mut rows = Vec::new();
    for (group, ints) in &report.group_intervals {
        for (i, k) in ints.iter().enumerate() {
            let start_s = i as f64 * report.run.interval_s;
            let mut row = vec![
                group.clone(),
                i.to_string(),
                clock(start_s),
                format!("{start_s}"),
            ];
            let first = rows.is_empty();
            for (name, e) in k.fields() {
                push(&mut header, &mut row, name, e, first);
            }
            rows.push(row);
        }
    }
    to_csv(header, rows)
}

/// One row per channel with every summary KPI.
pub fn summary_csv(report: &Report) -> String {
    let mut header = vec!["channel".to_string()];
    let mut rows = Vec::new();
    for (channel, k) in &report.channels {
        let mut row = vec![channel.clone()];
        let first = rows.is_empty();
        for (name, e) in k.contacts.fields().into_iter().chain([
            ("wait_p90_s", &k.wait_p90_s),
            ("unfinished", &k.unfinished),
            ("backlog_end", &k.backlog_end),
            ("backlog_end_of_day", &k.backlog_end_of_day),
        ]) {
            push(&mut header, &mut row, name, e, first);
        }
        rows.push(row);
    }
    to_csv(header, rows)
}

/// Time since the start of the horizon as d.hh:mm (or hh:mm on the first day).
fn clock(s: f64) -> String {
    let m = (s / 60.0).round() as u64;
    let (d, h, mm) = (m / 1440, (m / 60) % 24, m % 60);
    if d > 0 {
        format!("{d}.{h:02}:{mm:02}")
    } else {
        format!("{h:02}:{mm:02}")
    }
}
