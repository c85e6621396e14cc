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
