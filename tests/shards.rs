//! Sharded runs: `--shard I/N` (or a scheduler's task index) runs one range of the replications and writes
//! its part; `supportsim merge` puts the parts together into exactly the files the unsharded command
//! writes, and refuses parts that do not make one whole run.

mod common;

use assert_cmd::Command;
use common::files;
use std::path::{Path, PathBuf};

fn bin() -> Command {
    let mut c = Command::cargo_bin("supportsim").expect("the binary is built");
    // Fixed "generated" dates, so that report.html and the workbooks compare byte for byte; no scheduler
    // variables leaking in from a CI that runs under one.
    c.env("SOURCE_DATE_EPOCH", "1700000000");
    for var in [
        "SLURM_ARRAY_TASK_ID",
        "SLURM_ARRAY_TASK_COUNT",
        "SLURM_ARRAY_TASK_MIN",
        "SLURM_ARRAY_TASK_MAX",
        "SLURM_CPUS_PER_TASK",
        "JOB_COMPLETION_INDEX",
        "AWS_BATCH_JOB_ARRAY_INDEX",
    ] {
        c.env_remove(var);
    }
    c
}

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name)
}

fn utf8(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn ok(c: &mut Command) -> String {
    let o = c.output().expect("runs");
    assert!(
        o.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).expect("utf-8")
}

/// Runs `scenario` in `shards` shards (each into its own folder, as separate machines would) and merges
/// the parts into `out`.
fn sharded(scenario: &Path, extra: &[&str], shards: u32, work: &Path, out: &Path) {
    let mut parts = Vec::new();
    for i in 0..shards {
        let dir = work.join(format!("shard{i}"));
        let stdout = ok(bin()
            .args(["run", utf8(scenario), "--out", utf8(&dir)])
            .args(["--shard", &format!("{i}/{shards}")])
            .args(extra));
        assert!(stdout.contains("wrote "), "{stdout}");
        let part = dir.join(format!("part-{i:04}-of-{shards:04}.json"));
        assert!(part.is_file(), "{stdout}");
        // A part is all a shard writes.
        assert_eq!(std::fs::read_dir(&dir).expect("dir").count(), 1);
        parts.push(part);
    }
    // Any order.
    parts.reverse();
    let mut merge = bin();
    merge.arg("merge");
    for p in &parts {
        merge.arg(p);
    }
    ok(merge
        .args(["--out", utf8(out)])
        .args(extra.iter().filter(|a| **a == "--no-plots")));
}

#[test]
fn one_four_and_forty_shards_write_the_unsharded_files_byte_for_byte() {
    let work = tempfile::tempdir().expect("temp dir");
    let scenario = example("erlang-a.toml");
    let whole = work.path().join("whole");
    let table = ok(bin().args(["run", utf8(&scenario), "--out", utf8(&whole)]));
    let expected = files(&whole);
    assert!(expected.iter().any(|(p, _)| p.ends_with("summary.json")));
    assert!(expected.iter().any(|(p, _)| p.starts_with("plots")));
    for shards in [1, 4, 40] {
        let out = work.path().join(format!("merged{shards}"));
        sharded(
            &scenario,
            &[],
            shards,
            &work.path().join(format!("w{shards}")),
            &out,
        );
        let got = files(&out);
        assert_eq!(
            got.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>(),
            expected.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>(),
            "{shards} shards: the same files"
        );
        for ((path, a), (_, b)) in expected.iter().zip(&got) {
            assert!(a == b, "{shards} shards: {} differs", path.display());
        }
    }
    // merge prints the table the run printed (the output folder named the same way).
    let again = work.path().join("again");
    sharded(&scenario, &[], 2, &work.path().join("w2"), &again);
    let merged_table = ok(bin()
        .args(["merge"])
        .arg(work.path().join("w2/shard0/part-0000-of-0002.json"))
        .arg(work.path().join("w2/shard1/part-0001-of-0002.json"))
        .args(["--out", utf8(&whole)]));
    assert_eq!(merged_table, table);
}

#[test]
fn a_week_with_shifts_journeys_and_overrides_merges_exactly() {
    let work = tempfile::tempdir().expect("temp dir");
    let scenario = example("omnichannel.toml");
    let args = ["--replications", "5", "--seed", "99", "--no-plots"];
    let whole = work.path().join("whole");
    ok(bin()
        .args(["run", utf8(&scenario), "--out", utf8(&whole)])
        .args(args));
    let out = work.path().join("merged");
    sharded(&scenario, &args, 3, &work.path().join("w"), &out);
    assert!(
        files(&whole) == files(&out),
        "3 shards differ from the whole run"
    );
}

#[test]
fn the_shard_comes_from_the_schedulers_environment() {
    let work = tempfile::tempdir().expect("temp dir");
    let scenario = example("erlang-a.toml");
    // Slurm array --array=1-4, task 3: shard 2 of 4.
    let dir = work.path().join("slurm");
    ok(bin()
        .args(["run", utf8(&scenario), "--out", utf8(&dir), "--no-plots"])
        .env("SLURM_ARRAY_TASK_ID", "3")
        .env("SLURM_ARRAY_TASK_MIN", "1")
        .env("SLURM_ARRAY_TASK_MAX", "4")
        .env("SLURM_CPUS_PER_TASK", "1"));
    assert!(dir.join("part-0002-of-0004.json").is_file());
    // A Kubernetes Indexed Job publishes the index only: the count is a flag.
    let dir = work.path().join("k8s");
    ok(bin()
        .args(["run", utf8(&scenario), "--out", utf8(&dir), "--shards", "4"])
        .env("JOB_COMPLETION_INDEX", "1"));
    assert!(dir.join("part-0001-of-0004.json").is_file());
    let o = bin()
        .args(["run", utf8(&scenario), "--out", utf8(&dir)])
        .env("JOB_COMPLETION_INDEX", "1")
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--shard 1/N"));
}

#[test]
fn parts_that_do_not_make_one_run_are_refused_and_nothing_is_written() {
    let work = tempfile::tempdir().expect("temp dir");
    let scenario = example("erlang-a.toml");
    let part = |i: u32, n: u32, extra: &[&str]| {
        let dir = work.path().join(format!("p{i}-{n}-{}", extra.join("")));
        ok(bin()
            .args(["run", utf8(&scenario), "--out", utf8(&dir)])
            .args(["--shard", &format!("{i}/{n}")])
            .args(extra));
        dir.join(format!("part-{i:04}-of-{n:04}.json"))
    };
    let (a, b, c) = (part(0, 3, &[]), part(1, 3, &[]), part(2, 3, &[]));
    let other_seed = part(2, 3, &["--seed", "8"]);
    let refused = |parts: &[&PathBuf], needle: &str| {
        let out = work.path().join("out");
        let o = bin()
            .arg("merge")
            .args(parts.iter().map(|p| utf8(p)))
            .args(["--out", utf8(&out)])
            .output()
            .expect("runs");
        let err = String::from_utf8_lossy(&o.stderr).to_string();
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains(needle), "expected {needle:?} in {err}");
        assert!(!out.exists(), "a refused merge writes nothing");
    };
    refused(
        &[&a, &b],
        "items 6..8 of 8 are in no part given (shard 2/3)",
    );
    refused(&[&a, &b, &c, &b], "are in both");
    refused(&[&a, &b, &other_seed], "seeds differ");
    let junk = work.path().join("junk.json");
    std::fs::write(&junk, "{\"x\": 1}").expect("write");
    refused(&[&a, &junk], "is not a part of a sharded supportsim run");
    refused(&[&a, &work.path().join("none.json")], "cannot read");
    let o = bin()
        .args(["run", utf8(&scenario), "--shard", "4/4"])
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("0 <= INDEX < COUNT"));
}

