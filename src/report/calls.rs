//! The call log (`supportsim run --calls FILE.csv`): one row per contact of a replication offered to
//! agents, in the generic format `supportsim calibrate` reads (docs/output.md, "Call log").

use crate::model::observe::CallLog;
use crate::scenario::Scenario;
use crate::text::csv_cell;
use crate::time::date::{days_from_civil, format_date};
use std::fmt::Write;

/// The header, exactly.
pub const HEADER: &str = "arrival,queue_entry,answer,end,outcome,agent,channel,customer,priority";

/// The log as CSV, rows by arrival time (ties in the order the contacts ended). Times are local
/// date-times with milliseconds from the scenario's start date, or, without one, from the first date on
/// or after 2001-01-01 that falls on its start weekday.
pub fn calls_csv(s: &Scenario, log: &CallLog) -> String {
    let day0 = s.calendar.start_date.unwrap_or_else(|| {
        // 2001-01-01 was a Monday (weekday 0).
        days_from_civil(2001, 1, 1) + i64::from(s.calendar.start_weekday)
    });
    let stamp = |t: f64| {
        // Simulation time 0 is the start of the warm-up; the horizon starts on day 0 at the start's clock.
        let ms = (s.calendar.wall(t - s.warmup_s) * 1000.0).round() as i64;
        let (day, ms) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
        format!(
            "{}T{:02}:{:02}:{:02}.{:03}",
            format_date(day0 + day),
            ms / 3_600_000,
            ms / 60_000 % 60,
            ms / 1000 % 60,
            ms % 1000
        )
    };
    let mut rows: Vec<_> = log.records.iter().collect();
    rows.sort_by(|a, b| a.0.arrival.total_cmp(&b.0.arrival));
    let mut o = String::with_capacity(rows.len() * 120 + HEADER.len() + 1);
    o.push_str(HEADER);
    o.push('\n');
    for (r, case) in rows {
        let channel = &s.channels[r.channel as usize];
        let agent = r.agent.map_or(String::new(), |(g, seat)| {
            format!("{}-{}", s.groups[g as usize].name, seat + 1)
        });
        let class = channel
            .classes
            .get(r.class as usize)
            .map_or(channel.name.as_str(), |k| k.name.as_str());
        let _ = writeln!(
            o,
            "{},{},{},{},{},{},{},{},{}",
            stamp(r.arrival),
            r.queue_entry.map_or(String::new(), stamp),
            r.answer.map_or(String::new(), stamp),
            stamp(r.end),
            r.outcome.as_str(),
            csv_cell(&agent),
            csv_cell(&channel.name),
            case,
            csv_cell(class)
        );
    }
    o
}
