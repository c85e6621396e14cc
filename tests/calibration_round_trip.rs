//! The two-command job of issue 12 end to end through the binary: a known scenario is simulated with
//! `run --calls` (its per-call log in the generic CSV), `calibrate` reads the log back (staffing estimator
//! chosen by backtest, `--gap auto`), the scenario it writes passes `check` and runs, its estimates recover
//! what was simulated, and `backtest` replays the observed history. Tolerances are stated per estimate
//! from the sample sizes (about 23,000 calls).

use assert_cmd::Command;
use std::path::Path;

/// 12 agents around the clock, 140 calls per hour (load 140 × 4 min = 9.3 erlangs), lognormal handle
/// time of mean 240 s and cv 0.8, exponential patience of mean 360 s, 30% of callers in class "high"
/// (with its own, longer handle time), a week from Monday 2 March 2026.
const SCENARIO: &str = r#"
name = "round trip"
seed = 11
replications = 1
horizon = "7d"
interval = "1h"
start = "2026-03-02"

[[channels]]
name = "phone"
kind = "voice"
arrivals = { per_hour = 140.0 }
handle_time = { dist = "lognormal", mean = "240s", cv = 0.8 }
patience = { dist = "exponential", mean = "360s" }
classes = [
  { name = "regular", share = 0.7 },
  { name = "high", share = 0.3, handle_time = { dist = "lognormal", mean = "300s", cv = 0.8 } },
]

[[groups]]
name = "agents"
size = 12
skills = { phone = 1.0 }
"#;

fn bin() -> Command {
    Command::cargo_bin("supportsim").expect("the binary")
}

fn ok(args: &[&str], dir: &Path) -> String {
    let out = bin().args(args).current_dir(dir).output().expect("runs");
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn table<'a>(v: &'a toml::Value, key: &str) -> &'a toml::Value {
    v.get(key).unwrap_or_else(|| panic!("no `{key}` in {v}"))
}

fn number(v: &toml::Value) -> f64 {
    v.as_float()
        .or_else(|| v.as_integer().map(|i| i as f64))
        .expect("a number")
}

fn seconds(v: &toml::Value) -> f64 {
    let s = v.as_str().expect("a duration");
    s.trim_end_matches('s').parse().expect("seconds")
}

