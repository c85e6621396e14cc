//! Runs every file of fuzz/corpus/<target>/ (the seeds and the minimized crashers the fuzzers found)
//! through the fuzz targets' own bodies (fuzz/harness.rs), so the normal suite on the stable toolchain
//! catches a regression without nightly or cargo-fuzz. A panic fails the test, naming the file.

#[path = "../fuzz/harness.rs"]
mod harness;

use std::path::{Path, PathBuf};

fn corpus(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// Runs `body` on each file of the corpus, and asserts it returned for all (reporting every one that
/// panicked, not only the first).
fn run_all(target: &str, body: impl Fn(&[u8]) + std::panic::RefUnwindSafe) -> usize {
    let files = corpus(target);
    assert!(
        files.len() >= 5,
        "fuzz/corpus/{target}/ has {} files",
        files.len()
    );
    let mut failed = Vec::new();
    for path in &files {
        let data = std::fs::read(path).expect("read");
        if std::panic::catch_unwind(|| body(&data)).is_err() {
            failed.push(path.display().to_string());
        }
    }
    assert!(failed.is_empty(), "panicked on: {failed:?}");
    files.len()
}

fn scenarios_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

#[test]
fn scenario_check_corpus_never_panics() {
    let base = scenarios_dir();
    run_all("scenario_check", |d| {
        harness::scenario_check(d, &base);
    });
    // The seeds include the shipped scenarios: those must still validate through the harness.
    let ok = corpus("scenario_check")
        .iter()
        .filter(|p| harness::scenario_check(&std::fs::read(p).expect("read"), &base).is_some())
        .count();
    assert!(ok >= 10, "only {ok} corpus scenarios validate");
}

#[test]
fn scenario_run_corpus_never_panics() {
    let base = scenarios_dir();
    run_all("scenario_run", |d| harness::scenario_run(d, &base));
}

#[test]
fn calibration_logs_corpus_never_panics() {
    run_all("calibration_logs", harness::calibration_logs);
}

/// Found by the calibration_logs fuzzer (a slow unit, 12 s): one CSV row whose end was typed 26 years
/// after its answer spread one agent over 228,000 hourly intervals in the staffing estimate. The row is
/// now dropped as bad, with its line, and the fit is quick.
#[test]
fn a_csv_row_whose_end_is_years_after_its_answer_is_dropped_not_spread() {
    use supportsim::calibration::read::{CsvOptions, DropReason, read_csv};
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus/calibration_logs/slow-csv-end-26-years-after-answer");
    let data = std::fs::read(&path).expect("read");
    let text = String::from_utf8_lossy(&data[2..]);
    let log = read_csv("calls.csv", &text, &CsvOptions::default()).expect("reads");
    assert_eq!(log.summary.dropped.get(&DropReason::TooLong), Some(&1));
    let row = log
        .summary
        .bad_rows
        .iter()
        .find(|r| r.reason == DropReason::TooLong)
        .expect("listed");
    assert_eq!(
        row.to_string(),
        "calls.csv:5: end is 9497.0 days after answer: a handle time longer than a day (a mistyped date?)"
    );
    let started = std::time::Instant::now();
    harness::calibration_logs(&data);
    assert!(
        started.elapsed().as_secs_f64() < 1.0,
        "{:?}",
        started.elapsed()
    );
}
