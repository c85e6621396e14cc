//! A real cluster: brings up a single-node Slurm (../shared/cluster/slurm-single-node-up.sh, Debian's
//! packages, which .ci/run installs), submits the job-array sweep and its dependent merge job exactly as
//! docs/cluster.md shows (docs/cluster/*.sbatch), waits for them, and compares the merged files with the
//! same sweep run on one machine, byte for byte. Brings the cluster down afterwards.
//!
//! It needs root (the daemons) and ../shared; outside CI it is skipped with a message when either is
//! missing, under CI=true it fails instead (unless SUPPORTSIM_SKIP_SLURM is set: leaving it out on purpose).

mod common;

use common::files;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Why the test cannot run here, if it cannot.
fn unavailable(cluster: &Path) -> Option<String> {
    if std::env::var_os("SUPPORTSIM_SKIP_SLURM").is_some() {
        return Some("SUPPORTSIM_SKIP_SLURM is set".into());
    }
    if !cluster.join("slurm-single-node-up.sh").is_file() {
        return Some(format!(
            "{} not found: put ../shared beside the repository (or set SUPPORTSIM_SHARED)",
            cluster.display()
        ));
    }
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    if !root {
        return Some("a single-node Slurm needs root to start its daemons".into());
    }
    None
}

/// Stops the cluster when the test ends, passed or failed.
struct Cluster(PathBuf);

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(self.0.join("slurm-single-node-down.sh"))
            .status();
    }
}

fn sbatch(args: &[&str], env: &[(&str, &str)], dir: &Path) -> String {
    let o = Command::new("sbatch")
        .args(args)
        .envs(env.iter().copied())
        .current_dir(dir)
        .output()
        .expect("sbatch runs");
    assert!(
        o.status.success(),
        "sbatch {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    // --parsable prints "jobid" or "jobid;cluster".
    String::from_utf8_lossy(&o.stdout)
        .trim()
        .split(';')
        .next()
        .expect("a job id")
        .to_string()
}

#[test]
fn a_job_array_sweep_and_its_merge_job_on_slurm_match_one_machine() {
    let cluster = common::shared_dir().join("cluster");
    if let Some(why) = unavailable(&cluster) {
        assert!(
            std::env::var("CI").is_err() || std::env::var_os("SUPPORTSIM_SKIP_SLURM").is_some(),
            "CI must run the Slurm test (or set SUPPORTSIM_SKIP_SLURM to leave it out on purpose): {why}"
        );
        eprintln!("skipped: {why}");
        return;
    }
    let up = Command::new("bash")
        .arg(cluster.join("slurm-single-node-up.sh"))
        .output()
        .expect("the up script runs");
    let _down = Cluster(cluster.clone());
    assert!(
        up.status.success(),
        "the single-node cluster did not come up: {}{}",
        String::from_utf8_lossy(&up.stdout),
        String::from_utf8_lossy(&up.stderr)
    );

    let work = tempfile::tempdir().expect("temp dir");
    let out = work.path().join("cluster");
    let scenario = manifest().join("scenarios/erlang-a.toml");
    let bin = env!("CARGO_BIN_EXE_supportsim");
    let (set, replications) = ("groups.agents.size=9..12:1", "5");
    let env = [
        ("SUPPORTSIM", bin),
        ("SCENARIO", scenario.to_str().expect("utf-8")),
        ("SET", set),
        ("REPLICATIONS", replications),
        ("OUT", out.to_str().expect("utf-8")),
        ("SOURCE_DATE_EPOCH", "1700000000"),
    ];
    let scripts = manifest().join("docs/cluster");
    let array = sbatch(
        &[
            "--parsable",
            scripts.join("sweep-array.sbatch").to_str().expect("utf-8"),
        ],
        &env,
        work.path(),
    );
    let merge = sbatch(
        &[
            "--parsable",
            &format!("--dependency=afterok:{array}"),
            scripts.join("merge.sbatch").to_str().expect("utf-8"),
        ],
        &env,
        work.path(),
    );
    // Wait until both have left the queue (a few seconds here; give up after three minutes).
    let started = Instant::now();
    loop {
        let q = Command::new("squeue")
            .args(["-h", "-j", &format!("{array},{merge}")])
            .output()
            .expect("squeue runs");
        if String::from_utf8_lossy(&q.stdout).trim().is_empty() {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(180),
            "the jobs did not finish: {}",
            String::from_utf8_lossy(&q.stdout)
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    let logs = || {
        let mut text = String::new();
        for e in std::fs::read_dir(work.path()).expect("dir").flatten() {
            if e.path().extension().is_some_and(|x| x == "out") {
                text.push_str(&std::fs::read_to_string(e.path()).unwrap_or_default());
            }
        }
        text
    };
    for task in 0..4 {
        let part = out.join(format!("parts/task-{task}/part-{task:04}-of-0004.json"));
        assert!(part.is_file(), "task {task} wrote no part: {}", logs());
    }
    let merged = out.join("merged");
    assert!(
        merged.join("sweep.csv").is_file(),
        "the merge job wrote nothing: {}",
        logs()
    );

    // The same sweep on this machine.
    let whole = work.path().join("whole");
    let o = Command::new(bin)
        .args(["sweep", scenario.to_str().expect("utf-8"), "--set", set])
        .args(["--replications", replications, "--out"])
        .arg(&whole)
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (a, b) = (files(&whole), files(&merged));
    assert_eq!(
        a.iter().map(|(p, _)| p).collect::<Vec<_>>(),
        b.iter().map(|(p, _)| p).collect::<Vec<_>>()
    );
    for ((path, x), (_, y)) in a.iter().zip(&b) {
        assert!(
            x == y,
            "{} differs between the cluster and one machine",
            path.display()
        );
    }
}
