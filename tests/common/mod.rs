//! Helpers shared by the integration tests: where ../shared is, loading the reference cases, running the
//! binary.
#![allow(dead_code)]

use serde_json::Value;
use std::path::PathBuf;

/// ../shared beside the repository (CI clones main with shared/ next to it); SUPPORTSIM_SHARED overrides.
pub fn shared_dir() -> PathBuf {
    std::env::var_os("SUPPORTSIM_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("..")
                .join("shared")
        })
}

/// The cases of ../shared/reference/queueing_cases.json.
pub fn reference_cases() -> Vec<Value> {
    let path = shared_dir().join("reference").join("queueing_cases.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let json: Value = serde_json::from_str(&text).expect("the reference file is valid JSON");
    json["cases"]
        .as_array()
        .expect("reference has a cases array")
        .clone()
}

pub fn f(v: &Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} is not a number in {v}"))
}

/// A scenario from TOML text, panicking with the validation message if it is rejected.
pub fn scenario(text: &str) -> supportsim::scenario::Scenario {
    supportsim::scenario::Scenario::from_toml(text, "test.toml", None)
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Runs every replication of a scenario given as TOML text and builds its report.
pub fn run(text: &str) -> supportsim::report::Report {
    let s = scenario(text);
    supportsim::report::Report::build(&s, &supportsim::experiment::run_replications(&s))
}

/// The mean of an estimate that must be defined.
pub fn mean(e: &supportsim::stats::Estimate) -> f64 {
    e.mean.expect("defined")
}

/// Runs the supportsim binary with `args` and `--out out` (report dates fixed by SOURCE_DATE_EPOCH to
/// 2026-11-22 09:00 UTC) and asserts that it succeeds.
pub fn run_ok(args: &[&str], out: &std::path::Path) {
    let o = assert_cmd::Command::cargo_bin("supportsim")
        .expect("the binary is built")
        .args(args)
        .arg("--out")
        .arg(out)
        .env("SOURCE_DATE_EPOCH", "1795338000")
        .output()
        .expect("the command starts");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}
