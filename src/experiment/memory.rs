//! How much memory a run holds, estimated before it starts, and the limit it must stay under.
//!
//! A run holds, at its peak:
//! - while it simulates: every finished replication's tally (they are all kept until the report is built),
//!   and, per replication running, the contacts it holds (waiting, open cases, their timers);
//! - after: the tallies, the summary aggregated from them (per replication and interval: the samples the
//!   confidence intervals are computed from) and what the writers hold: the workbook (rust_xlsxwriter keeps
//!   every cell in memory until it saves), the per-interval tables as cells and CSV text, the charts and
//!   report.html's interval table.
//!
//! The tallies are sized from the structs themselves; the rest per interval, from runs measured with
//! `/usr/bin/time -v` (maximum resident size) on the Erlang A scenario at 86,400 intervals of 1 s
//! (docs/engine.md, "Memory"), rounded up. The contacts a replication holds cannot be known in advance:
//! each replication gets a share of what the limit leaves and stops with a clear error if it outgrows it
//! (model::limit).

use super::RunError;
use crate::scenario::Scenario;
use crate::stats::{IntervalTally, WaitHistogram};

/// The environment variable that sets the limit: bytes, or a size such as `8GiB`, `512MiB`, `16GB`.
pub const LIMIT_VAR: &str = "SUPPORTSIM_MEMORY_LIMIT";

/// The limit where the machine's memory cannot be read.
const FALLBACK_LIMIT: u64 = 4 << 30;

/// The process itself before it holds any results: code, the rayon pool, fonts for the charts (measured:
/// 15 MiB for a small run).
const BASE_BYTES: u64 = 32 << 20;

/// Per replication and channel interval, the summary's samples beside the tally (measured: about 340).
const SAMPLE_BYTES_PER_CHANNEL_INTERVAL: u64 = 384;
/// Per replication and group interval, the same for a group.
const SAMPLE_BYTES_PER_GROUP_INTERVAL: u64 = 32;
/// Per channel interval: its row of the workbook's Intervals sheet (66 cells at about 200 bytes each in
/// rust_xlsxwriter, and as cells), of intervals.csv, of report.html and the report's interval KPIs
/// (measured: about 10,600).
const OUTPUT_BYTES_PER_CHANNEL_INTERVAL: u64 = 12 << 10;
/// Per group interval: its row of the Groups sheet and of groups.csv (measured: about 4,500).
const OUTPUT_BYTES_PER_GROUP_INTERVAL: u64 = 5 << 10;

/// What a run of a scenario will hold, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Estimate {
    /// The process before any results.
    pub base: u64,
    /// Every replication's tally and the summary's samples of it.
    pub results: u64,
    /// The report and its writers (workbook, CSVs, charts, report.html), once the simulation is done.
    pub outputs: u64,
}

impl Estimate {
    pub fn of(scenario: &Scenario) -> Estimate {
        Estimate::of_replications(scenario, u64::from(scenario.replications))
    }

    /// For `replications` replications of `scenario` (a shard's share, say).
    pub fn of_replications(scenario: &Scenario, replications: u64) -> Estimate {
        let intervals = scenario.intervals() as u64;
        let channels = scenario.channels.len() as u64;
        let groups = scenario.groups.len() as u64;
        Estimate {
            base: BASE_BYTES,
            results: replications * replication_bytes(scenario),
            outputs: intervals
                * (channels * OUTPUT_BYTES_PER_CHANNEL_INTERVAL
                    + groups * OUTPUT_BYTES_PER_GROUP_INTERVAL),
        }
    }

    /// The peak: the process, the results and the larger of the writers' share and the contacts the
    /// replications hold while they run (which the limit caps to what is left: [`replication_budget`]).
    pub fn peak(&self) -> u64 {
        self.base + self.results + self.outputs
    }
}