#[test]
fn a_simulated_log_calibrates_back_to_its_scenario_and_backtests() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    std::fs::write(d.join("known.toml"), SCENARIO).expect("write");
    ok(
        &[
            "run",
            "known.toml",
            "--out",
            "out",
            "--calls",
            "calls.csv",
            "--no-plots",
            "-q",
        ],
        d,
    );
    let summary = ok(
        &[
            "calibrate",
            "calls.csv",
            "--out",
            "calibrated.toml",
            "--history-out",
            "history.csv",
        ],
        d,
    );
    assert!(summary.contains("<- chosen"), "{summary}");
    ok(&["check", "calibrated.toml"], d);
    ok(
        &[
            "run",
            "calibrated.toml",
            "--out",
            "again",
            "--replications",
            "2",
            "--no-plots",
            "-q",
        ],
        d,
    );
    let text = std::fs::read_to_string(d.join("calibrated.toml")).expect("read");
    let cal: toml::Value = toml::from_str(&text).expect("TOML");
    let channel = &table(&cal, "channels").as_array().expect("channels")[0];

    // Arrivals: 168 cells of Poisson(140); their mean has a standard error of sqrt(140/168) = 0.91.
    let rates: Vec<f64> = table(table(channel, "arrivals"), "per_hour")
        .as_array()
        .expect("per_hour")
        .iter()
        .map(number)
        .collect();
    assert_eq!(rates.len(), 168);
    let mean_rate = rates.iter().sum::<f64>() / 168.0;
    assert!((mean_rate - 140.0).abs() < 4.0, "arrivals {mean_rate}");

    // Handle time: the mean of the hour means is the overall mean talk time, 0.7 × 240 + 0.3 × 300 = 258 s
    // (standard error about 0.8 × 258 / sqrt(23,000) = 1.4 s, plus the hour-to-hour spread). The
    // simulated agents take the next caller at once, so the after-call work estimate must be about 0.
    assert!(
        summary.contains("after-call work: 0.0 s") || summary.contains("after-call work: none"),
        "{summary}"
    );
    let by_hour: Vec<f64> = table(table(channel, "handle_time"), "mean_by_hour")
        .as_array()
        .expect("mean_by_hour")
        .iter()
        .map(seconds)
        .collect();
    let mean_handle = by_hour.iter().sum::<f64>() / 24.0;
    assert!((mean_handle - 258.0).abs() < 8.0, "handle {mean_handle}");

    // Classes: the high share (binomial, sd sqrt(0.21 / 23,000) = 0.003) and its own longer handle time.
    let classes = table(channel, "classes").as_array().expect("classes");
    let high = classes
        .iter()
        .find(|c| table(c, "name").as_str() == Some("high"))
        .expect("class high");
    assert!((number(table(high, "share")) - 0.3).abs() < 0.015, "{high}");
    let high_hours: Vec<f64> = table(table(high, "handle_time"), "mean_by_hour")
        .as_array()
        .expect("class mean_by_hour")
        .iter()
        .map(seconds)
        .collect();
    let high_mean = high_hours.iter().sum::<f64>() / 24.0;
    assert!((high_mean - 300.0).abs() < 15.0, "high handle {high_mean}");

    // Patience: the Kaplan-Meier survival at 1 minute is exp(-60/360) = 0.846 (thousands of callers wait
    // that long; 0.03 is several standard errors).
    let points = table(table(channel, "patience"), "points")
        .as_array()
        .expect("survival points");
    let at_minute = points
        .iter()
        .find(|p| {
            let p = p.as_array().expect("point");
            p[0].as_str() == Some("60s") || p[0].as_str() == Some("1m")
        })
        .expect("a point at 1 min");
    let s60 = number(&at_minute.as_array().expect("point")[1]);
    assert!(
        (s60 - (-60.0f64 / 360.0).exp()).abs() < 0.03,
        "S(60 s) = {s60}"
    );

    // Staffing: 12 agents on duty all week, busy about 78% of the time.
    let size: Vec<f64> = table(
        &table(&cal, "groups").as_array().expect("groups")[0],
        "size",
    )
    .as_array()
    .expect("size per interval")
    .iter()
    .map(number)
    .collect();
    let mean_size = size.iter().sum::<f64>() / size.len() as f64;
    assert!((mean_size - 12.0).abs() < 0.6, "agents {mean_size}");

    // The backtest replays the observed week with the calibrated model; its simulated abandonment is
    // unbiased within 2 points over the 168 hours (each hour's observed rate has a standard error of
    // about 1.5 points; their mean, 0.12).
    ok(
        &[
            "backtest",
            "calibrated.toml",
            "--history",
            "history.csv",
            "--out",
            "bt",
            "--replications",
            "4",
            "--no-plots",
            "-q",
        ],
        d,
    );
    let history = std::fs::read_to_string(d.join("history.csv")).expect("history");
    let predictions = std::fs::read_to_string(d.join("bt/predictions.csv")).expect("predictions");
    assert_eq!(history.lines().count(), predictions.lines().count());
    let scorecard = std::fs::read_to_string(d.join("bt/scorecard.csv")).expect("scorecard");
    let row = scorecard
        .lines()
        .find(|l| l.starts_with("overall,all,abandon_rate,"))
        .expect("overall abandonment row");
    let bias: f64 = row
        .split(',')
        .nth(5)
        .expect("bias")
        .parse()
        .expect("number");
    assert!(bias.abs() < 0.02, "abandonment bias {bias}: {row}");
}
