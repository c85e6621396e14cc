//! The bodies of the fuzz targets, shared by the targets in fuzz_targets/ (nightly, cargo-fuzz) and by
//! tests/fuzz_corpus.rs (stable, the normal suite), which runs every file of fuzz/corpus/<target>/ through
//! the same function. Each one must return normally for any input: a panic is a bug in the library.

#![allow(dead_code)]

use std::path::Path;
use supportsim::calibration::fit::{FitOptions, fit};
use supportsim::calibration::history::History;
use supportsim::calibration::read::{CsvOptions, TimeFormat, read_bank1999, read_csv};
use supportsim::scenario::Scenario;

/// Scenario text as `supportsim check` reads it: parse and validate (empirical and forecast files relative
/// to `base_dir`), the size check, and every error message formatted (they slice the text at spans).
pub fn scenario_check(data: &[u8], base_dir: &Path) -> Option<Scenario> {
    let text = String::from_utf8_lossy(data);
    match Scenario::from_toml(&text, "fuzz.toml", Some(base_dir)) {
        Ok(s) => {
            if let Err(e) = supportsim::experiment::check_size(&s) {
                let _ = e.to_string();
                return None;
            }
            Some(s)
        }
        Err(e) => {
            let _ = e.to_string();
            None
        }
    }
}

/// Expected arrivals (all channels, warm-up and horizon) above which `scenario_run` skips an input: one
/// replication must take milliseconds, not seconds.
pub const RUN_MAX_ARRIVALS: f64 = 5000.0;
/// Reporting intervals above which `scenario_run` skips an input.
pub const RUN_MAX_INTERVALS: usize = 2000;
/// Agents (largest size of each group, summed) above which `scenario_run` skips an input.
pub const RUN_MAX_AGENTS: u64 = 2000;

/// A valid scenario, clamped to one replication, compiled, run and reported. Scenarios too big to run in
/// milliseconds are skipped (the size is the fuzzer's to vary, not the engine's to survive here).
pub fn scenario_run(data: &[u8], base_dir: &Path) {
    let Some(mut s) = scenario_check(data, base_dir) else {
        return;
    };
    s.replications = 1;
    let intervals = s.intervals();
    let simulated = ((s.warmup_s + s.horizon_s) / s.interval_s).ceil() as usize;
    let interval_h = s.interval_s / 3600.0;
    let arrivals: f64 = s
        .channels
        .iter()
        .map(|c| {
            (0..simulated)
                .map(|k| c.arrivals_per_hour.at(k as i64) * interval_h)
                .sum::<f64>()
        })
        .sum();
    let agents: u64 = s
        .groups
        .iter()
        .map(|g| {
            let size = g.size.values().iter().copied().max().unwrap_or(0);
            let shifts: u64 = g.shifts.iter().map(|sh| u64::from(sh.agents)).sum();
            u64::from(size) + shifts
        })
        .sum();
    if intervals > RUN_MAX_INTERVALS
        || simulated > 2 * RUN_MAX_INTERVALS
        || arrivals.is_nan()
        || arrivals > RUN_MAX_ARRIVALS
        || agents > RUN_MAX_AGENTS
    {
        return;
    }
    let reps = supportsim::experiment::run_replications(&s);
    let report = supportsim::report::Report::build(&s, &reps);
    let _ = supportsim::report::json::summary_json(&report);
    let _ = supportsim::report::csv::intervals_csv(&report);
    let _ = supportsim::report::csv::groups_csv(&report);
}

/// The calibration readers. The first byte picks the reader, the second its options; the rest is the
/// file's text:
/// - 0: the bank1999 reader;
/// - 1: the generic CSV reader, with a delimiter and a time format picked by the second byte;
/// - 2: the history CSV reader, at an interval picked by the second byte;
/// - 3: the reader's option parsers (`--time-format`, `--columns`, `--outcomes`) on each line.
///
/// Read logs are fitted too (the estimators read what the readers keep).
pub fn calibration_logs(data: &[u8]) {
    let (Some(&mode), Some(&option)) = (data.first(), data.get(1)) else {
        return;
    };
    let text = String::from_utf8_lossy(&data[2..]);
    let log = match mode % 4 {
        0 => read_bank1999("fuzz.txt", &text),
        1 => {
            let delimiter = [b',', b';', b'\t', b'|'][usize::from(option % 4)];
            let time_format = match (option / 4) % 4 {
                0 => TimeFormat::Iso,
                1 => TimeFormat::Unix,
                2 => TimeFormat::Pattern("%d/%m/%Y %H:%M:%S".into()),
                _ => TimeFormat::Pattern("%y%m%d %H%M%S".into()),
            };
            let opts = CsvOptions {
                delimiter,
                time_format,
                channel: (option & 0x10 != 0).then(|| "phone".to_string()),
                ..CsvOptions::default()
            };
            read_csv("fuzz.csv", &text, &opts)
        }
        2 => {
            let interval_s = [900.0, 1800.0, 3600.0, 60.0][usize::from(option % 4)];
            match History::parse(&text, "fuzz.csv", interval_s) {
                Ok(h) => {
                    let _ = h.days();
                }
                Err(e) => {
                    let _ = e.to_string();
                }
            }
            return;
        }
        _ => {
            for line in text.lines() {
                if let Ok(f) = TimeFormat::parse(line) {
                    let _ = f.read(line);
                }
                let _ = CsvOptions::parse_columns(line).map_err(|e| e.to_string());
                let _ = CsvOptions::parse_outcomes(line).map_err(|e| e.to_string());
            }
            return;
        }
    };
    match log {
        Ok(mut log) => {
            log.sort();
            let _ = log.summary.lines();
            for row in &log.summary.bad_rows {
                let _ = row.to_string();
            }
            let options = FitOptions {
                interval_s: [3600.0, 1800.0][usize::from(option >> 7)],
                ..FitOptions::default()
            };
            if let Err(e) = fit(&log, &options) {
                let _ = e.to_string();
            }
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
}