/// Memory one replication's tally holds, and the summary's samples of it: per channel, an interval tally,
/// a backlog count and the case levels per interval, the totals (one per class with classes, and one per
/// class and interval) and two wait histograms; per group and interval, four time integrals.
pub fn replication_bytes(scenario: &Scenario) -> u64 {
    let intervals = scenario.intervals() as u64;
    let tally = std::mem::size_of::<IntervalTally>() as u64;
    let per_interval = tally + std::mem::size_of::<u32>() as u64 + 6 * 8;
    let channels: u64 = scenario
        .channels
        .iter()
        .map(|c| {
            let classes = c.classes.len() as u64;
            let class_intervals = if classes > 1 { classes * intervals } else { 0 };
            intervals * (per_interval + SAMPLE_BYTES_PER_CHANNEL_INTERVAL)
                + (classes + 1 + class_intervals) * tally
                + 2 * WaitHistogram::BYTES as u64
        })
        .sum();
    let groups =
        scenario.groups.len() as u64 * intervals * (4 * 8 + SAMPLE_BYTES_PER_GROUP_INTERVAL);
    channels + groups
}

/// What each of `running` replications running at once may hold of contacts (model::limit): what the limit
/// leaves beside the process and the results, shared out; at least 1 MiB.
pub fn replication_budget(estimate: &Estimate, limit: u64, running: u64) -> u64 {
    if limit == crate::model::limit::UNLIMITED {
        return limit;
    }
    let left = limit.saturating_sub(estimate.base + estimate.results);
    (left / running.max(1)).max(1 << 20)
}

/// The memory limit: [`LIMIT_VAR`] when set, else [`default_limit`].
pub fn limit() -> Result<u64, RunError> {
    match std::env::var(LIMIT_VAR) {
        Ok(text) => parse_size(&text).ok_or(RunError::BadLimit { text }),
        Err(_) => Ok(default_limit()),
    }
}

/// Half of the memory this process may use: the machine's (MemTotal in /proc/meminfo), or its control
/// group's limit where lower (a container, a Slurm job); 4 GiB where neither can be read. Half, because
/// the machine has other work, and the estimate is an estimate.
pub fn default_limit() -> u64 {
    let total = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| mem_total(&m));
    let group = std::fs::read_to_string("/sys/fs/cgroup/memory.max")
        .ok()
        .and_then(|t| t.trim().parse::<u64>().ok());
    match (total, group) {
        (Some(t), Some(g)) => t.min(g) / 2,
        (Some(t), None) => t / 2,
        (None, Some(g)) => g / 2,
        (None, None) => FALLBACK_LIMIT,
    }
}

/// MemTotal of /proc/meminfo, in bytes.
fn mem_total(meminfo: &str) -> Option<u64> {
    let line = meminfo.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    kib.checked_mul(1024)
}

/// A size: bytes, or a number with a unit, binary (KiB, MiB, GiB, TiB) or decimal (KB, MB, GB, TB; K, M,
/// G, T alone are binary), case-insensitive, a space allowed before the unit. `None` unless it is a whole
/// positive number of bytes.
pub fn parse_size(text: &str) -> Option<u64> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let value: f64 = number.parse().ok()?;
    let factor: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kib" => 1024.0,
        "m" | "mib" => 1024f64.powi(2),
        "g" | "gib" => 1024f64.powi(3),
        "t" | "tib" => 1024f64.powi(4),
        "kb" => 1e3,
        "mb" => 1e6,
        "gb" => 1e9,
        "tb" => 1e12,
        _ => return None,
    };
    let bytes = value * factor;
    (1.0..1.8e19)
        .contains(&bytes)
        .then_some(bytes.round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_in_binary_and_decimal_units() {
        for (text, bytes) in [
            ("1000", Some(1000)),
            ("64MiB", Some(64 << 20)),
            ("64 mib", Some(64 << 20)),
            ("8GiB", Some(8 << 30)),
            ("8G", Some(8 << 30)),
            ("16GB", Some(16_000_000_000)),
            ("1.5GiB", Some(3 << 29)),
            ("", None),
            ("lots", None),
            ("-1GiB", None),
            ("0", None),
            ("8 parsecs", None),
        ] {
            assert_eq!(parse_size(text), bytes, "{text}");
        }
        assert_eq!(
            mem_total("MemTotal:       24684092 kB\nMemFree: 1 kB\n"),
            Some(24684092 * 1024)
        );
    }
}