#[test]
fn a_sharded_comparison_with_its_timeline_merges_exactly() {
    let work = tempfile::tempdir().expect("temp dir");
    let base = example("new-hires.toml");
    // The file's own variant: a cohort that does not learn.
    let text = std::fs::read_to_string(&base).expect("read");
    let variant = work.path().join("no-learning.toml");
    let text: String = text
        .lines()
        .filter(|l| !l.starts_with("learning"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&variant, text).expect("write");
    let args = ["--replications", "4", "--no-plots", "--timeline", "day"];
    let compare = |out: &Path, shard: Option<String>| {
        let mut c = bin();
        c.args(["compare", utf8(&variant), utf8(&base), "--out", utf8(out)])
            .args(args);
        if let Some(s) = shard {
            c.args(["--shard", &s]);
        }
        ok(&mut c)
    };
    let whole = work.path().join("whole");
    let table = compare(&whole, None);
    assert!(whole.join("timeline.csv").is_file());
    let mut merge = bin();
    merge.arg("merge");
    // 8 items (2 scenarios x 4 replications) in 3 shards: the middle one spans both scenarios.
    for i in 0..3 {
        let dir = work.path().join(format!("s{i}"));
        compare(&dir, Some(format!("{i}/3")));
        merge.arg(dir.join(format!("part-{i:04}-of-0003.json")));
    }
    let out = work.path().join("merged");
    let merged_table = ok(merge.args(["--out", utf8(&out), "--no-plots"]));
    assert_eq!(
        merged_table.replace(utf8(&out), "OUT"),
        table.replace(utf8(&whole), "OUT")
    );
    assert!(
        files(&whole) == files(&out),
        "the merged comparison differs"
    );
}

#[test]
fn a_sharded_sweep_merges_into_the_unsharded_sweep_files() {
    let work = tempfile::tempdir().expect("temp dir");
    let scenario = example("erlang-a.toml");
    let args = [
        "--set",
        "groups.agents.size=9..11:1",
        "--set",
        "channels.phone.patience.mean=5m,10m",
        "--replications",
        "3",
    ];
    let whole = work.path().join("whole");
    ok(bin()
        .args(["sweep", utf8(&scenario), "--out", utf8(&whole)])
        .args(args));
    assert!(whole.join("sweep.csv").is_file() && whole.join("plots").is_dir());
    for shards in [4u32, 40] {
        let mut merge = bin();
        merge.arg("merge");
        for i in 0..shards {
            let dir = work.path().join(format!("n{shards}s{i}"));
            ok(bin()
                .args(["sweep", utf8(&scenario), "--out", utf8(&dir)])
                .args(args)
                .args(["--shard", &format!("{i}/{shards}")]));
            merge.arg(dir.join(format!("part-{i:04}-of-{shards:04}.json")));
        }
        let out = work.path().join(format!("merged{shards}"));
        ok(merge.args(["--out", utf8(&out)]));
        assert!(
            files(&whole) == files(&out),
            "{shards} shards: the merged sweep differs"
        );
    }
}
