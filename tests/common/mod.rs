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

/// The cases of ../shared/reference/queueing_cases.json, or `None` (with the reason on stderr) when the
/// shared folder is not there and the tests do not run in CI. In CI (`CI` set, as every CI service does)
/// a missing folder fails the test with the same message: there a test must not pass without checking.
pub fn reference_cases() -> Option<Vec<Value>> {
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    match load_reference(&shared_dir(), ci) {
        Ok(cases) => cases,
        Err(message) => panic!("{message}"),
    }
}

/// The reference cases under `shared`: `Ok(None)` when the file is missing outside CI (after saying so on
/// stderr), `Err` with what is missing and how to provide it when it is missing in CI, unreadable or not
/// the reference file.
pub fn load_reference(shared: &std::path::Path, ci: bool) -> Result<Option<Vec<Value>>, String> {
    let path = shared.join("reference").join("queueing_cases.json");
    if !path.is_file() {
        let message = format!(
            "{} not found: these tests compare with the exact queueing values in the project's shared \
             folder (../shared beside this repository, as CI checks it out); put it there or set \
             SUPPORTSIM_SHARED=/path/to/shared",
            path.display()
        );
        if ci {
            return Err(message);
        }
        eprintln!("skipped (not in CI): {message}");
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let json: Value = serde_json::from_str(&text)
        .map_err(|e| format!("{} is not valid JSON: {e}", path.display()))?;
    json["cases"]
        .as_array()
        .cloned()
        .map(Some)
        .ok_or_else(|| format!("{} has no `cases` array", path.display()))
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

/// Every file under `dir` (path relative to it, bytes), sorted: two output folders compared file by file.
pub fn files(dir: &std::path::Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).expect("under dir").to_path_buf();
                out.push((rel, std::fs::read(&p).expect("read")));
            }
        }
    }
    out.sort();
    out
}

/// Column `name` of a CSV as text, row by row.
pub fn column(csv: &str, name: &str) -> Vec<String> {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().expect("a header").split(',').collect();
    let c = header
        .iter()
        .position(|h| *h == name)
        .unwrap_or_else(|| panic!("no column {name} in {header:?}"));
    lines
        .map(|l| l.split(',').nth(c).expect("the cell").to_string())
        .collect()
}
