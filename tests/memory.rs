//! The memory guard (docs/engine.md, "Memory"): a run too large for the memory limit is refused before it
//! simulates; a replication whose queue grows without bound stops with a clear error instead of eating the
//! machine; a normal run is untouched by it.

use assert_cmd::Command;
use std::path::Path;
use supportsim::experiment::{RunError, Runner};
use supportsim::scenario::Scenario;

mod common;

const BASE: &str = include_str!("../scenarios/erlang-a.toml");

fn bin() -> Command {
    Command::cargo_bin("supportsim").expect("the binary is built")
}

/// Runs `supportsim run` on `text` with SUPPORTSIM_MEMORY_LIMIT=`limit`: (exit code, stderr, out written).
fn run(text: &str, limit: &str, extra: &[&str]) -> (Option<i32>, String, bool) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("s.toml");
    std::fs::write(&path, text).expect("write scenario");
    let out = dir.path().join("out");
    let o = bin()
        .env("SUPPORTSIM_MEMORY_LIMIT", limit)
        .args(["run", path.to_str().expect("utf-8"), "--out"])
        .arg(&out)
        .args(["-q"])
        .args(extra)
        .output()
        .expect("runs");
    let written = Path::new(&out).exists();
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
        written,
    )
}

/// One agent, a million arrivals an hour, nobody hangs up: the queue grows by a million an hour.
fn runaway() -> String {
    BASE.replace("per_hour = 114.0", "per_hour = 1000000")
        .replace("size = 10", "size = 1")
        .replace("patience = { dist = \"exponential\", mean = \"10m\" }", "")
}

#[test]
fn a_second_by_second_fortnight_is_refused_before_it_simulates() {
    let text = BASE
        .replace("horizon = \"10h\"", "horizon = \"11d\"")
        .replace("interval = \"30m\"", "interval = \"1s\"");
    let (code, err, written) = run(&text, "8GiB", &[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(!written, "nothing is written");
    // Results alone (the old guard's count) are under 8 GiB; with the workbook and tables the run is not.
    assert!(
        err.contains("8 replications of 950400 intervals would hold about ")
            && err.contains(" for the workbook and the tables), more than the memory limit of 8.0 GiB; use fewer replications or a longer interval"),
        "{err}"
    );
    // `check` says so too.
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("s.toml");
    std::fs::write(&path, &text).expect("write");
    bin()
        .env("SUPPORTSIM_MEMORY_LIMIT", "8GiB")
        .arg("check")
        .arg(&path)
        .assert()
        .code(2);
}

#[test]
fn a_queue_that_grows_without_bound_stops_with_a_clear_error() {
    // Unguarded, the 2 hours (and the 2-hour warm-up) pile up 4 million callers, about 270 MB at the
    // peak: past the 64 MiB limit.
    let (code, err, written) = run(
        &runaway().replace("horizon = \"10h\"", "horizon = \"2h\""),
        "64MiB",
        &["--threads", "1", "--replications", "1"],
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(!written, "nothing is written");
    assert!(err.starts_with("error: replication 1: "), "{err}");
    assert!(
        err.contains(" contacts waiting in the warm-up on channel phone: the center cannot keep up (load 83333x); add agents or patience, or shorten the horizon"),
        "{err}"
    );
}

#[test]
fn both_engines_stop_a_runaway_replication_within_its_share() {
    let single = common::scenario(&runaway());
    // A second (empty) group takes the run off the single-queue kernel onto the general engine.
    let general = common::scenario(&format!(
        "{}\n[[groups]]\nname = \"spare\"\nsize = 0\nskills = {{ phone = 1.0 }}\n",
        runaway()
    ));
    let limit = 64u64 << 20;
    let runner = Runner::new(Some(1)).expect("pool").with_memory_limit(limit);
    for s in [&single, &general] {
        match runner.run_scenario(s) {
            Err(RunError::Overloaded(o)) => {
                assert_eq!((o.replication, o.channel.as_str()), (1, "phone"));
                assert!(o.waiting > 10_000, "{o}");
                assert!(
                    o.held_bytes <= o.budget_bytes && o.budget_bytes < limit,
                    "{o}"
                );
            }
            other => panic!("expected an overload, got {:?}", other.map(|r| r.len())),
        }
    }
}

#[test]
fn a_normal_scenario_runs_as_before_under_a_small_limit() {
    let (code, err, _) = run(BASE, "64MiB", &[]);
    assert_eq!(code, Some(0), "{err}");
    // The same results with the guard's budget as without any.
    let s: Scenario = common::scenario(BASE);
    let guarded = Runner::new(Some(2))
        .expect("pool")
        .with_memory_limit(64 << 20)
        .run_scenario(&s)
        .expect("fits");
    assert_eq!(guarded, supportsim::experiment::run_replications(&s));
}

#[test]
fn a_memory_limit_that_is_not_a_size_is_refused() {
    let (code, err, written) = run(BASE, "lots", &[]);
    assert_eq!(code, Some(2));
    assert!(!written);
    assert!(
        err.contains("SUPPORTSIM_MEMORY_LIMIT=\"lots\": not a size; give bytes or a size such as 8GiB, 512MiB or 16GB"),
        "{err}"
    );
}
